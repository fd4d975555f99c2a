import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { UUID } from '../common/ids';
import type { Principal } from '../common/principal';
import type { Actor } from '../common/actor';
import { BusinessCalendar } from '../common/business-time';
import { cursorDate, decodeCursor, encodeCursor, Page, toPage } from '../common/pagination';
import { AppConfig } from '../config/app-config';
import type { Refund, SupportCase, KyselyTransactionalAdapter } from '../database/database';
import { AppError, notFound } from '../errors/app-error';
import { caseEventType } from '../events/event-types';
import { CasePriority, CaseReason, CaseStatus } from '../generated/kysely/enums';
import { renderMacro } from '../macros/macro-template';
import { MacrosService } from '../macros/macros.service';
import { OutboxRepository } from '../outbox/outbox.repository';
import { UNDER_REVIEW_STATUSES } from '../refunds/refund-transitions';
import { RefundsService } from '../refunds/refunds.service';
import { SupportService } from '../support/support.service';
import {
  higherPriority,
  nextDueAt,
  OPEN_CASE_STATUSES,
  PRIORITY_ORDER,
  SlaPolicy,
  slaTargets,
} from './case-sla';
import { CASE_CHANGES, CaseChange } from './case-transitions';
import {
  CaseChanges,
  CasesRepository,
  NewMessage,
  QueueKey,
  QueueRow,
  QueueSort,
} from './cases.repository';
import {
  AssignCaseDto,
  CaseMessageRequestDto,
  EscalateDto,
  ListCasesQueryDto,
} from './dto/case-requests.dto';
import {
  CaseCountsDto,
  CaseHistoryDto,
  CaseMessageDto,
  EscalationDto,
  mapCase,
  mapCaseHistory,
  mapCaseMessage,
  mapQueueCase,
  PresenceDto,
  QueueCaseDto,
  SupportCaseDto,
} from './dto/case.dto';

const REOPEN_WINDOW_MS = 7 * 24 * 60 * 60 * 1000;
/** A viewer whose latest heartbeat is older than this is gone. */
const PRESENCE_SECONDS = 30;

export interface Escalation {
  refund: Pick<Refund, 'id' | 'customerId'>;
  reason: CaseReason;
  priority: CasePriority;
  channel: string;
  message: NewMessage;
  /** A dispute's way in: the case then ends only with the dispute. */
  dispute?: boolean;
}

/** A change of a case through the API: what else changes, and its own rules. */
interface CaseStep {
  change: CaseChange;
  to?: CaseStatus;
  data?: CaseChanges;
  details?: object;
  message?: NewMessage;
  check?: (supportCase: SupportCase, now: Date) => void;
}

/** A queue cursor: the urgency order's `[priority, dueAt, id]`, or `[sort, at, id]`. */
const queueCursor = (sort: QueueSort) => ({
  encode: (row: QueueRow): string =>
    sort === 'priority'
      ? encodeCursor([row.priority, row.dueAt.toISOString(), row.id])
      : encodeCursor([sort, sortedTime(row, sort).toISOString(), row.id]),
  decode: (cursor: string): QueueKey =>
    decodeCursor(cursor, (key) => {
      const [first, at, id] = key;
      const date = cursorDate(at);
      if (key.length !== 3 || !date || typeof id !== 'string' || !UUID.test(id)) return;
      if (sort !== 'priority') return first === sort ? { at: date, id } : undefined;
      if (!PRIORITY_ORDER.includes(first as CasePriority)) return;
      return { priority: first as CasePriority, at: date, id };
    }),
});

function sortedTime(row: QueueRow, sort: Exclude<QueueSort, 'priority'>): Date {
  switch (sort) {
    case 'due':
      return row.dueAt;
    case 'createdAt':
      return row.createdAt;
    case 'lastActivityAt':
      return row.lastActivityAt;
  }
}

/**
 * Support cases: the escalation path. The refund flow's domain events reach the support desk
 * through `EscalationPolicy` within the refund's unit of work; agents and customers work cases
 * through the API.
 */
@Injectable()
export class CasesService {
  private readonly sla: SlaPolicy;

  constructor(
    private readonly txHost: TransactionHost<KyselyTransactionalAdapter>,
    private readonly cases: CasesRepository,
    private readonly refunds: RefundsService,
    private readonly support: SupportService,
    private readonly outbox: OutboxRepository,
    private readonly macros: MacrosService,
    config: AppConfig,
  ) {
    const calendar: BusinessCalendar = {
      timeZone: config.businessTimezone,
      holidays: config.holidays,
    };
    this.sla = { calendar, hours: config.businessHours, targets: config.caseSlaHours };
  }

  /**
   * The customer asks for a human: the refund records the escalation, then the case is joined
   * or opened (NORMAL, HIGH when the review is overdue). `created` tells 201 from 200.
   */
  escalate(
    principal: Principal,
    refundId: string,
    dto: EscalateDto,
    ifMatch?: number,
  ): Promise<{ created: boolean; supportCase: EscalationDto }> {
    return this.txHost.withTransaction(async () => {
      const now = new Date();
      const refund = await this.refunds.recordEscalation(principal, refundId, ifMatch);
      const overdue =
        refund.reviewDueAt !== null &&
        refund.reviewDueAt <= now &&
        UNDER_REVIEW_STATUSES.includes(refund.status);
      const { supportCase, created } = await this.openOrJoin({
        refund,
        reason: CaseReason.CUSTOMER_REQUEST,
        priority: overdue ? CasePriority.HIGH : CasePriority.NORMAL,
        channel: dto.channel ?? 'IN_APP_CHAT',
        message: { author: principal, body: dto.message },
      });
      await this.refunds.linkCase(refund, supportCase.id, 'escalate');
      const availableChannels = await this.support.availableChannelIds(now);
      return { created, supportCase: { ...mapCase(supportCase, now), availableChannels } };
    });
  }

  /**
   * Every way in: joins the refund's open case (adding the message, raising the priority, taking
   * the new reason) or opens one. Runs in the caller's unit of work, which holds the refund.
   */
  async openOrJoin(input: Escalation): Promise<{ supportCase: SupportCase; created: boolean }> {
    const now = new Date();
    const open = await this.cases.lockOpenForRefund(input.refund.id);
    if (!open) {
      const targets = slaTargets(now, input.priority, this.sla);
      const supportCase = await this.cases.insertIfNoneOpen({
        refundId: input.refund.id,
        customerId: input.refund.customerId,
        reason: input.reason,
        channel: input.channel,
        priority: input.priority,
        ...targets,
        dueAt: targets.firstResponseDueAt,
        disputeActive: input.dispute ?? false,
        createdAt: now,
        updatedAt: now,
      });
      // A case reopened meanwhile is the open one: join it.
      if (!supportCase) return this.openOrJoin(input);
      await this.record(supportCase, 'opened', input.message.author, {
        reason: input.reason,
        priority: input.priority,
        channel: input.channel,
      });
      await this.cases.addMessage(supportCase.id, input.message);
      return { supportCase, created: true };
    }

    const priority = higherPriority(open.priority, input.priority);
    const data: CaseChanges = { reason: input.reason, priority };
    if (input.dispute) data.disputeActive = true;
    if (priority !== open.priority) {
      const targets = slaTargets(open.createdAt, priority, this.sla);
      Object.assign(data, targets, { dueAt: nextDueAt({ ...open, ...targets }) });
    }
    // A customer writing on a case that waits for them hands it back to the agents.
    if (open.status === CaseStatus.PENDING_CUSTOMER && input.message.author.role === 'customer') {
      data.status = CaseStatus.OPEN;
    }
    const supportCase = await this.updateOrThrow(open.id, data);
    await this.record(supportCase, 'joined', input.message.author, {
      reason: { from: open.reason, to: input.reason },
      priority: { from: open.priority, to: priority },
      status: { from: open.status, to: supportCase.status },
    });
    await this.cases.addMessage(open.id, input.message);
    return { supportCase, created: false };
  }

  /**
   * Solves the refund's open case, recording the outcome: a running dispute's case (`dispute`),
   * or one whose current reason is listed.
   */
  async solveForRefund(
    refundId: string,
    input: { dispute: true } | { reasons: readonly CaseReason[] },
    outcome: string,
    message: NewMessage,
    options: { internalNote?: NewMessage; assignActor?: boolean } = {},
  ): Promise<SupportCase | undefined> {
    const open = await this.cases.lockOpenForRefund(refundId);
    if (!open) return undefined;
    if ('dispute' in input ? !open.disputeActive : !input.reasons.includes(open.reason)) {
      return undefined;
    }
    const assign = options.assignActor && open.assigneeId === null;
    const solved = await this.updateOrThrow(open.id, {
      status: CaseStatus.SOLVED,
      solvedAt: new Date(),
      outcome,
      disputeActive: false,
      ...(assign ? { assigneeId: message.author.id } : {}),
    });
    await this.record(solved, 'solved', message.author, {
      status: { from: open.status, to: CaseStatus.SOLVED },
      outcome,
      ...(assign ? { assignee: { from: null, to: message.author.id } } : {}),
    });
    await this.cases.addMessage(open.id, message);
    if (options.internalNote) {
      await this.cases.addMessage(open.id, { ...options.internalNote, internal: true });
    }
    return solved;
  }

  /** Adds a message to the refund's open case, if there is one. */
  async addToOpenCase(refundId: string, message: NewMessage): Promise<SupportCase | undefined> {
    const open = await this.cases.lockOpenForRefund(refundId);
    if (!open) return undefined;
    // A change of the case like any message: its history and a case.updated event record it.
    const updated = await this.updateOrThrow(open.id, {});
    await this.record(updated, 'message', message.author, message.details);
    await this.cases.addMessage(open.id, message);
    return updated;
  }

  async list(principal: Principal, query: ListCasesQueryDto): Promise<Page<QueueCaseDto>> {
    const now = new Date();
    const sort = query.sort ?? 'priority';
    const cursors = queueCursor(sort);
    const rows = await this.cases.list(
      {
        customerId: principal.role === 'customer' ? principal.id : undefined,
        status: query.status,
        priority: query.priority,
        reason: query.reason,
        assigneeId: query.assigneeId,
        unassigned: query.unassigned === 'true',
        refundId: query.refundId,
        breachedAt: query.breached ? { now, breached: query.breached === 'true' } : undefined,
        open: query.open === undefined ? undefined : query.open === 'true',
      },
      sort,
      query.limit + 1,
      query.cursor ? cursors.decode(query.cursor) : undefined,
    );
    return toPage(rows, query.limit, cursors.encode, (row) => mapQueueCase(row, now));
  }

  /** Agents: the number of open cases in each saved view of the queue. */
  counts(principal: Principal): Promise<CaseCountsDto> {
    return this.cases.countViews(principal.id, new Date());
  }

  /**
   * Agents' search and the customer page: cases whose id starts with `idPrefix`, or the
   * customer's; newest first.
   */
  async find(
    filter: { idPrefix?: string; customerId?: string },
    limit: number,
  ): Promise<QueueCaseDto[]> {
    const now = new Date();
    const rows = await this.cases.list(filter, 'createdAt', limit);
    return rows.map((row) => mapQueueCase(row, now));
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
      // Taking a new case on is what opens it.
      to: supportCase.status === CaseStatus.NEW ? CaseStatus.OPEN : undefined,
      data: { assigneeId: dto.agentId },
      details: { assignee: { from: supportCase.assigneeId, to: dto.agentId } },
    }));
  }

  async postMessage(
    principal: Principal,
    id: string,
    dto: CaseMessageRequestDto,
  ): Promise<SupportCaseDto> {
    if ((dto.body === undefined) === (dto.macroId === undefined)) {
      throw new AppError('VALIDATION_FAILED', 'The request is invalid.', [
        { field: 'body', message: 'send either body or macroId' },
      ]);
    }
    if (dto.macroId !== undefined && principal.role !== 'agent') {
      throw new AppError('FORBIDDEN', 'Only agents may post macros.');
    }
    const { body, internal } = dto.macroId
      ? await this.renderMacro(principal, id, dto.macroId)
      : { body: dto.body as string, internal: dto.internal ?? false };
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
        to,
        data: firstResponse
          ? { firstRespondedAt: now, dueAt: supportCase.resolutionDueAt }
          : undefined,
        details: firstResponse ? { firstResponse: true } : undefined,
        message: { author: principal, body, internal },
      };
    });
  }

  /** The macro's text for the case, and whether it is internal (`internal` in the request aside). */
  private async renderMacro(
    principal: Principal,
    caseId: string,
    macroId: string,
  ): Promise<{ body: string; internal: boolean }> {
    const supportCase = await this.findVisible(principal, caseId);
    const macro = await this.macros.find(macroId);
    const refund = await this.refunds.findVisible(principal, supportCase.refundId);
    const body = renderMacro(macro.body, {
      caseId: supportCase.id,
      customerId: supportCase.customerId,
      refund: { amount: refund.amount, currency: refund.currency, reviewDueAt: refund.reviewDueAt },
    });
    return { body, internal: macro.internal };
  }

  /**
   * Agents: the heartbeat of an agent who has the case open; answers who has it open now (each
   * agent whose latest heartbeat is at most 30 s old, the caller included).
   */
  presence(principal: Principal, id: string): Promise<PresenceDto> {
    return this.txHost.withTransaction(async () => {
      const supportCase = await this.findVisible(principal, id);
      const viewers = await this.cases.heartbeat(supportCase.id, principal.id, PRESENCE_SECONDS);
      return { viewers };
    });
  }

  pending(principal: Principal, id: string): Promise<SupportCaseDto> {
    return this.change(principal, id, () => ({ change: 'pending' }));
  }

  hold(principal: Principal, id: string): Promise<SupportCaseDto> {
    return this.change(principal, id, () => ({ change: 'hold' }));
  }

  solve(principal: Principal, id: string): Promise<SupportCaseDto> {
    return this.change(principal, id, (_case, now) => ({
      change: 'solved',
      data: { solvedAt: now },
      // While the dispute runs, its case ends with it (a customer's escalation may have changed
      // the reason; a case reopened after the dispute ended stays solvable).
      check: (supportCase) => {
        if (supportCase.disputeActive) {
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
    return this.change(principal, id, () => ({ change: 'closed' }));
  }

  private async findVisible(principal: Principal, id: string): Promise<SupportCase> {
    const supportCase = UUID.test(id) ? await this.cases.findById(id) : undefined;
    if (
      !supportCase ||
      (principal.role === 'customer' && supportCase.customerId !== principal.id)
    ) {
      throw notFound('Case');
    }
    return supportCase;
  }

  /**
   * One change to a case, in one unit of work under the case's row lock: 404 unless visible,
   * 409 unless the case table allows it from its status, then its own rules (422); the history
   * and a `case.*` event record it.
   */
  private change(
    principal: Principal,
    id: string,
    plan: (supportCase: SupportCase, now: Date) => CaseStep,
  ): Promise<SupportCaseDto> {
    return this.txHost.withTransaction(async () => {
      const visible = await this.findVisible(principal, id);
      // The refund first, then the case: the order every way into a case takes.
      await this.refunds.lockForCaseWork(visible.refundId);
      const supportCase = await this.cases.lock(id);
      if (!supportCase) throw notFound('Case');
      const now = new Date();
      const step = plan(supportCase, now);
      const allowed = CASE_CHANGES[step.change];
      if (!(allowed.from as readonly CaseStatus[]).includes(supportCase.status)) {
        throw new AppError(
          'INVALID_TRANSITION',
          `Cannot ${step.change} a ${supportCase.status} case.`,
        );
      }
      const to = step.to ?? allowed.to;
      // The step's own rules last: conflicts (409) answer before business rules (422).
      step.check?.(supportCase, now);
      const updated = await this.cases.update(id, { ...step.data, ...(to ? { status: to } : {}) });
      if (!updated) {
        // Reopening while the refund has another open case: the one-open-case index refused it.
        throw new AppError('CONFLICT', 'The refund already has an open case.');
      }
      await this.record(
        updated,
        step.change,
        principal,
        {
          ...(to && to !== supportCase.status ? { status: { from: supportCase.status, to } } : {}),
          ...step.details,
        },
        step.message?.internal ?? false,
      );
      if (step.message) await this.cases.addMessage(id, step.message);
      // The refund points at its open case, while there is one.
      if (to === CaseStatus.OPEN && !OPEN_CASE_STATUSES.includes(supportCase.status)) {
        await this.refunds.pointAtCase(updated.refundId, updated.id);
      }
      return mapCase(updated);
    });
  }

  /** The history entry of a change and, unless it is internal, its `case.*` outbox event. */
  private async record(
    supportCase: SupportCase,
    change: string,
    actor: Actor,
    details?: object,
    internal = false,
  ): Promise<void> {
    if (!internal) {
      await this.outbox.record({
        type: caseEventType(change),
        refundId: supportCase.refundId,
        caseId: supportCase.id,
        data: mapCase(supportCase),
      });
    }
    await this.cases.addHistory(supportCase, change, actor, details, internal);
  }

  private async updateOrThrow(id: string, data: CaseChanges): Promise<SupportCase> {
    const updated = await this.cases.update(id, data);
    if (!updated) throw new AppError('CONFLICT', 'The refund already has an open case.');
    return updated;
  }
}
