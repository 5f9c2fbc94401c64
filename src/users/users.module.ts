import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from '../audit/audit.module.js';
import { SessionsModule } from '../sessions/sessions.module.js';
import { GroupAdminController } from './group-admin.controller.js';
import { GroupEntity } from './group.entity.js';
import { GroupsService } from './groups.service.js';
import { PasswordService } from './password.service.js';
import { UserAdminController } from './user-admin.controller.js';
import { UserEntity } from './user.entity.js';
import { UsersService } from './users.service.js';

@Module({
  imports: [TypeOrmModule.forFeature([UserEntity, GroupEntity]), SessionsModule, AuditModule],
  controllers: [UserAdminController, GroupAdminController],
  providers: [UsersService, GroupsService, PasswordService],
  exports: [UsersService, GroupsService, PasswordService],
})
export class UsersModule {}
