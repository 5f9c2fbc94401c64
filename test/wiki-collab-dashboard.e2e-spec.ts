import { createUser, loginAs, loginAsAdmin } from './helpers/admin-fixtures.js';
import { startTestApp, type TestApp } from './helpers/test-app.js';
import { WebSession } from './helpers/web-session.js';
import { createPage, createSpace, editPage, limitUsersGroup, restrictView } from './helpers/wiki-collab-fixtures.js';

/** Page titles listed in one dashboard section. */
function section(html: string, heading: string): string[] {
  const start = html.indexOf(`id="${heading}"`);
  if (start < 0) throw new Error(`no ${heading} section`);
  const body = html.slice(start, html.indexOf('</section>', start));
  return [...body.matchAll(/<li><a href="\/spaces\/[^"]+">([^<]+)<\/a>/g)].map((m) => m[1]);
}

describe('dashboard: recently updated pages and your work', () => {
  let t: TestApp;
  let admin: WebSession;
  let alice: WebSession;
  let bob: WebSession;

  beforeAll(async () => {
    t = await startTestApp();
    admin = await loginAsAdmin(t);
    await createSpace(t, admin, 'PUB', 'Public team');
    const priv = await createSpace(t, admin, 'PRIV', 'Private');
    await limitUsersGroup(t, priv.id);
    for (const name of ['alice', 'bob']) {
      await createUser(t, { username: name, fullName: `${name === 'alice' ? 'Alice' : 'Bob'} Dash`, password: 'Pa55word-long-1', confirmPassword: 'Pa55word-long-1' }, name === 'bob' ? ['confluence-administrators'] : []);
    }
    alice = await loginAs(t, 'alice', 'Pa55word-long-1');
    bob = await loginAs(t, 'bob', 'Pa55word-long-1');

    const mine = await createPage(alice, 'PUB', 'Alice notes');
    await createPage(admin, 'PRIV', 'Secret roadmap');
    const restricted = await createPage(admin, 'PUB', 'Restricted salaries');
    await restrictView(t, restricted, 'admin');
    const bobs = await createPage(bob, 'PUB', 'Bob handbook');
    // Alice edits Bob's page: it is part of her work too, and Bob's page was updated by her.
    expect((await editPage(t, alice, bobs, '<p>Improved</p>')).status).toBe(303);
    // Alice's own page, later hidden from her by a restriction, drops out of both lists.
    const hiddenFromAlice = await createPage(alice, 'PUB', 'Alice draft moved away');
    await restrictView(t, hiddenFromAlice, 'bob');
    expect(mine).toBeTruthy();
  });
  afterAll(() => t.close());

  it('shows recently updated pages the user can see, newest first, with space and editor', async () => {
    const html = (await alice.agent.get('/').expect(200)).text;
    expect(section(html, 'recent-heading')).toEqual(['Bob handbook', 'Alice notes', 'Public team Home']);
    expect(html).toContain('in <a href="/spaces/PUB">Public team</a>, updated by Alice Dash');
    expect(html).not.toContain('Secret roadmap');
    expect(html).not.toContain('Restricted salaries');
    expect(html).not.toContain('Alice draft moved away');
  });

  it('shows the pages the user created or edited as "Your work"', async () => {
    const html = (await alice.agent.get('/').expect(200)).text;
    expect(section(html, 'your-work-heading')).toEqual(['Bob handbook', 'Alice notes']);
    // An admin sees everything, but their own work is only their own.
    const bobHtml = (await bob.agent.get('/').expect(200)).text;
    expect(section(bobHtml, 'recent-heading')).toEqual([
      'Alice draft moved away',
      'Bob handbook',
      'Restricted salaries',
      'Secret roadmap',
      'Alice notes',
      'Private Home',
      'Public team Home',
    ]);
    expect(section(bobHtml, 'your-work-heading')).toEqual(['Bob handbook']);
  });

  it('keeps the name and groups in a side box', async () => {
    const html = (await alice.agent.get('/').expect(200)).text;
    expect(html).toMatch(/<aside class="dashboard-side"[\s\S]*Alice Dash[\s\S]*confluence-users[\s\S]*<\/aside>/);
  });

  it('sends anonymous visitors to log in', async () => {
    const res = await new WebSession(t.http).agent.get('/');
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/login?next=%2F');
  });
});
