import { Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { WebhookDeliveryStatus } from '../generated/prisma/enums';
import { AppLogger } from '../logging/app-logger';
import { nextAttemptAt } from './retry-schedule';
import { signatureHeader } from './signature';
import { postWebhook } from './webhook-sender';
import { AttemptOutcome, ClaimedDelivery, WebhooksRepository } from './webhooks.repository';

const BATCH = 25;
/** Batches per run at most, so that one busy run does not hold the scheduler's other jobs back. */
const MAX_BATCHES = 20;
/** How long past the timeout a claim lasts: then another worker may try the delivery again. */
const LEASE_MARGIN_MS = 5_000;

/** The delivery worker: a scheduled job that POSTs due deliveries and records what happened. */
@Injectable()
export class WebhookDeliveryService {
  constructor(
    private readonly webhooks: WebhooksRepository,
    private readonly config: AppConfig,
    private readonly logger: AppLogger,
  ) {}

  /** Delivers what is due now; returns how many attempts were made. */
  async deliverDue(): Promise<number> {
    const timeoutMs = this.config.webhookTimeoutSeconds * 1000;
    let attempts = 0;
    for (let batch = 0; batch < MAX_BATCHES; batch++) {
      const claimed = await this.webhooks.claimDue(BATCH, timeoutMs + LEASE_MARGIN_MS);
      await Promise.all(claimed.map((delivery) => this.attempt(delivery, timeoutMs)));
      attempts += claimed.length;
      if (claimed.length < BATCH) break;
    }
    return attempts;
  }

  private async attempt(delivery: ClaimedDelivery, timeoutMs: number): Promise<void> {
    const startedAt = new Date();
    const body = JSON.stringify({
      id: delivery.eventId,
      type: delivery.eventType,
      createdAt: delivery.eventCreatedAt.toISOString(),
      data: delivery.eventData,
    });
    const result = await postWebhook(new URL(delivery.url), body, {
      timeoutMs,
      allowPrivate: this.config.webhookAllowPrivateUrls,
      headers: {
        'content-type': 'application/json',
        'user-agent': 'RefundDesk-Webhooks/1',
        'refund-event-id': delivery.eventId,
        'refund-signature': signatureHeader(delivery.secret, body, startedAt),
      },
    });
    const outcome: AttemptOutcome = {
      startedAt,
      durationMs: result.durationMs,
      statusCode: result.statusCode,
      error: result.error,
      responseExcerpt: result.excerpt,
      status: WebhookDeliveryStatus.SUCCEEDED,
    };
    if (!result.ok) {
      const next = nextAttemptAt(delivery.attemptCount, delivery.firstAttemptAt, new Date(), {
        baseSeconds: this.config.webhookRetryBaseSeconds,
        retryHours: this.config.webhookRetryHours,
      });
      outcome.status = next ? WebhookDeliveryStatus.PENDING : WebhookDeliveryStatus.FAILED;
      outcome.nextAttemptAt = next ?? undefined;
      this.logger.warn(
        {
          deliveryId: delivery.id,
          endpointId: delivery.endpointId,
          eventId: delivery.eventId,
          attempt: delivery.attemptCount,
          statusCode: result.statusCode,
          error: result.error,
          willRetry: next !== null,
        },
        'webhook delivery failed',
      );
    }
    try {
      await this.webhooks.recordAttempt(delivery, outcome);
    } catch (error) {
      // E.g. the endpoint was deleted meanwhile; an unrecorded claim runs out and is retried.
      this.logger.error(
        { err: error, deliveryId: delivery.id },
        'recording a webhook attempt failed',
      );
    }
  }
}
