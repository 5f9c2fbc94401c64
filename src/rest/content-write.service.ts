import { BadRequestException, ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { PageService } from '../wiki/pages/page.service.js';
import { VersionConflictError, type Page } from '../wiki/pages/page.types.js';
import { PermissionService } from '../wiki/permissions/permission.service.js';
import type { Viewer } from '../wiki/permissions/viewer.js';
import { SpaceService } from '../wiki/spaces/space.service.js';
import { NO_CONTENT } from './content-query.service.js';
import { isContentId } from './rest-request.js';

type Json = Record<string, unknown>;

function object(value: unknown, what: string): Json {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new BadRequestException(`${what} must be a JSON object.`);
  return value as Json;
}

function optionalString(body: Json, field: string): string | undefined {
  const value = body[field];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new BadRequestException(`"${field}" must be a string.`);
  return value;
}

/** The shape checks Confluence makes before it touches anything. */
function checkTypeAndStatus(body: Json): void {
  if (body.type !== 'page') throw new BadRequestException(`"type" must be "page"; Atrium has no blog posts or other content types.`);
  if (body.status !== undefined && body.status !== 'current') throw new BadRequestException(`"status" must be "current".`);
}

/** body.storage.value, or undefined when no body was sent. */
function storageValue(body: Json): string | undefined {
  if (body.body === undefined) return undefined;
  const storage = object(object(body.body, '"body"').storage, '"body.storage"');
  if (storage.representation !== 'storage') {
    throw new BadRequestException(`"body.storage.representation" must be "storage"; other representations are not accepted.`);
  }
  if (typeof storage.value !== 'string') throw new BadRequestException(`"body.storage.value" must be a string.`);
  return storage.value;
}

/** The parent named by `ancestors: [{id}]`: the last entry, as Confluence reads the chain root first. */
function parentOf(body: Json): string | null | undefined {
  if (body.ancestors === undefined) return undefined;
  if (!Array.isArray(body.ancestors)) throw new BadRequestException(`"ancestors" must be an array of {"id": …}.`);
  if (!body.ancestors.length) return null;
  const id = String(object(body.ancestors[body.ancestors.length - 1], 'Each ancestor').id ?? '');
  if (!isContentId(id)) throw new BadRequestException(`The ancestor id "${id}" is not a content id.`);
  return id;
}

/** Creating, updating and deleting pages from Confluence-shaped JSON, through the wiki's own services. */
@Injectable()
export class ContentWriteService {
  constructor(
    private readonly pages: PageService,
    private readonly spaces: SpaceService,
    private readonly permissions: PermissionService,
  ) {}

  async createContent(viewer: Viewer, input: unknown): Promise<Page> {
    const body = object(input, 'The request body');
    checkTypeAndStatus(body);
    const title = optionalString(body, 'title');
    if (title === undefined) throw new BadRequestException(`"title" is required.`);
    const spaceKey = optionalString(object(body.space, '"space"'), 'key');
    if (!spaceKey) throw new BadRequestException(`"space.key" is required.`);
    const value = storageValue(body) ?? '';
    const parentId = parentOf(body) ?? null;
    const space = await this.spaces.requireVisible(viewer, spaceKey);
    return this.pages.createPage(viewer, space.id, parentId, { title, body: value });
  }

  /**
   * Confluence's optimistic concurrency: the caller sends version.number = current + 1.
   * Anything else is a 409 and writes nothing; a save that races past the check is caught
   * by PageService's own version check and answered the same way.
   */
  async updateContent(viewer: Viewer, id: string, input: unknown): Promise<Page> {
    const page = await this.visiblePage(viewer, id);
    const body = object(input, 'The request body');
    checkTypeAndStatus(body);
    const version = object(body.version, '"version"');
    const number = version.number;
    if (typeof number !== 'number' || !Number.isInteger(number) || number < 1) {
      throw new BadRequestException(`"version.number" must be the next version number (the current one plus 1).`);
    }
    if (version.message !== undefined && typeof version.message !== 'string') throw new BadRequestException(`"version.message" must be a string.`);
    if (version.minorEdit !== undefined && typeof version.minorEdit !== 'boolean') throw new BadRequestException(`"version.minorEdit" must be true or false.`);
    const title = optionalString(body, 'title');
    if (title === undefined) throw new BadRequestException(`"title" is required.`);
    const value = storageValue(body);
    const parentId = parentOf(body);
    if (parentId !== undefined && parentId !== page.parentId) {
      throw new BadRequestException('Moving a page by changing its ancestors is not supported over REST; move it in Atrium.');
    }
    const spaceKey = body.space === undefined ? undefined : optionalString(object(body.space, '"space"'), 'key');
    if (spaceKey !== undefined && spaceKey.toUpperCase() !== page.spaceKey) {
      throw new BadRequestException('Moving a page to another space is not supported over REST; move it in Atrium.');
    }
    await this.permissions.assertPage(viewer, id, 'edit');
    if (number !== page.version + 1) throw this.conflict(page.version);
    try {
      return await this.pages.savePage(viewer, id, {
        title,
        body: value ?? page.body,
        baseVersion: number - 1,
        comment: version.message,
        minorEdit: version.minorEdit === true,
      });
    } catch (error) {
      if (error instanceof VersionConflictError) throw this.conflict(error.current.version);
      throw error;
    }
  }

  /** DELETE moves a page to the trash; with ?status=trashed it purges a trashed page, as Confluence does. */
  async deleteContent(viewer: Viewer, id: string, status: string | undefined): Promise<void> {
    if (status !== undefined && status !== 'current' && status !== 'trashed') throw new BadRequestException(`"status" must be "current" or "trashed".`);
    const page = isContentId(id) ? await this.pages.findPage(id) : null;
    if (!page || page.status !== (status ?? 'current')) throw new NotFoundException(NO_CONTENT);
    if (page.status === 'trashed') await this.pages.purgePage(viewer, id);
    else await this.pages.trashPage(viewer, id);
  }

  private async visiblePage(viewer: Viewer, id: string): Promise<Page> {
    const page = isContentId(id) ? await this.pages.findPage(id) : null;
    if (!page || page.status !== 'current') throw new NotFoundException(NO_CONTENT);
    await this.permissions.assertPage(viewer, id, 'view');
    return page;
  }

  private conflict(current: number): ConflictException {
    return new ConflictException(`Version must be incremented on update. Current version is: ${current}`);
  }
}
