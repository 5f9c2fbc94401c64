import { UserInputError } from '../../../users/user-input.error.js';
import { MAX_LABELS_PER_PAGE, labelFromPath, parseLabelNames } from './label-rules.js';

function refusal(raw: unknown): string {
  try {
    parseLabelNames(raw);
  } catch (error) {
    expect(error).toBeInstanceOf(UserInputError);
    return (error as UserInputError).fieldErrors.labels;
  }
  throw new Error('accepted');
}

describe('parseLabelNames', () => {
  it('splits on spaces and commas, lower-cases and drops duplicates', () => {
    expect(parseLabelNames(' Release-Notes, howto\tHOWTO  q3_2024 ')).toEqual(['release-notes', 'howto', 'q3_2024']);
    expect(parseLabelNames('Übersicht')).toEqual(['übersicht']);
  });

  it.each([
    [undefined, 'Enter a label.'],
    [' , ', 'Enter a label.'],
    ['good bad!', '"bad!" is not a valid label: labels cannot contain ! # & ( ) * . : ; < > ? @ [ ] ^'],
    ['<script>', '"<script>" is not a valid label: labels cannot contain ! # & ( ) * . : ; < > ? @ [ ] ^'],
    ['x'.repeat(256), 'A label can have at most 255 characters.'],
    [Array.from({ length: MAX_LABELS_PER_PAGE + 1 }, (_, i) => `l${i}`).join(' '), 'A page can have at most 100 labels.'],
  ])('refuses %j', (raw, message) => {
    expect(refusal(raw)).toBe(message);
  });
});

describe('labelFromPath', () => {
  it('normalises a label from a URL and refuses what cannot be one', () => {
    expect(labelFromPath('HowTo')).toBe('howto');
    expect(labelFromPath('two words')).toBeNull();
    expect(labelFromPath('a:b')).toBeNull();
    expect(labelFromPath('')).toBeNull();
  });
});
