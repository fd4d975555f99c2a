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
import { CasePriority, CaseReason, CaseStatus } from '../generated/kysely/enums';
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
  'id' | 'refundId' | 'lastHistorySequence' | 'updatedAt'
>;

export interface CaseFilter {
  customerId?: string;
  status?: CaseStatus;
  priority?: CasePriority;
  reason?: CaseReason;
  assigneeId?: string;
  refundId?: string;
  breachedAt?: { now: Date; breached: boolean };
  /** Only open cases (true), or only solved and closed ones (false). */
  open?: boolean;
}

export interface QueueKey {
  priority: CasePriority;
  dueAt: Date;
  id: string;
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
      .orderBy('id')
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

  /** The queue: most urgent priority first, then the earliest due target; keyset-paginated. */
  list(filter: CaseFilter, limit: number, after?: QueueKey): Promise<SupportCase[]> {
    let query = this.db.selectFrom('supportCases').selectAll();
    if (filter.customerId) query = query.where('customerId', '=', filter.customerId);
    if (filter.status) query = query.where('status', '=', filter.status);
    if (filter.priority) query = query.where('priority', '=', filter.priority);
    if (filter.reason) query = query.where('reason', '=', filter.reason);
    if (filter.assigneeId) query = query.where('assigneeId', '=', filter.assigneeId);
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
    if (after) {
      query = query.where(
        sql<boolean>`(priority, due_at, id) > (${after.priority}::case_priority, ${after.dueAt}, ${after.id}::uuid)`,
      );
    }
    return query.orderBy('priority').orderBy('dueAt').orderBy('id').limit(limit).execute();
  }
}
