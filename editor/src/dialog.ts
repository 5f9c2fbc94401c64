/** A suggestion shown under the prompt's input while typing. */
export interface Suggestion {
  value: string;
  label: string;
}

export interface AskOptions {
  label: string;
  value?: string;
  hint?: string;
  suggest?: (text: string) => Promise<Suggestion[]>;
}

/** A small modal prompt (window.prompt cannot be styled or labelled). Resolves to null on cancel. */
export type Ask = (options: AskOptions) => Promise<string | null>;

function element<K extends keyof HTMLElementTagNameMap>(tag: K, className?: string): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  if (className) el.className = className;
  return el;
}

export function createAsk(host: HTMLElement): Ask {
  const id = `editor-ask-${Math.random().toString(36).slice(2, 8)}`;
  const dialog = element('dialog', 'editor-dialog');
  const form = element('form');
  form.method = 'dialog';
  const label = element('label');
  label.htmlFor = id;
  const input = element('input');
  input.type = 'text';
  input.id = id;
  input.autocomplete = 'off';
  const list = element('datalist');
  list.id = `${id}-suggestions`;
  const hint = element('p', 'editor-dialog-hint');
  const buttons = element('div', 'editor-dialog-buttons');
  const ok = element('button', 'primary');
  ok.value = 'ok';
  ok.textContent = 'OK';
  const cancel = element('button');
  cancel.value = 'cancel';
  cancel.textContent = 'Cancel';
  buttons.append(ok, cancel);
  form.append(label, input, list, hint, buttons);
  dialog.append(form);
  host.append(dialog);

  let suggest: AskOptions['suggest'];
  let timer: ReturnType<typeof setTimeout> | undefined;
  input.addEventListener('input', () => {
    clearTimeout(timer);
    if (!suggest) return;
    const source = suggest;
    const text = input.value;
    timer = setTimeout(async () => {
      const found = await source(text).catch(() => []);
      if (input.value !== text) return;
      list.replaceChildren(...found.map((s) => new Option(s.label, s.value)));
    }, 150);
  });

  return (options) =>
    new Promise((resolve) => {
      label.textContent = options.label;
      hint.textContent = options.hint ?? '';
      hint.hidden = !options.hint;
      input.value = options.value ?? '';
      suggest = options.suggest;
      list.replaceChildren();
      if (suggest) input.setAttribute('list', list.id);
      else input.removeAttribute('list');
      dialog.returnValue = '';
      dialog.addEventListener('close', () => resolve(dialog.returnValue === 'ok' ? input.value.trim() : null), { once: true });
      dialog.showModal();
      input.select();
    });
}
