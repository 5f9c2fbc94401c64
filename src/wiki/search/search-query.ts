import { UserInputError } from '../../users/user-input.error.js';

export const MAX_QUERY_LENGTH = 200;
const MAX_PAGE = 1000;
const SPACE_KEY = /^[A-Z0-9]{1,32}$/;
const ISO_DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** What the search form asks for, checked: text in websearch syntax plus optional filters. */
export interface SearchQuery {
  text: string;
  spaceKey: string | null;
  label: string | null;
  /** A username: pages this person created or edited. */
  contributor: string | null;
  /** Inclusive calendar days (UTC), YYYY-MM-DD. */
  updatedFrom: string | null;
  updatedTo: string | null;
  page: number;
}

/** The form's fields as typed, to show them again. */
export type SearchForm = Record<'q' | 'space' | 'label' | 'contributor' | 'from' | 'to', string>;

function field(raw: Record<string, unknown>, name: string, errors: Record<string, string>): string {
  const value = raw[name];
  if (value === undefined) return '';
  if (typeof value !== 'string') {
    errors[name] = 'Give this field once.';
    return '';
  }
  return value.trim();
}

/** A real calendar day written YYYY-MM-DD (1900 or later). */
export function validDay(value: string): boolean {
  const m = ISO_DAY.exec(value);
  if (!m) return false;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value && Number(m[1]) >= 1900;
}

/** Reads the query string of /search; bad input throws UserInputError with one message per field. */
export function parseSearchQuery(raw: Record<string, unknown>): { query: SearchQuery; form: SearchForm } {
  const errors: Record<string, string> = {};
  const form: SearchForm = {
    q: field(raw, 'q', errors),
    space: field(raw, 'space', errors),
    label: field(raw, 'label', errors),
    contributor: field(raw, 'contributor', errors),
    from: field(raw, 'from', errors),
    to: field(raw, 'to', errors),
  };
  const pageText = field(raw, 'page', errors);

  if (form.q.length > MAX_QUERY_LENGTH) errors.q = `Search for at most ${MAX_QUERY_LENGTH} characters.`;
  const spaceKey = form.space.toUpperCase();
  if (spaceKey && !SPACE_KEY.test(spaceKey)) errors.space = 'A space key uses the letters A–Z and digits 0–9.';
  const label = form.label.toLowerCase();
  if (label && (label.length > 255 || /\s/.test(label))) errors.label = 'A label is one word of at most 255 characters.';
  if (form.contributor.length > 255) errors.contributor = 'A username has at most 255 characters.';
  for (const name of ['from', 'to'] as const) {
    if (form[name] && !validDay(form[name])) errors[name] = 'Enter a date as YYYY-MM-DD.';
  }
  if (form.from && form.to && !errors.from && !errors.to && form.from > form.to) {
    errors.to = 'The end date is before the start date.';
  }
  const page = pageText ? Number(pageText) : 1;
  if (!/^\d{1,4}$/.test(pageText || '1') || page < 1 || page > MAX_PAGE) errors.page = 'That results page does not exist.';
  if (Object.keys(errors).length) throw new SearchInputError(errors, form);

  return {
    form,
    query: {
      text: form.q,
      spaceKey: spaceKey || null,
      label: label || null,
      contributor: form.contributor || null,
      updatedFrom: form.from || null,
      updatedTo: form.to || null,
      page,
    },
  };
}

/** Bad search input, carrying what was typed so the form can show it again. */
export class SearchInputError extends UserInputError {
  constructor(
    fieldErrors: Record<string, string>,
    readonly form: SearchForm,
  ) {
    super(fieldErrors);
  }
}

/** True when there is anything to search for: text or at least one filter. */
export function hasCriteria(q: SearchQuery): boolean {
  return !!(q.text || q.spaceKey || q.label || q.contributor || q.updatedFrom || q.updatedTo);
}
