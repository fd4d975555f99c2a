import { createHash, randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { CompiledQuery, type RawBuilder, sql, type Updateable } from 'kysely';
import type { Actor } from '../common/actor';
import type { NewestFirstKey } from '../common/pagination';
import { compiledOnce, runCompiled } from '../database/compiled-once';
import { SENT_WITH_NEXT } from '../database/unit-of-work';
import type {
  Database,
  DB,
  KyselyTransactionalAdapter,
  PayoutHold,
  Refund,
  RefundEvent,
  Transaction,
} from '../database/database';
import { AttachmentKind, ReasonCode, RefundStatus } from '../generated/kysely/enums';
import { TRANSITIONS, UNDER_REVIEW_STATUSES } from './refund-transitions';

/** The advisory lock key space of the customers' quotas (two-key locks: this, the id's hash). */
const QUOTA_LOCKS = 0x71756f74; // 'quot'
/** The advisory lock key space of the customers' payout holds. */
const PAYOUT_HOLD_LOCKS = 0x686f6c64; // 'hold'

/** One timeline event; `fromStatus` is the refund's state before the write. */
export interface TimelineEntry {
  action: string;
  toStatus: RefundStatus;
  actor: Actor;
  note?: string | null;
  details?: object | null;
}

export interface RefundFilter {
  customerId?: string;
  merchantId?: string;
  status?: RefundStatus;
  transactionId?: string;
  reviewOverdueAt?: Date;
  /** Refunds whose id starts with it. */
  idPrefix?: string;
  /**
   * Refunds that need an agent and have no open case: PAYOUT_FAILED ones, and APPROVED ones
   * whose customer's payouts are held.
   */
  attention?: boolean;
}

export interface NewDraft {
  /** The payment: the draft is written only if it is this customer's. */
  paymentId: string;
  customerId: string;
  amount: bigint;
  reasonCode: ReasonCode;
  description: string | null;
  /** The customer's open drafts must stay fewer than this (their quota lock is held). */
  maxOpenDrafts: number;
  /** The security report that files it, if one does. */
  securityReportId?: string;
}

/** What an action writes on the refund row itself. */
export type RefundChanges = Omit<
  Updateable<DB['refunds']>,
  'id' | 'version' | 'lastEventSequence' | 'updatedAt' | 'caseId'
>;

/** A timeline event's own values, as its row takes them (`details` as JSON text). */
interface EventValues {
  eventId: string;
  action: string;
  actorRole: string;
  actorId: string;
  note: string | null;
  details: string | null;
}

function eventValues(event: Omit<TimelineEntry, 'toStatus'>): EventValues {
  return {
    eventId: randomUUID(),
    action: event.action,
    actorRole: event.actor.role,
    actorId: event.actor.id,
    note: event.note ?? null,
    details: event.details == null ? null : JSON.stringify(event.details),
  };
}

/**
 * The columns of a timeline event appended for the row a CTE named `r` wrote: its sequence is
 * the counter that write took; the states are given as SQL (the write's own, or literals). Uses
 * each value only as a value (see compiledOnce).
 */
function timelineRow(
  event: EventValues,
  states: { from: RawBuilder<unknown>; to: RawBuilder<unknown> },
) {
  return [
    sql<string>`${event.eventId}::uuid`.as('id'),
    sql.ref('r.id').as('refundId'),
    sql.ref('r.lastEventSequence').as('sequence'),
    sql<string>`${event.action}::text`.as('action'),
    states.from.as('fromStatus'),
    states.to.as('toStatus'),
    sql<string>`${event.actorRole}::text`.as('actorRole'),
    sql<string>`${event.actorId}::text`.as('actorId'),
    sql<string | null>`${event.note}::text`.as('note'),
    sql<unknown>`${event.details}::jsonb`.as('details'),
    sql<Date>`clock_timestamp()`.as('createdAt'),
  ];
}

/** What decides an update's text: the columns it sets, the states it leaves, its offer check. */
interface UpdateShape {
  columns: string[];
  from: readonly RefundStatus[];
  /** The offer must be open (true), must not be (false), or is not checked (undefined). */
  offerOpen?: boolean;
}

interface UpdateValues extends EventValues {
  id: string;
  version: number;
  release: bigint;
  offerAt: Date | null;
  fromStatus: RefundStatus;
  toStatus: RefundStatus;
  /** The new values of `UpdateShape.columns`, by column. */
  [column: `set:${string}`]: unknown;
}

/** `RefundsRepository.update`'s statement for one shape, compiled once. */
function refundUpdate(shape: UpdateShape) {
  return compiledOnce((db: Database, values: UpdateValues) =>
    db
      .with('r', (db) =>
        db
          .updateTable('refunds')
          .set((eb) => ({
            ...(Object.fromEntries(
              shape.columns.map((column) => [column, values[`set:${column}`]]),
            ) as RefundChanges),
            version: eb('version', '+', 1),
            lastEventSequence: eb('lastEventSequence', '+', 1),
            updatedAt: sql<Date>`now()`,
          }))
          .where('id', '=', values.id)
          .where('status', 'in', shape.from)
          .where('version', '=', values.version)
          .$if(shape.offerOpen !== undefined, (query) =>
            query.where((eb) =>
              shape.offerOpen
                ? eb.and([
                    eb('offerStatus', '=', 'OPEN'),
                    eb('offerExpiresAt', '>', values.offerAt!),
                  ])
                : eb.or([
                    eb('offerStatus', 'is', null),
                    eb('offerStatus', '<>', 'OPEN'),
                    eb('offerExpiresAt', '<=', values.offerAt!),
                  ]),
            ),
          )
          .returningAll(),
      )
      .with('released', (db) =>
        db
          .updateTable('transactions')
          .from('r')
          .set((eb) => ({ heldAmount: eb('transactions.heldAmount', '-', values.release) }))
          .whereRef('transactions.id', '=', 'r.transactionId')
          .where(sql<boolean>`${values.release}::bigint <> 0`),
      )
      .with('e', (db) =>
        db.insertInto('refundEvents').expression((eb) =>
          eb.selectFrom('r').select(
            timelineRow(values, {
              from: sql`${values.fromStatus}::refund_status`,
              to: sql`${values.toStatus}::refund_status`,
            }),
          ),
        ),
      )
      .selectFrom('r')
      .selectAll()
      .select(heldBy('r')),
  );
}

/** The compiled update of each shape met so far, by its JSON. */
const refundUpdates = new Map<string, ReturnType<typeof refundUpdate>>();

/**
 * The refunds table and its timeline. Every write is one statement that checks what it relies
 * on in its WHERE clause (state, version, the payment's remaining amount) and appends its
 * timeline event with it; zero rows means the check failed. The caller's unit of work commits
 * it together with the rest of the change.
 */
/** A refund as read or written, with the report holding its customer's payouts, if any. */
export type HeldRefund = Refund & { heldBy: string | null };

/** The security report holding the payouts of the refund's customer (null when none). */
const heldBy = (refunds: 'refunds' | 'r') =>
  sql<string | null>`(SELECT security_report_id FROM payout_holds
                       WHERE customer_id = ${sql.ref(`${refunds}.customerId`)})`.as('heldBy');

/** The refund with `heldBy` (the read path's one statement). */
const findRefund = compiledOnce((db: Database, args: { id: string }) =>
  db
    .selectFrom('refunds')
    .selectAll('refunds')
    .select(heldBy('refunds'))
    .where('refunds.id', '=', args.id),
);

/**
 * Apply's one write: holds the amount on the payment (if the payment is the customer's, the
 * amount stays within it and the customer has fewer open drafts than allowed), inserts the draft
 * with the payment's merchant and currency, and its first timeline event.
 */
const insertDraft = compiledOnce(
  (
    db: Database,
    args: {
      id: string;
      eventId: string;
      paymentId: string;
      customerId: string;
      amount: bigint;
      reasonCode: ReasonCode;
      description: string | null;
      securityReportId: string | null;
      maxOpenDrafts: number;
      actorRole: string;
      actorId: string;
    },
  ) =>
    db
      .with('held', (db) =>
        db
          .updateTable('transactions')
          .set((eb) => ({ heldAmount: eb('heldAmount', '+', args.amount) }))
          .where('id', '=', args.paymentId)
          .where('customerId', '=', args.customerId)
          .where((eb) => eb(eb('heldAmount', '+', args.amount), '<=', eb.ref('amount')))
          .where((eb) =>
            eb(
              eb
                .selectFrom('refunds')
                .select((count) => count.fn.countAll().as('drafts'))
                .where('customerId', '=', args.customerId)
                .where('status', '=', RefundStatus.DRAFT),
              '<',
              args.maxOpenDrafts,
            ),
          )
          .returning(['id', 'customerId', 'merchantId', 'currency']),
      )
      .with('r', (db) =>
        db
          .insertInto('refunds')
          .columns([
            'id',
            'transactionId',
            'customerId',
            'merchantId',
            'amount',
            'requestedAmount',
            'currency',
            'reasonCode',
            'description',
            'lastEventSequence',
            'draftTouchedAt',
            'securityReportId',
          ])
          .expression((eb) =>
            eb
              .selectFrom('held')
              .select([
                sql<string>`${args.id}::uuid`.as('id'),
                'held.id',
                'held.customerId',
                'held.merchantId',
                sql<bigint>`${args.amount}::bigint`.as('amount'),
                sql<bigint>`${args.amount}::bigint`.as('requestedAmount'),
                'held.currency',
                sql<ReasonCode>`${args.reasonCode}::reason_code`.as('reasonCode'),
                sql<string | null>`${args.description}::text`.as('description'),
                sql<number>`1`.as('lastEventSequence'),
                sql<Date>`now()`.as('draftTouchedAt'),
                sql<string | null>`${args.securityReportId}::uuid`.as('securityReportId'),
              ]),
          )
          .returningAll(),
      )
      .with('e', (db) =>
        db
          .insertInto('refundEvents')
          .expression((eb) =>
            eb
              .selectFrom('r')
              .select([
                sql<string>`${args.eventId}::uuid`.as('id'),
                'r.id as refundId',
                sql<number>`1`.as('sequence'),
                sql<string>`'apply'`.as('action'),
                sql<null>`NULL::refund_status`.as('fromStatus'),
                'r.status as toStatus',
                sql<string>`${args.actorRole}::text`.as('actorRole'),
                sql<string>`${args.actorId}::text`.as('actorId'),
                sql<null>`NULL::text`.as('note'),
                sql<null>`NULL::jsonb`.as('details'),
                'r.createdAt',
              ]),
          ),
      )
      .selectFrom('r')
      .selectAll()
      .select(heldBy('r')),
);

@Injectable()
export class RefundsRepository {
  constructor(private readonly txHost: TransactionHost<KyselyTransactionalAdapter>) {}

  private get db() {
    return this.txHost.tx;
  }

  /** The refund, with the report holding its customer's payouts (`heldBy`): one statement. */
  async findById(id: string): Promise<HeldRefund | undefined> {
    return (await findRefund(this.db, { id }))[0];
  }

  /** The refund, locked until the unit of work ends (uploads and case work on it wait). */
  lock(id: string): Promise<Refund | undefined> {
    return this.db
      .selectFrom('refunds')
      .selectAll()
      .where('id', '=', id)
      .forUpdate()
      .executeTakeFirst();
  }

  /**
   * Takes the customer's quota lock until the unit of work ends, so that their applies and
   * uploads count what they hold one after the other. There is no customer row to lock: a
   * transaction-scoped advisory lock on the id's hash (in a key space of its own) stands for one.
   * The statement has no parameters (its keys are integers written into its text) and nothing
   * reads its answer, so that as a unit of work's first statement it waits with BEGIN and goes
   * with the next statement, in the same round trip (`SENT_WITH_NEXT`, `database.ts`).
   */
  async lockCustomerQuotas(customerId: string): Promise<void> {
    const key = createHash('sha256').update(customerId).digest().readInt32BE(0);
    // Its text as is: nothing in it to build or bind (both numbers are integers of ours).
    await runCompiled(
      this.db,
      CompiledQuery.raw(`${SENT_WITH_NEXT} SELECT pg_advisory_xact_lock(${QUOTA_LOCKS}, ${key})`),
    );
  }

  async countOpenDrafts(customerId: string): Promise<number> {
    const { count } = await this.db
      .selectFrom('refunds')
      .select((eb) => eb.fn.countAll<bigint>().as('count'))
      .where('customerId', '=', customerId)
      .where('status', '=', RefundStatus.DRAFT)
      .executeTakeFirstOrThrow();
    return Number(count);
  }

  /**
   * Locks the refund for an upload (the statement's row lock lasts until the unit of work ends)
   * and, while it is a DRAFT, restarts its expiry: any change by the customer to a draft does.
   */
  touchDraft(id: string): Promise<Refund | undefined> {
    return this.db
      .updateTable('refunds')
      .set((eb) => ({
        draftTouchedAt: eb
          .case()
          .when('status', '=', RefundStatus.DRAFT)
          .then(sql<Date>`now()`)
          .else(eb.ref('draftTouchedAt'))
          .end(),
      }))
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst();
  }

  /**
   * Takes the customer's payout-hold lock until the unit of work ends: shared by payouts (many
   * at once), exclusive for placing or releasing a hold. A payout that read no hold thus
   * commits before a hold placed meanwhile, and one that waited reads the hold: none is paid
   * after the hold committed. Taken before any refund or payment row lock.
   */
  async lockPayoutHolds(customerId: string, mode: 'shared' | 'exclusive'): Promise<void> {
    const key = sql`${PAYOUT_HOLD_LOCKS}::int, hashtext(${customerId})`;
    await (
      mode === 'shared'
        ? sql`SELECT pg_advisory_xact_lock_shared(${key})`
        : sql`SELECT pg_advisory_xact_lock(${key})`
    ).execute(this.db);
  }

  findPayoutHold(customerId: string): Promise<PayoutHold | undefined> {
    return this.db
      .selectFrom('payoutHolds')
      .selectAll()
      .where('customerId', '=', customerId)
      .executeTakeFirst();
  }

  payoutHoldsOf(customerIds: string[]): Promise<PayoutHold[]> {
    if (customerIds.length === 0) return Promise.resolve([]);
    return this.db
      .selectFrom('payoutHolds')
      .selectAll()
      .where('customerId', 'in', customerIds)
      .execute();
  }

  async placePayoutHold(customerId: string, securityReportId: string): Promise<PayoutHold> {
    return this.db
      .insertInto('payoutHolds')
      .values({ customerId, securityReportId, placedAt: sql<Date>`now()` })
      .onConflict((conflict) => conflict.column('customerId').doUpdateSet({ securityReportId }))
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  async removePayoutHold(customerId: string): Promise<void> {
    await this.db.deleteFrom('payoutHolds').where('customerId', '=', customerId).execute();
  }

  /** The customer's payments among `ids`, locked (their refundable amount is then stable). */
  lockPaymentsOf(customerId: string, ids: string[]): Promise<Transaction[]> {
    if (ids.length === 0) return Promise.resolve([]);
    return this.db
      .selectFrom('transactions')
      .selectAll()
      .where('customerId', '=', customerId)
      .where('id', 'in', ids)
      .orderBy('id')
      .forUpdate()
      .execute();
  }

  /** The refunds each security report filed, in the order it lists their payments. */
  async idsOfSecurityReports(securityReportIds: string[]): Promise<Map<string, string[]>> {
    const ids = new Map<string, string[]>(securityReportIds.map((id) => [id, []]));
    if (securityReportIds.length === 0) return ids;
    const rows = await this.db
      .selectFrom('refunds as r')
      .innerJoin('securityReports as sr', 'sr.id', 'r.securityReportId')
      .select(['r.id', 'r.securityReportId'])
      .where('r.securityReportId', 'in', securityReportIds)
      .orderBy(sql`array_position(sr.transaction_ids, r.transaction_id)`)
      .orderBy('r.createdAt')
      .orderBy('r.id')
      .execute();
    for (const row of rows) ids.get(row.securityReportId!)?.push(row.id);
    return ids;
  }

  findPayment(id: string): Promise<Transaction | undefined> {
    return this.db.selectFrom('transactions').selectAll().where('id', '=', id).executeTakeFirst();
  }

  /** What the payment can still refund, in its currency's minor units. */
  async refundable(paymentId: string): Promise<{ left: bigint; currency: string }> {
    return this.db
      .selectFrom('transactions')
      .select((eb) => [
        eb(eb.ref('amount'), '-', eb.ref('heldAmount')).$castTo<bigint>().as('left'),
        'currency',
      ])
      .where('id', '=', paymentId)
      .executeTakeFirstOrThrow();
  }

  async attachmentKinds(refundId: string): Promise<AttachmentKind[]> {
    const rows = await this.db
      .selectFrom('attachments')
      .select('kind')
      .where('refundId', '=', refundId)
      .execute();
    return rows.map((row) => row.kind);
  }

  async attachmentIds(refundId: string): Promise<string[]> {
    const rows = await this.db
      .selectFrom('attachments')
      .select('id')
      .where('refundId', '=', refundId)
      .execute();
    return rows.map((row) => row.id);
  }

  timeline(refundId: string): Promise<RefundEvent[]> {
    return this.db
      .selectFrom('refundEvents')
      .selectAll()
      .where('refundId', '=', refundId)
      .orderBy('sequence')
      .execute();
  }

  /** Newest first, keyset-paginated on (createdAt, id). */
  list(filter: RefundFilter, limit: number, after?: NewestFirstKey): Promise<Refund[]> {
    let query = this.db.selectFrom('refunds').selectAll();
    if (filter.customerId !== undefined) query = query.where('customerId', '=', filter.customerId);
    if (filter.merchantId !== undefined) query = query.where('merchantId', '=', filter.merchantId);
    if (filter.status !== undefined) query = query.where('status', '=', filter.status);
    if (filter.transactionId !== undefined) {
      query = query.where('transactionId', '=', filter.transactionId);
    }
    if (filter.reviewOverdueAt !== undefined) {
      query = query
        .where('status', 'in', UNDER_REVIEW_STATUSES)
        .where('reviewDueAt', '<', filter.reviewOverdueAt);
    }
    if (filter.idPrefix !== undefined) {
      query = query.where(sql<boolean>`starts_with(id::text, ${filter.idPrefix})`);
    }
    if (filter.attention) {
      // A failed payout, or an approved refund its customer's payout hold keeps from paying;
      // an open case already brings the refund to an agent's queue.
      query = query
        .where((eb) =>
          eb.or([
            eb('status', '=', RefundStatus.PAYOUT_FAILED),
            eb.and([
              eb('status', '=', RefundStatus.APPROVED),
              eb.exists(
                eb
                  .selectFrom('payoutHolds')
                  .select('payoutHolds.customerId')
                  .whereRef('payoutHolds.customerId', '=', 'refunds.customerId'),
              ),
            ]),
          ]),
        )
        .where(
          sql<boolean>`NOT EXISTS (SELECT 1 FROM support_cases c WHERE c.refund_id = refunds.id
            AND c.status IN ('NEW', 'OPEN', 'PENDING_CUSTOMER', 'ON_HOLD'))`,
        );
    }
    if (after) {
      query = query.where((eb) =>
        eb(eb.refTuple('createdAt', 'id'), '<', eb.tuple(after.createdAt, after.id)),
      );
    }
    return query.orderBy('createdAt', 'desc').orderBy('id', 'desc').limit(limit).execute();
  }

  /**
   * Holds `amount` more of the payment if it has that much left: the no-over-refund guard. The
   * payment's row lock orders concurrent holds; the condition is re-checked on the row as it is
   * after the wait, so two holds can never both take the last of it.
   */
  async hold(paymentId: string, amount: bigint): Promise<boolean> {
    const result = await this.db
      .updateTable('transactions')
      .set((eb) => ({ heldAmount: eb('heldAmount', '+', amount) }))
      .where('id', '=', paymentId)
      .where((eb) => eb(eb('heldAmount', '+', amount), '<=', eb.ref('amount')))
      .executeTakeFirst();
    return result.numUpdatedRows === 1n;
  }

  /**
   * Apply, in one statement: holds the amount on the payment, inserts the DRAFT and its first
   * timeline event, if the payment is the customer's, can cover the amount, and the customer has
   * fewer than `maxOpenDrafts` drafts (counted after their quota lock was taken, by a statement
   * of its own, so this one's snapshot sees every draft committed before). Nothing comes back
   * otherwise.
   */
  async insertDraft(draft: NewDraft, actor: Actor): Promise<HeldRefund | undefined> {
    const [inserted] = await insertDraft(this.db, {
      id: randomUUID(),
      eventId: randomUUID(),
      paymentId: draft.paymentId,
      customerId: draft.customerId,
      amount: draft.amount,
      reasonCode: draft.reasonCode,
      description: draft.description,
      securityReportId: draft.securityReportId ?? null,
      maxOpenDrafts: draft.maxOpenDrafts,
      actorRole: actor.role,
      actorId: actor.id,
    });
    return inserted;
  }

  /**
   * One conditional write and its timeline event, in one statement: the refund changes only if
   * its status is among `from` and its version is the one read (so `fromStatus` is still its
   * state). `release` gives back that much of the payment (a refund leaving the states that
   * hold their amount). Nothing comes back when the condition failed: someone else changed the
   * refund first.
   */
  async update(change: {
    id: string;
    from: readonly RefundStatus[];
    version: number;
    set?: RefundChanges;
    release?: bigint;
    /** The settlement offer must be open at `at` (`open: true`) or must not be (`false`). */
    offer?: { open: boolean; at: Date };
    event: TimelineEntry & { fromStatus: RefundStatus };
  }): Promise<HeldRefund | undefined> {
    const { event } = change;
    // Kysely leaves out a column set to undefined: so does the shape.
    const set = Object.entries(change.set ?? {}).filter(([, value]) => value !== undefined);
    const shape: UpdateShape = {
      columns: set.map(([column]) => column),
      from: change.from,
      offerOpen: change.offer?.open,
    };
    const key = JSON.stringify(shape);
    let write = refundUpdates.get(key);
    if (!write) {
      write = refundUpdate(shape);
      refundUpdates.set(key, write);
    }
    const values: UpdateValues = {
      id: change.id,
      version: change.version,
      release: change.release ?? 0n,
      offerAt: change.offer?.at ?? null,
      fromStatus: event.fromStatus,
      toStatus: event.toStatus,
      ...eventValues(event),
    };
    for (const [column, value] of set) values[`set:${column}`] = value;
    const [written] = await write(this.db, values);
    return written;
  }

  /**
   * A timeline event that leaves the refund as it is (escalate, merchant-response): appended
   * only while the refund's status is among `from`, checked on the row as locked by the same
   * statement. Its version and `updatedAt` stay.
   */
  appendEvent(
    id: string,
    from: readonly RefundStatus[],
    event: Omit<TimelineEntry, 'toStatus'>,
  ): Promise<Refund | undefined> {
    return this.db
      .with('r', (db) =>
        db
          .updateTable('refunds')
          .set((eb) => ({ lastEventSequence: eb('lastEventSequence', '+', 1) }))
          .where('id', '=', id)
          .where('status', 'in', from)
          .returningAll(),
      )
      .with('e', (db) =>
        db.insertInto('refundEvents').expression((eb) =>
          eb.selectFrom('r').select(
            timelineRow(eventValues(event), {
              from: sql.ref('r.status'),
              to: sql.ref('r.status'),
            }),
          ),
        ),
      )
      .selectFrom('r')
      .selectAll()
      .executeTakeFirst();
  }

  /** Points the refund at its latest support case (case work leaves its version alone). */
  linkCase(id: string, caseId: string): Promise<Refund> {
    return this.db
      .updateTable('refunds')
      .set({ caseId })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  /**
   * Claims refunds whose review deadline passed and was not escalated yet. SKIP LOCKED plus the
   * marker column make concurrent scanners escalate each deadline exactly once. One refund per
   * transaction by default: each escalation opens a case, and a batch kept every refund in it
   * locked until the last one's case was written, holding merchants' actions back for seconds.
   */
  claimOverdue(now: Date, batch = 1): Promise<Refund[]> {
    return this.db
      .with('due', (db) =>
        db
          .selectFrom('refunds')
          .select('id')
          .where('status', 'in', UNDER_REVIEW_STATUSES)
          .where('reviewDueAt', '<=', now)
          .where(sql<boolean>`review_escalated_for IS DISTINCT FROM review_due_at`)
          .orderBy('reviewDueAt')
          .limit(batch)
          .forUpdate()
          .skipLocked(),
      )
      .updateTable('refunds')
      .from('due')
      .set((eb) => ({ reviewEscalatedFor: eb.ref('refunds.reviewDueAt') }))
      .whereRef('refunds.id', '=', 'due.id')
      .returningAll('refunds')
      .execute();
  }

  /** Whether a review deadline passed and is not escalated yet (locked rows included). */
  async hasUnescalatedOverdue(now: Date): Promise<boolean> {
    const row = await this.db
      .selectFrom('refunds')
      .select('id')
      .where('status', 'in', UNDER_REVIEW_STATUSES)
      .where('reviewDueAt', '<=', now)
      .where(sql<boolean>`review_escalated_for IS DISTINCT FROM review_due_at`)
      .limit(1)
      .executeTakeFirst();
    return row !== undefined;
  }

  /**
   * Refunds whose open settlement offer has passed its `expiresAt`, claimed with SKIP LOCKED
   * (an answer being written meanwhile keeps its row; the offer is then no longer open).
   */
  claimExpiredOffers(now: Date, batch = 20): Promise<Refund[]> {
    return this.db
      .selectFrom('refunds')
      .selectAll()
      .where('offerStatus', '=', 'OPEN')
      .where('offerExpiresAt', '<=', now)
      .orderBy('offerExpiresAt')
      .limit(batch)
      .forUpdate()
      .skipLocked()
      .execute();
  }

  /**
   * Refunds due to expire: drafts untouched and information requests unanswered too long.
   * Claimed with SKIP LOCKED, so concurrent scanners (other instances) never take the same
   * refund; each is then expired by `update` like any transition.
   */
  async claimExpired(draftUntouchedSince: Date, infoRequestedBefore: Date, batch = 20) {
    const [draft, info] = TRANSITIONS.expire.from;
    return this.db
      .selectFrom('refunds')
      .selectAll()
      .where((eb) =>
        eb.or([
          eb.and([eb('status', '=', draft), eb('draftTouchedAt', '<', draftUntouchedSince)]),
          eb.and([eb('status', '=', info), eb('infoRequestedAt', '<', infoRequestedBefore)]),
        ]),
      )
      .orderBy('id')
      .limit(batch)
      .forUpdate()
      .skipLocked()
      .execute();
  }
}
