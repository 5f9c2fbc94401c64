import 'reflect-metadata';
import { createAtriumApp } from './app.factory.js';
import { ConfigError, loadConfig } from './config/app-config.js';
import { StartupError, openDatabase } from './database/database-runtime.js';

function fail(message: string): never {
  console.error(`Atrium cannot start: ${message}`);
  process.exit(1);
}

async function bootstrap(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) fail(error.message);
    throw error;
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
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));

  try {
    await app.listen(config.port, config.host);
  } catch (error) {
    await app.close().catch(() => undefined);
    await database.stop().catch(() => undefined);
    const code = (error as { code?: string }).code;
    if (code === 'EADDRINUSE') fail(`port ${config.port} is already in use. Set PORT to a free port.`);
    if (code === 'EACCES') fail(`no permission to listen on port ${config.port}.`);
    fail((error as Error).message);
  }
  console.log(`Atrium is running at ${config.baseUrl} (listening on ${config.host}:${config.port})`);
}

await bootstrap();
