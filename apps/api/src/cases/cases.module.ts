import { Module, OnModuleInit } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { SchedulerService } from '../jobs/scheduler.service';
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
export class CasesModule implements OnModuleInit {
  constructor(
    private readonly scheduler: SchedulerService,
    private readonly cases: CasesService,
    private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    this.scheduler.register({
      name: 'cases.auto-close',
      intervalSeconds: this.config.slaCheckIntervalSeconds,
      run: () => this.cases.closeSolved(),
    });
  }
}
