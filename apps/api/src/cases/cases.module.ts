import { Module } from '@nestjs/common';
import { MacrosModule } from '../macros/macros.module';
import { RefundsModule } from '../refunds/refunds.module';
import { SupportModule } from '../support/support.module';
import { CasesController } from './cases.controller';
import { CasesRepository } from './cases.repository';
import { CasesService } from './cases.service';
import { EscalationController } from './escalation.controller';
import { EscalationPolicy } from './escalation-policy';

@Module({
  imports: [RefundsModule, SupportModule, MacrosModule],
  controllers: [CasesController, EscalationController],
  providers: [CasesService, CasesRepository, EscalationPolicy],
  exports: [CasesService],
})
export class CasesModule {}
