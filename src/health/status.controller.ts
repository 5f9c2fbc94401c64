import { Controller, Get, Header } from '@nestjs/common';
import { Public } from '../common/access.decorators.js';

@Controller('status')
export class StatusController {
  // For load balancers, as Confluence's /status.
  @Public()
  @Get()
  @Header('Cache-Control', 'no-store')
  showStatus() {
    return { state: 'RUNNING' };
  }
}
