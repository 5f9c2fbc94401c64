import { NestFactory } from '@nestjs/core';
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../config/app-config.js';
import { StartupError, openDatabase } from '../database/database-runtime.js';
import { ADMINS_GROUP } from '../users/group.entity.js';
import { UserInputError } from '../users/user-input.error.js';
import { UsersService } from '../users/users.service.js';
import { CliModule } from './cli.module.js';

const USAGE = `Usage: npm run cli -- <command> [options]

Commands:
  user:add --username U --full-name "F" --email E --password P [--admin]
  user:set-password --username U --password P
  user:list [--search TEXT] [--page N]
  migration:run`;

export interface CliOutput {
  out(line: string): void;
  err(line: string): void;
}

function required(values: Record<string, unknown>, name: string): string {
  const value = values[name];
  if (typeof value !== 'string' || value === '') throw new UserInputError({ [name]: `--${name} is required.` });
  return value;
}

/**
 * The operator CLI. It uses the same UsersService as the admin console: one code path,
 * one set of rules. Returns the process exit code.
 */
export async function runCli(argv: string[], env: NodeJS.ProcessEnv, io: CliOutput): Promise<number> {
  const [command, ...rest] = argv;
  let parsed;
  try {
    parsed = parseArgs({
      args: rest,
      options: {
        username: { type: 'string' },
        'full-name': { type: 'string' },
        email: { type: 'string' },
        password: { type: 'string' },
        admin: { type: 'boolean', default: false },
        search: { type: 'string' },
        page: { type: 'string' },
      },
      strict: true,
    });
  } catch (error) {
    io.err(`${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (!['user:add', 'user:set-password', 'user:list', 'migration:run'].includes(command)) {
    io.err(USAGE);
    return 2;
  }

  let config;
  let database;
  try {
    config = loadConfig(env);
    database = await openDatabase(config);
  } catch (error) {
    if (error instanceof ConfigError || error instanceof StartupError) {
      io.err(`Error: ${error.message}`);
      return 1;
    }
    throw error;
  }
  if (command === 'migration:run') {
    io.out(database.applied.length ? `Applied: ${database.applied.join(', ')}` : 'No pending migrations.');
    await database.stop();
    return 0;
  }

  const app = await NestFactory.createApplicationContext(CliModule.register({ ...config, databaseUrl: database.url }), { logger: ['error'] });
  try {
    const users = app.get(UsersService);
    const v = parsed.values;
    if (command === 'user:add') {
      const user = await users.createUser(
        { username: v.username, fullName: v['full-name'], email: v.email, password: v.password },
        { requirePassword: true, groups: v.admin ? [ADMINS_GROUP] : [], via: 'command line' },
      );
      io.out(`Added ${user.username} (${user.email}) in groups: ${user.groups.join(', ')}`);
    } else if (command === 'user:set-password') {
      const username = required(v, 'username');
      const user = await users.findByUsername(username);
      if (!user) throw new UserInputError({ username: `No user named "${username}".` });
      await users.setPassword(user.id, v.password);
      io.out(`Password set for ${user.username}.`);
    } else {
      const page = await users.searchUsers({ q: v.search, page: Number(v.page) || 1, pageSize: 100 });
      for (const u of page.users) {
        io.out([u.username, u.fullName, u.email, u.active ? 'active' : 'deactivated', u.groups.join(',')].join('\t'));
      }
      io.out(`${page.total} user(s); page ${page.page} of ${page.pages}.`);
    }
    return 0;
  } catch (error) {
    if (error instanceof UserInputError) {
      for (const [field, message] of Object.entries(error.fieldErrors)) io.err(`Error (${field}): ${message}`);
      return 1;
    }
    throw error;
  } finally {
    await app.close();
    await database.stop();
  }
}
