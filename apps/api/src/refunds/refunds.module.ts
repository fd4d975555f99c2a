import { Module, OnModuleInit } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { SchedulerService } from '../jobs/scheduler.service';
import { RefundReasonsController } from './refund-reasons.controller';
import { RefundsController } from './refunds.controller';
import { RefundsRepository } from './refunds.repository';
import { RefundsService } from './refunds.service';

@Module({
  controllers: [RefundsController, RefundReasonsController],
  providers: [RefundsService, RefundsRepository],
  exports: [RefundsService],
})
export class RefundsModule implements OnModuleInit {
  constructor(
    private readonly scheduler: SchedulerService,
    private readonly refunds: RefundsService,
    private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    this.scheduler.register({
      name: 'refunds.expire',
      intervalSeconds: this.config.slaCheckIntervalSeconds,
      run: () => this.refunds.expireDue(),
    });
    this.scheduler.register({
      name: 'refunds.expire-offers',
      intervalSeconds: this.config.slaCheckIntervalSeconds,
      run: () => this.refunds.expireOffers(),
    });
    this.scheduler.register({
      name: 'refunds.escalate-overdue',
      intervalSeconds: this.config.slaCheckIntervalSeconds,
      run: () => this.refunds.escalateOverdue(),
    });
  }
}
