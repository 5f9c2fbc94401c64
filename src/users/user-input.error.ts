/** Bad input for a user or group form: one message per field, shown next to that field. */
export class UserInputError extends Error {
  constructor(readonly fieldErrors: Record<string, string>) {
    super(Object.values(fieldErrors).join(' '));
  }
}

/** Maps a PostgreSQL unique violation on our indexes to the field it concerns. */
export function uniqueViolationField(error: unknown): string | undefined {
  const e = error as { code?: string; constraint?: string };
  if (e.code !== '23505') return undefined;
  if (e.constraint === 'users_username_lower_key') return 'username';
  if (e.constraint === 'users_email_lower_key') return 'email';
  if (e.constraint === 'groups_name_key') return 'name';
  return undefined;
}
