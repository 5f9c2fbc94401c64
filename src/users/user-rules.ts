import { isEmail } from 'class-validator';

export const MAX_FIELD = 255;
export const MIN_PASSWORD = 8;
// bcrypt ignores everything past 72 bytes, so longer passwords would be silently truncated.
export const MAX_PASSWORD_BYTES = 72;

// Whitespace or control characters anywhere, as the database CHECK also refuses.
const INVALID_USERNAME = /[\s\p{Cc}]/u;
const CONTROL = /\p{Cc}/u;

export function usernameError(username: string): string | undefined {
  if (!username) return 'Enter a username.';
  if (username.length > MAX_FIELD) return `Username must be at most ${MAX_FIELD} characters.`;
  if (INVALID_USERNAME.test(username)) return 'Username cannot contain spaces or control characters.';
  return undefined;
}

export function fullNameError(fullName: string): string | undefined {
  if (!fullName) return 'Enter a full name.';
  if (fullName.length > MAX_FIELD) return `Full name must be at most ${MAX_FIELD} characters.`;
  if (CONTROL.test(fullName)) return 'Full name cannot contain control characters.';
  return undefined;
}

export function emailError(email: string): string | undefined {
  if (!email) return 'Enter an email address.';
  if (email.length > MAX_FIELD) return `Email must be at most ${MAX_FIELD} characters.`;
  if (!isEmail(email)) return 'Enter a valid email address, like name@example.com.';
  return undefined;
}

/** Errors for a new password and its confirmation, keyed by form field. */
export function passwordErrors(password: string, confirm: string | undefined): Record<string, string> {
  if (!password) return { password: 'Enter a password.' };
  if (password.length < MIN_PASSWORD) return { password: `Password must be at least ${MIN_PASSWORD} characters.` };
  if (Buffer.byteLength(password) > MAX_PASSWORD_BYTES) {
    return { password: `Password must be at most ${MAX_PASSWORD_BYTES} bytes.` };
  }
  if (confirm !== undefined && password !== confirm) return { confirmPassword: 'Passwords do not match.' };
  return {};
}

export function groupNameError(name: string): string | undefined {
  if (!name) return 'Enter a group name.';
  if (name.length > MAX_FIELD) return `Group name must be at most ${MAX_FIELD} characters.`;
  if (CONTROL.test(name)) return 'Group name cannot contain control characters.';
  return undefined;
}

/** Form values arrive as strings, arrays or nothing; treat anything else as empty. */
export function text(value: unknown): string {
  return typeof value === 'string' ? value.trim() : '';
}
