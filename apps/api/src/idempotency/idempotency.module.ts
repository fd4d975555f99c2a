import { Global, Module, OnModuleInit } from '@nestjs/common';
import { SchedulerService } from '../jobs/scheduler.service';
import { KeyedCallPipe, KeyedRefusalFilter } from './idempotent.decorator';
import { IdempotencyRepository } from './idempotency.repository';
import { IdempotencyService } from './idempotency.service';

@Global()
@Module({
  providers: [IdempotencyRepository, IdempotencyService, KeyedCallPipe, KeyedRefusalFilter],
  exports: [IdempotencyService, KeyedCallPipe, KeyedRefusalFilter],
})
export class IdempotencyModule implements OnModuleInit {
  constructor(
    private readonly scheduler: SchedulerService,
    private readonly idempotency: IdempotencyService,
  ) {}

  onModuleInit(): void {
    this.scheduler.register({
      name: 'idempotency.purge',
      intervalSeconds: 3600,
      run: () => this.idempotency.purgeExpired(),
    });
  }
}
