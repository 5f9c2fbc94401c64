import { UserInputError } from '../../../users/user-input.error.js';
import { MAX_COMMENT_BYTES, MAX_INDENT, commentEditText, commentStorage, threadComments } from './comment-rules.js';

function refusal(raw: unknown): Record<string, string> {
  try {
    commentStorage(raw);
  } catch (error) {
    expect(error).toBeInstanceOf(UserInputError);
    return (error as UserInputError).fieldErrors;
  }
  throw new Error('accepted');
}

describe('commentStorage', () => {
  it('turns plain text into escaped paragraphs and line breaks', () => {
    expect(commentStorage('Looks good.\nShip it\n\nif a < b & c')).toBe('<p>Looks good.<br />Ship it</p><p>if a &lt; b &amp; c</p>');
  });

  it('keeps prose that mentions tags or angle brackets as the text typed', () => {
    expect(commentStorage('Check if a<b and c>d please\nthanks')).toBe('<p>Check if a&lt;b and c&gt;d please<br />thanks</p>');
    expect(commentStorage('Use the <div> tag and <script>x</script> here')).toBe('<p>Use the &lt;div&gt; tag and &lt;script&gt;x&lt;/script&gt; here</p>');
    expect(commentStorage('<b>bold?</b> no, literal')).toBe('<p>&lt;b&gt;bold?&lt;/b&gt; no, literal</p>');
  });

  it('gives the author back the text they typed to edit, or the storage when it is more than paragraphs', () => {
    for (const typed of ['Hello & welcome\nline two', 'Check if a<b and c>d\n\nSecond "para" it\'s']) {
      expect(commentEditText(commentStorage(typed))).toBe(typed);
    }
    const rich = '<p>Hi <strong>there</strong></p>';
    expect(commentEditText(commentStorage(rich))).toBe(rich);
  });

  it('keeps storage format and strips its active parts', () => {
    expect(commentStorage('<p onclick="x()">Hi <strong>there</strong></p><script>alert(1)</script>')).toBe('<p>Hi <strong>there</strong></p>');
    expect(commentStorage('<p><a href="javascript:alert(1)">x</a></p>')).toBe('<p><a>x</a></p>');
  });

  it.each([undefined, 42, '', '   \n ', '<p> </p>', '<p><script>alert(1)</script></p>', '<p>&nbsp;</p>'])('refuses %j as empty', (raw) => {
    expect(refusal(raw)).toEqual({ body: 'Enter a comment.' });
  });

  it('accepts an image alone', () => {
    expect(commentStorage('<p><ac:image><ri:attachment ri:filename="a.png" /></ac:image></p>')).toContain('ac:image');
  });

  it('refuses a body over 50 KB, counted in bytes', () => {
    expect(commentStorage('a'.repeat(MAX_COMMENT_BYTES))).toHaveLength(MAX_COMMENT_BYTES + 7);
    expect(refusal('a'.repeat(MAX_COMMENT_BYTES + 1))).toEqual({ body: 'The comment is too long (at most 50 KB).' });
    expect(refusal('é'.repeat(MAX_COMMENT_BYTES / 2 + 1))).toEqual({ body: 'The comment is too long (at most 50 KB).' });
  });
});

describe('threadComments', () => {
  const c = (id: string, parentId: string | null = null) => ({ id, parentId });

  it('puts each reply after its parent, oldest first, with its depth', () => {
    const rows = [c('1'), c('2'), c('3', '1'), c('4', '2'), c('5', '3'), c('6', '1')];
    expect(threadComments(rows).map((r) => `${r.id}:${r.depth}`)).toEqual(['1:0', '3:1', '5:2', '6:1', '2:0', '4:1']);
  });

  it('starts a thread for a reply whose parent is not in the list', () => {
    expect(threadComments([c('7', '3'), c('8', '7')]).map((r) => `${r.id}:${r.depth}`)).toEqual(['7:0', '8:1']);
  });

  it('caps the indent of deep threads without recursion', () => {
    const rows = Array.from({ length: 5000 }, (_, i) => c(String(i + 1), i ? String(i) : null));
    const threaded = threadComments(rows);
    expect(threaded).toHaveLength(5000);
    expect(threaded[4999]).toMatchObject({ id: '5000', depth: 4999, indent: MAX_INDENT });
  });
});
