import request from 'supertest';
import { ADMIN_PASSWORD, startTestApp, type TestApp } from './helpers/test-app.js';
import { WebSession } from './helpers/web-session.js';

describe('smoke', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('serves /status without login', async () => {
    const res = await request(t.http).get('/status').expect(200);
    expect(res.body).toEqual({ state: 'RUNNING' });
  });

  it('names its own icon in every page, so browsers do not ask for a missing /favicon.ico', async () => {
    const login = await request(t.http).get('/login').expect(200);
    const href = /<link rel="icon" href="([^"]+)" type="image\/svg\+xml">/.exec(login.text)?.[1];
    expect(href).toBe('/static/img/favicon.svg');
    const icon = await request(t.http).get(href!).expect(200);
    expect(icon.headers['content-type']).toMatch(/^image\/svg\+xml/);
  });

  it('logs the admin in', async () => {
    const s = new WebSession(t.http);
    const res = await s.login('admin', ADMIN_PASSWORD);
    expect(res.status).toBe(303);
    const me = await s.agent.get('/rest/api/user/current').expect(200);
    expect(me.body.username).toBe('admin');
    expect(s.sessionCookie()).toBeTruthy();
  });
});
