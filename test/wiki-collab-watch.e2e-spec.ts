import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import type { SessionData } from 'express-session';
import request from 'supertest';
import { SessionStoreProvider } from '../src/sessions/session-store.provider.js';
import { createUser, loginAs, loginAsAdmin } from './helpers/admin-fixtures.js';
import { basicAuth } from './helpers/login-fixtures.js';
import { ADMIN_PASSWORD, startTestApp, type TestApp } from './helpers/test-app.js';
import type { WebSession } from './helpers/web-session.js';
import { createPage, createSpace, editPage, limitUsersGroup, pageHtml, post, restrictView, userId } from './helpers/wiki-collab-fixtures.js';

const PASSWORD = 'Pa55word-long-1';

async function users(t: TestApp, names: string[]): Promise<Record<string, WebSession>> {
  const sessions: Record<string, WebSession> = {};
  for (const name of names) {
    const fullName = `${name[0].toUpperCase()}${name.slice(1)} Watcher`;
    await createUser(t, { username: name, fullName, email: `${name}@example.com`, password: PASSWORD, confirmPassword: PASSWORD });
    sessions[name] = await loginAs(t, name, PASSWORD);
  }
  return sessions;
}

/** Notification rows as "user:kind:page title", for comparing whole sets. */
async function notifications(t: TestApp): Promise<string[]> {
  const rows: { line: string }[] = await t.db.query(
    `SELECT u.username || ':' || n.kind || ':' || p.title || ':' || coalesce(a.username, '-') AS line
       FROM notifications n JOIN users u ON u.id = n.user_id JOIN pages p ON p.id = n.page_id LEFT JOIN users a ON a.id = n.actor_id
      ORDER BY n.id`,
  );
  return rows.map((r) => r.line);
}

/** Undoes quoted-printable (body and RFC 2047 Q-encoded headers) so the test reads plain text. */
function decodeMail(raw: string): string {
  const hex = (text: string) => text.replace(/=([0-9A-F]{2})/g, (_m, h: string) => String.fromCharCode(parseInt(h, 16)));
  return hex(raw.replace(/=\?UTF-8\?Q\?(.*?)\?=/g, (_m, word: string) => word.replace(/_/g, ' ')).replace(/=\r?\n/g, ''));
}

function unreadCount(html: string): string | null {
  return /<span class="unread-count"[^>]*>([^<]+)<\/span>/.exec(html)?.[1] ?? null;
}

describe('watching pages and spaces, in-app notifications', () => {
  let t: TestApp;
  let admin: WebSession;
  let s: Record<string, WebSession>;
  let guide: string;

  beforeAll(async () => {
    t = await startTestApp();
    admin = await loginAsAdmin(t);
    await createSpace(t, admin, 'DOC', 'Documentation');
    s = await users(t, ['alice', 'bob', 'carol', 'dave', 'erin', 'frank']);
    guide = await createPage(admin, 'DOC', 'Guide');
  });
  afterAll(() => t.close());

  it('watches and unwatches a page and its space from the page screen', async () => {
    let html = await pageHtml(s.bob, guide);
    expect(html).toContain(`action="/pages/${guide}/watch"`);
    expect(html).toContain('>Watch space</button>');

    expect((await post(s.bob, `/pages/${guide}/watch`)).headers.location).toBe(`/spaces/DOC/pages/${guide}/guide`);
    expect((await post(s.bob, `/pages/${guide}/watch`)).status).toBe(303);
    const [{ n }] = await t.db.query(`SELECT count(*)::int AS n FROM watches WHERE page_id = $1`, [guide]);
    expect(n).toBe(1);
    html = await pageHtml(s.bob, guide);
    expect(html).toContain(`action="/pages/${guide}/unwatch"`);
    expect(html).toMatch(/>\s*Unwatch\s*<\/button>/);

    const back = await post(s.bob, '/spaces/DOC/watch', { returnTo: `/spaces/DOC/pages/${guide}/guide` });
    expect(back.headers.location).toBe(`/spaces/DOC/pages/${guide}/guide`);
    expect(await pageHtml(s.bob, guide)).toContain('>Stop watching space</button>');
    const offsite = await post(s.bob, '/spaces/DOC/unwatch', { returnTo: '//evil.example/' });
    expect(offsite.headers.location).toBe('/spaces/DOC');
    expect((await post(s.bob, `/pages/${guide}/unwatch`)).status).toBe(303);
    expect(await t.db.query(`SELECT * FROM watches`)).toEqual([]);
  });

  it('refuses to watch a page or space the user may not see, writing nothing', async () => {
    const secret = await createPage(admin, 'DOC', 'Secret');
    await restrictView(t, secret, 'alice');
    const priv = await createSpace(t, admin, 'PRIV', 'Private');
    await limitUsersGroup(t, priv.id);
    expect((await post(s.bob, `/pages/${secret}/watch`)).status).toBe(404);
    expect((await post(s.bob, '/spaces/PRIV/watch')).status).toBe(404);
    expect(await t.db.query(`SELECT * FROM watches`)).toEqual([]);
  });

  it('notifies watchers of the page and of its space once each, never the actor or those who cannot view it', async () => {
    await post(s.bob, `/pages/${guide}/watch`);
    await post(s.carol, '/spaces/DOC/watch');
    await post(s.erin, `/pages/${guide}/watch`);
    await post(s.erin, '/spaces/DOC/watch');
    await post(s.alice, `/pages/${guide}/watch`);
    await post(s.dave, `/pages/${guide}/watch`);
    await post(s.frank, '/spaces/DOC/watch');
    // Dave may no longer view the page; Frank was deactivated.
    for (const name of ['alice', 'bob', 'carol', 'erin', 'frank']) await restrictView(t, guide, name);
    await t.db.query(`UPDATE users SET active = false WHERE username = 'frank'`);

    expect((await editPage(t, s.alice, guide, '<p>Version 2</p>')).status).toBe(303);
    expect((await notifications(t)).sort()).toEqual(['bob:updated:Guide:alice', 'carol:updated:Guide:alice', 'erin:updated:Guide:alice']);
  });

  it('does not notify for a minor edit', async () => {
    const before = await notifications(t);
    expect((await editPage(t, s.alice, guide, '<p>Typo fixed</p>', { minorEdit: 'true' })).status).toBe(303);
    expect(await notifications(t)).toEqual(before);
  });

  it('notifies on comments, new pages in a watched space, and trashing', async () => {
    const before = await notifications(t);
    expect((await post(s.alice, `/pages/${guide}/comments`, { body: 'Please review' })).status).toBe(303);
    const created = await createPage(s.alice, 'DOC', 'Fresh page');
    // confluence-users may not delete pages; the admin trashes it.
    expect((await post(admin, `/spaces/DOC/pages/${created}/delete`)).status).toBe(303);
    expect((await notifications(t)).slice(before.length).sort()).toEqual(
      [
        'bob:commented:Guide:alice',
        'carol:commented:Guide:alice',
        'erin:commented:Guide:alice',
        'carol:created:Fresh page:alice',
        'erin:created:Fresh page:alice',
        'carol:trashed:Fresh page:admin',
        'erin:trashed:Fresh page:admin',
      ].sort(),
    );
  });

  it('checks the space permission of each watcher at the time of the change', async () => {
    const team = await createSpace(t, admin, 'TEAM', 'Team');
    const page = await createPage(admin, 'TEAM', 'Team notes');
    await post(s.bob, '/spaces/TEAM/watch');
    await post(s.carol, '/spaces/TEAM/watch');
    // confluence-users lose the space; Carol keeps it through a grant of her own.
    await limitUsersGroup(t, team.id);
    await t.db.query(`INSERT INTO space_permissions (space_id, user_id, permission) VALUES ($1, $2, 'view')`, [team.id, await userId(t, 'carol')]);
    const before = await notifications(t);
    expect((await editPage(t, admin, page, '<p>Changed</p>')).status).toBe(303);
    expect((await notifications(t)).slice(before.length)).toEqual(['carol:updated:Team notes:admin']);
  });

  it('lists notifications newest first, counts unread ones in the header, and marks them read', async () => {
    const html = (await s.bob.agent.get('/notifications').expect(200)).text;
    const lines = [...html.matchAll(/<li class="notification[^"]*">([\s\S]*?)<\/li>/g)].map((m) => m[1].replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').trim());
    expect(lines).toEqual([
      expect.stringMatching(/^New Alice Watcher commented on Guide in Documentation/),
      expect.stringMatching(/^New Alice Watcher edited Guide in Documentation/),
    ]);
    expect(unreadCount(html)).toBe('2');
    expect(unreadCount((await s.bob.agent.get('/spaces').expect(200)).text)).toBe('2');

    const [latest] = await t.db.query(
      `SELECT n.id::text FROM notifications n JOIN users u ON u.id = n.user_id WHERE u.username = 'bob' ORDER BY n.id DESC LIMIT 1`,
    );
    const open = await s.bob.agent.get(`/notifications/${latest.id}`).expect(303);
    expect(open.headers.location).toBe(`/spaces/DOC/pages/${guide}/guide`);
    expect(unreadCount((await s.bob.agent.get('/').expect(200)).text)).toBe('1');

    // Someone else's notification neither opens nor changes.
    const [carols] = await t.db.query(
      `SELECT n.id::text FROM notifications n JOIN users u ON u.id = n.user_id WHERE u.username = 'carol' ORDER BY n.id LIMIT 1`,
    );
    expect((await s.bob.agent.get(`/notifications/${carols.id}`).expect(303)).headers.location).toBe('/notifications');
    const [{ read }] = await t.db.query(`SELECT read_at IS NOT NULL AS read FROM notifications WHERE id = $1`, [carols.id]);
    expect(read).toBe(false);

    expect((await post(s.bob, '/notifications/read')).status).toBe(303);
    const after = (await s.bob.agent.get('/notifications').expect(200)).text;
    expect(unreadCount(after)).toBeNull();
    expect(after).not.toContain('Mark all as read');
    expect(unreadCount((await s.dave.agent.get('/').expect(200)).text)).toBeNull();
    expect((await s.dave.agent.get('/notifications').expect(200)).text).toContain('No notifications.');
  });

  it('hides notifications about a page the user may no longer see', async () => {
    expect(unreadCount((await s.erin.agent.get('/').expect(200)).text)).toBe('4');
    await t.db.query(`DELETE FROM page_restrictions WHERE page_id = $1 AND user_id = $2`, [guide, await userId(t, 'erin')]);
    const html = (await s.erin.agent.get('/notifications').expect(200)).text;
    expect(html).not.toContain('Guide');
    expect(html).toContain('Fresh page');
    // Fresh page is in the trash: named, not linked.
    expect(html).toContain('“Fresh page”');
    expect(unreadCount(html)).toBe('2');
  });

  it('counts the same in the header for a session (read with it) and for Basic auth (a query of its own), admins seeing restricted pages', async () => {
    // The Guide is restricted to others; an administrator still sees it, and its notification.
    await post(admin, '/spaces/DOC/watch');
    expect((await editPage(t, s.alice, guide, '<p>For the admin</p>')).status).toBe(303);
    const viaBasic = async (username: string, password: string) =>
      unreadCount((await request(t.http).get('/notifications').set('Authorization', basicAuth(username, password)).set('Accept', 'text/html').expect(200)).text);

    expect(unreadCount((await admin.agent.get('/spaces').expect(200)).text)).toBe('1');
    expect(await viaBasic('admin', ADMIN_PASSWORD)).toBe('1');
    // The session's own query read the count (no query of its own on a page view).
    const [{ sid }] = await t.db.query(`SELECT sid FROM sessions WHERE sess->>'userId' = $1 LIMIT 1`, [await userId(t, 'admin')]);
    const store = t.app.get(SessionStoreProvider).store;
    const loaded = await new Promise<SessionData | null | undefined>((resolve, reject) => store.get(sid, (e, v) => (e ? reject(e) : resolve(v))));
    expect(loaded?.loadedColumns).toEqual({ unreadNotifications: 1 });
    // Erin lost the Guide in the test before: its edit neither notifies nor counts for her.
    expect(unreadCount((await s.erin.agent.get('/spaces').expect(200)).text)).toBe('2');
    expect(await viaBasic('erin', PASSWORD)).toBe('2');
    expect(unreadCount((await s.dave.agent.get('/spaces').expect(200)).text)).toBeNull();
    expect(await viaBasic('dave', PASSWORD)).toBeNull();
    await post(admin, '/spaces/DOC/unwatch');
  });

  it('notifies on a move to a new parent or space and on a restore from the trash, not on a new place among siblings', async () => {
    await createSpace(t, admin, 'MOVES', 'Moves');
    const parentA = await createPage(admin, 'MOVES', 'Parent A');
    await createPage(admin, 'MOVES', 'Parent B');
    const mover = await createPage(admin, 'MOVES', 'Mover', '<p>Text</p>', parentA);
    await createPage(admin, 'MOVES', 'Sibling', '<p>Text</p>', parentA);
    await post(s.bob, `/pages/${mover}/watch`);
    await post(s.carol, '/spaces/MOVES/watch');
    const before = await notifications(t);

    expect((await post(admin, `/spaces/MOVES/pages/${mover}/reorder`, { position: 'last' })).status).toBe(303);
    expect(await notifications(t)).toEqual(before);

    const moved = await post(admin, `/spaces/MOVES/pages/${mover}/move-form`, { spaceKey: 'MOVES', parentTitle: 'Parent B', position: 'last' });
    expect(moved.status).toBe(303);
    expect((await post(admin, `/spaces/MOVES/pages/${mover}/delete`)).status).toBe(303);
    expect((await post(admin, `/spaces/MOVES/trash/${mover}/restore`)).status).toBe(303);
    expect((await notifications(t)).slice(before.length)).toEqual([
      'bob:moved:Mover:admin',
      'carol:moved:Mover:admin',
      'bob:trashed:Mover:admin',
      'carol:trashed:Mover:admin',
      'bob:restored:Mover:admin',
      'carol:restored:Mover:admin',
    ]);
    const list = (await s.bob.agent.get('/notifications').expect(200)).text.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');
    expect(list).toContain('Administrator moved Mover in Moves');
    expect(list).toContain('Administrator restored from the trash Mover in Moves');
  });
});

describe('notification emails', () => {
  let t: TestApp;
  let smtp: SMTPServer;
  const inbox: { to: string[]; data: string }[] = [];
  let delivered: () => void = () => {};
  let listening = false;
  const stopSmtp = () => new Promise<void>((resolve) => (listening ? smtp.close(resolve) : resolve())).then(() => void (listening = false));

  beforeAll(async () => {
    smtp = new SMTPServer({
      authOptional: true,
      closeTimeout: 1000,
      disabledCommands: ['STARTTLS', 'AUTH'],
      onData(stream, session, callback) {
        let data = '';
        stream.on('data', (chunk: Buffer) => (data += chunk.toString('utf8')));
        stream.on('end', () => {
          inbox.push({ to: session.envelope.rcptTo.map((r) => r.address), data });
          callback();
          delivered();
        });
      },
    });
    const port = await new Promise<number>((resolve) => {
      const server = smtp.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
    });
    listening = true;
    t = await startTestApp({ ATRIUM_SMTP_URL: `smtp://127.0.0.1:${port}`, ATRIUM_SMTP_FROM: 'Wiki <wiki@example.com>' });
  });
  afterAll(async () => {
    await t.close();
    await stopSmtp();
  });

  it('emails each notified watcher, and a mail server that is down never fails the save', async () => {
    const admin = await loginAsAdmin(t);
    await createSpace(t, admin, 'DOC', 'Documentation');
    const page = await createPage(admin, 'DOC', 'Runbook');
    const s = await users(t, ['alice', 'bob']);
    await post(s.bob, `/pages/${page}/watch`);

    const arrived = new Promise<void>((resolve) => (delivered = resolve));
    expect((await editPage(t, s.alice, page, '<p>New steps</p>')).status).toBe(303);
    await arrived;
    expect(inbox).toHaveLength(1);
    expect(inbox[0].to).toEqual(['bob@example.com']);
    const mail = decodeMail(inbox[0].data);
    expect(mail).toContain('From: Wiki <wiki@example.com>');
    expect(mail).toContain('Subject: Alice Watcher edited "Runbook"');
    expect(mail).toContain('Alice Watcher edited "Runbook" in Documentation.');
    expect(mail).toContain(`http://localhost:8090/spaces/DOC/pages/${page}/runbook`);

    await stopSmtp();
    expect((await editPage(t, s.alice, page, '<p>Newer steps</p>')).status).toBe(303);
    expect(await notifications(t)).toEqual(['bob:updated:Runbook:alice', 'bob:updated:Runbook:alice']);
  });
});
