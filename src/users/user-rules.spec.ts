import {
  MAX_FIELD,
  MAX_PASSWORD_BYTES,
  MIN_PASSWORD,
  emailError,
  fullNameError,
  groupNameError,
  passwordErrors,
  text,
  usernameError,
} from './user-rules.js';

const chars = (n: number, c = 'a') => c.repeat(n);

describe('user rules', () => {
  it('keeps the documented limits', () => {
    expect(MAX_FIELD).toBe(255);
    expect(MIN_PASSWORD).toBe(8);
    expect(MAX_PASSWORD_BYTES).toBe(72);
  });

  describe('usernameError', () => {
    it.each(['a', 'b.simon', 'B.Simon@contoso.com', 'ünïcødé', 'with-dash_and.dot', chars(255)])('accepts %s', (u) => {
      expect(usernameError(u)).toBeUndefined();
    });

    it.each([
      ['', 'Enter a username.'],
      [chars(256), 'Username must be at most 255 characters.'],
      ['two words', 'Username cannot contain spaces or control characters.'],
      ['tab\there', 'Username cannot contain spaces or control characters.'],
      ['line\nbreak', 'Username cannot contain spaces or control characters.'],
      ['no\u00a0break', 'Username cannot contain spaces or control characters.'],
      ['bell\u0007', 'Username cannot contain spaces or control characters.'],
      ['del\u007f', 'Username cannot contain spaces or control characters.'],
    ])('refuses %j', (u, message) => {
      expect(usernameError(u)).toBe(message);
    });
  });

  describe('fullNameError', () => {
    it.each(['Jane Doe', "Seán O'Brien-Smith", chars(255)])('accepts %s', (name) => {
      expect(fullNameError(name)).toBeUndefined();
    });

    it.each([
      ['', 'Enter a full name.'],
      [chars(256), 'Full name must be at most 255 characters.'],
      ['Jane\u0000Doe', 'Full name cannot contain control characters.'],
      ['Jane\nDoe', 'Full name cannot contain control characters.'],
    ])('refuses %j', (name, message) => {
      expect(fullNameError(name)).toBe(message);
    });
  });

  describe('emailError', () => {
    it.each(['jane@example.com', 'Jane.Doe+wiki@sub.example.co.uk', `${chars(64)}@${chars(63, 'b')}.${chars(63, 'c')}.example`])(
      'accepts %s',
      (email) => {
        expect(emailError(email)).toBeUndefined();
      },
    );

    it.each([
      ['', 'Enter an email address.'],
      [`${chars(244)}@example.com`, 'Email must be at most 255 characters.'],
      ['plainaddress', 'Enter a valid email address, like name@example.com.'],
      ['jane@', 'Enter a valid email address, like name@example.com.'],
      ['@example.com', 'Enter a valid email address, like name@example.com.'],
      ['jane doe@example.com', 'Enter a valid email address, like name@example.com.'],
      ['jane@@example.com', 'Enter a valid email address, like name@example.com.'],
    ])('refuses %j', (email, message) => {
      expect(emailError(email)).toBe(message);
    });
  });

  describe('passwordErrors', () => {
    it('accepts 8 characters up to 72 bytes, with a matching or absent confirmation', () => {
      expect(passwordErrors(chars(8), chars(8))).toEqual({});
      expect(passwordErrors(chars(72), undefined)).toEqual({});
      expect(passwordErrors('é'.repeat(36), 'é'.repeat(36))).toEqual({});
    });

    it.each([
      ['', '', { password: 'Enter a password.' }],
      [chars(7), chars(7), { password: 'Password must be at least 8 characters.' }],
      [chars(73), chars(73), { password: 'Password must be at most 72 bytes.' }],
      ['é'.repeat(37), 'é'.repeat(37), { password: 'Password must be at most 72 bytes.' }],
      ['password-one', 'password-two', { confirmPassword: 'Passwords do not match.' }],
      ['password-one', '', { confirmPassword: 'Passwords do not match.' }],
    ])('refuses %j / %j', (password, confirm, errors) => {
      expect(passwordErrors(password, confirm)).toEqual(errors);
    });
  });

  describe('groupNameError', () => {
    it('accepts up to 255 characters, spaces included', () => {
      expect(groupNameError('design team')).toBeUndefined();
      expect(groupNameError(chars(255))).toBeUndefined();
    });

    it.each([
      ['', 'Enter a group name.'],
      [chars(256), 'Group name must be at most 255 characters.'],
      ['tab\there', 'Group name cannot contain control characters.'],
    ])('refuses %j', (name, message) => {
      expect(groupNameError(name)).toBe(message);
    });
  });

  describe('text', () => {
    it('trims strings and treats anything else as empty', () => {
      expect(text('  jane ')).toBe('jane');
      expect(text(undefined)).toBe('');
      expect(text(['jane'])).toBe('');
      expect(text({ toString: () => 'jane' })).toBe('');
      expect(text(7)).toBe('');
    });
  });
});
