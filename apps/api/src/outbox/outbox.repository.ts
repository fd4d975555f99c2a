import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { sql } from 'kysely';
import type { KyselyTransactionalAdapter } from '../database/database';

export type OutboxEvent = {
  type: string;
  caseId?: string | null;
  /** The object as GET returns it, without `nextActions`. */
  data: object;
} & (
  | {
      /** The refund it belongs to: it orders deliveries and scopes who sees the event. */
      refundId: string;
    }
  | {
      /**
       * A customer's event that belongs to no refund (a security report's, its payout hold's,
       * its case's): ordered per customer, seen by the customer, agents and the system only.
       */
      customerId: string;
    }
);

/**
 * The outbox: events are written in the transaction of the change they describe, and webhook
 * deliveries are enqueued for them in the same statement.
 */
@Injectable()
export class OutboxRepository {
  constructor(private readonly txHost: TransactionHost<KyselyTransactionalAdapter>) {}

  /**
   * Records the event in the current unit of work and, in the same statement, enqueues one
   * delivery for every webhook endpoint that wants it: subscribed to the type, its family
   * (`refund.*`) or `*`; the system's for every event, a merchant's for its own refunds' refund
   * events only (whatever its `*` says). Committed together with the change or not at all.
   * `created_at` is the moment of recording (not the transaction's start), so it follows the
   * refund's order too. Deliveries are ordered per key: the refund, or for an event that belongs
   * to no refund its customer (`customer:<id>`), whose events are recorded under their lock. An endpoint being deleted meanwhile is waited for, then skipped.
   */
  async record(event: OutboxEvent): Promise<void> {
    const family = `${event.type.split('.')[0]}.*`;
    const source =
      'refundId' in event
        ? sql`SELECT refund.id AS refund_id, refund.customer_id, refund.merchant_id
                FROM refunds refund WHERE refund.id = ${event.refundId}::uuid`
        : sql`SELECT NULL::uuid AS refund_id, ${event.customerId}::text AS customer_id,
                     NULL::text AS merchant_id`;
    await sql`
      WITH source AS (${source}),
      event AS (
        INSERT INTO events (id, type, refund_id, case_id, customer_id, merchant_id, data, created_at)
        SELECT ${randomUUID()}::uuid, ${event.type}::text, source.refund_id,
               ${event.caseId ?? null}::uuid, source.customer_id, source.merchant_id,
               ${JSON.stringify(event.data)}::json, clock_timestamp()
          FROM source
        RETURNING id, position, refund_id, customer_id, merchant_id, created_at)
      INSERT INTO webhook_deliveries
             (id, endpoint_id, event_id, ordering_key, event_position, next_attempt_at, created_at,
              updated_at)
      SELECT gen_random_uuid(), endpoint.id, event.id,
             coalesce(event.refund_id::text, 'customer:' || event.customer_id), event.position,
             event.created_at, event.created_at, event.created_at
        FROM event
        JOIN webhook_endpoints endpoint
          ON endpoint.events && ARRAY[${event.type}::text, ${family}::text, '*']
         AND (endpoint.owner_role = 'system'
              OR (endpoint.owner_id = event.merchant_id AND ${event.type}::text LIKE 'refund.%'))
         FOR KEY SHARE OF endpoint`.execute(this.txHost.tx);
  }

  /**
   * The ids of at most `limit` events recorded before `cutoff`, oldest first, locked for the
   * purge (rows another purge holds are skipped).
   */
  async lockEventsBefore(cutoff: Date, limit: number): Promise<string[]> {
    const rows = await this.txHost.tx
      .selectFrom('events')
      .select('id')
      .where('createdAt', '<', cutoff)
      .orderBy('createdAt')
      .limit(limit)
      .forUpdate()
      .skipLocked()
      .execute();
    return rows.map((row) => row.id);
  }

  /** Deletes the webhook deliveries of these events (their attempts go with them: cascade). */
  async deleteDeliveriesOf(eventIds: string[]): Promise<void> {
    await this.txHost.tx.deleteFrom('webhookDeliveries').where('eventId', 'in', eventIds).execute();
  }

  /**
   * Deletes these events. The outbox's trigger refuses any DELETE outside a transaction that set
   * `refund_desk.purge`: this sets it for the current unit of work only (SET LOCAL).
   */
  async purgeEvents(eventIds: string[]): Promise<number> {
    await sql`SET LOCAL refund_desk.purge = 'on'`.execute(this.txHost.tx);
    const result = await this.txHost.tx
      .deleteFrom('events')
      .where('id', 'in', eventIds)
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
