import request from 'supertest';
import type TestAgent from 'supertest/lib/agent.js';
import { escapeHtml } from './helpers/admin-fixtures.js';
import { USER_PASSWORD, basicAuth, countSessionsForUser, createUser } from './helpers/login-fixtures.js';
import { addIdp, eventually, idpInitiatedLogin, loginPath, whoAmI } from './helpers/sso-journey-fixtures.js';
import { ADMIN_PASSWORD, startTestApp, type TestApp } from './helpers/test-app.js';
import { createTestDatabase, type TestDatabase } from './helpers/test-database.js';
import { TestIdp } from './helpers/test-idp.js';
import { WebSession, csrfTokenFrom } from './helpers/web-session.js';

const SETTINGS = '/rest/atrium/1.0/sso/settings';
const BAD_CREDENTIALS = 'The username or password is incorrect.';

function saveSsoSettings(t: TestApp, settings: Record<string, unknown>) {
  return request(t.http).put(SETTINGS).auth('admin', ADMIN_PASSWORD).send(settings);
}

/** The password form is on the page: its action, the username field and the password field. */
function expectPasswordForm(html: string): void {
  expect(html).toContain('<form method="post" action="/login" class="form">');
  expect(html).toContain('id="password" name="password" type="password"');
}

/** Password login from `page` (which must show the form), keeping `next`. */
async function passwordLogin(agent: TestAgent, page: string, username: string, password: string, next?: string) {
  const form = await agent.get(page).expect(200);
  return agent
    .post('/login')
    .type('form')
    .send({ _csrf: csrfTokenFrom(form.text), username, password, ...(next ? { next } : {}) });
}

/**
 * The login page: a button per enabled IdP, known-domain discovery, redirect mode with its
 * ?nosso / ?auth_fallback escape hatch, the "no password for SSO users" option, and SSO
 * settings reaching every process.
 */
describe('SSO journeys: the login page', () => {
  let t: TestApp;
  let idp: TestIdp;

  beforeAll(async () => {
    t = await startTestApp();
    idp = await TestIdp.create('https://sts.windows.test/journeys-login-page');
    await addIdp(t, idp, { uniqueId: 'contoso', name: 'Contoso Entra', knownDomains: ['contoso.com'] });
    await addIdp(t, idp, { uniqueId: 'fabrikam', preset: 'okta', name: 'Fabrikam Okta', knownDomains: ['fabrikam.example'] });
    await addIdp(t, idp, { uniqueId: 'legacy', preset: 'adfs', name: 'Old ADFS', knownDomains: ['legacy.example'], enabled: false });
  });
  afterAll(() => t.close());

  it('shows "Sign in with <IdP name>" for each enabled IdP, never for a disabled one', async () => {
    const page = await request(t.http).get('/login').expect(200);
    expectPasswordForm(page.text);
    // With no page asked for, the button brings the person back to the dashboard.
    const button = (uniqueId: string, name: string) =>
      `<a class="button primary sso" href="${escapeHtml(`${loginPath(uniqueId)}?next=%2F`)}">Sign in with ${name}</a>`;
    expect(page.text).toContain(button('contoso', 'Contoso Entra'));
    expect(page.text).toContain(button('fabrikam', 'Fabrikam Okta'));
    expect(page.text).not.toContain('Old ADFS');
    expect(page.text).not.toContain(loginPath('legacy'));
    await request(t.http).get(loginPath('legacy')).expect(404);
  });

  it('the buttons carry the page asked for through to the IdP as RelayState', async () => {
    const page = await request(t.http).get('/login?next=%2Fadmin%2Fusers').expect(200);
    const href = `${loginPath('contoso')}?next=%2Fadmin%2Fusers`;
    expect(page.text).toContain(`href="${escapeHtml(href)}">Sign in with Contoso Entra`);
    const start = await request(t.http).get(href).expect(302);
    expect(start.headers.location.startsWith(`${idp.ssoUrl}?SAMLRequest=`)).toBe(true);
    expect(new URL(start.headers.location).searchParams.get('RelayState')).toBe('/admin/users');
  });

  it('discovers the IdP by known domain: someone@contoso.com goes to Contoso Entra, then to the IdP', async () => {
    const browser = new WebSession(t.http);
    for (const identifier of ['someone@contoso.com', 'Someone@CONTOSO.COM']) {
      const res = await browser.submit('/login/discover', { identifier, next: '/admin/users' }, '/login');
      expect(res.status).toBe(303);
      expect(res.headers.location).toBe(`${loginPath('contoso')}?next=%2Fadmin%2Fusers`);
    }
    const fabrikam = await browser.submit('/login/discover', { identifier: 'kim@fabrikam.example' }, '/login');
    expect(fabrikam.headers.location).toBe(`${loginPath('fabrikam')}?next=%2F`);

    const start = await browser.agent.get(`${loginPath('contoso')}?next=%2Fadmin%2Fusers`).expect(302);
    const authn = await idp.parseAuthnRequest(start.headers.location, `http://localhost:8090${loginPath('contoso')}`);
    expect(authn.relayState).toBe('/admin/users');
  });

  it('an unknown domain, or one of a disabled IdP, shows the password form with the identifier kept', async () => {
    const browser = new WebSession(t.http);
    for (const identifier of ['someone@unknown.example', 'someone@legacy.example']) {
      const res = await browser.submit('/login/discover', { identifier }, '/login');
      expect(res.status).toBe(200);
      expectPasswordForm(res.text);
      expect(res.text).toContain(`id="username" name="username" type="text" value="${identifier}"`);
      expect(res.text).toContain('No single sign-on is set up for this domain; log in with your password.');
    }
    expect(await whoAmI(browser.agent)).toBeNull();
  });

  describe('redirect mode', () => {
    beforeAll(async () => {
      const res = await saveSsoSettings(t, { redirectMode: true, defaultIdp: 'contoso' });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ redirectMode: true, defaultIdp: 'contoso' });
    });
    afterAll(async () => {
      await saveSsoSettings(t, { redirectMode: false, defaultIdp: null }).expect(200);
    });

    it('sends an anonymous visitor of /login straight to the default IdP', async () => {
      const res = await request(t.http).get('/login').expect(303);
      expect(res.headers.location).toBe(`${loginPath('contoso')}?next=%2F`);
    });

    it('sends an anonymous visitor of a protected page to the IdP, and back to that page after login', async () => {
      const browser = new WebSession(t.http);
      const page = await browser.agent.get('/admin/users').expect(303);
      expect(page.headers.location).toBe('/login?next=%2Fadmin%2Fusers');
      const login = await browser.agent.get(page.headers.location).expect(303);
      expect(login.headers.location).toBe(`${loginPath('contoso')}?next=%2Fadmin%2Fusers`);
      const start = await browser.agent.get(login.headers.location).expect(302);
      expect(start.headers.location.startsWith(`${idp.ssoUrl}?`)).toBe(true);
      const authn = await idp.parseAuthnRequest(start.headers.location, `http://localhost:8090${loginPath('contoso')}`);
      expect(authn.relayState).toBe('/admin/users');
    });

    it('?nosso and ?auth_fallback show the password form, and an admin can log in with a password', async () => {
      for (const page of ['/login?nosso', '/login?auth_fallback', '/login?nosso&next=%2Fadmin%2Fusers']) {
        const res = await request(t.http).get(page).expect(200);
        expectPasswordForm(res.text);
      }
      const admin = new WebSession(t.http);
      const res = await passwordLogin(admin.agent, '/login?nosso', 'admin', ADMIN_PASSWORD, '/admin/users');
      expect(res.status).toBe(303);
      expect(res.headers.location).toBe('/admin/users');
      expect(await whoAmI(admin.agent)).toBe('admin');
      await admin.agent.get('/admin/users').expect(200);
    });

    it('a wrong password on the fallback form shows the form again, not the IdP', async () => {
      const browser = new WebSession(t.http);
      const res = await passwordLogin(browser.agent, '/login?auth_fallback', 'admin', 'wrong-password');
      expect(res.status).toBe(401);
      expectPasswordForm(res.text);
      expect(res.text).toContain(BAD_CREDENTIALS);
      expect(await whoAmI(browser.agent)).toBeNull();
    });
  });

  it('"disable password login for users who have an SSO link" refuses linked users with the generic error, not unlinked ones', async () => {
    const linked = await createUser(t, { username: 'linked@contoso.com', email: 'linked@contoso.com' });
    const unlinked = await createUser(t, { username: 'unlinked', email: 'unlinked@contoso.com' });
    expect((await idpInitiatedLogin(new WebSession(t.http).agent, idp, 'contoso', { nameId: 'linked@contoso.com' })).status).toBe(303);
    // Off (the default): the linked user may still use a password.
    expect((await new WebSession(t.http).login('linked@contoso.com', USER_PASSWORD)).status).toBe(303);

    await saveSsoSettings(t, { disablePasswordForSsoUsers: true }).expect(200);
    try {
      const sessions = await countSessionsForUser(t, linked.id);
      const refused = new WebSession(t.http);
      const res = await refused.login('linked@contoso.com', USER_PASSWORD);
      expect(res.status).toBe(401);
      expect(res.text).toContain(BAD_CREDENTIALS);
      expect(await whoAmI(refused.agent)).toBeNull();
      expect(await countSessionsForUser(t, linked.id)).toBe(sessions);
      // The same words as a wrong password: nothing tells that the account is SSO-only.
      const wrong = await new WebSession(t.http).login('unlinked', 'not-the-password');
      expect(wrong.status).toBe(401);
      expect(wrong.text).toContain(BAD_CREDENTIALS);
      // Basic auth goes through the same check.
      await request(t.http).get('/rest/api/user/current').set('Authorization', basicAuth('linked@contoso.com', USER_PASSWORD)).expect(401);

      const ok = new WebSession(t.http);
      expect((await ok.login('unlinked', USER_PASSWORD)).status).toBe(303);
      expect(await whoAmI(ok.agent)).toBe(unlinked.username);
      // Single sign-on itself still works for the linked user.
      const sso = new WebSession(t.http);
      expect((await idpInitiatedLogin(sso.agent, idp, 'contoso', { nameId: 'linked@contoso.com' })).status).toBe(303);
      expect(await whoAmI(sso.agent)).toBe('linked@contoso.com');
    } finally {
      await saveSsoSettings(t, { disablePasswordForSsoUsers: false }).expect(200);
    }
  });
});

describe('SSO journeys: settings reach every process', () => {
  let database: TestDatabase;
  let a: TestApp;
  let b: TestApp;

  beforeAll(async () => {
    database = await createTestDatabase();
    a = await startTestApp({}, database);
    b = await startTestApp({}, database);
    await addIdp(a, await TestIdp.create('https://idp.two-processes.test'), { uniqueId: 'shared', name: 'Shared IdP' });
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
    await database?.drop();
  });

  const redirectsOnB = async () => (await request(b.http).get('/login')).status === 303;

  it('a redirect-mode change made on one process is seen by the other within a few seconds', async () => {
    // B has read (and cached) the settings before the change.
    const before = await request(b.http).get('/login').expect(200);
    expect(before.text).toContain('Sign in with Shared IdP');

    await saveSsoSettings(a, { redirectMode: true, defaultIdp: 'shared' }).expect(200);
    const target = `${loginPath('shared')}?next=%2F`;
    expect((await request(a.http).get('/login')).headers.location).toBe(target);
    expect(await eventually(redirectsOnB, 5000)).toBe(true);
    expect((await request(b.http).get('/login')).headers.location).toBe(target);

    await saveSsoSettings(a, { redirectMode: false }).expect(200);
    expect(await eventually(async () => !(await redirectsOnB()), 5000)).toBe(true);
    expectPasswordForm((await request(b.http).get('/login').expect(200)).text);
  });
});
