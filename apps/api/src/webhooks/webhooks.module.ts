import { Module, OnApplicationBootstrap, OnModuleInit } from '@nestjs/common';
import { AppLogger } from '../logging/app-logger';
import { SchedulerService } from '../jobs/scheduler.service';
import { WebhookDeliveryService } from './webhook-delivery.service';
import { WebhooksController } from './webhooks.controller';
import { WebhooksRepository } from './webhooks.repository';
import { WebhooksService } from './webhooks.service';

/** Webhook endpoints and the worker that delivers the outbox's events to them. */
@Module({
  controllers: [WebhooksController],
  providers: [WebhooksService, WebhooksRepository, WebhookDeliveryService],
  exports: [WebhookDeliveryService],
})
export class WebhooksModule implements OnModuleInit, OnApplicationBootstrap {
  constructor(
    private readonly scheduler: SchedulerService,
    private readonly delivery: WebhookDeliveryService,
    private readonly webhooks: WebhooksService,
    private readonly logger: AppLogger,
  ) {}

  onModuleInit(): void {
    this.scheduler.register({
      name: 'webhooks.deliver',
      intervalSeconds: 1,
      run: () => this.delivery.deliverDue(),
    });
  }

  /** Secrets stored before WEBHOOK_SECRET_KEY was set, or under the previous key, are sealed now. */
  async onApplicationBootstrap(): Promise<void> {
    const sealed = await this.webhooks.sealStoredSecrets();
    if (sealed > 0) this.logger.info({ sealed }, 'webhook secrets sealed with WEBHOOK_SECRET_KEY');
  }
}
