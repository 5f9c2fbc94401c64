import { NotFoundException } from '@nestjs/common';
import { UserInputError } from '../users/user-input.error.js';
import { describeError } from './app-exception.filter.js';

describe('describeError', () => {
  it('answers a transaction PostgreSQL rolled back for a collision with 409 and "try again"', () => {
    for (const code of ['40P01', '40001']) {
      const error = Object.assign(new Error('deadlock detected'), { code });
      expect(describeError(error)).toEqual({
        status: 409,
        message: 'Someone else changed the same pages at the same moment, so nothing was saved. Try again.',
      });
    }
  });

  it('answers text PostgreSQL cannot store (a NUL character) with 400 and what to do', () => {
    for (const code of ['22021', '22P05']) {
      const error = Object.assign(new Error('invalid byte sequence for encoding "UTF8": 0x00'), { code });
      expect(describeError(error)).toEqual({
        status: 400,
        message: 'The text contains a character that cannot be stored (such as NUL, code 0). Remove it and try again.',
      });
    }
  });

  it('keeps other database errors a 500 with no detail, and input errors a 400 with theirs', () => {
    const broken = Object.assign(new Error('relation "x" does not exist'), { code: '42P01' });
    expect(describeError(broken).status).toBe(500);
    expect(describeError(broken).message).not.toContain('relation');
    expect(describeError(new UserInputError({ title: 'Give the page a title.' }))).toMatchObject({ status: 400 });
    expect(describeError(new NotFoundException('No such page.'))).toEqual({ status: 404, message: 'No such page.' });
  });
});
