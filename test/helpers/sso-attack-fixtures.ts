import { DOMParser, XMLSerializer } from '@xmldom/xmldom';
import request from 'supertest';
import type TestAgent from 'supertest/lib/agent.js';
import { expect } from 'vitest';
import type { UserSummary } from '../../src/users/user-summary.js';
import { ADMIN_PASSWORD, type TestApp } from './test-app.js';
import type { TestIdp } from './test-idp.js';

/**
 * Shared set-up for the SSO attack suites: IdPs created through the JSON API, ACS posts
 * from a fresh browser-like agent, and the checks every refusal must pass (4xx, no
 * session, the reason in the SSO trace).
 */

export const SAMLP = 'urn:oasis:names:tc:SAML:2.0:protocol';
export const SAML = 'urn:oasis:names:tc:SAML:2.0:assertion';
export const DS = 'http://www.w3.org/2000/09/xmldsig#';

export const acsPath = (uniqueId: string) => `/plugins/servlet/no.kantega.saml/sp/${uniqueId}/login`;
/** The App ID URI (SP entity ID, ACS) for the app's configured base URL. */
export const acsUrl = (t: TestApp, uniqueId: string) => `${t.config.baseUrl}${acsPath(uniqueId)}`;

/** Creates an IdP for `idp` through POST /rest/atrium/1.0/sso/idps (Basic auth). */
export async function createIdpViaApi(
  t: TestApp,
  idp: TestIdp,
  body: { uniqueId: string; preset: 'entra' | 'generic'; name?: string; settings?: Record<string, unknown> },
) {
  const res = await request(t.http)
    .post('/rest/atrium/1.0/sso/idps')
    .auth('admin', ADMIN_PASSWORD)
    .send({ metadataXml: idp.metadataXml(), settings: {}, ...body });
  if (res.status !== 201) throw new Error(`creating ${body.uniqueId} answered ${res.status}: ${res.text}`);
  return res.body;
}

/** Changes IdP settings through PUT /rest/atrium/1.0/sso/idps/<id>. */
export async function updateIdpSettings(t: TestApp, uniqueId: string, settings: Record<string, unknown>) {
  const res = await request(t.http)
    .put(`/rest/atrium/1.0/sso/idps/${uniqueId}`)
    .auth('admin', ADMIN_PASSWORD)
    .send({ settings });
  if (res.status !== 200) throw new Error(`updating ${uniqueId} answered ${res.status}: ${res.text}`);
  return res.body;
}

export interface TraceEntry {
  id: string;
  flow: string;
  outcome: string;
  reason: string | null;
  nameId: string | null;
}

/** The SSO trace of an IdP through the JSON API, newest first. */
export async function traceOf(t: TestApp, uniqueId: string): Promise<TraceEntry[]> {
  const res = await request(t.http).get(`/rest/atrium/1.0/sso/idps/${uniqueId}/trace`).auth('admin', ADMIN_PASSWORD);
  if (res.status !== 200) throw new Error(`trace of ${uniqueId} answered ${res.status}`);
  return res.body;
}

export async function clearSessionsOf(t: TestApp, userId: string): Promise<void> {
  await t.db.query(`DELETE FROM sessions WHERE sess->>'userId' = $1`, [userId]);
}

export async function countSessionsOf(t: TestApp, userId: string): Promise<number> {
  const [{ n }] = await t.db.query(`SELECT count(*)::int AS n FROM sessions WHERE sess->>'userId' = $1`, [userId]);
  return n;
}

export interface Attempt {
  res: request.Response;
  agent: TestAgent;
  /** Trace entries the attempt added, newest first. */
  entries: TraceEntry[];
}

/**
 * Posts `fields` to the ACS of `uniqueId` from a fresh browser (which first loads /login,
 * so it holds whatever cookies an anonymous visitor has), and collects the trace entries
 * the post added to `traceOfIdp` (default: the IdP posted to).
 */
export async function postAcs(
  t: TestApp,
  uniqueId: string,
  fields: Record<string, string> | string,
  traceOfIdp = uniqueId,
): Promise<Attempt> {
  const agent = request.agent(t.http);
  await agent.get('/login');
  const before = (await traceOf(t, traceOfIdp))[0]?.id ?? '0';
  const res = await agent.post(acsPath(uniqueId)).type('form').send(fields);
  const entries = (await traceOf(t, traceOfIdp)).filter((e) => BigInt(e.id) > BigInt(before));
  return { res, agent, entries };
}

/**
 * A refusal: a 4xx page without a stack trace, no session for any of `users`, no
 * signed-in cookie, and exactly one new trace entry: a failure with the reason.
 */
export async function expectRefused(
  t: TestApp,
  attempt: Attempt,
  users: UserSummary | UserSummary[],
  expected: { reason: RegExp; status?: number },
): Promise<void> {
  const { res, agent, entries } = attempt;
  expect(res.status, res.text).toBe(expected.status ?? 403);
  expect(res.text).not.toMatch(/ at .+\.(js|ts):\d+/);
  for (const user of [users].flat()) expect(await countSessionsOf(t, user.id)).toBe(0);
  await agent.get('/rest/api/user/current').expect(401);
  expect(entries.map((e) => e.outcome)).toEqual(['failure']);
  expect(entries[0].reason).toMatch(expected.reason);
}

/** The positive control: a 303 into the app, and the session belongs to `user`. */
export async function expectLoggedIn(t: TestApp, attempt: Attempt, user: UserSummary, location = '/'): Promise<void> {
  const { res, agent, entries } = attempt;
  expect(res.status, `${res.text}\n${entries.map((e) => e.reason).join('\n')}`).toBe(303);
  expect(res.headers.location).toBe(location);
  const me = await agent.get('/rest/api/user/current').expect(200);
  expect(me.body.username).toBe(user.username);
  expect(await countSessionsOf(t, user.id)).toBe(1);
  expect(entries.at(-1)?.outcome).toBe('success');
}

/** Starts an SP-initiated login at `uniqueId` and returns the AuthnRequest ID Atrium stored. */
export async function startSpLogin(t: TestApp, idp: TestIdp, uniqueId: string): Promise<string> {
  const start = await request(t.http).get(acsPath(uniqueId)).expect(302);
  return (await idp.parseAuthnRequest(start.headers.location, acsUrl(t, uniqueId))).id;
}

// --- XML surgery on signed responses, with @xmldom/xmldom --------------------------------

export type XmlDoc = Document;
export type XmlEl = Element;

export function decodeResponse(samlResponse: string): XmlDoc {
  return new DOMParser().parseFromString(Buffer.from(samlResponse, 'base64').toString('utf8'), 'text/xml');
}

export function encodeResponse(doc: XmlDoc | string): string {
  const xml = typeof doc === 'string' ? doc : new XMLSerializer().serializeToString(doc);
  return Buffer.from(xml, 'utf8').toString('base64');
}

export function elements(root: XmlDoc | XmlEl, ns: string, localName: string): XmlEl[] {
  return Array.from(root.getElementsByTagNameNS(ns, localName)) as XmlEl[];
}

/** The direct child element of `parent` with this name. */
export function childElement(parent: XmlEl, ns: string, localName: string): XmlEl {
  for (let n = parent.firstChild; n; n = n.nextSibling) {
    const el = n as XmlEl;
    if (n.nodeType === 1 && el.namespaceURI === ns && el.localName === localName) return el;
  }
  throw new Error(`no ${localName} under ${parent.localName}`);
}

/**
 * An evil copy of a signed assertion: deep clone, its own Signature removed, a new ID and
 * the attacker's chosen NameID. Nobody signed this.
 */
export function forgedAssertion(signed: XmlEl, nameId: string, id = '_evil-assertion'): XmlEl {
  const evil = signed.cloneNode(true) as XmlEl;
  for (const sig of elements(evil, DS, 'Signature')) sig.parentNode!.removeChild(sig);
  evil.setAttribute('ID', id);
  const nameIdEl = elements(evil, SAML, 'NameID')[0];
  while (nameIdEl.firstChild) nameIdEl.removeChild(nameIdEl.firstChild);
  nameIdEl.appendChild(evil.ownerDocument!.createTextNode(nameId));
  return evil;
}

/** Inserts `node` as the first child of `parent` after any saml:Issuer and ds:Signature. */
export function insertAfterHeader(parent: XmlEl, node: XmlEl): void {
  let ref = parent.firstChild;
  while (
    ref &&
    (ref.nodeType !== 1 ||
      ((ref as XmlEl).namespaceURI === SAML && (ref as XmlEl).localName === 'Issuer') ||
      ((ref as XmlEl).namespaceURI === DS && (ref as XmlEl).localName === 'Signature'))
  ) {
    ref = ref.nextSibling;
  }
  parent.insertBefore(node, ref);
}
