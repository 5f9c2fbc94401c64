import { Controller, Get, Render } from '@nestjs/common';
import { Roles } from '../common/access.decorators.js';
import { BUILT_IN_ADDONS } from './addons.catalog.js';

@Controller('admin/addons')
@Roles('admin')
export class AddonsAdminController {
  // Built in, so always installed and enabled; "Manage" leads to each add-on's configuration.
  @Get()
  @Render('addons/list')
  listAddons() {
    return { title: 'Add-ons', section: 'addons', addons: BUILT_IN_ADDONS.map((a) => ({ ...a, state: 'Enabled' })) };
  }
}
