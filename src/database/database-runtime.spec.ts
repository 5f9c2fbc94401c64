import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../config/app-config.js';
import { StartupError, openDatabase } from './database-runtime.js';

describe('openDatabase', () => {
  let busy: Server;
  let home: string;

  beforeAll(async () => {
    home = mkdtempSync(join(tmpdir(), 'atrium-busy-'));
    busy = createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
  });
  afterAll(async () => {
    await new Promise((resolve) => busy.close(resolve));
    rmSync(home, { recursive: true, force: true });
  });

  it('says plainly when the embedded server port is taken, and starts nothing', async () => {
    const port = (busy.address() as { port: number }).port;
    const config = loadConfig({ ATRIUM_HOME: home, ATRIUM_EMBEDDED_PG_PORT: String(port) });
    const failure = await openDatabase(config).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(StartupError);
    expect((failure as Error).message).toBe(
      `Cannot start the embedded PostgreSQL in ${join(home, 'postgres')} on port ${port}: the port is already in use ` +
        '(another Atrium or PostgreSQL?). Set ATRIUM_EMBEDDED_PG_PORT to a free port, or DATABASE_URL.',
    );
    expect(existsSync(join(home, 'postgres'))).toBe(false);
  });
});
