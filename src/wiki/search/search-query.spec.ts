import { UserInputError } from '../../users/user-input.error.js';
import { MAX_QUERY_LENGTH, SearchInputError, hasCriteria, parseSearchQuery } from './search-query.js';

function errorsOf(raw: Record<string, unknown>): Record<string, string> {
  try {
    parseSearchQuery(raw);
  } catch (error) {
    expect(error).toBeInstanceOf(UserInputError);
    return (error as SearchInputError).fieldErrors;
  }
  throw new Error('expected the input to be refused');
}

describe('parseSearchQuery', () => {
  it('reads words and every filter, normalising the space key and label', () => {
    const { query, form } = parseSearchQuery({
      q: '  "release notes" -draft ',
      space: 'doc',
      label: 'HowTo',
      contributor: ' jane ',
      from: '2024-01-01',
      to: '2024-02-29',
      page: '3',
    });
    expect(query).toEqual({
      text: '"release notes" -draft',
      spaceKey: 'DOC',
      label: 'howto',
      contributor: 'jane',
      updatedFrom: '2024-01-01',
      updatedTo: '2024-02-29',
      page: 3,
    });
    expect(form.space).toBe('doc');
  });

  it('defaults to page 1 and no filters', () => {
    const { query } = parseSearchQuery({ q: 'backup' });
    expect(query).toMatchObject({ page: 1, spaceKey: null, label: null, contributor: null, updatedFrom: null, updatedTo: null });
    expect(hasCriteria(query)).toBe(true);
    expect(hasCriteria(parseSearchQuery({}).query)).toBe(false);
    expect(hasCriteria(parseSearchQuery({ label: 'faq' }).query)).toBe(true);
  });

  it.each([
    ['a query that is too long', { q: 'x'.repeat(MAX_QUERY_LENGTH + 1) }, 'q'],
    ['a repeated field', { q: ['a', 'b'] }, 'q'],
    ['a space key with symbols', { space: 'DOC;--' }, 'space'],
    ['a label with spaces', { label: 'two words' }, 'label'],
    ['a date that is not YYYY-MM-DD', { from: '01/02/2024' }, 'from'],
    ['a day that does not exist', { to: '2023-02-29' }, 'to'],
    ['an end before the start', { from: '2024-03-01', to: '2024-02-01' }, 'to'],
    ['page 0', { page: '0' }, 'page'],
    ['a page that is not a number', { page: 'two' }, 'page'],
    ['a huge page number', { page: '99999' }, 'page'],
  ])('refuses %s with a message on that field', (_what, raw, field) => {
    expect(Object.keys(errorsOf(raw))).toEqual([field]);
  });

  it('keeps what was typed on the error, to show the form again', () => {
    try {
      parseSearchQuery({ q: 'backup', from: 'soon' });
      throw new Error('expected a refusal');
    } catch (error) {
      expect((error as SearchInputError).form).toMatchObject({ q: 'backup', from: 'soon' });
    }
  });
});
