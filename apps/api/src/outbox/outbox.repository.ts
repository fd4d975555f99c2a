import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { sql } from 'kysely';
import type { KyselyTransactionalAdapter } from '../database/database';
import { atEnd, FinalWrite } from '../database/unit-of-work';

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
 * The recorded events' columns: by column and row (`type0`, `type1`…) for a few events, or one
 * array per column (`type`) for more.
 */
type OutboxValues = Record<string, unknown>;

/** The columns each recorded event gives, in the order the statement lists them. */
const COLUMNS = ['id', 'type', 'refundId', 'customerId', 'caseId', 'data'] as const;
type Column = (typeof COLUMNS)[number];
const TYPES: Record<Column, string> = {
  id: 'uuid',
  type: 'text',
  refundId: 'uuid',
  customerId: 'text',
  caseId: 'uuid',
  data: 'json',
};

/**
 * Up to this many events are written from rows of `VALUES` (a statement per count): PostgreSQL
 * then estimates the rows as they are and keeps one generic plan for the prepared statement. More
 * (a batch job's) are unnested from arrays, of a length it cannot know in advance: planned anew
 * on each run, which is right for a batch, and one statement whatever their number.
 */
const ROWS_OF_VALUES = 4;

/** The events a unit of work recorded, written at its end in one statement (`atEnd`). */
class OutboxWrite implements FinalWrite<OutboxValues> {
  readonly events: OutboxEvent[] = [];

  private get many(): boolean {
    return this.events.length > ROWS_OF_VALUES;
  }

  shape(): string {
    return this.many ? 'many' : String(this.events.length);
  }

  values(): OutboxValues {
    const rows = this.events.map((event): Record<Column, string | null> => ({
      id: randomUUID(),
      type: event.type,
      refundId: 'refundId' in event ? event.refundId : null,
      customerId: 'customerId' in event ? event.customerId : null,
      caseId: event.caseId ?? null,
      data: JSON.stringify(event.data),
    }));
    const values: OutboxValues = {};
    for (const column of COLUMNS) {
      if (this.many) values[column] = rows.map((row) => row[column]);
      else rows.forEach((row, index) => (values[`${column}${index}`] = row[column]));
    }
    return values;
  }

  build(values: OutboxValues) {
    const typed = (name: string, column: Column, suffix = '') =>
      sql`${values[name]}::${sql.raw(TYPES[column] + suffix)}`;
    const source = this.many
      ? sql`unnest(${sql.join(COLUMNS.map((column) => typed(column, column, '[]')))})
              WITH ORDINALITY`
      : sql`(VALUES ${sql.join(
          this.events.map(
            (_event, row) =>
              sql`(${sql.join(COLUMNS.map((column) => typed(`${column}${row}`, column)))}, ${sql.lit(row)})`,
          ),
        )})`;
    return [
      {
        name: 'outbox_events',
        statement: sql`
          INSERT INTO events (id, type, refund_id, case_id, customer_id, merchant_id, data, created_at)
          SELECT e.id, e.type, refund.id, e.case_id, coalesce(refund.customer_id, e.customer_id),
                 refund.merchant_id, e.data, clock_timestamp()
            FROM ${source} AS e(id, type, refund_id, customer_id, case_id, data, ord)
            LEFT JOIN refunds refund ON refund.id = e.refund_id
           WHERE e.refund_id IS NULL OR refund.id IS NOT NULL
           ORDER BY e.ord
          RETURNING id, type, position, refund_id, customer_id, merchant_id, created_at`,
      },
      {
        name: 'outbox_deliveries',
        statement: sql`
          INSERT INTO webhook_deliveries
                 (id, endpoint_id, event_id, ordering_key, event_position, next_attempt_at,
                  created_at, updated_at)
          SELECT gen_random_uuid(), endpoint.id, event.id,
                 coalesce(event.refund_id::text, 'customer:' || event.customer_id), event.position,
                 event.created_at, event.created_at, event.created_at
            FROM outbox_events event
            JOIN webhook_endpoints endpoint
              ON endpoint.events && ARRAY[event.type, split_part(event.type, '.', 1) || '.*', '*']
             AND (endpoint.owner_role = 'system'
                  OR (endpoint.owner_id = event.merchant_id AND event.type LIKE 'refund.%'))
             FOR KEY SHARE OF endpoint
          RETURNING 1`,
      },
    ];
  }
}

/**
 * The outbox: events are written in the transaction of the change they describe, and webhook
 * deliveries are enqueued for them in the same statement.
 */
@Injectable()
export class OutboxRepository {
  constructor(private readonly txHost: TransactionHost<KyselyTransactionalAdapter>) {}

  /**
   * Records the event in the current unit of work: the unit of work's events are written at its
   * end (`atEnd`), in the order they were recorded, in one statement that also enqueues one
   * delivery per event for every webhook endpoint that wants it: subscribed to the type, its
   * family (`refund.*`) or `*`; the system's for every event, a merchant's for its own refunds'
   * refund events only (whatever its `*` says). Committed together with the change or not at
   * all. `created_at` is the moment of writing, row by row (not the transaction's start), so it
   * follows the refund's order too. Deliveries are ordered per key: the refund, or for an event
   * that belongs to no refund its customer (`customer:<id>`), whose events are recorded under
   * their lock. An endpoint being deleted meanwhile is waited for, then skipped.
   */
  record(event: OutboxEvent): Promise<void> {
    return atEnd(
      this.txHost.tx,
      'outbox',
      () => new OutboxWrite(),
      (write) => write.events.push(event),
    );
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
