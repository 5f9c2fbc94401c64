import { UserInputError } from '../../../users/user-input.error.js';

export const MAX_LABEL_LENGTH = 255;
export const MAX_LABELS_PER_PAGE = 100;
/** Characters Confluence refuses in label names, plus angle brackets. */
const FORBIDDEN = /[!#&()*.:;<>?@[\]^]/;

/**
 * Label names from the "Add labels" field: separated by spaces or commas, lower-cased
 * (labels are case-insensitive, as in Confluence), without duplicates.
 */
export function parseLabelNames(raw: unknown): string[] {
  const text = typeof raw === 'string' ? raw : '';
  const names = [...new Set(text.split(/[\s,]+/).filter(Boolean).map((n) => n.toLowerCase()))];
  if (!names.length) throw new UserInputError({ labels: 'Enter a label.' });
  if (names.length > MAX_LABELS_PER_PAGE) throw new UserInputError({ labels: `A page can have at most ${MAX_LABELS_PER_PAGE} labels.` });
  for (const name of names) {
    if (name.length > MAX_LABEL_LENGTH) throw new UserInputError({ labels: `A label can have at most ${MAX_LABEL_LENGTH} characters.` });
    if (FORBIDDEN.test(name)) {
      throw new UserInputError({ labels: `"${name}" is not a valid label: labels cannot contain ! # & ( ) * . : ; < > ? @ [ ] ^` });
    }
  }
  return names;
}

/** One label name from a URL, in the stored form; null when it cannot be a label. */
export function labelFromPath(raw: string): string | null {
  const name = raw.trim().toLowerCase();
  return name && name.length <= MAX_LABEL_LENGTH && !/\s/.test(name) && !FORBIDDEN.test(name) ? name : null;
}
