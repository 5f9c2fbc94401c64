import { Module } from '@nestjs/common';
import { AddonSettingsService } from './addon-settings.service.js';
import { AddonsAdminController } from './addons-admin.controller.js';

@Module({
  controllers: [AddonsAdminController],
  providers: [AddonSettingsService],
  exports: [AddonSettingsService],
})
export class AddonsModule {}
