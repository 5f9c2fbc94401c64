// Server-side drafts while editing (PageDraftController): the edit form is saved as a private
// draft every few seconds when it changed, and a waiting draft is offered back when the editor
// opens, so a closed tab loses nothing. Served from /static, allowed by the CSP.
(() => {
  const form = document.querySelector('form[data-draft-url]');
  const title = form?.querySelector('#title');
  const body = form?.querySelector('#body');
  if (!form || !title || !body) return;
  const url = form.dataset.draftUrl;
  const base = form.querySelector('input[name="baseVersion"]');
  const token = form.querySelector('input[name="_csrf"]')?.value ?? '';
  const INTERVAL_MS = 5000;
  // fetch's keepalive (used as the tab closes) refuses bodies over 64 KiB.
  const KEEPALIVE_LIMIT = 60 * 1024;

  const status = document.createElement('p');
  status.className = 'draft-status muted';
  status.setAttribute('role', 'status');
  form.append(status);

  const snapshot = () => JSON.stringify([title.value, body.value]);
  let saved = snapshot();
  // Nothing is saved until a waiting draft has been restored or discarded: it must not be overwritten.
  let paused = true;
  let submitting = false;
  let inFlight = false;

  const when = (iso) => new Date(iso).toLocaleString();

  function request(method, payload, keepalive = false) {
    return fetch(url, {
      method,
      credentials: 'same-origin',
      keepalive,
      headers: { Accept: 'application/json', 'Content-Type': 'application/json', 'X-CSRF-Token': token },
      body: payload === undefined ? undefined : JSON.stringify(payload),
    });
  }

  // Typing while an earlier draft is offered: say so, since it is not being kept yet.
  const PAUSED_NOTE = 'Your changes are not saved as a draft yet: restore or discard the earlier draft above first.';

  async function save(keepalive = false) {
    if (submitting || inFlight) return;
    const current = snapshot();
    if (current === saved) return;
    if (paused) {
      if (document.querySelector('.draft-offer')) status.textContent = PAUSED_NOTE;
      return;
    }
    const payload = { title: title.value, body: body.value, baseVersion: base ? base.value : null };
    if (keepalive && JSON.stringify(payload).length > KEEPALIVE_LIMIT) return;
    inFlight = true;
    try {
      const response = await request('PUT', payload, keepalive);
      if (response.ok) {
        saved = current;
        const { draft } = await response.json();
        status.textContent = `Draft saved at ${when(draft.updatedAt)}.`;
      } else {
        const { message } = await response.json().catch(() => ({}));
        status.textContent = `Draft not saved${message ? `: ${message}` : '.'}`;
      }
    } catch {
      status.textContent = 'Draft not saved: Atrium cannot be reached.';
    } finally {
      inFlight = false;
    }
  }

  function button(label, className) {
    const b = document.createElement('button');
    b.type = 'button';
    b.textContent = label;
    if (className) b.className = className;
    return b;
  }

  // Tells the fields (and any editor built on them) that their values were replaced.
  function announce() {
    for (const field of [title, body]) field.dispatchEvent(new Event('input', { bubbles: true }));
    form.dispatchEvent(new CustomEvent('atrium:draft-restored', { bubbles: true }));
  }

  function offer(draft, pageVersion) {
    const box = document.createElement('div');
    box.className = 'draft-offer';
    box.setAttribute('role', 'alert');
    const text = document.createElement('p');
    text.textContent = `You have an unsaved draft from ${when(draft.updatedAt)}.`;
    if (draft.baseVersion && pageVersion && draft.baseVersion < pageVersion) {
      text.textContent += ` It was started from version ${draft.baseVersion}; the page is now at version ${pageVersion}, so saving it shows both texts to merge.`;
    }
    const restore = button('Restore it', 'primary');
    const discard = button('Discard');
    restore.addEventListener('click', () => {
      title.value = draft.title;
      body.value = draft.body;
      // Keep the draft's base: saving it over a newer version then opens the conflict view.
      if (base && draft.baseVersion) base.value = String(draft.baseVersion);
      announce();
      saved = snapshot();
      paused = false;
      box.remove();
      status.textContent = 'Draft restored.';
    });
    discard.addEventListener('click', async () => {
      const response = await request('DELETE').catch(() => null);
      if (!response?.ok) {
        status.textContent = 'The draft could not be discarded; try again.';
        return;
      }
      // `saved` stays the stored page: anything typed meanwhile becomes the new draft.
      paused = false;
      box.remove();
      status.textContent = 'Draft discarded.';
    });
    box.append(text, restore, discard);
    form.before(box);
    restore.focus();
  }

  async function start() {
    try {
      const response = await fetch(url, { credentials: 'same-origin', headers: { Accept: 'application/json' } });
      if (response.ok) {
        const { draft, pageVersion } = await response.json();
        if (draft && (draft.title !== title.value || draft.body !== body.value)) return offer(draft, pageVersion);
      }
    } catch {
      // No draft service: editing still works, only without drafts.
    }
    paused = false;
  }

  form.addEventListener('submit', () => {
    submitting = true;
  });
  // Leaving with changes that no draft holds (an earlier draft still offered): the browser asks.
  window.addEventListener('beforeunload', (event) => {
    if (paused && !submitting && document.querySelector('.draft-offer') && snapshot() !== saved) {
      event.preventDefault();
      event.returnValue = '';
    }
  });
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'hidden') save(true);
  });
  setInterval(() => save(), INTERVAL_MS);
  start();
})();
