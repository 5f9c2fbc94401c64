import { Controller, Get, Post, RequestMethod, type Type } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants.js';
import { DiscoveryService, MetadataScanner, ModulesContainer } from '@nestjs/core';
import { ACCESS_KEY, Public, Roles } from '../src/common/access.decorators.js';
import { startTestApp, type TestApp } from './helpers/test-app.js';

interface RouteAccess {
  method: string;
  path: string;
  access: string | undefined;
  handler: string;
}

function joinPath(...parts: (string | undefined)[]): string {
  return '/' + parts.flatMap((p) => (p ?? '').split('/')).filter(Boolean).join('/');
}

/**
 * Every route handler of these controllers with the access it declares, read as the global
 * AccessGuard reads it: the handler's ACCESS_KEY, else the controller's.
 */
function describeRoutes(controllers: Type[]): RouteAccess[] {
  const scanner = new MetadataScanner();
  const routes: RouteAccess[] = [];
  for (const controller of controllers) {
    const classPaths: string[] = [Reflect.getMetadata(PATH_METADATA, controller) ?? ''].flat();
    for (const name of scanner.getAllMethodNames(controller.prototype)) {
      const handler = controller.prototype[name];
      const methodPaths = Reflect.getMetadata(PATH_METADATA, handler);
      if (methodPaths === undefined) continue; // a helper method, not a route
      const method = RequestMethod[Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod];
      const access = Reflect.getMetadata(ACCESS_KEY, handler) ?? Reflect.getMetadata(ACCESS_KEY, controller);
      for (const classPath of classPaths) {
        for (const methodPath of [methodPaths].flat()) {
          routes.push({ method, path: joinPath(classPath, methodPath), access, handler: `${controller.name}.${name}` });
        }
      }
    }
  }
  return routes.sort((a, b) => a.path.localeCompare(b.path) || a.method.localeCompare(b.method));
}

/** The routes Express actually serves, as "METHOD /path". */
function expressRoutes(t: TestApp): string[] {
  const router = t.app.getHttpAdapter().getInstance().router as {
    stack: { route?: { path: string; methods: Record<string, boolean> } }[];
  };
  return router.stack
    // Nest's own catch-alls answer 404 for unknown paths; they are not routes anyone declared.
    .filter((layer) => layer.route && layer.route.path !== '{/*splat}')
    .flatMap((layer) =>
      Object.keys(layer.route!.methods)
        .filter((m) => m !== '_all')
        .map((m) => `${m.toUpperCase()} ${layer.route!.path}`),
    )
    .sort();
}

describe('route access', () => {
  let t: TestApp;
  let routes: RouteAccess[];

  beforeAll(async () => {
    t = await startTestApp();
    const controllers = new DiscoveryService(t.app.get(ModulesContainer))
      .getControllers()
      .map((wrapper) => wrapper.metatype as Type)
      .filter(Boolean);
    routes = describeRoutes([...new Set(controllers)]);
  });
  afterAll(() => t.close());

  it('finds every route that Express serves', () => {
    expect(routes.length).toBeGreaterThan(10);
    expect(routes.map((r) => `${r.method} ${r.path}`).sort()).toEqual(expressRoutes(t));
  });

  it('has every route declare its access', () => {
    const table = routes.map((r) => `${r.method.padEnd(6)} ${r.path.padEnd(50)} ${r.access ?? 'NONE'}`);
    console.log(['METHOD PATH'.padEnd(58) + 'ACCESS', ...table].join('\n'));
    const undeclared = routes.filter((r) => !['public', 'user', 'admin'].includes(r.access ?? ''));
    expect(undeclared, 'routes without @Public(), @Authenticated() or @Roles()').toEqual([]);
  });

  it.each([
    ['GET', '/status', 'public'],
    ['GET', '/login', 'public'],
    ['POST', '/login', 'public'],
    ['POST', '/logout', 'public'],
    ['GET', '/', 'user'],
    ['GET', '/rest/api/user/current', 'user'],
    ['GET', '/admin', 'admin'],
    ['GET', '/admin/users', 'admin'],
    ['GET', '/admin/users/add', 'admin'],
    ['POST', '/admin/users/add', 'admin'],
    ['POST', '/admin/users/:id/password', 'admin'],
    ['GET', '/admin/groups', 'admin'],
    ['POST', '/admin/groups/:name/delete', 'admin'],
  ])('%s %s is %s', (method, path, access) => {
    expect(routes.find((r) => r.method === method && r.path === path)?.access).toBe(access);
  });

  it('keeps everything under /admin for administrators only', () => {
    const open = routes.filter((r) => r.path.startsWith('/admin') && r.access !== 'admin');
    expect(open).toEqual([]);
  });

  it('reports a route that declares nothing, and lets a handler override its controller', () => {
    @Controller('probe')
    @Roles('admin')
    class ProbeController {
      @Get()
      inherited() {}

      @Public()
      @Post('open')
      overridden() {}
    }
    @Controller('bare')
    class BareController {
      @Get(':id')
      undeclared() {}
    }
    expect(describeRoutes([ProbeController, BareController])).toEqual([
      { method: 'GET', path: '/bare/:id', access: undefined, handler: 'BareController.undeclared' },
      { method: 'GET', path: '/probe', access: 'admin', handler: 'ProbeController.inherited' },
      { method: 'POST', path: '/probe/open', access: 'public', handler: 'ProbeController.overridden' },
    ]);
  });
});
