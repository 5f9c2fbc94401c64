import { ANONYMOUS_COMMENTS_PER_WINDOW } from '../src/wiki/collaboration/comments/anonymous-comment-limit.js';
import { createUser, loginAs, loginAsAdmin } from './helpers/admin-fixtures.js';
import { startTestApp, type TestApp } from './helpers/test-app.js';
import { WebSession, csrfTokenFrom } from './helpers/web-session.js';
import { createPage, createSpace, limitUsersGroup, pageHtml, post, restrictView, userId } from './helpers/wiki-collab-fixtures.js';

describe('wiki comments: threads, permissions, validation, sanitising', () => {
  let t: TestApp;
  let admin: WebSession;
  let alice: WebSession;
  let bob: WebSession;
  let carol: WebSession;
  let pageId: string;
  let otherPageId: string;

  const comments = () =>
    t.db.query(`SELECT id::text, page_id::text AS "pageId", parent_id::text AS "parentId", body, updated_at AS "updatedAt" FROM comments ORDER BY id`);

  async function addComment(s: WebSession, page: string, body: string, parentId = '') {
    return post(s, `/pages/${page}/comments`, parentId ? { body, parentId } : { body });
  }

  beforeAll(async () => {
    t = await startTestApp();
    admin = await loginAsAdmin(t);
    const space = await createSpace(t, admin, 'DOC', 'Documentation');
    for (const name of ['alice', 'bob', 'carol']) {
      await createUser(t, { username: name, fullName: `${name[0].toUpperCase()}${name.slice(1)} Example`, password: 'Pa55word-long-1', confirmPassword: 'Pa55word-long-1' });
    }
    // Carol administers the space, without being a global admin.
    await t.db.query(`INSERT INTO space_permissions (space_id, user_id, permission) VALUES ($1, $2, 'admin')`, [space.id, await userId(t, 'carol')]);
    alice = await loginAs(t, 'alice', 'Pa55word-long-1');
    bob = await loginAs(t, 'bob', 'Pa55word-long-1');
    carol = await loginAs(t, 'carol', 'Pa55word-long-1');
    pageId = await createPage(admin, 'DOC', 'Install guide');
    otherPageId = await createPage(admin, 'DOC', 'Other page');
  });
  afterAll(() => t.close());

  it('adds comments and threaded replies, shown under the page with their authors', async () => {
    const first = await addComment(alice, pageId, 'First question.\nSecond line');
    expect(first.status).toBe(303);
    const [root] = await comments();
    expect(first.headers.location).toBe(`/spaces/DOC/pages/${pageId}/install-guide#comment-${root.id}`);
    expect(root.body).toBe('<p>First question.<br />Second line</p>');

    expect((await addComment(bob, pageId, '<p>An answer</p>', root.id)).status).toBe(303);
    const [, reply] = await comments();
    expect(reply.parentId).toBe(root.id);
    expect((await addComment(alice, pageId, 'Thanks!', reply.id)).status).toBe(303);
    expect((await addComment(carol, pageId, 'A second thread')).status).toBe(303);

    const html = await pageHtml(bob, pageId);
    const order = ['First question.', 'An answer', 'Thanks!', 'A second thread'].map((text) => html.indexOf(text));
    expect(order.every((at, i) => at > 0 && (i === 0 || at > order[i - 1]))).toBe(true);
    expect(html).toContain('Comments (4)');
    expect(html).toMatch(new RegExp(`class="comment indent-1" id="comment-${reply.id}"`));
    expect(html).toContain('<strong>Alice Example</strong>');
    expect(html).toContain('<strong>Bob Example</strong>');
  });

  it('refuses a reply to a comment on another page, writing nothing', async () => {
    const [root] = await comments();
    const before = await comments();
    const res = await addComment(bob, otherPageId, 'Misplaced reply', root.id);
    expect(res.status).toBe(400);
    expect(res.text).toContain('The comment you replied to no longer exists.');
    expect(res.text).toContain('Misplaced reply');
    expect(await comments()).toEqual(before);
  });

  it('refuses an empty or too long comment with a message, keeping what was typed and writing nothing', async () => {
    const before = await comments();
    const empty = await addComment(alice, pageId, '<p> </p><script>alert(1)</script>');
    expect(empty.status).toBe(400);
    expect(empty.text).toContain('Enter a comment.');
    const long = `${'x'.repeat(50 * 1024)}TAIL`;
    const tooLong = await addComment(alice, pageId, long);
    expect(tooLong.status).toBe(400);
    expect(tooLong.text).toContain('The comment is too long (at most 50 KB).');
    expect(tooLong.text).toContain('xxxxTAIL</textarea>');
    expect(await comments()).toEqual(before);
  });

  it('stores and renders a comment without its active parts', async () => {
    const payload =
      '<p>Hi<img src="x" onerror="alert(1)"></p><script>alert(2)</script><a href="javascript:alert(3)">link</a>' +
      '<svg onload="alert(4)"></svg><iframe src="https://evil.example"></iframe><p style="x" onclick="alert(5)">styled</p>';
    expect((await addComment(bob, pageId, payload)).status).toBe(303);
    const stored = (await comments()).at(-1)!.body;
    expect(stored).not.toMatch(/onerror|onclick|onload|script|javascript:|iframe|style=/i);
    const html = await pageHtml(alice, pageId);
    expect(html).toContain('styled');
    expect(html).not.toMatch(/onerror|onclick|onload|alert\(|javascript:|<iframe|<svg/i);
  });

  it('lets only the author edit a comment', async () => {
    const [root] = await comments();
    const before = await comments();
    const bobEdit = await post(bob, `/pages/${pageId}/comments/${root.id}`, { body: 'Bob was here' });
    expect(bobEdit.status).toBe(403);
    // Even an admin may not put words in someone's mouth.
    expect((await post(admin, `/pages/${pageId}/comments/${root.id}`, { body: 'Admin was here' })).status).toBe(403);
    expect(await comments()).toEqual(before);

    const html = await pageHtml(bob, pageId);
    expect(html).not.toContain(`action="/pages/${pageId}/comments/${root.id}"`);

    const own = await post(alice, `/pages/${pageId}/comments/${root.id}`, { body: 'First question, rephrased.' });
    expect(own.status).toBe(303);
    const [edited] = await comments();
    expect(edited.body).toBe('<p>First question, rephrased.</p>');
    expect(edited.updatedAt.getTime()).toBeGreaterThan(root.updatedAt.getTime());
    const shown = await pageHtml(alice, pageId);
    expect(shown).toContain('(edited)');
    // The page was viewed before the edit: the new text shows, not a kept rendering of the old.
    expect(shown).toContain('First question, rephrased.');

    const emptied = await post(alice, `/pages/${pageId}/comments/${root.id}`, { body: '   ' });
    expect(emptied.status).toBe(400);
    expect((await comments())[0].body).toBe('<p>First question, rephrased.</p>');
  });

  it('lets authors delete their own comments and refuses others, changing nothing', async () => {
    const [root] = await comments();
    const before = await comments();
    expect((await post(bob, `/pages/${pageId}/comments/${root.id}/delete`)).status).toBe(403);
    expect(await comments()).toEqual(before);

    expect((await addComment(bob, pageId, 'Short-lived')).status).toBe(303);
    const mine = (await comments()).at(-1)!;
    expect((await post(bob, `/pages/${pageId}/comments/${mine.id}/delete`)).status).toBe(303);
    expect((await comments()).map((c: { id: string }) => c.id)).not.toContain(mine.id);
  });

  it('lets space admins and global admins delete any comment; replies move up instead of vanishing', async () => {
    const [root, reply, replyToReply] = await comments();
    expect(replyToReply.parentId).toBe(reply.id);
    // Carol administers the space: she deletes Bob's reply, Alice's answer to it stays, now under the root.
    expect((await post(carol, `/pages/${pageId}/comments/${reply.id}/delete`)).status).toBe(303);
    let rows = await comments();
    expect(rows.map((c: { id: string }) => c.id)).not.toContain(reply.id);
    expect(rows.find((c: { id: string }) => c.id === replyToReply.id).parentId).toBe(root.id);

    expect((await post(admin, `/pages/${pageId}/comments/${root.id}/delete`)).status).toBe(303);
    rows = await comments();
    expect(rows.map((c: { id: string }) => c.id)).not.toContain(root.id);
    expect(rows.find((c: { id: string }) => c.id === replyToReply.id).parentId).toBeNull();
  });

  it('needs the comment permission to add, and hides comments on pages the user may not see', async () => {
    const readOnly = await createSpace(t, admin, 'RO', 'Read only');
    await limitUsersGroup(t, readOnly.id, ['view']);
    const roPage = await createPage(admin, 'RO', 'Announcements');
    expect((await addComment(admin, roPage, 'Admin note')).status).toBe(303);
    const before = await comments();

    const refused = await addComment(bob, roPage, 'Can I comment?');
    expect(refused.status).toBe(403);
    const html = await pageHtml(bob, roPage);
    expect(html).toContain('Admin note');
    expect(html).not.toContain('Add a comment');

    const secret = await createPage(admin, 'DOC', 'Secret plans');
    await restrictView(t, secret, 'alice');
    expect((await addComment(bob, secret, 'Peeking')).status).toBe(404);
    expect((await addComment(alice, secret, 'Allowed')).status).toBe(303);
    const allowed = (await comments()).at(-1)!;
    expect((await post(bob, `/pages/${secret}/comments/${allowed.id}/delete`)).status).toBe(404);
    expect((await comments()).length).toBe(before.length + 1);
    await pageHtml(bob, secret, 404);
  });

  it('refuses a comment id that belongs to another page', async () => {
    const [any] = await comments();
    const before = await comments();
    expect((await post(admin, `/pages/${otherPageId}/comments/${any.id}/delete`)).status).toBe(404);
    expect((await post(admin, `/pages/${otherPageId}/comments/not-a-number/delete`)).status).toBe(404);
    expect(await comments()).toEqual(before);
  });

  it('lets anonymous visitors comment where the space grants them "comment", and nowhere else', async () => {
    const open = await createSpace(t, admin, 'OPEN', 'Open');
    const closed = await createSpace(t, admin, 'SHUT', 'Shut');
    await t.db.query(`INSERT INTO space_permissions (space_id, permission) VALUES ($1, 'view'), ($1, 'comment'), ($2, 'view')`, [open.id, closed.id]);
    const visitor = new WebSession(t.http);

    const html = (await visitor.agent.get(`/pages/viewpage.action?pageId=${open.homeId}`).redirects(2).expect(200)).text;
    expect(html).toContain(`action="/pages/${open.homeId}/comments"`);
    const token = csrfTokenFrom(html);
    const added = await visitor.agent.post(`/pages/${open.homeId}/comments`).type('form').send({ _csrf: token, body: 'Thanks, from a visitor' });
    expect(added.status).toBe(303);
    const [row] = await t.db.query(`SELECT author_id, body FROM comments WHERE page_id = $1`, [open.homeId]);
    expect(row).toEqual({ author_id: null, body: '<p>Thanks, from a visitor</p>' });
    const shown = (await visitor.agent.get(`/pages/viewpage.action?pageId=${open.homeId}`).redirects(2).expect(200)).text;
    expect(shown).toContain('Anonymous');
    expect(shown).toContain('Thanks, from a visitor');
    expect(shown).not.toContain('<summary>Edit</summary>');

    // Where anonymous visitors may only read, posting sends them to log in and writes nothing.
    const shut = (await visitor.agent.get(`/pages/viewpage.action?pageId=${closed.homeId}`).redirects(2).expect(200)).text;
    expect(shut).not.toContain(`action="/pages/${closed.homeId}/comments"`);
    const refused = await visitor.agent.post(`/pages/${closed.homeId}/comments`).type('form').send({ _csrf: token, body: 'Sneaky' });
    expect(refused.status).toBe(303);
    expect(refused.headers.location).toMatch(/^\/login/);
    expect(await t.db.query(`SELECT 1 FROM comments WHERE page_id = $1`, [closed.homeId])).toEqual([]);

    // One address may post ANONYMOUS_COMMENTS_PER_WINDOW an hour; then 429, nothing written.
    for (let n = 2; n <= ANONYMOUS_COMMENTS_PER_WINDOW; n++) {
      const res = await visitor.agent.post(`/pages/${open.homeId}/comments`).type('form').send({ _csrf: token, body: `Visitor comment ${n}` });
      expect(res.status, `comment ${n}`).toBe(303);
    }
    const before = await t.db.query(`SELECT count(*)::int AS n FROM comments`);
    const flood = await visitor.agent.post(`/pages/${open.homeId}/comments`).type('form').send({ _csrf: token, body: 'One too many' });
    expect(flood.status).toBe(429);
    expect(flood.text).toContain('Too many comments from your address.');
    expect(await t.db.query(`SELECT count(*)::int AS n FROM comments`)).toEqual(before);
    // People who are signed in are not limited.
    expect((await post(admin, `/pages/${open.homeId}/comments`, { body: 'From the admin' })).status).toBe(303);
  });
});
