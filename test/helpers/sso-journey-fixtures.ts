import request from 'supertest';
import type TestAgent from 'supertest/lib/agent.js';
import type { IdentityProvider } from '../../src/sso/identity-provider.js';
import { IdpAdminService } from '../../src/sso/idp-admin.service.js';
import type { PresetKey } from '../../src/sso/idp-presets.js';
import type { IdpSettings } from '../../src/sso/idp-settings.js';
import { ADMIN_PASSWORD, type TestApp } from './test-app.js';
import type { ResponseOptions, TestIdp } from './test-idp.js';
import { csrfTokenFrom, type WebSession } from './web-session.js';

/** ATRIUM_BASE_URL of startTestApp. */
export const BASE = 'http://localhost:8090';
export const SAML_PATH = '/plugins/servlet/no.kantega.saml/sp';

export const loginPath = (uniqueId: string) => `${SAML_PATH}/${uniqueId}/login`;
export const metadataPath = (uniqueId: string) => `${SAML_PATH}/${uniqueId}/metadata`;
export const logoutPath = (uniqueId: string) => `${SAML_PATH}/${uniqueId}/logout`;
/** The App ID URI: SP entity ID and ACS. */
export const appIdUri = (uniqueId: string) => `${BASE}${loginPath(uniqueId)}`;

let sequence = 0;

/**
 * Adds an IdP entry for `idp` through the same service as the wizard and JSON API,
 * from the test IdP's own metadata (so it has an SLO URL).
 */
export async function addIdp(
  t: TestApp,
  idp: TestIdp,
  options: {
    uniqueId?: string;
    preset?: PresetKey;
    name?: string;
    settings?: Partial<IdpSettings>;
    knownDomains?: string[];
    enabled?: boolean;
  } = {},
): Promise<IdentityProvider> {
  sequence += 1;
  const preset = options.preset ?? 'entra';
  return t.app.get(IdpAdminService).createIdp({
    preset,
    uniqueId: options.uniqueId ?? `${preset}-j${sequence}`,
    name: options.name ?? `Test IdP ${sequence}`,
    metadataXml: idp.metadataXml(),
    settings: options.settings ?? {},
    enabled: options.enabled ?? true,
    ...(options.knownDomains ? { knownDomains: options.knownDomains } : {}),
  });
}

/** Posts a SAMLResponse to the ACS the way the IdP's auto-submitting form does. */
export function postToAcs(agent: TestAgent, uniqueId: string, SAMLResponse: string, RelayState?: string) {
  return agent
    .post(loginPath(uniqueId))
    .type('form')
    .send({ SAMLResponse, ...(RelayState !== undefined ? { RelayState } : {}) });
}

/** IdP-initiated login: the test IdP signs a response and the browser posts it. */
export async function idpInitiatedLogin(
  agent: TestAgent,
  idp: TestIdp,
  uniqueId: string,
  options: Omit<ResponseOptions, 'acsUrl'>,
) {
  const SAMLResponse = await idp.loginResponse({ acsUrl: appIdUri(uniqueId), ...options });
  return postToAcs(agent, uniqueId, SAMLResponse);
}

/** SP-initiated login: GET the Sign-on URL, let the IdP read the AuthnRequest and answer it. */
export async function spInitiatedLogin(
  agent: TestAgent,
  idp: TestIdp,
  uniqueId: string,
  options: Omit<ResponseOptions, 'acsUrl' | 'inResponseTo'>,
  next?: string,
) {
  const start = await agent.get(`${loginPath(uniqueId)}${next ? `?next=${encodeURIComponent(next)}` : ''}`);
  if (start.status !== 302) throw new Error(`SP-initiated login did not redirect: ${start.status}`);
  const authn = await idp.parseAuthnRequest(start.headers.location, appIdUri(uniqueId));
  const SAMLResponse = await idp.loginResponse({ acsUrl: appIdUri(uniqueId), inResponseTo: authn.id, ...options });
  return postToAcs(agent, uniqueId, SAMLResponse, authn.relayState ?? undefined);
}

/** The username the agent's session belongs to, or null when it has none. */
export async function whoAmI(agent: TestAgent): Promise<string | null> {
  const res = await agent.get('/rest/api/user/current');
  if (res.status === 401) return null;
  if (res.status !== 200) throw new Error(`/rest/api/user/current answered ${res.status}`);
  return res.body.username;
}

export async function countSessions(t: TestApp): Promise<number> {
  const [{ n }] = await t.db.query(`SELECT count(*)::int AS n FROM sessions WHERE sess->>'userId' IS NOT NULL`);
  return n;
}

export async function linksOf(t: TestApp, uniqueId: string): Promise<{ subject: string; username: string }[]> {
  return t.db.query(
    `SELECT l.subject, u.username FROM sso_links l JOIN users u ON u.id = l.user_id
       JOIN identity_providers p ON p.id = l.idp_id WHERE p.unique_id = $1 ORDER BY l.subject`,
    [uniqueId],
  );
}

export interface TraceEntryRow {
  flow: string;
  outcome: string;
  reason: string | null;
  nameId: string | null;
  username: string | null;
  attributes: Record<string, string[]> | null;
}

/** The SSO trace, newest first, as the JSON API gives it. */
export async function traceOf(t: TestApp, uniqueId: string): Promise<TraceEntryRow[]> {
  const res = await request(t.http).get(`/rest/atrium/1.0/sso/idps/${uniqueId}/trace`).auth('admin', ADMIN_PASSWORD);
  if (res.status !== 200) throw new Error(`trace answered ${res.status}`);
  return res.body;
}

export async function userRow(t: TestApp, username: string) {
  const rows = await t.db.query(
    `SELECT id, username, full_name AS "fullName", email, password_hash AS "passwordHash", active
       FROM users WHERE lower(username) = lower($1)`,
    [username],
  );
  return rows[0] as
    | { id: string; username: string; fullName: string; email: string; passwordHash: string | null; active: boolean }
    | undefined;
}

/** Polls `check` until it returns true, for up to `ms`; returns whether it did. */
export async function eventually(check: () => Promise<boolean>, ms = 5000, every = 100): Promise<boolean> {
  const until = Date.now() + ms;
  for (;;) {
    if (await check()) return true;
    if (Date.now() > until) return false;
    await new Promise((resolve) => setTimeout(resolve, every));
  }
}

/** The table row of `html` that contains `needle`. */
export function rowContaining(html: string, needle: string): string {
  const at = html.indexOf(needle);
  if (at < 0) throw new Error(`${needle} is not on the page`);
  return html.slice(html.lastIndexOf('<tr', at), html.indexOf('</tr>', at) + 5);
}

function expectRedirect(res: { status: number; headers: Record<string, string> }, to?: string) {
  if (res.status !== 303 || (to && res.headers.location !== to)) {
    throw new Error(`expected a 303 to ${to ?? 'anywhere'}, got ${res.status} ${res.headers.location ?? ''}`);
  }
}

/** The "Add identity provider" wizard driven like a browser, one page and form at a time. */
export const wizard = {
  /** Picks the preset and walks Basic and App properties; returns the IdP's unique ID. */
  async start(s: WebSession, preset = 'entra'): Promise<string> {
    expectRedirect(await s.agent.get(`/admin/sso/wizard?preset=${preset}`), '/admin/sso/wizard/basic');
    expectRedirect(await wizard.step(s, 'basic'), '/admin/sso/wizard/app-properties');
    const page = await s.agent.get('/admin/sso/wizard/app-properties');
    expectRedirect(await wizard.step(s, 'app-properties'), '/admin/sso/wizard/metadata');
    return /\/sp\/([^/]+)\/login/.exec(page.text)![1];
  },

  /** "Metadata import": a multipart form (fields, and the file if given), CSRF token in the query. */
  async sendMetadata(s: WebSession, fields: Record<string, string>, file?: Buffer) {
    const page = await s.agent.get('/admin/sso/wizard/metadata');
    let req = s.agent.post(`/admin/sso/wizard/metadata?_csrf=${encodeURIComponent(csrfTokenFrom(page.text))}`);
    for (const [name, value] of Object.entries(fields)) req = req.field(name, value);
    return file ? req.attach('metadataFile', file, 'federationmetadata.xml') : req;
  },

  /** Opens a step's page and submits its form with `fields`. */
  async step(s: WebSession, name: string, fields: Record<string, string> = {}) {
    const page = await s.agent.get(`/admin/sso/wizard/${name}`);
    return s.agent.post(`/admin/sso/wizard/${name}`).type('form').send({ _csrf: csrfTokenFrom(page.text), ...fields });
  },

  /** Name and SSO location, then Signature verification, User accounts and Finish with defaults. */
  async finish(s: WebSession, name: string, ssoUrl: string) {
    expectRedirect(await wizard.step(s, 'name', { name, ssoUrl }), '/admin/sso/wizard/certificates');
    expectRedirect(await wizard.step(s, 'certificates'), '/admin/sso/wizard/accounts');
    expectRedirect(await wizard.step(s, 'accounts'), '/admin/sso/wizard/finish');
    return wizard.step(s, 'finish');
  },
};
