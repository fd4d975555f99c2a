import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { sql, type Insertable, type Updateable } from 'kysely';
import { randomUUID } from 'node:crypto';
import type { Actor } from '../common/actor';
import type {
  CaseHistory,
  CaseMessage,
  DB,
  KyselyTransactionalAdapter,
  SupportCase,
} from '../database/database';
import { CasePriority, CaseReason, CaseStatus, RefundStatus } from '../generated/kysely/enums';
import { OPEN_CASE_STATUSES } from './case-sla';

export interface NewMessage {
  author: Actor;
  body: string;
  internal?: boolean;
  details?: object;
}

export type NewCase = Omit<Insertable<DB['supportCases']>, 'id' | 'lastHistorySequence'>;
export type CaseChanges = Omit<
  Updateable<DB['supportCases']>,
  'id' | 'refundId' | 'securityReportId' | 'lastHistorySequence' | 'updatedAt'
>;

export interface CaseFilter {
  /** Cases whose id starts with it. */
  idPrefix?: string;
  customerId?: string;
  status?: CaseStatus;
  priority?: CasePriority;
  reason?: CaseReason;
  assigneeId?: string;
  unassigned?: boolean;
  refundId?: string;
  breachedAt?: { now: Date; breached: boolean };
  /** Only open cases (true), or only solved and closed ones (false). */
  open?: boolean;
}

/** The queue's orders (`priority` is the default urgency order). */
export const QUEUE_SORTS = ['priority', 'due', 'createdAt', 'lastActivityAt'] as const;
export type QueueSort = (typeof QUEUE_SORTS)[number];

/** The sort key of the last row served: the priority (urgency order only) and the sorted time. */
export interface QueueKey {
  priority?: CasePriority;
  at: Date;
  id: string;
}

export type QueueView = 'mine' | 'unassigned' | 'breached' | 'disputes' | 'stolenWallet';

/** The reasons of the stolen-wallet view. */
export const STOLEN_WALLET_REASONS: readonly CaseReason[] = [CaseReason.UNAUTHORIZED_TRANSACTION];

/** A case as the queue lists it. */
export interface QueueRow extends SupportCase {
  subject: string | null;
  merchantId: string | null;
  refundStatus: RefundStatus | null;
  lastActivityAt: Date;
  awaitingAgent: boolean;
}

const asJson = (value: object | null | undefined) =>
  sql<unknown>`${value == null ? null : JSON.stringify(value)}::jsonb`;

/**
 * Support cases, their messages and their history. Every write to a case row (`insert`,
 * `update`) takes the next history sequence, so the history entry that follows it uses
 * `lastHistorySequence` of the row it got back.
 */
@Injectable()
export class CasesRepository {
  constructor(private readonly txHost: TransactionHost<KyselyTransactionalAdapter>) {}

  private get db() {
    return this.txHost.tx;
  }

  findById(id: string): Promise<SupportCase | undefined> {
    return this.db.selectFrom('supportCases').selectAll().where('id', '=', id).executeTakeFirst();
  }

  /** The case, locked, so that concurrent changes to one case apply one after the other. */
  lock(id: string): Promise<SupportCase | undefined> {
    return this.db
      .selectFrom('supportCases')
      .selectAll()
      .where('id', '=', id)
      .forUpdate()
      .executeTakeFirst();
  }

  /** SOLVED cases solved before `solvedBefore`, unlocked: the caller locks and checks each. */
  findSolvedBefore(
    solvedBefore: Date,
    limit = 20,
  ): Promise<Pick<SupportCase, 'id' | 'refundId'>[]> {
    return this.db
      .selectFrom('supportCases')
      .select(['id', 'refundId'])
      .where('status', '=', CaseStatus.SOLVED)
      .where('solvedAt', '<', solvedBefore)
      .orderBy('solvedAt')
      .limit(limit)
      .execute();
  }

  /** The refund's open case (at most one: a partial unique index), locked. */
  lockOpenForRefund(refundId: string): Promise<SupportCase | undefined> {
    return this.db
      .selectFrom('supportCases')
      .selectAll()
      .where('refundId', '=', refundId)
      .where('status', 'in', OPEN_CASE_STATUSES)
      .forUpdate()
      .executeTakeFirst();
  }

  /**
   * A new open case, unless the refund has one already (a case reopened meanwhile): then
   * nothing comes back and the caller joins that one.
   */
  insertIfNoneOpen(data: NewCase): Promise<SupportCase | undefined> {
    return this.db
      .insertInto('supportCases')
      .values({ ...data, id: randomUUID(), lastHistorySequence: 1 })
      .onConflict((conflict) =>
        conflict.column('refundId').where('status', 'in', OPEN_CASE_STATUSES).doNothing(),
      )
      .returningAll()
      .executeTakeFirst();
  }

  /** A new case that no refund's open-case index concerns (a security report's). */
  insert(data: NewCase): Promise<SupportCase> {
    return this.db
      .insertInto('supportCases')
      .values({ ...data, id: randomUUID(), lastHistorySequence: 1 })
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  /**
   * Changes the case; the refund's open-case index refuses a second open case (reopening one
   * while another is open): `undefined` then.
   */
  async update(id: string, data: CaseChanges): Promise<SupportCase | undefined> {
    try {
      return await this.db
        .updateTable('supportCases')
        .set((eb) => ({
          ...data,
          lastHistorySequence: eb('lastHistorySequence', '+', 1),
          updatedAt: sql<Date>`now()`,
        }))
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirstOrThrow();
    } catch (error) {
      if ((error as { constraint?: string }).constraint === 'support_cases_one_open_per_refund') {
        return undefined;
      }
      throw error;
    }
  }

  async addMessage(caseId: string, message: NewMessage): Promise<CaseMessage> {
    return this.db
      .insertInto('caseMessages')
      .values({
        id: randomUUID(),
        caseId,
        authorRole: message.author.role,
        authorId: message.author.id,
        body: message.body,
        internal: message.internal ?? false,
        details: asJson(message.details),
        createdAt: sql<Date>`clock_timestamp()`,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  /** Records a change of the case (given as it is after the change) in its history. */
  async addHistory(
    supportCase: SupportCase,
    change: string,
    actor: Actor,
    details: object | undefined,
    internal: boolean,
  ): Promise<CaseHistory> {
    return this.db
      .insertInto('caseHistory')
      .values({
        id: randomUUID(),
        caseId: supportCase.id,
        sequence: supportCase.lastHistorySequence,
        change,
        actorRole: actor.role,
        actorId: actor.id,
        details: asJson(details),
        internal,
        createdAt: sql<Date>`clock_timestamp()`,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  messages(caseId: string, includeInternal: boolean): Promise<CaseMessage[]> {
    return this.db
      .selectFrom('caseMessages')
      .selectAll()
      .where('caseId', '=', caseId)
      .$if(!includeInternal, (qb) => qb.where('internal', '=', false))
      .orderBy('createdAt')
      .orderBy('position')
      .execute();
  }

  history(caseId: string, includeInternal: boolean): Promise<CaseHistory[]> {
    return this.db
      .selectFrom('caseHistory')
      .selectAll()
      .where('caseId', '=', caseId)
      .$if(!includeInternal, (qb) => qb.where('internal', '=', false))
      .orderBy('sequence')
      .execute();
  }

  /**
   * The queue: by default (and `priority`) the most urgent priority first, then the earliest
   * due target; `due` the earliest due first; `createdAt` and `lastActivityAt` the newest first.
   * Each row carries what the queue shows beside the case. Keyset-paginated on the sort's key.
   */
  list(filter: CaseFilter, sort: QueueSort, limit: number, after?: QueueKey): Promise<QueueRow[]> {
    let query = this.db.selectFrom(this.queueRows().as('q')).selectAll();
    if (filter.idPrefix)
      query = query.where(sql<boolean>`starts_with(id::text, ${filter.idPrefix})`);
    if (filter.customerId) query = query.where('customerId', '=', filter.customerId);
    if (filter.status) query = query.where('status', '=', filter.status);
    if (filter.priority) query = query.where('priority', '=', filter.priority);
    if (filter.reason) query = query.where('reason', '=', filter.reason);
    if (filter.assigneeId) query = query.where('assigneeId', '=', filter.assigneeId);
    if (filter.unassigned) query = query.where('assigneeId', 'is', null);
    if (filter.refundId) query = query.where('refundId', '=', filter.refundId);
    if (filter.open !== undefined) {
      // Literal values, not parameters: the planner then uses the partial index of the open queue.
      const open = sql<boolean>`status IN (${sql.join(OPEN_CASE_STATUSES.map((s) => sql.lit(s)))})`;
      query = query.where(filter.open ? open : sql<boolean>`NOT ${open}`);
    }
    if (filter.breachedAt) {
      const now = filter.breachedAt.now;
      // As isBreached: while the SLA clock stands still, time stops at the pause.
      const clock = sql<Date>`coalesce(sla_paused_since, ${now})`;
      const breached = sql<boolean>`(coalesce(first_responded_at, ${clock}) > first_response_due_at
        OR coalesce(solved_at, ${clock}) > resolution_due_at)`;
      query = query.where(filter.breachedAt.breached ? breached : sql<boolean>`NOT ${breached}`);
    }
    switch (sort) {
      case 'priority':
        if (after) {
          query = query.where(
            sql<boolean>`(priority, due_at, id) > (${after.priority}::case_priority, ${after.at}, ${after.id}::uuid)`,
          );
        }
        query = query.orderBy('priority').orderBy('dueAt').orderBy('id');
        break;
      case 'due':
        if (after)
          query = query.where(sql<boolean>`(due_at, id) > (${after.at}, ${after.id}::uuid)`);
        query = query.orderBy('dueAt').orderBy('id');
        break;
      case 'createdAt':
        if (after) {
          query = query.where(sql<boolean>`(created_at, id) < (${after.at}, ${after.id}::uuid)`);
        }
        query = query.orderBy('createdAt', 'desc').orderBy('id', 'desc');
        break;
      case 'lastActivityAt':
        if (after) {
          query = query.where(
            sql<boolean>`(last_activity_at, id) < (${after.at}, ${after.id}::uuid)`,
          );
        }
        query = query.orderBy('lastActivityAt', 'desc').orderBy('id', 'desc');
        break;
    }
    return query.limit(limit).execute();
  }

  /**
   * Records the agent's heartbeat on the case, forgets every heartbeat older than `seconds`,
   * and answers the case's viewers, by id.
   */
  async heartbeat(caseId: string, agentId: string, seconds: number): Promise<string[]> {
    await this.db
      .insertInto('casePresence')
      .values({ caseId, agentId, seenAt: sql<Date>`now()` })
      .onConflict((conflict) =>
        conflict.columns(['caseId', 'agentId']).doUpdateSet({ seenAt: sql<Date>`now()` }),
      )
      .execute();
    const stale = sql<Date>`now() - make_interval(secs => ${seconds})`;
    await this.db.deleteFrom('casePresence').where('seenAt', '<', stale).execute();
    const rows = await this.db
      .selectFrom('casePresence')
      .select('agentId')
      .where('caseId', '=', caseId)
      .orderBy('agentId')
      .execute();
    return rows.map((row) => row.agentId);
  }

  /** The number of open cases in each of the queue's saved views, in one statement. */
  async countViews(agentId: string, now: Date): Promise<Record<QueueView, number>> {
    const open = sql<boolean>`status IN (${sql.join(OPEN_CASE_STATUSES.map((s) => sql.lit(s)))})`;
    const row = await this.db
      .selectFrom('supportCases')
      .where(open)
      .select([
        sql<string>`count(*) FILTER (WHERE assignee_id = ${agentId})`.as('mine'),
        sql<string>`count(*) FILTER (WHERE assignee_id IS NULL)`.as('unassigned'),
        sql<string>`count(*) FILTER (WHERE coalesce(first_responded_at, ${now}) > first_response_due_at
          OR coalesce(solved_at, ${now}) > resolution_due_at)`.as('breached'),
        sql<string>`count(*) FILTER (WHERE reason = 'DISPUTE')`.as('disputes'),
        sql<string>`count(*) FILTER (WHERE reason IN (${sql.join(STOLEN_WALLET_REASONS.map((r) => sql.lit(r)))}))`.as(
          'stolenWallet',
        ),
      ])
      .executeTakeFirstOrThrow();
    return {
      mine: Number(row.mine),
      unassigned: Number(row.unassigned),
      breached: Number(row.breached),
      disputes: Number(row.disputes),
      stolenWallet: Number(row.stolenWallet),
    };
  }

  /**
   * Cases with what the queue shows beside them: the payment's description (a security report's
   * first line) as the subject, the
   * refund's merchant and status, the latest activity (a change or a message) and whether the
   * customer wrote the latest public message.
   */
  private queueRows() {
    return this.db
      .selectFrom('supportCases as c')
      .leftJoin('refunds as r', 'r.id', 'c.refundId')
      .leftJoin('transactions as t', 't.id', 'r.transactionId')
      .leftJoin('securityReports as sr', 'sr.id', 'c.securityReportId')
      .leftJoinLateral(
        (eb) =>
          eb
            .selectFrom('caseMessages as m')
            .select(['m.authorRole', 'm.createdAt'])
            .whereRef('m.caseId', '=', 'c.id')
            .where('m.internal', '=', false)
            .orderBy('m.createdAt', 'desc')
            .orderBy('m.position', 'desc')
            .limit(1)
            .as('lm'),
        (join) => join.onTrue(),
      )
      .selectAll('c')
      .select([
        // A security report's case: the report's first line.
        sql<string | null>`coalesce(t.description, split_part(sr.description, E'\n', 1))`.as(
          'subject',
        ),
        'r.merchantId as merchantId',
        'r.status as refundStatus',
        sql<Date>`greatest(c.updated_at, lm.created_at)`.as('lastActivityAt'),
        sql<boolean>`coalesce(lm.author_role = 'customer', false)`.as('awaitingAgent'),
      ]);
  }
}
