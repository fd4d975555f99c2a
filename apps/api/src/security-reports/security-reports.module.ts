import { Module } from '@nestjs/common';
import { CasesModule } from '../cases/cases.module';
import { RefundsModule } from '../refunds/refunds.module';
import { PayoutHoldPolicy } from './payout-hold-policy';
import { SecurityReportsController } from './security-reports.controller';
import { SecurityReportsRepository } from './security-reports.repository';
import { SecurityReportsService } from './security-reports.service';

@Module({
  imports: [RefundsModule, CasesModule],
  controllers: [SecurityReportsController],
  providers: [SecurityReportsService, SecurityReportsRepository, PayoutHoldPolicy],
  exports: [SecurityReportsService],
})
export class SecurityReportsModule {}
