import { Global, Module, OnModuleInit } from '@nestjs/common';
import { SchedulerService } from '../jobs/scheduler.service';
import { OutboxRetentionService } from './outbox-retention.service';
import { OutboxRepository } from './outbox.repository';

/**
 * The outbox write, shared by every feature that publishes events for webhooks, and its
 * retention: the hourly purge of events past EVENT_RETENTION_DAYS.
 */
@Global()
@Module({
  providers: [OutboxRepository, OutboxRetentionService],
  exports: [OutboxRepository],
})
export class OutboxModule implements OnModuleInit {
  constructor(
    private readonly scheduler: SchedulerService,
    private readonly retention: OutboxRetentionService,
  ) {}

  onModuleInit(): void {
    this.scheduler.register({
      name: 'events.purge',
      intervalSeconds: 3600,
      run: () => this.retention.purgeExpired(),
    });
  }
}
