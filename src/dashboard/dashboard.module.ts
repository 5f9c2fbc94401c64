import { Module } from '@nestjs/common';
import { WikiCollaborationModule } from '../wiki/collaboration/wiki-collaboration.module.js';
import { DashboardController } from './dashboard.controller.js';

@Module({ imports: [WikiCollaborationModule], controllers: [DashboardController] })
export class DashboardModule {}
