import { Injectable } from '@nestjs/common';
import { UUID } from '../common/ids';
import type { Principal } from '../auth/principal';
import { BusinessCalendar } from '../common/business-time';
import { cursorDate, decodeCursor, encodeCursor, Page, toPage } from '../common/pagination';
import { AppConfig } from '../config/app-config';
import { AppError, notFound } from '../errors/app-error';
import type { Prisma, SupportCase } from '../generated/prisma/client';
import { CasePriority, CaseReason, CaseStatus } from '../generated/prisma/enums';
import {
  higherPriority,
  nextDueAt,
  OPEN_CASE_STATUSES,
  PRIORITY_ORDER,
  SlaPolicy,
  slaTargets,
} from './case-sla';
import { Author, CasesRepository, NewMessage, QueueKey, Tx } from './cases.repository';
import { AssignCaseDto, CaseMessageRequestDto, ListCasesQueryDto } from './dto/case-requests.dto';
import {
  CaseHistoryDto,
  CaseMessageDto,
  mapCase,
  mapCaseHistory,
  mapCaseMessage,
  SupportCaseDto,
} from './dto/case.dto';

const REOPEN_WINDOW_MS = 7 * 24 * 60 * 60 * 1000;

export interface Escalation {
  refund: { id: string; customerId: string };
  reason: CaseReason;
  priority: CasePriority;
  channel: string;
  message: NewMessage;
}

/** A status change of a case: where it may come from, where it goes, what else changes. */
interface CaseChange {
  change: string;
  from: readonly CaseStatus[];
  to?: CaseStatus;
  data?: Prisma.SupportCaseUncheckedUpdateInput;
  details?: Prisma.InputJsonValue;
  message?: NewMessage;
  check?: (supportCase: SupportCase, now: Date, tx: Tx) => void | Promise<void>;
}

const queueCursor = {
  encode: (row: SupportCase): string =>
    encodeCursor([row.priority, row.dueAt.toISOString(), row.id]),
  decode: (cursor: string): QueueKey =>
    decodeCursor(cursor, (key) => {
      const [priority, dueAt, id] = key;
      const date = cursorDate(dueAt);
      if (key.length !== 3 || !date || typeof id !== 'string') return;
      if (!PRIORITY_ORDER.includes(priority as CasePriority)) return;
      return UUID.test(id) ? { priority: priority as CasePriority, dueAt: date, id } : undefined;
    }),
};

/**
 * Support cases: the escalation path. Refund changes call in within their own transaction
 * (openOrJoin, solveForRefund, addToOpenCase); agents and customers work cases through the API.
 */
@Injectable()
export class CasesService {
  private readonly sla: SlaPolicy;

  constructor(
    private readonly cases: CasesRepository,
    config: AppConfig,
  ) {
    const calendar: BusinessCalendar = {
      timeZone: config.businessTimezone,
      holidays: config.holidays,
    };
    this.sla = { calendar, hours: config.businessHours, targets: config.caseSlaHours };
  }

  /**
   * Every way in: joins the refund's open case (adding the message, raising the priority, taking
   * the new reason) or opens one. Runs inside the caller's transaction, which holds the refund.
   */
  async openOrJoin(
    tx: Tx,
    input: Escalation,
  ): Promise<{ supportCase: SupportCase; created: boolean }> {
    await this.cases.lockRefund(tx, input.refund.id);
    const now = new Date();
    const open = await this.cases.lockOpenForRefund(tx, input.refund.id);
    if (!open) {
      const targets = slaTargets(now, input.priority, this.sla);
      const supportCase = await this.cases.create(tx, {
        refundId: input.refund.id,
        customerId: input.refund.customerId,
        reason: input.reason,
        channel: input.channel,
        priority: input.priority,
        ...targets,
        dueAt: targets.firstResponseDueAt,
        createdAt: now,
        updatedAt: now,
      });
      await this.cases.addHistory(tx, supportCase, 'opened', input.message.author, {
        reason: input.reason,
        priority: input.priority,
        channel: input.channel,
      });
      await this.cases.addMessage(tx, supportCase.id, input.message);
      return { supportCase, created: true };
    }

    const priority = higherPriority(open.priority, input.priority);
    const data: Prisma.SupportCaseUncheckedUpdateInput = { reason: input.reason, priority };
    if (priority !== open.priority) {
      const targets = slaTargets(open.createdAt, priority, this.sla);
      Object.assign(data, targets, { dueAt: nextDueAt({ ...open, ...targets }) });
    }
    // A customer writing on a case that waits for them hands it back to the agents.
    if (open.status === CaseStatus.PENDING_CUSTOMER && input.message.author.role === 'customer') {
      data.status = CaseStatus.OPEN;
    }
    const supportCase = await this.cases.update(tx, open.id, data);
    await this.cases.addHistory(tx, supportCase, 'joined', input.message.author, {
      reason: { from: open.reason, to: input.reason },
      priority: { from: open.priority, to: priority },
      status: { from: open.status, to: supportCase.status },
    });
    await this.cases.addMessage(tx, open.id, input.message);
    return { supportCase, created: false };
  }

  /**
   * Solves the refund's open case, recording the outcome: any open case (`'any'`), or only one
   * whose current reason is listed.
   */
  async solveForRefund(
    tx: Tx,
    refundId: string,
    input: { reasons: readonly CaseReason[] | 'any'; outcome: string; message: NewMessage },
  ): Promise<void> {
    const open = await this.cases.lockOpenForRefund(tx, refundId);
    if (!open || (input.reasons !== 'any' && !input.reasons.includes(open.reason))) return;
    const now = new Date();
    const solved = await this.cases.update(tx, open.id, {
      status: CaseStatus.SOLVED,
      solvedAt: now,
      outcome: input.outcome,
    });
    await this.cases.addHistory(tx, solved, 'solved', input.message.author, {
      status: { from: open.status, to: CaseStatus.SOLVED },
      outcome: input.outcome,
    });
    await this.cases.addMessage(tx, open.id, input.message);
  }

  /** Adds a message to the refund's open case, if there is one. */
  async addToOpenCase(tx: Tx, refundId: string, message: NewMessage) {
    const open = await this.cases.lockOpenForRefund(tx, refundId);
    if (!open) return;
    // A change of the case like any message: its history and a case.updated event record it.
    const updated = await this.cases.update(tx, open.id, {});
    await this.cases.addHistory(tx, updated, 'message', message.author, message.details);
    await this.cases.addMessage(tx, open.id, message);
  }

  async list(principal: Principal, query: ListCasesQueryDto): Promise<Page<SupportCaseDto>> {
    const now = new Date();
    const rows = await this.cases.list(
      {
        customerId: principal.role === 'customer' ? principal.id : undefined,
        status: query.status,
        priority: query.priority,
        reason: query.reason,
        assigneeId: query.assigneeId,
        refundId: query.refundId,
        breachedAt: query.breached ? { now, breached: query.breached === 'true' } : undefined,
        open: query.open === undefined ? undefined : query.open === 'true',
      },
      query.limit + 1,
      query.cursor ? queueCursor.decode(query.cursor) : undefined,
    );
    return toPage(rows, query.limit, queueCursor.encode, (row) => mapCase(row, now));
  }

  async get(principal: Principal, id: string): Promise<SupportCaseDto> {
    return mapCase(await this.findVisible(principal, id));
  }

  async messages(principal: Principal, id: string): Promise<CaseMessageDto[]> {
    const supportCase = await this.findVisible(principal, id);
    const rows = await this.cases.messages(supportCase.id, principal.role === 'agent');
    return rows.map(mapCaseMessage);
  }

  async history(principal: Principal, id: string): Promise<CaseHistoryDto[]> {
    const supportCase = await this.findVisible(principal, id);
    const rows = await this.cases.history(supportCase.id, principal.role === 'agent');
    return rows.map(mapCaseHistory);
  }

  assign(principal: Principal, id: string, dto: AssignCaseDto): Promise<SupportCaseDto> {
    return this.change(principal, id, (supportCase) => ({
      change: 'assigned',
      from: OPEN_CASE_STATUSES,
      // Taking a new case on is what opens it.
      to: supportCase.status === CaseStatus.NEW ? CaseStatus.OPEN : undefined,
      data: { assigneeId: dto.agentId },
      details: { assignee: { from: supportCase.assigneeId, to: dto.agentId } },
    }));
  }

  postMessage(
    principal: Principal,
    id: string,
    dto: CaseMessageRequestDto,
  ): Promise<SupportCaseDto> {
    const internal = dto.internal ?? false;
    if (internal && principal.role !== 'agent') {
      throw new AppError('FORBIDDEN', 'Only agents may write internal notes.');
    }
    return this.change(principal, id, (supportCase, now) => {
      const agentReply = principal.role === 'agent' && !internal;
      const firstResponse = agentReply && supportCase.firstRespondedAt === null;
      let to: CaseStatus | undefined;
      if (agentReply && supportCase.status === CaseStatus.NEW) to = CaseStatus.OPEN;
      if (principal.role === 'customer' && supportCase.status === CaseStatus.PENDING_CUSTOMER) {
        to = CaseStatus.OPEN;
      }
      return {
        change: internal ? 'internal-note' : 'message',
        from: OPEN_CASE_STATUSES,
        to,
        data: firstResponse
          ? { firstRespondedAt: now, dueAt: supportCase.resolutionDueAt }
          : undefined,
        details: firstResponse ? { firstResponse: true } : undefined,
        message: { author: principal, body: dto.body, internal },
      };
    });
  }

  pending(principal: Principal, id: string): Promise<SupportCaseDto> {
    return this.change(principal, id, () => ({
      change: 'pending',
      from: [CaseStatus.NEW, CaseStatus.OPEN, CaseStatus.ON_HOLD],
      to: CaseStatus.PENDING_CUSTOMER,
    }));
  }

  hold(principal: Principal, id: string): Promise<SupportCaseDto> {
    return this.change(principal, id, () => ({
      change: 'hold',
      from: [CaseStatus.NEW, CaseStatus.OPEN, CaseStatus.PENDING_CUSTOMER],
      to: CaseStatus.ON_HOLD,
    }));
  }

  solve(principal: Principal, id: string): Promise<SupportCaseDto> {
    return this.change(principal, id, (_case, now) => ({
      change: 'solved',
      from: OPEN_CASE_STATUSES,
      to: CaseStatus.SOLVED,
      data: { solvedAt: now },
      // While the dispute runs, its case ends with it; the refund's status, not the case's
      // reason, tells (a customer's escalation may have changed the reason, and a case reopened
      // after the dispute ended must stay solvable).
      check: async (supportCase, _now, tx) => {
        if (await this.cases.isDisputed(tx, supportCase.refundId)) {
          throw new AppError(
            'INVALID_TRANSITION',
            'A dispute case is solved by resolving or withdrawing the dispute.',
          );
        }
      },
    }));
  }

  reopen(principal: Principal, id: string): Promise<SupportCaseDto> {
    return this.change(principal, id, () => ({
      change: 'reopened',
      from: [CaseStatus.SOLVED],
      to: CaseStatus.OPEN,
      data: { solvedAt: null, outcome: null },
      check: (supportCase, now) => {
        const solvedAt = supportCase.solvedAt ?? now;
        if (
          principal.role === 'customer' &&
          now.getTime() - solvedAt.getTime() > REOPEN_WINDOW_MS
        ) {
          throw new AppError(
            'BUSINESS_RULE_VIOLATED',
            'A solved case can be reopened by its customer within 7 days; escalate again instead.',
          );
        }
      },
    }));
  }

  close(principal: Principal, id: string): Promise<SupportCaseDto> {
    return this.change(principal, id, () => ({
      change: 'closed',
      from: [CaseStatus.SOLVED],
      to: CaseStatus.CLOSED,
    }));
  }

  private async findVisible(principal: Principal, id: string): Promise<SupportCase> {
    const supportCase = UUID.test(id) ? await this.cases.findById(id) : null;
    if (
      !supportCase ||
      (principal.role === 'customer' && supportCase.customerId !== principal.id)
    ) {
      throw notFound('Case');
    }
    return supportCase;
  }

  /**
   * One change to a case, in one transaction under the case's row lock: 404 unless visible,
   * 409 unless its status allows it, then its own rules; the history records it.
   */
  private async change(
    principal: Principal,
    id: string,
    plan: (supportCase: SupportCase, now: Date) => CaseChange,
  ): Promise<SupportCaseDto> {
    const { refundId } = await this.findVisible(principal, id);
    const updated = await this.cases.transaction(async (tx) => {
      // The refund first, then the case: the order every way into a case takes, so a reopening
      // waits for a concurrent escalation (or reopening) instead of making a second open case.
      await this.cases.lockRefund(tx, refundId);
      const supportCase = await this.cases.lock(tx, id);
      if (!supportCase) throw notFound('Case');
      const now = new Date();
      const step = plan(supportCase, now);
      if (!step.from.includes(supportCase.status)) {
        throw new AppError(
          'INVALID_TRANSITION',
          `Cannot ${step.change} a ${supportCase.status} case.`,
        );
      }
      if (
        step.to &&
        OPEN_CASE_STATUSES.includes(step.to) &&
        !OPEN_CASE_STATUSES.includes(supportCase.status)
      ) {
        // Reopening: the refund may have opened another case meanwhile.
        const other = await this.cases.lockOpenForRefund(tx, supportCase.refundId);
        if (other) {
          throw new AppError('CONFLICT', `The refund already has an open case (${other.id}).`);
        }
      }
      // The step's own rules last: conflicts (409) answer before business rules (422).
      await step.check?.(supportCase, now, tx);
      const result = await this.cases.update(tx, id, {
        ...step.data,
        ...(step.to ? { status: step.to } : {}),
      });
      const author: Author = principal;
      await this.cases.addHistory(
        tx,
        result,
        step.change,
        author,
        {
          ...(step.to && step.to !== supportCase.status
            ? { status: { from: supportCase.status, to: step.to } }
            : {}),
          ...(step.details && typeof step.details === 'object' ? step.details : {}),
        },
        step.message?.internal ?? false,
      );
      if (step.message) await this.cases.addMessage(tx, id, step.message);
      return result;
    });
    return mapCase(updated);
  }
}
