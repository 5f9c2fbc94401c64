import { Module } from '@nestjs/common';
import { AuditService } from './audit.service.js';

/** The audit log's writer, for every module whose changes administrators need to trace. */
@Module({
  providers: [AuditService],
  exports: [AuditService],
})
export class AuditModule {}
