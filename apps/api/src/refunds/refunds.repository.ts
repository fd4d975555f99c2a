import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { Principal } from '../auth/principal';
import { PrismaService } from '../database/prisma.service';
import { olderThan } from '../common/pagination';
import { lockRefund, nextSequence } from '../database/row-locks';
import { AnyTx, query } from '../database/transaction';
import { EventsRepository } from '../events/events.repository';
import type { Prisma, Refund, RefundEvent, Transaction } from '../generated/prisma/client';
import { AttachmentKind, ReasonCode, RefundStatus } from '../generated/prisma/enums';
import { refundData } from './dto/refund.dto';
import { RELEASED_STATUSES } from './refund-transitions';

export type Actor = Principal | { role: 'service'; id: string };

/** The service's own scans (expiry, overdue reviews) act as this actor. */
export const SCHEDULER: Actor = { role: 'service', id: 'scheduler' };

export interface NewEvent {
  action: string;
  fromStatus: RefundStatus | null;
  toStatus: RefundStatus | null;
  actor: Actor;
  note?: string | null;
  details?: Prisma.InputJsonValue;
}

/** Re-checks that the payment can cover `amount` more, under a lock on the payment row. */
export interface AmountGuard {
  transactionId: string;
  amount: bigint;
}

export type WriteResult =
  | { outcome: 'done'; refund: Refund }
  | { outcome: 'conflict' }
  | { outcome: 'exceeds'; refundable: bigint };

export interface RefundFilter {
  customerId?: string;
  merchantId?: string;
  status?: RefundStatus;
  transactionId?: string;
  reviewOverdueAt?: Date;
}

export type Tx = Prisma.TransactionClient;
export type AfterWrite = (tx: Tx, refund: Refund) => Promise<void>;
/** Records the request's answer for the written refund, in the change's own transaction. */
export type Answer = (tx: AnyTx, refund: Refund) => Promise<void>;

/** A refunds row as Prisma's `Refund` names it, for queries sent through the pg pool. */
const REFUND_COLUMNS = `
  id, transaction_id AS "transactionId", customer_id AS "customerId",
  merchant_id AS "merchantId", amount, currency, reason_code AS "reasonCode", description,
  status, version, submitted_at AS "submittedAt", review_due_at AS "reviewDueAt",
  info_requested_at AS "infoRequestedAt", decided_at AS "decidedAt",
  decision_reason AS "decisionReason", dispute_deadline_at AS "disputeDeadlineAt",
  merchant_response_due_at AS "merchantResponseDueAt", payout_reference AS "payoutReference",
  payout_failure_reason AS "payoutFailureReason", refunded_at AS "refundedAt",
  case_id AS "caseId", review_escalated_for AS "reviewEscalatedFor",
  created_at AS "createdAt", updated_at AS "updatedAt"`;

/** pg returns bigint columns as text. */
function toRefund(row: Omit<Refund, 'amount'> & { amount: string }): Refund {
  return { ...row, amount: BigInt(row.amount) };
}

@Injectable()
export class RefundsRepository {
  constructor(
    private readonly prisma: PrismaService,
    private readonly events: EventsRepository,
  ) {}

  /** The status read every client polls: straight through the pool. */
  async findById(id: string): Promise<Refund | null> {
    const { rows } = await this.prisma.pool.query<Parameters<typeof toRefund>[0]>(
      `SELECT ${REFUND_COLUMNS} FROM refunds WHERE id = $1`,
      [id],
    );
    return rows[0] ? toRefund(rows[0]) : null;
  }

  async findTransaction(id: string): Promise<Transaction | null> {
    const { rows } = await this.prisma.pool.query<Omit<Transaction, 'amount'> & { amount: string }>(
      `SELECT id, customer_id AS "customerId", merchant_id AS "merchantId", amount, currency,
              paid_at AS "paidAt", description, created_at AS "createdAt"
         FROM transactions WHERE id = $1`,
      [id],
    );
    return rows[0] ? { ...rows[0], amount: BigInt(rows[0].amount) } : null;
  }

  async attachmentKinds(refundId: string): Promise<AttachmentKind[]> {
    const rows = await this.prisma.attachment.findMany({
      where: { refundId },
      select: { kind: true },
    });
    return rows.map((row) => row.kind);
  }

  async attachmentIds(refundId: string): Promise<string[]> {
    const rows = await this.prisma.attachment.findMany({
      where: { refundId },
      select: { id: true },
    });
    return rows.map((row) => row.id);
  }

  listEvents(refundId: string): Promise<RefundEvent[]> {
    return this.prisma.refundEvent.findMany({ where: { refundId }, orderBy: { sequence: 'asc' } });
  }

  /** Newest first, keyset-paginated on (createdAt, id). */
  list(
    filter: RefundFilter,
    limit: number,
    after?: { createdAt: Date; id: string },
  ): Promise<Refund[]> {
    const where: Prisma.RefundWhereInput = {
      customerId: filter.customerId,
      merchantId: filter.merchantId,
      status: filter.status,
      transactionId: filter.transactionId,
      ...(filter.reviewOverdueAt
        ? {
            status: filter.status
              ? { equals: filter.status, in: [RefundStatus.SUBMITTED, RefundStatus.UNDER_REVIEW] }
              : { in: [RefundStatus.SUBMITTED, RefundStatus.UNDER_REVIEW] },
            reviewDueAt: { lt: filter.reviewOverdueAt },
          }
        : {}),
      ...olderThan(after),
    };
    return this.prisma.refund.findMany({
      where,
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: limit,
    });
  }

  /**
   * Apply: a DRAFT for the payment and its first timeline event, if the payment covers it.
   * The busiest write, so through the pool: the same statements as `transition` would send.
   */
  createDraft(input: {
    transaction: Transaction;
    amount: bigint;
    reasonCode: ReasonCode;
    description: string | null;
    actor: Principal;
    answer?: Answer;
  }): Promise<Exclude<WriteResult, { outcome: 'conflict' }>> {
    const { transaction, actor } = input;
    return this.prisma.poolTransaction(async (client) => {
      const refundable = await this.lockRefundable(client, transaction.id);
      if (input.amount > refundable) return { outcome: 'exceeds', refundable };
      const { rows } = await client.query<Parameters<typeof toRefund>[0]>(
        `INSERT INTO refunds (id, transaction_id, customer_id, merchant_id, amount, currency,
                              reason_code, description)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
         RETURNING ${REFUND_COLUMNS}`,
        [
          randomUUID(),
          transaction.id,
          transaction.customerId,
          transaction.merchantId,
          input.amount.toString(),
          transaction.currency,
          input.reasonCode,
          input.description,
        ],
      );
      const refund = toRefund(rows[0]);
      // A new refund's timeline starts at 1.
      await client.query(
        `INSERT INTO refund_events (id, refund_id, sequence, action, to_status, actor_role, actor_id)
         VALUES ($1, $2, 1, 'apply', 'DRAFT', $3, $4)`,
        [randomUUID(), refund.id, actor.role, actor.id],
      );
      await this.publish(client, refund, 'apply');
      await input.answer?.(client, refund);
      return { outcome: 'done', refund };
    });
  }

  /**
   * One conditional UPDATE (status among `from`, version as read) and its timeline event, in one
   * transaction. Zero rows means someone else changed the refund first: a conflict.
   */
  transition(params: {
    id: string;
    from: readonly RefundStatus[];
    version: number;
    data: Prisma.RefundUpdateManyMutationInput;
    event: NewEvent;
    amountGuard?: AmountGuard;
    /** More writes that belong to the same change (support cases), in the same transaction. */
    afterWrite?: AfterWrite;
    answer?: Answer;
  }): Promise<WriteResult> {
    return this.prisma.$transaction(async (tx) => {
      if (params.amountGuard) {
        const refundable = await this.lockRefundable(
          tx,
          params.amountGuard.transactionId,
          params.id,
        );
        if (params.amountGuard.amount > refundable) return { outcome: 'exceeds', refundable };
      }
      const [refund] = await tx.refund.updateManyAndReturn({
        where: { id: params.id, status: { in: [...params.from] }, version: params.version },
        data: { ...params.data, version: { increment: 1 }, updatedAt: new Date() },
      });
      if (!refund) return { outcome: 'conflict' };
      await this.insertEvent(tx, refund.id, params.event);
      let final = refund;
      if (params.afterWrite) {
        await params.afterWrite(tx, refund);
        // Re-read: the extra writes may point the refund at a new case.
        final = await tx.refund.findUniqueOrThrow({ where: { id: refund.id } });
      }
      await this.publish(tx, final, params.event.action);
      await params.answer?.(tx, final);
      return { outcome: 'done', refund: final };
    });
  }

  /**
   * A timeline-only event (escalate, merchant-response): the refund itself is unchanged. `check`
   * sees the refund as locked for the transaction and throws to refuse, so a concurrent change
   * of state is never missed.
   */
  async appendEvent<T>(
    refundId: string,
    check: (locked: Refund) => void,
    event: (locked: Refund) => NewEvent,
    afterWrite: (tx: Tx, locked: Refund) => Promise<T>,
  ): Promise<{ refund: Refund; result: T }> {
    return this.prisma.$transaction(async (tx) => {
      await lockRefund(tx, refundId);
      const refund = await tx.refund.findUniqueOrThrow({ where: { id: refundId } });
      check(refund);
      const appended = event(refund);
      await this.insertEvent(tx, refundId, appended);
      const result = await afterWrite(tx, refund);
      // The refund is unchanged but for the case it may now point to.
      const final = await tx.refund.findUniqueOrThrow({ where: { id: refundId } });
      await this.publish(tx, final, appended.action);
      return { refund: final, result };
    });
  }

  /**
   * Claims refunds whose review deadline passed and was not escalated yet, and hands each to
   * `escalate` in the same transaction. SKIP LOCKED plus the marker column make concurrent
   * scanners escalate each deadline exactly once. One refund per transaction (the caller
   * loops): each escalation opens a case, and a batch kept every refund in it locked until the
   * last one's case was written, holding merchants' actions on them back for seconds.
   */
  async escalateOverdue(
    now: Date,
    escalate: (tx: Tx, refund: Refund) => Promise<void>,
    batch = 1,
  ): Promise<string[]> {
    return this.prisma.$transaction(async (tx) => {
      const claimed = await tx.$queryRaw<{ id: string }[]>`
        WITH due AS (
          SELECT id FROM refunds
           WHERE status IN ('SUBMITTED', 'UNDER_REVIEW')
             AND review_due_at <= ${now}
             AND review_escalated_for IS DISTINCT FROM review_due_at
           ORDER BY review_due_at
           LIMIT ${batch}
           FOR UPDATE SKIP LOCKED)
        UPDATE refunds r SET review_escalated_for = r.review_due_at
          FROM due WHERE r.id = due.id
        RETURNING r.id::text AS id`;
      for (const { id } of claimed) {
        const refund = await tx.refund.findUniqueOrThrow({ where: { id } });
        await this.insertEvent(tx, id, {
          action: 'escalate',
          fromStatus: refund.status,
          toStatus: refund.status,
          actor: SCHEDULER,
          note: `The review was due at ${refund.reviewDueAt?.toISOString()}; escalated to support.`,
        });
        await escalate(tx, refund);
        await this.publish(tx, await tx.refund.findUniqueOrThrow({ where: { id } }), 'escalate');
      }
      return claimed.map((row) => row.id);
    });
  }

  /** Whether a review deadline passed and is not escalated yet (locked rows included). */
  async hasUnescalatedOverdue(now: Date): Promise<boolean> {
    const rows = await this.prisma.$queryRaw<unknown[]>`
      SELECT 1 FROM refunds
       WHERE status IN ('SUBMITTED', 'UNDER_REVIEW')
         AND review_due_at <= ${now}
         AND review_escalated_for IS DISTINCT FROM review_due_at
       LIMIT 1`;
    return rows.length > 0;
  }

  /**
   * Expires a batch of due refunds. Rows are claimed with SKIP LOCKED, so concurrent scanners
   * (other instances) never expire the same refund twice. Batches are small (the caller loops):
   * each refund costs a few statements, and a batch of 100 under load outlasted the
   * transaction time-out, so a large backlog never expired.
   */
  async expireDue(
    draftUntouchedSince: Date,
    infoRequestedBefore: Date,
    batch = 20,
  ): Promise<string[]> {
    return this.prisma.$transaction(async (tx) => {
      const expired = await tx.$queryRaw<{ id: string; from_status: RefundStatus }[]>`
        WITH due AS (
          SELECT id, status FROM refunds
           WHERE (status = 'DRAFT' AND updated_at < ${draftUntouchedSince})
              OR (status = 'INFO_REQUESTED' AND info_requested_at < ${infoRequestedBefore})
           ORDER BY id
           LIMIT ${batch}
           FOR UPDATE SKIP LOCKED)
        UPDATE refunds r
           SET status = 'EXPIRED', version = r.version + 1, updated_at = now()
          FROM due
         WHERE r.id = due.id
        RETURNING r.id::text AS id, due.status AS from_status`;
      for (const row of expired) {
        await this.insertEvent(tx, row.id, {
          action: 'expire',
          fromStatus: row.from_status,
          toStatus: RefundStatus.EXPIRED,
          actor: SCHEDULER,
          note:
            row.from_status === RefundStatus.DRAFT
              ? 'The draft was not submitted in time.'
              : 'The request for information was not answered in time.',
        });
        await this.publish(
          tx,
          await tx.refund.findUniqueOrThrow({ where: { id: row.id } }),
          'expire',
        );
      }
      return expired.map((row) => row.id);
    });
  }

  /**
   * Locks the payment row, then returns what is left to refund on it: its amount minus every
   * refund still holding money (optionally leaving one refund out, when that one changes).
   */
  private async lockRefundable(tx: AnyTx, transactionId: string, except?: string): Promise<bigint> {
    // Two statements: the sum must see refunds committed while this one waited for the lock.
    const [payment] = await query<{ amount: bigint | string }>(
      tx,
      'SELECT amount FROM transactions WHERE id = $1 FOR UPDATE',
      [transactionId],
    );
    const [held] = await query<{ total: bigint | string }>(
      tx,
      `SELECT coalesce(sum(amount), 0)::bigint AS total FROM refunds
        WHERE transaction_id = $1
          AND status::text <> ALL($2::text[])
          AND ($3::uuid IS NULL OR id <> $3::uuid)`,
      [transactionId, RELEASED_STATUSES, except ?? null],
    );
    return BigInt(payment.amount) - BigInt(held.total);
  }

  /** The outbox event of a timeline action: `refund.<action>` with the refund as it ends up. */
  private publish(tx: AnyTx, refund: Refund, action: string): Promise<void> {
    return this.events.record(tx, {
      type: `refund.${action}`,
      refundId: refund.id,
      caseId: refund.caseId,
      data: refundData(refund),
    });
  }

  private async insertEvent(tx: Tx, refundId: string, event: NewEvent): Promise<RefundEvent> {
    return tx.refundEvent.create({
      data: {
        refundId,
        // The refund row is locked by this transaction.
        sequence: await nextSequence(tx, 'refund_events', refundId),
        action: event.action,
        fromStatus: event.fromStatus,
        toStatus: event.toStatus,
        actorRole: event.actor.role,
        actorId: event.actor.id,
        note: event.note ?? null,
        details: event.details,
      },
    });
  }
}
