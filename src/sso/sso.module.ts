import { Module } from '@nestjs/common';
import { AddonsModule } from '../addons/addons.module.js';
import { SessionsModule } from '../sessions/sessions.module.js';
import { UsersModule } from '../users/users.module.js';
import { AccountLinkingService } from './account-linking.service.js';
import { GroupSyncService } from './group-sync.service.js';
import { IdpAdminController } from './idp-admin.controller.js';
import { IdpAdminService } from './idp-admin.service.js';
import { IdpRegistryService } from './idp-registry.service.js';
import { IdpWizardController } from './idp-wizard.controller.js';
import { IdpWizardService } from './idp-wizard.service.js';
import { MetadataImportService } from './metadata/metadata-import.service.js';
import { MetadataRefreshService } from './metadata/metadata-refresh.service.js';
import { SamlLoginController } from './saml-login.controller.js';
import { AssertionReplayService } from './saml/assertion-replay.service.js';
import { SamlLoginService } from './saml/saml-login.service.js';
import { SamlValidationPool } from './saml/saml-validation.pool.js';
import { SamlLogoutService } from './saml/saml-logout.service.js';
import { SsoAdminController } from './sso-admin.controller.js';
import { SsoApiController } from './sso-api.controller.js';
import { SsoLoginOptionsService } from './sso-login-options.service.js';
import { SsoTraceService } from './sso-trace.service.js';

@Module({
  imports: [UsersModule, SessionsModule, AddonsModule],
  controllers: [SamlLoginController, SsoAdminController, IdpWizardController, IdpAdminController, SsoApiController],
  providers: [
    AccountLinkingService,
    AssertionReplayService,
    GroupSyncService,
    IdpAdminService,
    IdpRegistryService,
    IdpWizardService,
    MetadataImportService,
    MetadataRefreshService,
    SamlLoginService,
    SamlValidationPool,
    SamlLogoutService,
    SsoLoginOptionsService,
    SsoTraceService,
  ],
  exports: [SsoLoginOptionsService, SamlLogoutService, IdpRegistryService],
})
export class SsoModule {}
