import { Module } from '@nestjs/common';
import { CasesModule } from '../cases/cases.module';
import { RefundsModule } from '../refunds/refunds.module';
import { AttachmentsController } from './attachments.controller';
import { AttachmentsRepository } from './attachments.repository';
import { AttachmentsService } from './attachments.service';

@Module({
  imports: [RefundsModule, CasesModule],
  controllers: [AttachmentsController],
  providers: [AttachmentsService, AttachmentsRepository],
})
export class AttachmentsModule {}
