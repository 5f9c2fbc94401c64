import { DOMParser } from '@xmldom/xmldom';
import { GroupsService } from '../src/users/groups.service.js';
import { UsersService } from '../src/users/users.service.js';
import { countUsers, groupsOf, loginAsAdmin } from './helpers/admin-fixtures.js';
import {
  USER_PASSWORD,
  createUser,
  plantAnonymousSession,
  sessionRowExists,
  setCookieValue,
  sidFromCookie,
} from './helpers/login-fixtures.js';
import {
  addIdp,
  appIdUri,
  countSessions,
  idpInitiatedLogin,
  linksOf,
  postToAcs,
  spInitiatedLogin,
  traceOf,
  userRow,
  whoAmI,
} from './helpers/sso-journey-fixtures.js';
import { startTestApp, type TestApp } from './helpers/test-app.js';
import { ENTRA_CLAIMS, TestIdp, type ResponseOptions } from './helpers/test-idp.js';
import { WebSession, csrfTokenFrom } from './helpers/web-session.js';

const OVERAGE = 'http://schemas.microsoft.com/claims/groups.link';
const DS = 'http://www.w3.org/2000/09/xmldsig#';

/** Which elements of a SAMLResponse carry an enveloped signature as a direct child. */
function signedParts(samlResponse: string): { response: boolean; assertion: boolean } {
  const doc = new DOMParser().parseFromString(Buffer.from(samlResponse, 'base64').toString('utf8'), 'text/xml');
  const hasSignature = (el: { childNodes: ArrayLike<{ namespaceURI?: string | null; localName?: string | null }> }) =>
    Array.from(el.childNodes).some((n) => n.namespaceURI === DS && n.localName === 'Signature');
  const root = doc.documentElement!;
  const assertion = Array.from(root.childNodes).find((n) => (n as { localName?: string }).localName === 'Assertion');
  return { response: hasSignature(root as never), assertion: !!assertion && hasSignature(assertion as never) };
}

/**
 * Login journeys at the ACS with responses the test IdP (samlify) signs: Entra-shaped claims,
 * signature requirements, account linking, auto-creation, refusals, profile updates and
 * group sync. Each IdP entry in Atrium points at the same test IdP with other settings.
 */
describe('SSO journeys: login and account linking', () => {
  let t: TestApp;
  let idp: TestIdp;
  let browser: WebSession;

  const login = (uniqueId: string, options: Omit<ResponseOptions, 'acsUrl'>) =>
    idpInitiatedLogin(browser.agent, idp, uniqueId, options);
  /** A refusal: 403, nothing signed in, and no session stored anywhere. */
  const expectRefused = async (res: { status: number }, sessionsBefore: number) => {
    expect(res.status).toBe(403);
    expect(await whoAmI(browser.agent)).toBeNull();
    expect(await countSessions(t)).toBe(sessionsBefore);
  };

  beforeAll(async () => {
    t = await startTestApp();
    idp = await TestIdp.create('https://sts.windows.test/journeys-login');
    await addIdp(t, idp, { uniqueId: 'entra', name: 'Contoso Entra' });
  });
  afterAll(() => t.close());
  beforeEach(() => {
    browser = new WebSession(t.http);
  });

  it('Entra-like login: only the assertion signed, Entra claims; objectidentifier keeps the link across a renamed UPN', async () => {
    const adele = await createUser(t, { username: 'adele.vance@contoso.com', email: 'adele.vance@contoso.com' });
    const claims = (upn: string) => ({
      [ENTRA_CLAIMS.email]: upn,
      [ENTRA_CLAIMS.displayName]: 'Adele Vance',
      [ENTRA_CLAIMS.givenName]: 'Adele',
      [ENTRA_CLAIMS.surname]: 'Vance',
      [ENTRA_CLAIMS.name]: upn,
      [ENTRA_CLAIMS.objectId]: 'a1b2c3d4-0000-4000-8000-00000000adel',
    });
    const SAMLResponse = await idp.loginResponse({
      acsUrl: appIdUri('entra'),
      nameId: 'adele.vance@contoso.com',
      sign: 'assertion',
      attributes: claims('adele.vance@contoso.com'),
    });
    expect(signedParts(SAMLResponse)).toEqual({ response: false, assertion: true });
    const res = await postToAcs(browser.agent, 'entra', SAMLResponse);
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/');
    expect(await whoAmI(browser.agent)).toBe('adele.vance@contoso.com');
    expect(await linksOf(t, 'entra')).toContainEqual({
      subject: 'a1b2c3d4-0000-4000-8000-00000000adel',
      username: 'adele.vance@contoso.com',
    });

    // The UPN and email change in Entra; the object ID does not.
    const users = await countUsers(t.db);
    const later = new WebSession(t.http);
    const again = await idpInitiatedLogin(later.agent, idp, 'entra', {
      nameId: 'adele.renamed@contoso.com',
      attributes: claims('adele.renamed@contoso.com'),
    });
    expect(again.status).toBe(303);
    expect(await whoAmI(later.agent)).toBe('adele.vance@contoso.com');
    expect(await countUsers(t.db)).toBe(users);
    const links = (await linksOf(t, 'entra')).filter((l) => l.username === adele.username);
    expect(links).toEqual([{ subject: 'a1b2c3d4-0000-4000-8000-00000000adel', username: adele.username }]);
    expect((await userRow(t, adele.username))!.email).toBe('adele.renamed@contoso.com');
    const [latest] = await traceOf(t, 'entra');
    expect(latest).toMatchObject({ outcome: 'success', nameId: 'adele.renamed@contoso.com', username: adele.username });
    expect(latest.attributes?.[ENTRA_CLAIMS.objectId]).toEqual(['a1b2c3d4-0000-4000-8000-00000000adel']);
  });

  it('replaces a session the browser already had with a new ID, and drops the old row', async () => {
    await createUser(t, { username: 'fixed.sid@contoso.com', email: 'fixed.sid@contoso.com' });
    const planted = await plantAnonymousSession(t);
    browser.agent.jar.setCookie(`atrium.sid=${planted.cookieValue}; Path=/`, '127.0.0.1', '/');
    const res = await login('entra', { nameId: 'fixed.sid@contoso.com' });
    expect(res.status).toBe(303);
    const newSid = sidFromCookie(setCookieValue(res, 'atrium.sid')!);
    expect(newSid).not.toBe(planted.sid);
    expect(await sessionRowExists(t, planted.sid)).toBe(false);
    expect(await sessionRowExists(t, newSid)).toBe(true);
    expect(await whoAmI(browser.agent)).toBe('fixed.sid@contoso.com');
  });

  it("accepts a response with both parts signed when the IdP requires 'both', and refuses one without the Response signature", async () => {
    await addIdp(t, idp, { uniqueId: 'sign-both', settings: { signing: 'both' } });
    await createUser(t, { username: 'signer@contoso.com', email: 'signer@contoso.com' });
    const SAMLResponse = await idp.loginResponse({
      acsUrl: appIdUri('sign-both'),
      nameId: 'signer@contoso.com',
      sign: 'both',
    });
    expect(signedParts(SAMLResponse)).toEqual({ response: true, assertion: true });
    const ok = await postToAcs(browser.agent, 'sign-both', SAMLResponse);
    expect(ok.status).toBe(303);
    expect(await whoAmI(browser.agent)).toBe('signer@contoso.com');

    browser = new WebSession(t.http);
    const sessions = await countSessions(t);
    await expectRefused(await login('sign-both', { nameId: 'signer@contoso.com', sign: 'assertion' }), sessions);
    expect((await traceOf(t, 'sign-both'))[0].outcome).toBe('failure');
  });

  it("accepts the assertion signed, the response signed, or both when the IdP allows 'either'", async () => {
    await addIdp(t, idp, { uniqueId: 'sign-either', settings: { signing: 'either' } });
    await createUser(t, { username: 'either@contoso.com', email: 'either@contoso.com' });
    for (const sign of ['both', 'response', 'assertion'] as const) {
      const b = new WebSession(t.http);
      const res = await idpInitiatedLogin(b.agent, idp, 'sign-either', { nameId: 'either@contoso.com', sign });
      expect(res.status, sign).toBe(303);
      expect(await whoAmI(b.agent)).toBe('either@contoso.com');
    }
  });

  it('an IdP that requires a signed Response refuses an assertion-only-signed one', async () => {
    await addIdp(t, idp, { uniqueId: 'sign-response', name: 'Strict IdP', settings: { signing: 'response' } });
    await createUser(t, { username: 'strict@contoso.com', email: 'strict@contoso.com' });
    const sessions = await countSessions(t);
    const res = await login('sign-response', { nameId: 'strict@contoso.com', sign: 'assertion' });
    await expectRefused(res, sessions);
    expect(await linksOf(t, 'sign-response')).toEqual([]);
    const [entry] = await traceOf(t, 'sign-response');
    expect(entry.outcome).toBe('failure');
    expect(entry.reason).toMatch(/requires a signed Response/);

    const ok = await login('sign-response', { nameId: 'strict@contoso.com', sign: 'response' });
    expect(ok.status).toBe(303);
    expect(await whoAmI(browser.agent)).toBe('strict@contoso.com');
  });

  it("links an existing user by email (matchAgainst 'email'), case-insensitively, and never by username", async () => {
    await addIdp(t, idp, { uniqueId: 'by-email', settings: { matchAgainst: 'email' } });
    const megan = await createUser(t, { username: 'megan', email: 'megan.bowen@contoso.com' });
    const res = await login('by-email', { nameId: 'Megan.Bowen@CONTOSO.com' });
    expect(res.status).toBe(303);
    expect(await whoAmI(browser.agent)).toBe('megan');
    expect(await linksOf(t, 'by-email')).toEqual([{ subject: 'Megan.Bowen@CONTOSO.com', username: megan.username }]);

    // A username equal to the NameID does not count when matching against email.
    await createUser(t, { username: 'lynne@contoso.com', email: 'lynne.robbins@example.com' });
    browser = new WebSession(t.http);
    const sessions = await countSessions(t);
    const refused = await login('by-email', { nameId: 'lynne@contoso.com' });
    await expectRefused(refused, sessions);
    expect(refused.text).toContain('lynne@contoso.com');
    expect(await linksOf(t, 'by-email')).toHaveLength(1);
  });

  it('"use the part before @" (stripDomain) finds the user by the local part', async () => {
    await addIdp(t, idp, { uniqueId: 'strip', settings: { stripDomain: true, matchAgainst: 'username' } });
    await createUser(t, { username: 'alexw', email: 'alex.wilber@example.org' });
    const res = await login('strip', { nameId: 'AlexW@contoso.com' });
    expect(res.status).toBe(303);
    expect(await whoAmI(browser.agent)).toBe('alexw');
    expect((await linksOf(t, 'strip')).map((l) => l.username)).toEqual(['alexw']);
  });

  it('auto-creates users with the configured groups, no password, name and email from the claims', async () => {
    // The group must exist first: the IdP cannot name a missing one.
    await expect(
      addIdp(t, idp, { uniqueId: 'create', settings: { createUsers: true, createUserGroups: ['wiki-editors'] } }),
    ).rejects.toThrow(/No such group: wiki-editors/);
    const admin = await loginAsAdmin(t);
    const page = await admin.agent.get('/admin/groups').expect(200);
    await admin.agent.post('/admin/groups').type('form').send({ _csrf: csrfTokenFrom(page.text), name: 'wiki-editors' }).expect(303);
    await addIdp(t, idp, { uniqueId: 'create', settings: { createUsers: true, createUserGroups: ['wiki-editors'] } });

    const res = await login('create', {
      nameId: 'nova.person@contoso.com',
      attributes: {
        [ENTRA_CLAIMS.displayName]: 'Nova Person',
        [ENTRA_CLAIMS.givenName]: 'Nova',
        [ENTRA_CLAIMS.surname]: 'Person-Ignored',
        [ENTRA_CLAIMS.email]: 'nova@mail.contoso.com',
        [ENTRA_CLAIMS.objectId]: 'oid-nova',
      },
    });
    expect(res.status).toBe(303);
    expect(await whoAmI(browser.agent)).toBe('nova.person@contoso.com');
    const nova = (await userRow(t, 'nova.person@contoso.com'))!;
    expect(nova).toMatchObject({ fullName: 'Nova Person', email: 'nova@mail.contoso.com', passwordHash: null, active: true });
    expect(await groupsOf(t.db, 'nova.person@contoso.com')).toEqual(['confluence-users', 'wiki-editors']);
    expect(await linksOf(t, 'create')).toEqual([{ subject: 'oid-nova', username: 'nova.person@contoso.com' }]);
    expect((await traceOf(t, 'create'))[0].reason).toBe('created account nova.person@contoso.com');

    // Without displayname: given name and surname.
    const grace = new WebSession(t.http);
    await idpInitiatedLogin(grace.agent, idp, 'create', {
      nameId: 'grace.hopper@contoso.com',
      attributes: { [ENTRA_CLAIMS.givenName]: 'Grace', [ENTRA_CLAIMS.surname]: 'Hopper', [ENTRA_CLAIMS.email]: 'grace@contoso.com' },
    });
    expect((await userRow(t, 'grace.hopper@contoso.com'))!.fullName).toBe('Grace Hopper');

    // Created without a password, so the password form cannot be used for them.
    const form = new WebSession(t.http);
    expect((await form.login('nova.person@contoso.com', USER_PASSWORD)).status).toBe(401);
  });

  it('refuses a person without an account when auto-create is off: a page naming the account, no user, no session', async () => {
    const users = await countUsers(t.db);
    const sessions = await countSessions(t);
    const res = await login('entra', {
      nameId: 'stranger@contoso.com',
      attributes: { [ENTRA_CLAIMS.objectId]: 'oid-stranger', [ENTRA_CLAIMS.email]: 'stranger@contoso.com' },
    });
    await expectRefused(res, sessions);
    expect(res.text).toContain('<strong>stranger@contoso.com</strong>');
    expect(res.text).toContain('Ask an Atrium administrator');
    expect(res.headers['set-cookie'] ?? []).not.toEqual(expect.arrayContaining([expect.stringMatching(/^atrium\.sid=/)]));
    expect(await countUsers(t.db)).toBe(users);
    expect(await userRow(t, 'stranger@contoso.com')).toBeUndefined();
    expect((await linksOf(t, 'entra')).map((l) => l.subject)).not.toContain('oid-stranger');
    const [entry] = await traceOf(t, 'entra');
    expect(entry).toMatchObject({ outcome: 'failure', reason: 'no account for stranger@contoso.com and auto-create is off' });
  });

  it('refuses deactivated users, on first login and through an existing link', async () => {
    const users = t.app.get(UsersService);
    const dee = await createUser(t, { username: 'dee@contoso.com', email: 'dee@contoso.com' });
    await users.setActive(dee.id, false);
    let sessions = await countSessions(t);
    const first = await login('entra', { nameId: 'dee@contoso.com' });
    await expectRefused(first, sessions);
    expect(first.text).toContain('dee@contoso.com');
    expect((await linksOf(t, 'entra')).map((l) => l.username)).not.toContain('dee@contoso.com');

    const dan = await createUser(t, { username: 'dan@contoso.com', email: 'dan@contoso.com' });
    const attributes = { [ENTRA_CLAIMS.objectId]: 'oid-dan' };
    expect((await login('entra', { nameId: 'dan@contoso.com', attributes })).status).toBe(303);
    await users.setActive(dan.id, false);
    browser = new WebSession(t.http);
    sessions = await countSessions(t);
    await expectRefused(await login('entra', { nameId: 'dan@contoso.com', attributes }), sessions);
    expect((await traceOf(t, 'entra'))[0]).toMatchObject({ outcome: 'failure', reason: 'account dan@contoso.com is deactivated' });
  });

  it('updateProfileOnLogin updates full name and email; with it off they stay', async () => {
    await addIdp(t, idp, { uniqueId: 'profile-off', settings: { updateProfileOnLogin: false } });
    await addIdp(t, idp, { uniqueId: 'profile-on', settings: { updateProfileOnLogin: true } });
    await createUser(t, { username: 'pat@contoso.com', fullName: 'Pat Old', email: 'pat.old@contoso.com' });
    const attributes = { [ENTRA_CLAIMS.displayName]: 'Pat New', [ENTRA_CLAIMS.email]: 'pat.new@contoso.com' };

    expect((await login('profile-off', { nameId: 'pat@contoso.com', attributes })).status).toBe(303);
    expect(await userRow(t, 'pat@contoso.com')).toMatchObject({ fullName: 'Pat Old', email: 'pat.old@contoso.com' });

    expect((await login('profile-on', { nameId: 'pat@contoso.com', attributes })).status).toBe(303);
    expect(await userRow(t, 'pat@contoso.com')).toMatchObject({ fullName: 'Pat New', email: 'pat.new@contoso.com' });
  });

  it('group sync adds mapped groups and removes only the ones it granted, never an admin-granted membership', async () => {
    const groups = t.app.get(GroupsService);
    for (const name of ['sso-team-a', 'sso-team-b', 'sso-other']) await groups.createGroup(name);
    await addIdp(t, idp, {
      uniqueId: 'sync',
      settings: {
        groupSync: true,
        groupMappings: [
          { claim: '0b1c0000-aaaa-4000-8000-000000000001', group: 'sso-team-a' },
          { claim: 'Team B', group: 'sso-team-b' },
        ],
      },
    });
    await createUser(t, { username: 'gus@contoso.com', email: 'gus@contoso.com' });
    await groups.addMember('sso-team-b', 'gus@contoso.com');
    await groups.addMember('sso-other', 'gus@contoso.com');
    const withGroups = (claim: string[]) => ({
      nameId: 'gus@contoso.com',
      attributes: { [ENTRA_CLAIMS.groups]: claim },
    });

    await login('sync', withGroups(['0b1c0000-aaaa-4000-8000-000000000001', 'Team B', 'not-mapped']));
    expect(await groupsOf(t.db, 'gus@contoso.com')).toEqual(['confluence-users', 'sso-other', 'sso-team-a', 'sso-team-b']);

    // Out of both IdP groups: the sync-granted group goes, the admin-granted ones stay.
    await login('sync', withGroups([]));
    expect(await groupsOf(t.db, 'gus@contoso.com')).toEqual(['confluence-users', 'sso-other', 'sso-team-b']);

    await login('sync', withGroups(['0b1c0000-aaaa-4000-8000-000000000001']));
    expect(await groupsOf(t.db, 'gus@contoso.com')).toEqual(['confluence-users', 'sso-other', 'sso-team-a', 'sso-team-b']);
  });

  it("notes Entra's group-overage claim in the trace and keeps the synced groups", async () => {
    await createUser(t, { username: 'olga@contoso.com', email: 'olga@contoso.com' });
    await login('sync', { nameId: 'olga@contoso.com', attributes: { [ENTRA_CLAIMS.groups]: ['0b1c0000-aaaa-4000-8000-000000000001'] } });
    expect(await groupsOf(t.db, 'olga@contoso.com')).toContain('sso-team-a');

    const b = new WebSession(t.http);
    const res = await spInitiatedLogin(b.agent, idp, 'sync', {
      nameId: 'olga@contoso.com',
      attributes: { [OVERAGE]: 'https://graph.windows.net/tenant-1/users/oid-olga/getMemberObjects' },
    });
    expect(res.status).toBe(303);
    expect(await whoAmI(b.agent)).toBe('olga@contoso.com');
    const [success, info] = await traceOf(t, 'sync');
    expect(success.outcome).toBe('success');
    expect(info).toMatchObject({ outcome: 'info', flow: 'sp-initiated', nameId: 'olga@contoso.com' });
    expect(info.reason).toMatch(/group-overage claim for olga@contoso\.com/);
    // The groups are unknown, not empty: nothing is removed.
    expect(await groupsOf(t.db, 'olga@contoso.com')).toContain('sso-team-a');
  });
});
