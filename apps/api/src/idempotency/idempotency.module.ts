import { Global, Module, OnModuleInit } from '@nestjs/common';
import { SchedulerService } from '../jobs/scheduler.service';
import { IdempotencyInterceptor } from './idempotency.interceptor';
import { IdempotencyRepository } from './idempotency.repository';
import { IdempotencyService } from './idempotency.service';

@Global()
@Module({
  providers: [IdempotencyRepository, IdempotencyService, IdempotencyInterceptor],
  exports: [IdempotencyService, IdempotencyInterceptor],
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
