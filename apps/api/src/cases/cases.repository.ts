import { Injectable } from '@nestjs/common';
import { PrismaService } from '../database/prisma.service';
import { lockRefund, nextSequence } from '../database/row-locks';
import { caseEventType } from '../events/event-types';
import { EventsRepository } from '../events/events.repository';
import {
  Prisma,
  type CaseHistory,
  type CaseMessage,
  type SupportCase,
} from '../generated/prisma/client';
import { CasePriority, CaseReason, CaseStatus, RefundStatus } from '../generated/prisma/enums';
import { OPEN_CASE_STATUSES } from './case-sla';
import { mapCase } from './dto/case.dto';

export type Tx = Prisma.TransactionClient;

export interface Author {
  role: string;
  id: string;
}

export interface NewMessage {
  author: Author;
  body: string;
  internal?: boolean;
  details?: Prisma.InputJsonValue;
}

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

@Injectable()
export class CasesRepository {
  constructor(
    private readonly prisma: PrismaService,
    private readonly events: EventsRepository,
  ) {}

  transaction<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
    return this.prisma.$transaction(work);
  }

  findById(id: string, tx: Tx = this.prisma): Promise<SupportCase | null> {
    return tx.supportCase.findUnique({ where: { id } });
  }

  /** The refund's open case, locked for the rest of the transaction. */
  async lockOpenForRefund(tx: Tx, refundId: string): Promise<SupportCase | null> {
    const [row] = await tx.$queryRaw<{ id: string }[]>`
      SELECT id::text FROM support_cases
       WHERE refund_id = ${refundId}::uuid AND status::text = ANY(${OPEN_CASE_STATUSES})
       FOR UPDATE`;
    return row ? tx.supportCase.findUnique({ where: { id: row.id } }) : null;
  }

  /** Locks the case row, so that concurrent changes to one case apply one after the other. */
  async lock(tx: Tx, id: string): Promise<SupportCase | null> {
    const [row] = await tx.$queryRaw<{ id: string }[]>`
      SELECT id::text FROM support_cases WHERE id = ${id}::uuid FOR UPDATE`;
    return row ? tx.supportCase.findUnique({ where: { id } }) : null;
  }

  /** Locks the refund row: every way into a case for one refund then takes its turn. */
  async lockRefund(tx: Tx, refundId: string): Promise<void> {
    await lockRefund(tx, refundId);
  }

  /** Whether the refund's dispute is running, as committed (read under the caller's lock). */
  async isDisputed(tx: Tx, refundId: string): Promise<boolean> {
    const refund = await tx.refund.findUnique({
      where: { id: refundId },
      select: { status: true },
    });
    return refund?.status === RefundStatus.DISPUTED;
  }

  async create(tx: Tx, data: Prisma.SupportCaseUncheckedCreateInput): Promise<SupportCase> {
    const created = await tx.supportCase.create({ data });
    // The refund points to its latest case (case work does not change the refund's version).
    await tx.refund.update({ where: { id: data.refundId }, data: { caseId: created.id } });
    return created;
  }

  update(tx: Tx, id: string, data: Prisma.SupportCaseUncheckedUpdateInput): Promise<SupportCase> {
    return tx.supportCase.update({ where: { id }, data: { ...data, updatedAt: new Date() } });
  }

  addMessage(tx: Tx, caseId: string, message: NewMessage): Promise<CaseMessage> {
    return tx.caseMessage.create({
      data: {
        caseId,
        authorRole: message.author.role,
        authorId: message.author.id,
        body: message.body,
        internal: message.internal ?? false,
        details: message.details,
      },
    });
  }

  /**
   * Records a change of the case (given as it is after the change) in its history and, unless
   * it is internal, as a `case.*` event in the outbox.
   */
  async addHistory(
    tx: Tx,
    supportCase: SupportCase,
    change: string,
    actor: Author,
    details?: Prisma.InputJsonValue,
    internal = false,
  ): Promise<CaseHistory> {
    const caseId = supportCase.id;
    if (!internal) {
      await this.events.record(tx, {
        type: caseEventType(change),
        refundId: supportCase.refundId,
        caseId,
        data: mapCase(supportCase),
      });
    }
    return tx.caseHistory.create({
      data: {
        caseId,
        // The case row is locked by the caller's transaction.
        sequence: await nextSequence(tx, 'case_history', caseId),
        change,
        actorRole: actor.role,
        actorId: actor.id,
        details,
        internal,
      },
    });
  }

  messages(caseId: string, includeInternal: boolean): Promise<CaseMessage[]> {
    return this.prisma.caseMessage.findMany({
      where: { caseId, ...(includeInternal ? {} : { internal: false }) },
      orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
    });
  }

  history(caseId: string, includeInternal: boolean): Promise<CaseHistory[]> {
    return this.prisma.caseHistory.findMany({
      where: { caseId, ...(includeInternal ? {} : { internal: false }) },
      orderBy: { sequence: 'asc' },
    });
  }

  /** The queue: most urgent priority first, then the earliest due target; keyset-paginated. */
  list(filter: CaseFilter, limit: number, after?: QueueKey): Promise<SupportCase[]> {
    const conditions: Prisma.Sql[] = [Prisma.sql`TRUE`];
    if (filter.customerId) conditions.push(Prisma.sql`customer_id = ${filter.customerId}`);
    if (filter.status) conditions.push(Prisma.sql`status::text = ${filter.status}`);
    if (filter.priority) conditions.push(Prisma.sql`priority::text = ${filter.priority}`);
    if (filter.reason) conditions.push(Prisma.sql`reason::text = ${filter.reason}`);
    if (filter.assigneeId) conditions.push(Prisma.sql`assignee_id = ${filter.assigneeId}`);
    if (filter.refundId) conditions.push(Prisma.sql`refund_id = ${filter.refundId}::uuid`);
    if (filter.open !== undefined) {
      // Spelled out, not a parameter: the planner then uses the partial index of the open queue.
      const open = Prisma.raw(
        `status IN (${OPEN_CASE_STATUSES.map((status) => `'${status}'`).join(', ')})`,
      );
      conditions.push(filter.open ? open : Prisma.sql`NOT ${open}`);
    }
    if (filter.breachedAt) {
      const now = filter.breachedAt.now;
      const breached = Prisma.sql`(coalesce(first_responded_at, ${now}) > first_response_due_at
        OR coalesce(solved_at, ${now}) > resolution_due_at)`;
      conditions.push(filter.breachedAt.breached ? breached : Prisma.sql`NOT ${breached}`);
    }
    if (after) {
      conditions.push(
        Prisma.sql`(priority, due_at, id) > (${after.priority}::case_priority, ${after.dueAt}, ${after.id}::uuid)`,
      );
    }
    return this.prisma.$queryRaw<SupportCase[]>`
      SELECT id::text AS "id", refund_id::text AS "refundId", customer_id AS "customerId",
             reason, channel, priority, status, assignee_id AS "assigneeId",
             first_response_due_at AS "firstResponseDueAt", resolution_due_at AS "resolutionDueAt",
             due_at AS "dueAt", first_responded_at AS "firstRespondedAt", solved_at AS "solvedAt",
             outcome, created_at AS "createdAt", updated_at AS "updatedAt"
        FROM support_cases
       WHERE ${Prisma.join(conditions, ' AND ')}
       ORDER BY priority, due_at, id
       LIMIT ${limit}`;
  }
}
