import { Injectable } from '@nestjs/common';
import { PrismaService } from '../database/prisma.service';
import type {
  Prisma,
  WebhookAttempt,
  WebhookDelivery,
  WebhookEndpoint,
} from '../generated/prisma/client';
import { WebhookDeliveryStatus } from '../generated/kysely/enums';
import { NewestFirstKey, olderThan } from '../common/pagination';

/** A delivery as listed: its attempts in order, and its event's type. */
const WITH_ATTEMPTS = {
  attempts: { orderBy: { number: 'asc' } },
  event: { select: { type: true } },
} satisfies Prisma.WebhookDeliveryInclude;

export type DeliveryWithAttempts = WebhookDelivery & {
  attempts: WebhookAttempt[];
  event: { type: string };
};

/** A delivery as claimed by a worker: everything needed to POST it. */
export interface ClaimedDelivery {
  id: string;
  attemptCount: number;
  /** Attempts in the current retry window, this one included. */
  windowAttempts: number;
  firstAttemptAt: Date;
  endpointId: string;
  url: string;
  secret: string;
  eventId: string;
  eventType: string;
  eventCreatedAt: Date;
  eventData: unknown;
}

export interface AttemptOutcome {
  startedAt: Date;
  durationMs: number;
  statusCode: number | null;
  error: string | null;
  responseExcerpt: string | null;
  ok: boolean;
  /** After a failure: how long to wait before the next try (the window may end it first). */
  retryDelayMs: number;
  /** How long after its first attempt a delivery is retried. */
  retryWindowMs: number;
}

@Injectable()
export class WebhooksRepository {
  constructor(private readonly prisma: PrismaService) {}

  createEndpoint(data: Prisma.WebhookEndpointCreateInput): Promise<WebhookEndpoint> {
    return this.prisma.webhookEndpoint.create({ data });
  }

  findEndpoint(id: string): Promise<WebhookEndpoint | null> {
    return this.prisma.webhookEndpoint.findUnique({ where: { id } });
  }

  listEndpoints(
    owner: { ownerRole?: string; ownerId?: string },
    limit: number,
    after?: NewestFirstKey,
  ): Promise<WebhookEndpoint[]> {
    return this.prisma.webhookEndpoint.findMany({
      where: { ...owner, ...olderThan(after) },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: limit,
    });
  }

  /** Deletes the endpoint with its deliveries; false when it was gone already. */
  async deleteEndpoint(id: string): Promise<boolean> {
    const { count } = await this.prisma.webhookEndpoint.deleteMany({ where: { id } });
    return count === 1;
  }

  /** Newest event first; `before` is the last event position served. */
  listDeliveries(
    endpointId: string,
    limit: number,
    before?: bigint,
  ): Promise<DeliveryWithAttempts[]> {
    return this.prisma.webhookDelivery.findMany({
      where: { endpointId, eventPosition: before === undefined ? undefined : { lt: before } },
      orderBy: { eventPosition: 'desc' },
      take: limit,
      include: WITH_ATTEMPTS,
    });
  }

  findDelivery(endpointId: string, id: string): Promise<DeliveryWithAttempts | null> {
    return this.prisma.webhookDelivery.findFirst({
      where: { id, endpointId },
      include: WITH_ATTEMPTS,
    });
  }

  /** A FAILED delivery goes back in the queue with a new retry window; false if it was not FAILED. */
  async requeueFailed(id: string): Promise<boolean> {
    const { count } = await this.prisma.webhookDelivery.updateMany({
      where: { id, status: WebhookDeliveryStatus.FAILED },
      data: {
        status: WebhookDeliveryStatus.PENDING,
        nextAttemptAt: new Date(),
        firstAttemptAt: null,
        windowAttempts: 0,
        updatedAt: new Date(),
      },
    });
    return count === 1;
  }

  /**
   * Claims due deliveries for one attempt each. A delivery is due when its time has come and no
   * earlier event of the same refund is still pending for the same endpoint (per refund order;
   * other refunds are not held back). SKIP LOCKED and the lease (`next_attempt_at` pushed
   * forward) mean one worker at a time attempts a delivery; a crashed worker's lease runs out
   * and the delivery is attempted again: at least once.
   */
  claimDue(batch: number, leaseMs: number): Promise<ClaimedDelivery[]> {
    return this.prisma.$queryRaw<ClaimedDelivery[]>`
      WITH due AS (
        SELECT d.id FROM webhook_deliveries d
         WHERE d.status = 'PENDING' AND d.next_attempt_at <= now()
           AND NOT EXISTS (
             SELECT 1 FROM webhook_deliveries earlier
              WHERE earlier.endpoint_id = d.endpoint_id
                AND earlier.refund_id = d.refund_id
                AND earlier.event_position < d.event_position
                AND earlier.status = 'PENDING')
         ORDER BY d.next_attempt_at, d.event_position
         LIMIT ${batch}
         FOR UPDATE SKIP LOCKED)
      UPDATE webhook_deliveries d
         SET next_attempt_at = now() + make_interval(secs => ${leaseMs / 1000}::double precision),
             attempt_count = d.attempt_count + 1,
             window_attempts = d.window_attempts + 1,
             first_attempt_at = coalesce(d.first_attempt_at, now()),
             last_attempt_at = now(),
             updated_at = now()
        FROM due, webhook_endpoints endpoint, events event
       WHERE d.id = due.id AND endpoint.id = d.endpoint_id AND event.id = d.event_id
      RETURNING d.id::text AS "id", d.attempt_count AS "attemptCount",
                d.window_attempts AS "windowAttempts",
                d.first_attempt_at AS "firstAttemptAt", endpoint.id::text AS "endpointId",
                endpoint.url, endpoint.secret, event.id::text AS "eventId",
                event.type AS "eventType", event.created_at AS "eventCreatedAt",
                event.data AS "eventData"`;
  }

  /**
   * Records one attempt and its outcome, in one statement on the database's clock. The outcome
   * applies only if the delivery is still the claim this worker made (same attempt, still
   * pending): a worker whose lease ran out cannot overwrite a newer attempt's result. A failure
   * is retried after `retryDelayMs`, the last time at the end of the window; after it, FAILED.
   * Returns the delivery's status, or null if it is gone (its endpoint was deleted).
   */
  async recordAttempt(
    claimed: ClaimedDelivery,
    outcome: AttemptOutcome,
  ): Promise<WebhookDeliveryStatus | null> {
    const [row] = await this.prisma.$queryRaw<{ status: WebhookDeliveryStatus }[]>`
      WITH window_end AS (
        SELECT first_attempt_at + make_interval(secs => ${outcome.retryWindowMs / 1000}::double precision) AS at
          FROM webhook_deliveries WHERE id = ${claimed.id}::uuid),
      updated AS (
        UPDATE webhook_deliveries d SET
          status = CASE WHEN ${outcome.ok}::boolean THEN 'SUCCEEDED'::webhook_delivery_status
                        WHEN now() >= window_end.at THEN 'FAILED'::webhook_delivery_status
                        ELSE 'PENDING'::webhook_delivery_status END,
          next_attempt_at = CASE WHEN ${outcome.ok}::boolean THEN d.next_attempt_at
            ELSE least(now() + make_interval(secs => ${outcome.retryDelayMs / 1000}::double precision),
                       window_end.at) END,
          delivered_at = CASE WHEN ${outcome.ok}::boolean THEN now() END,
          updated_at = now()
          FROM window_end
         WHERE d.id = ${claimed.id}::uuid AND d.attempt_count = ${claimed.attemptCount}
           AND d.status = 'PENDING'
        RETURNING d.status),
      attempt AS (
        INSERT INTO webhook_attempts
               (id, delivery_id, number, started_at, duration_ms, status_code, error, response_excerpt)
        SELECT gen_random_uuid(), id, ${claimed.attemptCount}, ${outcome.startedAt},
               ${outcome.durationMs}, ${outcome.statusCode}, ${outcome.error}, ${outcome.responseExcerpt}
          FROM webhook_deliveries WHERE id = ${claimed.id}::uuid)
      SELECT coalesce((SELECT status FROM updated), d.status) AS status
        FROM webhook_deliveries d WHERE d.id = ${claimed.id}::uuid`;
    return row?.status ?? null;
  }
}
