import { Module, OnModuleInit } from '@nestjs/common';
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
export class WebhooksModule implements OnModuleInit {
  constructor(
    private readonly scheduler: SchedulerService,
    private readonly delivery: WebhookDeliveryService,
  ) {}

  onModuleInit(): void {
    this.scheduler.register({
      name: 'webhooks.deliver',
      intervalSeconds: 1,
      run: () => this.delivery.deliverDue(),
    });
  }
}
