import { Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { WebhookDeliveryStatus } from '../generated/kysely/enums';
import { AppLogger } from '../logging/app-logger';
import { retryDelayMs } from './retry-schedule';
import { SECRET_OVERLAP_MS, signatureHeader } from './signature';
import { openSecret, secretKeys, UnreadableSecretError } from './secret-box';
import { postWebhook, SendResult } from './webhook-sender';
import { ClaimedDelivery, WebhooksRepository } from './webhooks.repository';

/** Deliveries in flight at once, per instance. */
const CONCURRENCY = 25;
/** A run stops claiming new deliveries after this long (those in flight finish first). */
const RUN_BUDGET_MS = 5_000;
/**
 * How long past the timeout a claim lasts: then another worker may try the delivery again. It
 * covers recording the outcome, one statement.
 */
const LEASE_MARGIN_MS = 10_000;

/** The outcome of a delivery whose secret cannot be read: a failure, retried as any other. */
const UNSIGNABLE: SendResult = {
  ok: false,
  statusCode: null,
  error: 'not sent: the signing secret cannot be decrypted (see the service log)',
  excerpt: null,
  durationMs: 0,
};

/**
 * The delivery worker, a scheduled job: a pool that POSTs due deliveries and records each
 * outcome as it comes, claiming more as slots free up, so one slow receiver holds up only its
 * own slot (and, by order, its own refund's later events). A claim and an outcome are one
 * statement each, committed at once: no transaction spans a POST, which would hold the claimed
 * rows' locks for as long as a receiver takes to answer.
 */
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
    const deadline = Date.now() + RUN_BUDGET_MS;
    const inFlight = new Set<Promise<void>>();
    let attempts = 0;
    for (;;) {
      const free = CONCURRENCY - inFlight.size;
      const claimed =
        free > 0 && Date.now() < deadline
          ? await this.webhooks.claimDue(free, timeoutMs + LEASE_MARGIN_MS, SECRET_OVERLAP_MS)
          : [];
      for (const delivery of claimed) {
        const attempt: Promise<void> = this.attempt(delivery, timeoutMs).finally(() =>
          inFlight.delete(attempt),
        );
        inFlight.add(attempt);
      }
      attempts += claimed.length;
      if (inFlight.size === 0) return attempts;
      // An answer frees a slot, and may make the same refund's next event due.
      await Promise.race(inFlight);
    }
  }

  /**
   * The endpoint's secrets in the clear, newest first; undefined (logged) when one is sealed
   * with a key this instance does not have: nothing unsigned or half-signed is sent.
   */
  private signingSecrets(delivery: ClaimedDelivery): string[] | undefined {
    const keys = secretKeys(this.config);
    try {
      return [delivery.secret, delivery.previousSecret]
        .filter((stored): stored is string => stored !== null)
        .map((stored) => openSecret(stored, keys));
    } catch (error) {
      if (!(error instanceof UnreadableSecretError)) throw error;
      this.logger.error(
        { endpointId: delivery.endpointId, deliveryId: delivery.id, keyId: error.keyId },
        `webhook not sent: the endpoint's signing secret cannot be decrypted (${error.message})`,
      );
      return undefined;
    }
  }

  private async attempt(delivery: ClaimedDelivery, timeoutMs: number): Promise<void> {
    const startedAt = new Date();
    const body = JSON.stringify({
      id: delivery.eventId,
      type: delivery.eventType,
      createdAt: delivery.eventCreatedAt.toISOString(),
      data: delivery.eventData,
    });
    const secrets = this.signingSecrets(delivery);
    const result = secrets
      ? await postWebhook(new URL(delivery.url), body, {
          timeoutMs,
          allowPrivate: this.config.webhookAllowPrivateUrls,
          headers: {
            'content-type': 'application/json',
            'user-agent': 'RefundDesk-Webhooks/1',
            'refund-event-id': delivery.eventId,
            'refund-signature': signatureHeader(secrets, body, startedAt),
          },
        })
      : UNSIGNABLE;
    let status: WebhookDeliveryStatus | null;
    try {
      status = await this.webhooks.recordAttempt(delivery, {
        startedAt,
        durationMs: result.durationMs,
        statusCode: result.statusCode,
        error: result.error,
        responseExcerpt: result.excerpt,
        ok: result.ok,
        retryDelayMs: retryDelayMs(delivery.windowAttempts, this.config.webhookRetryBaseSeconds),
        retryWindowMs: this.config.webhookRetryHours * 3_600_000,
      });
    } catch (error) {
      // Unrecorded, the claim runs out and the delivery is attempted again: nothing is lost.
      this.logger.error(
        { err: error, deliveryId: delivery.id },
        'recording a webhook attempt failed',
      );
      return;
    }
    if (!result.ok) {
      this.logger.warn(
        {
          deliveryId: delivery.id,
          endpointId: delivery.endpointId,
          eventId: delivery.eventId,
          attempt: delivery.attemptCount,
          statusCode: result.statusCode,
          error: result.error,
          status: status ?? 'endpoint deleted',
        },
        'webhook delivery failed',
      );
    }
  }
}
