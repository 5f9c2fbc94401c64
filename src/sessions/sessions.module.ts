import { Module } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import { APP_SECRETS, loadAppSecrets } from './app-secrets.js';
import { SessionStoreProvider } from './session-store.provider.js';
import { SessionUserColumns } from './session-user-columns.js';
import { SessionsService } from './sessions.service.js';

@Module({
  providers: [
    SessionsService,
    SessionStoreProvider,
    SessionUserColumns,
    { provide: APP_SECRETS, useFactory: loadAppSecrets, inject: [getDataSourceToken()] },
  ],
  exports: [SessionsService, SessionStoreProvider, SessionUserColumns, APP_SECRETS],
})
export class SessionsModule {}
