import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { PrismaService } from '../database/prisma.service';
import { AnyTx, execute } from '../database/transaction';
import type { Event, Prisma } from '../generated/prisma/client';

export type Tx = Prisma.TransactionClient;

/** The outbox write of `record`: $1 id, $2 type, $3 refund id, $4 case id, $5 data. */
const RECORD_EVENT = `
  WITH event AS (
    INSERT INTO events (id, type, refund_id, case_id, customer_id, merchant_id, data, created_at)
    SELECT $1::uuid, $2::text, refund.id, $4::uuid, refund.customer_id, refund.merchant_id,
           $5::json, clock_timestamp()
      FROM refunds refund WHERE refund.id = $3::uuid
    RETURNING id, position, refund_id, merchant_id, created_at)
  INSERT INTO webhook_deliveries
         (id, endpoint_id, event_id, refund_id, event_position, next_attempt_at, created_at, updated_at)
  SELECT gen_random_uuid(), endpoint.id, event.id, event.refund_id, event.position,
         event.created_at, event.created_at, event.created_at
    FROM event
    JOIN webhook_endpoints endpoint
      ON $2::text = ANY(endpoint.events)
     AND (endpoint.owner_role = 'system' OR endpoint.owner_id = event.merchant_id)
  -- An endpoint being deleted meanwhile is waited for, then skipped (not a foreign-key error).
     FOR KEY SHARE OF endpoint`;

export interface NewEvent {
  type: string;
  /** Every event belongs to a refund: it orders deliveries and scopes who sees the event. */
  refundId: string;
  caseId?: string | null;
  /** The object as GET returns it, without `nextActions`. */
  data: object;
}

export interface EventFilter {
  customerId?: string;
  merchantId?: string;
  type?: string;
  typePrefix?: string;
}

@Injectable()
export class EventsRepository {
  constructor(private readonly prisma: PrismaService) {}

  /**
   * The outbox write: records the event in the caller's transaction and, in the same statement,
   * enqueues one delivery for every webhook endpoint that wants it (the system's for every
   * event, a merchant's for its own refunds). Committed together with the change or not at all.
   * `created_at` is the moment of recording (not the transaction's start), so it follows the
   * refund's order too.
   */
  async record(tx: AnyTx, event: NewEvent): Promise<void> {
    const values = [
      randomUUID(),
      event.type,
      event.refundId,
      event.caseId ?? null,
      JSON.stringify(event.data),
    ];
    await execute(tx, RECORD_EVENT, values);
  }

  /** Newest first (by position), keyset-paginated: `before` is the last position served. */
  list(filter: EventFilter, limit: number, before?: bigint): Promise<Event[]> {
    return this.prisma.event.findMany({
      where: {
        customerId: filter.customerId,
        merchantId: filter.merchantId,
        AND: [
          { type: filter.type },
          filter.typePrefix ? { type: { startsWith: filter.typePrefix } } : {},
        ],
        position: before === undefined ? undefined : { lt: before },
      },
      orderBy: { position: 'desc' },
      take: limit,
    });
  }
}
