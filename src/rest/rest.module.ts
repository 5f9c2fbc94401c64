import { Module } from '@nestjs/common';
import { UserRestController } from './user-rest.controller.js';

@Module({ controllers: [UserRestController] })
export class RestModule {}
