import { DynamicModule, Module } from '@nestjs/common';
import type { AppConfig } from '../config/app-config.js';
import { ConfigModule } from '../config/config.module.js';
import { DatabaseModule } from '../database/database.module.js';
import { UsersModule } from '../users/users.module.js';

/** The slice of the app the operator CLI needs: config, database and users. */
@Module({})
export class CliModule {
  static register(config: AppConfig & { databaseUrl: string }): DynamicModule {
    return {
      module: CliModule,
      imports: [
        ConfigModule.register(config),
        DatabaseModule.register(config.databaseUrl),
        UsersModule,
      ],
    };
  }
}
