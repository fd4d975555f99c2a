import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { type NotNull, sql } from 'kysely';
import type { NewestFirstKey } from '../common/pagination';
import type {
  KyselyTransactionalAdapter,
  WebhookAttempt,
  WebhookDelivery,
  WebhookEndpoint,
} from '../database/database';
import { WebhookDeliveryStatus } from '../generated/kysely/enums';

/** A delivery as listed: its event's type, and its attempts in order. */
export type DeliveryWithAttempts = WebhookDelivery & {
  eventType: string;
  attempts: WebhookAttempt[];
};

export interface NewEndpoint {
  ownerRole: string;
  ownerId: string;
  url: string;
  events: string[];
  secret: string;
}

/** An endpoint's secrets as stored. */
export interface StoredSecrets {
  id: string;
  secret: string;
  previousSecret: string | null;
}

/** Whose endpoints a list shows: one owner's, or (no owner) everyone's. */
export interface EndpointOwner {
  ownerRole: string;
  ownerId: string;
}

/** A delivery as claimed by a worker: everything needed to POST it. */
export interface ClaimedDelivery {
  id: string;
  attemptCount: number;
  /** Attempts in the current retry window, this one included. */
  windowAttempts: number;
  firstAttemptAt: Date;
  endpointId: string;
  url: string;
  /** As stored (sealed, or plain without WEBHOOK_SECRET_KEY). */
  secret: string;
  /** The secret before the last rotation, while it still signs; as stored. */
  previousSecret: string | null;
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

const now = sql<Date>`now()`;
const interval = (ms: number) => sql`make_interval(secs => ${ms / 1000}::double precision)`;
/** A status as a value of the column's enum type (a CASE of bare parameters would be text). */
const asStatus = (status: WebhookDeliveryStatus) =>
  sql<WebhookDeliveryStatus>`${status}::webhook_delivery_status`;

@Injectable()
export class WebhooksRepository {
  constructor(private readonly txHost: TransactionHost<KyselyTransactionalAdapter>) {}

  createEndpoint(endpoint: NewEndpoint): Promise<WebhookEndpoint> {
    return this.txHost.tx
      .insertInto('webhookEndpoints')
      .values({ id: randomUUID(), ...endpoint })
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  findEndpoint(id: string): Promise<WebhookEndpoint | undefined> {
    return this.txHost.tx
      .selectFrom('webhookEndpoints')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
  }

  /** Newest first, `(created_at, id)` descending, starting after `after`. */
  listEndpoints(
    owner: EndpointOwner | undefined,
    limit: number,
    after?: NewestFirstKey,
  ): Promise<WebhookEndpoint[]> {
    let query = this.txHost.tx.selectFrom('webhookEndpoints').selectAll();
    if (owner) {
      query = query.where('ownerRole', '=', owner.ownerRole).where('ownerId', '=', owner.ownerId);
    }
    if (after) {
      query = query.where((eb) =>
        eb(eb.refTuple('createdAt', 'id'), '<', eb.tuple(after.createdAt, after.id)),
      );
    }
    return query.orderBy('createdAt', 'desc').orderBy('id', 'desc').limit(limit).execute();
  }

  /**
   * Puts a new secret in place; the current one becomes the previous (a previous one is
   * dropped), signing alongside until the overlap after `secret_rotated_at` ends.
   */
  rotateSecret(id: string, secret: string): Promise<WebhookEndpoint | undefined> {
    return this.txHost.tx
      .updateTable('webhookEndpoints')
      .set((eb) => ({ previousSecret: eb.ref('secret'), secret, secretRotatedAt: now }))
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst();
  }

  /** Endpoints with a stored secret not sealed with the key `keyId` (plain, or another key's). */
  listSecretsNotSealedWith(keyId: string): Promise<StoredSecrets[]> {
    const sealed = `aes256gcm:${keyId}:%`;
    return this.txHost.tx
      .selectFrom('webhookEndpoints')
      .select(['id', 'secret', 'previousSecret'])
      .where((eb) =>
        eb.or([
          eb('secret', 'not like', sealed),
          eb.and([eb('previousSecret', 'is not', null), eb('previousSecret', 'not like', sealed)]),
        ]),
      )
      .execute();
  }

  /** Replaces an endpoint's stored secrets if they are still `was` (a rotation meanwhile wins). */
  async replaceStoredSecrets(was: StoredSecrets, sealed: StoredSecrets): Promise<boolean> {
    const result = await this.txHost.tx
      .updateTable('webhookEndpoints')
      .set({ secret: sealed.secret, previousSecret: sealed.previousSecret })
      .where('id', '=', was.id)
      .where('secret', '=', was.secret)
      .where((eb) =>
        was.previousSecret === null
          ? eb('previousSecret', 'is', null)
          : eb('previousSecret', '=', was.previousSecret),
      )
      .executeTakeFirst();
    return result.numUpdatedRows === 1n;
  }

  /** Deletes the endpoint with its deliveries (ON DELETE CASCADE); false when it was gone. */
  async deleteEndpoint(id: string): Promise<boolean> {
    const result = await this.txHost.tx
      .deleteFrom('webhookEndpoints')
      .where('id', '=', id)
      .executeTakeFirst();
    return result.numDeletedRows === 1n;
  }

  /** Newest event first; `before` is the last event position served. */
  async listDeliveries(
    endpointId: string,
    limit: number,
    before?: bigint,
  ): Promise<DeliveryWithAttempts[]> {
    let query = this.selectDeliveries().where('d.endpointId', '=', endpointId);
    if (before !== undefined) query = query.where('d.eventPosition', '<', before);
    const deliveries = await query.orderBy('d.eventPosition', 'desc').limit(limit).execute();
    return this.withAttempts(deliveries);
  }

  async findDelivery(endpointId: string, id: string): Promise<DeliveryWithAttempts | undefined> {
    const delivery = await this.selectDeliveries()
      .where('d.id', '=', id)
      .where('d.endpointId', '=', endpointId)
      .executeTakeFirst();
    return delivery && (await this.withAttempts([delivery]))[0];
  }

  /** A FAILED delivery goes back in the queue with a new retry window; false if it was not FAILED. */
  async requeueFailed(id: string): Promise<boolean> {
    const result = await this.txHost.tx
      .updateTable('webhookDeliveries')
      .set({
        status: WebhookDeliveryStatus.PENDING,
        nextAttemptAt: now,
        firstAttemptAt: null,
        windowAttempts: 0,
        updatedAt: now,
      })
      .where('id', '=', id)
      .where('status', '=', WebhookDeliveryStatus.FAILED)
      .executeTakeFirst();
    return result.numUpdatedRows === 1n;
  }

  /**
   * Claims due deliveries for one attempt each. A delivery is due when its time has come and no
   * earlier event with the same ordering key (its refund, or its customer for events of no
   * refund) is still pending for the same endpoint (per key order; other keys are not held
   * back). SKIP LOCKED and the lease (`next_attempt_at` pushed
   * forward) mean one worker at a time attempts a delivery; a crashed worker's lease runs out
   * and the delivery is attempted again: at least once. The endpoint's previous secret comes
   * along while it still signs (`secretOverlapMs` after a rotation, on the database's clock).
   */
  claimDue(batch: number, leaseMs: number, secretOverlapMs: number): Promise<ClaimedDelivery[]> {
    const db = this.txHost.tx;
    return (
      db
        .with('due', (qb) =>
          qb
            .selectFrom('webhookDeliveries as d')
            .select('d.id')
            .where('d.status', '=', WebhookDeliveryStatus.PENDING)
            .where('d.nextAttemptAt', '<=', now)
            .where((eb) =>
              eb.not(
                eb.exists(
                  eb
                    .selectFrom('webhookDeliveries as earlier')
                    .select(sql.lit(1).as('one'))
                    .whereRef('earlier.endpointId', '=', 'd.endpointId')
                    .whereRef('earlier.orderingKey', '=', 'd.orderingKey')
                    .whereRef('earlier.eventPosition', '<', 'd.eventPosition')
                    .where('earlier.status', '=', WebhookDeliveryStatus.PENDING),
                ),
              ),
            )
            .orderBy('d.nextAttemptAt')
            .orderBy('d.eventPosition')
            .limit(batch)
            .forUpdate()
            .skipLocked(),
        )
        .updateTable('webhookDeliveries as d')
        .from(['due', 'webhookEndpoints as endpoint', 'events as event'])
        .set((eb) => ({
          nextAttemptAt: sql<Date>`now() + ${interval(leaseMs)}`,
          attemptCount: eb('d.attemptCount', '+', 1),
          windowAttempts: eb('d.windowAttempts', '+', 1),
          firstAttemptAt: eb.fn.coalesce('d.firstAttemptAt', now),
          lastAttemptAt: now,
          updatedAt: now,
        }))
        .whereRef('d.id', '=', 'due.id')
        .whereRef('endpoint.id', '=', 'd.endpointId')
        .whereRef('event.id', '=', 'd.eventId')
        .returning([
          'd.id',
          'd.attemptCount',
          'd.windowAttempts',
          'd.firstAttemptAt',
          'endpoint.id as endpointId',
          'endpoint.url',
          'endpoint.secret',
          // The replaced secret signs too, until the overlap after the rotation ends.
          sql<
            string | null
          >`CASE WHEN endpoint.secret_rotated_at > now() - ${interval(secretOverlapMs)}
                             THEN endpoint.previous_secret END`.as('previousSecret'),
          'event.id as eventId',
          'event.type as eventType',
          'event.createdAt as eventCreatedAt',
          'event.data as eventData',
        ])
        // RETURNING reads the row as updated: the first attempt's time is set by now.
        .$narrowType<{ firstAttemptAt: NotNull }>()
        .execute()
    );
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
    const row = await this.txHost.tx
      .with('windowEnd', (db) =>
        db
          .selectFrom('webhookDeliveries')
          .select(
            sql<Date>`${sql.ref('firstAttemptAt')} + ${interval(outcome.retryWindowMs)}`.as('at'),
          )
          .where('id', '=', claimed.id),
      )
      .with('updated', (db) =>
        db
          .updateTable('webhookDeliveries as d')
          .from('windowEnd')
          .set((eb) =>
            outcome.ok
              ? { status: WebhookDeliveryStatus.SUCCEEDED, deliveredAt: now }
              : {
                  status: eb
                    .case()
                    .when(now, '>=', eb.ref('windowEnd.at'))
                    .then(asStatus(WebhookDeliveryStatus.FAILED))
                    .else(asStatus(WebhookDeliveryStatus.PENDING))
                    .end(),
                  nextAttemptAt: eb.fn<Date>('least', [
                    sql<Date>`now() + ${interval(outcome.retryDelayMs)}`,
                    eb.ref('windowEnd.at'),
                  ]),
                  deliveredAt: null,
                },
          )
          .set({ updatedAt: now })
          .where('d.id', '=', claimed.id)
          .where('d.attemptCount', '=', claimed.attemptCount)
          .where('d.status', '=', WebhookDeliveryStatus.PENDING)
          .returning('d.status'),
      )
      .with('attempt', (db) =>
        db
          .insertInto('webhookAttempts')
          .columns([
            'id',
            'deliveryId',
            'number',
            'startedAt',
            'durationMs',
            'statusCode',
            'error',
            'responseExcerpt',
          ])
          // Only while the delivery exists: its endpoint may have been deleted meanwhile.
          .expression((eb) =>
            eb
              .selectFrom('webhookDeliveries')
              .select([
                sql<string>`gen_random_uuid()`.as('id'),
                'id as deliveryId',
                eb.cast<number>(eb.val(claimed.attemptCount), 'integer').as('number'),
                eb.cast<Date>(eb.val(outcome.startedAt), 'timestamptz').as('startedAt'),
                eb.cast<number>(eb.val(outcome.durationMs), 'integer').as('durationMs'),
                eb.cast<number | null>(eb.val(outcome.statusCode), 'integer').as('statusCode'),
                eb.cast<string | null>(eb.val(outcome.error), 'text').as('error'),
                eb
                  .cast<string | null>(eb.val(outcome.responseExcerpt), 'text')
                  .as('responseExcerpt'),
              ])
              .where('id', '=', claimed.id),
          ),
      )
      .selectFrom('webhookDeliveries as d')
      .select((eb) =>
        eb.fn.coalesce(eb.selectFrom('updated').select('updated.status'), 'd.status').as('status'),
      )
      .where('d.id', '=', claimed.id)
      .executeTakeFirst();
    return row?.status ?? null;
  }

  private selectDeliveries() {
    return this.txHost.tx
      .selectFrom('webhookDeliveries as d')
      .innerJoin('events as e', 'e.id', 'd.eventId')
      .selectAll('d')
      .select('e.type as eventType');
  }

  /** Each delivery with its attempts in order: one query for all of them, not one each. */
  private async withAttempts(
    deliveries: (WebhookDelivery & { eventType: string })[],
  ): Promise<DeliveryWithAttempts[]> {
    if (deliveries.length === 0) return [];
    const attempts = await this.txHost.tx
      .selectFrom('webhookAttempts')
      .selectAll()
      .where(
        'deliveryId',
        'in',
        deliveries.map((delivery) => delivery.id),
      )
      .orderBy('deliveryId')
      .orderBy('number')
      .execute();
    return deliveries.map((delivery) => ({
      ...delivery,
      attempts: attempts.filter((attempt) => attempt.deliveryId === delivery.id),
    }));
  }
}
