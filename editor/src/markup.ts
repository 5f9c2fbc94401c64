// Escaping shared by both directions of the storage conversion.

export function escapeText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function escapeAttr(value: string): string {
  return escapeText(value).replace(/"/g, '&quot;');
}

/** ` name="value"` pairs for the attributes that have a value, in the order given. */
export function attrs(pairs: Record<string, string | number | null | undefined>): string {
  return Object.entries(pairs)
    .filter(([, v]) => v !== null && v !== undefined && v !== '')
    .map(([k, v]) => ` ${k}="${escapeAttr(String(v))}"`)
    .join('');
}

/** Macro parameters (name → text) and the macro's own attributes, as the editor keeps them. */
export interface MacroData {
  params: Record<string, string>;
  attrs: Record<string, string>;
}

export function parseMacroData(json: unknown): MacroData {
  try {
    const data = typeof json === 'string' && json ? (JSON.parse(json) as Partial<MacroData>) : {};
    return { params: { ...data.params }, attrs: { ...data.attrs } };
  } catch {
    return { params: {}, attrs: {} };
  }
}
