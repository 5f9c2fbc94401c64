// A worker thread that runs node-saml's response validation (XML parsing, canonicalisation,
// signature checks: the CPU-heavy part of a login) off the event loop. Plain JavaScript, so the
// compiled app and the TypeScript tests load the same file. See saml-validation.pool.ts.
//
// In:  { type: 'validate', id, idpId, clientKey, options, samlResponse }
//      { type: 'cache-result', id, value | error }
// Out: { type: 'result', id, value: { profile, loggedOut } | error: { name, message, xmlStatus } }
//      { type: 'cache', id, idpId, op: 'save' | 'get' | 'remove', args }
import { SAML } from '@node-saml/node-saml';
import { parentPort } from 'node:worker_threads';

/** node-saml clients by IdP and version of its settings; older versions are dropped. */
const clients = new Map();
/** Clients kept at most (least recently used dropped), so a deleted IdP's keys do not stay for good. */
const MAX_CLIENTS = 50;
const cacheCalls = new Map();
let lastCacheCall = 0;

/** node-saml's InResponseTo cache, answered by the main thread (it lives in PostgreSQL). */
function requestCache(idpId) {
  const call = (op, args) =>
    new Promise((resolve, reject) => {
      const id = ++lastCacheCall;
      cacheCalls.set(id, { resolve, reject });
      parentPort.postMessage({ type: 'cache', id, idpId, op, args });
    });
  return {
    saveAsync: (key, value) => call('save', [key, value]),
    getAsync: (key) => call('get', [key]),
    removeAsync: (key) => call('remove', [key]),
  };
}

function clientFor(idpId, clientKey, options) {
  let client = clients.get(clientKey);
  if (client) {
    clients.delete(clientKey);
  } else {
    for (const key of clients.keys()) if (key.startsWith(`${idpId}:`)) clients.delete(key);
    client = new SAML({ ...options, cacheProvider: requestCache(idpId) });
  }
  clients.set(clientKey, client);
  if (clients.size > MAX_CLIENTS) clients.delete(clients.keys().next().value);
  return client;
}

async function validate({ id, idpId, clientKey, options, samlResponse }) {
  try {
    const { profile, loggedOut } = await clientFor(idpId, clientKey, options).validatePostResponseAsync({
      SAMLResponse: samlResponse,
    });
    const value = {
      loggedOut,
      profile: profile && {
        nameID: profile.nameID ?? '',
        nameIDFormat: profile.nameIDFormat ?? null,
        sessionIndex: profile.sessionIndex ?? null,
        attributes: profile.attributes ?? {},
        assertionXml: profile.getAssertionXml ? profile.getAssertionXml() : null,
      },
    };
    parentPort.postMessage({ type: 'result', id, value });
  } catch (error) {
    const e = error ?? {};
    parentPort.postMessage({
      type: 'result',
      id,
      error: { name: e.constructor?.name ?? 'Error', message: e.message ?? String(error), xmlStatus: e.xmlStatus },
    });
  }
}

parentPort.on('messageerror', (error) => console.error(`SAML validation worker: unreadable message: ${error.message}`));
parentPort.on('message', (message) => {
  if (message.type === 'validate') {
    void validate(message);
  } else if (message.type === 'cache-result') {
    const call = cacheCalls.get(message.id);
    cacheCalls.delete(message.id);
    if (!call) return;
    if ('error' in message) call.reject(new Error(message.error));
    else call.resolve(message.value);
  }
});
