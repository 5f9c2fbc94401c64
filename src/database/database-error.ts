/** Turns a pg connection failure into one line an operator can act on. */
export function describeDatabaseError(error: unknown, databaseUrl: string): string {
  let where = 'the database';
  try {
    const url = new URL(databaseUrl);
    where = `PostgreSQL at ${url.hostname}:${url.port || 5432}/${url.pathname.slice(1)}`;
  } catch {
    // keep the generic wording
  }
  const e = error as { code?: string; message?: string };
  switch (e.code) {
    case 'ECONNREFUSED':
      return `Cannot reach ${where}: connection refused. Is the server running?`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `Cannot reach ${where}: host name not found.`;
    case 'ETIMEDOUT':
      return `Cannot reach ${where}: connection timed out.`;
    case '28P01':
    case '28000':
      return `Cannot log in to ${where}: ${e.message}`;
    case '3D000':
      return `${where}: the database does not exist.`;
    default:
      return `Cannot use ${where}: ${e.message ?? String(error)}`;
  }
}
