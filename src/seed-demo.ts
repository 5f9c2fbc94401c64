import 'reflect-metadata';
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from './config/app-config.js';
import { StartupError, openDatabase } from './database/database-runtime.js';
import { seedDemo } from './wiki/demo/demo-seeder.js';

/** npm run seed:demo -- --spaces N --pages M [--prefix DEMO] */
async function main(): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        spaces: { type: 'string', default: '3' },
        pages: { type: 'string', default: '300' },
        prefix: { type: 'string', default: 'DEMO' },
      },
    }));
  } catch (error) {
    console.error(`${(error as Error).message}\nUsage: npm run seed:demo -- --spaces N --pages M [--prefix DEMO]`);
    return 2;
  }
  const spaces = Number(values.spaces);
  const pages = Number(values.pages);
  if (!Number.isInteger(spaces) || spaces < 1 || spaces > 10_000 || !Number.isInteger(pages) || pages < spaces || pages > 5_000_000) {
    console.error('--spaces must be 1 to 10000 and --pages a whole number of at least --spaces.');
    return 2;
  }
  if (!/^[A-Za-z][A-Za-z0-9]{0,20}$/.test(values.prefix!)) {
    console.error('--prefix must be letters and digits, starting with a letter.');
    return 2;
  }
  let database;
  try {
    database = await openDatabase(loadConfig());
  } catch (error) {
    if (error instanceof ConfigError || error instanceof StartupError) {
      console.error(`Error: ${error.message}`);
      return 1;
    }
    throw error;
  }
  try {
    const started = Date.now();
    const result = await seedDemo(database.url, { spaces, pages, prefix: values.prefix!, log: (l) => console.log(l) });
    console.log(`Seeded ${result.pages} pages in ${result.spaces} spaces in ${((Date.now() - started) / 1000).toFixed(1)} s.`);
    return 0;
  } finally {
    await database.stop();
  }
}

process.exit(await main());
