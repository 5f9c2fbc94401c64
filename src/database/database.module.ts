import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';

/** TypeORM on the given database. Migrations ran before the app started; never synchronize. */
@Module({})
export class DatabaseModule {
  static register(databaseUrl: string): DynamicModule {
    return {
      module: DatabaseModule,
      imports: [
        TypeOrmModule.forRoot({
          type: 'postgres',
          url: databaseUrl,
          autoLoadEntities: true,
          synchronize: false,
          migrationsRun: false,
          retryAttempts: 0,
          extra: { max: 10, connectionTimeoutMillis: 5000 },
        }),
      ],
    };
  }
}
