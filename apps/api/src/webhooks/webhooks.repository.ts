import { Injectable } from '@nestjs/common';
import { PrismaService } from '../database/prisma.service';
import type {
  Prisma,
  WebhookAttempt,
  WebhookDelivery,
  WebhookEndpoint,
} from '../generated/prisma/client';
import { WebhookDeliveryStatus } from '../generated/prisma/enums';
import type { NewestFirstKey } from '../common/pagination';

export type DeliveryWithAttempts = WebhookDelivery & {
  attempts: WebhookAttempt[];
  event: { type: string };
};

/** A delivery as claimed by a worker: everything needed to POST it. */
export interface ClaimedDelivery {
  id: string;
  attemptCount: number;
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
  /** SUCCEEDED, FAILED (for good), or PENDING with the time of the next try. */
  status: WebhookDeliveryStatus;
  nextAttemptAt?: Date;
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
      where: {
        ...owner,
        ...(after
          ? {
              OR: [
                { createdAt: { lt: after.createdAt } },
                { createdAt: after.createdAt, id: { lt: after.id } },
              ],
            }
          : {}),
      },
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
      include: { attempts: { orderBy: { number: 'asc' } }, event: { select: { type: true } } },
    });
  }

  findDelivery(endpointId: string, id: string): Promise<DeliveryWithAttempts | null> {
    return this.prisma.webhookDelivery.findFirst({
      where: { id, endpointId },
      include: { attempts: { orderBy: { number: 'asc' } }, event: { select: { type: true } } },
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
             first_attempt_at = coalesce(d.first_attempt_at, now()),
             last_attempt_at = now(),
             updated_at = now()
        FROM due, webhook_endpoints endpoint, events event
       WHERE d.id = due.id AND endpoint.id = d.endpoint_id AND event.id = d.event_id
      RETURNING d.id::text AS "id", d.attempt_count AS "attemptCount",
                d.first_attempt_at AS "firstAttemptAt", endpoint.id::text AS "endpointId",
                endpoint.url, endpoint.secret, event.id::text AS "eventId",
                event.type AS "eventType", event.created_at AS "eventCreatedAt",
                event.data AS "eventData"`;
  }

  /**
   * Records one attempt and its outcome. The outcome applies only if the delivery is still the
   * claim this worker made (same attempt, still pending): a worker whose lease ran out cannot
   * overwrite a newer attempt's result.
   */
  async recordAttempt(claimed: ClaimedDelivery, outcome: AttemptOutcome): Promise<void> {
    await this.prisma.$transaction(async (tx) => {
      await tx.webhookAttempt.create({
        data: {
          deliveryId: claimed.id,
          number: claimed.attemptCount,
          startedAt: outcome.startedAt,
          durationMs: outcome.durationMs,
          statusCode: outcome.statusCode,
          error: outcome.error,
          responseExcerpt: outcome.responseExcerpt,
        },
      });
      const now = new Date();
      await tx.webhookDelivery.updateMany({
        where: {
          id: claimed.id,
          attemptCount: claimed.attemptCount,
          status: WebhookDeliveryStatus.PENDING,
        },
        data: {
          status: outcome.status,
          ...(outcome.nextAttemptAt ? { nextAttemptAt: outcome.nextAttemptAt } : {}),
          ...(outcome.status === WebhookDeliveryStatus.SUCCEEDED ? { deliveredAt: now } : {}),
          updatedAt: now,
        },
      });
    });
  }
}
