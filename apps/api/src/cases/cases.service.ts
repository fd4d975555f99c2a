import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { UUID } from '../common/ids';
import type { Principal } from '../common/principal';
import { SCHEDULER, type Actor } from '../common/actor';
import { cursorDate, decodeCursor, encodeCursor, Page, toPage } from '../common/pagination';
import { AppConfig, businessCalendar } from '../config/app-config';
import type { Refund, SupportCase, KyselyTransactionalAdapter } from '../database/database';
import { AppError, notFound } from '../errors/app-error';
import { caseEventType } from '../events/event-types';
import { CasePriority, CaseReason, CaseStatus } from '../generated/kysely/enums';
import { RenderedMacroDto } from '../macros/dto/macro.dto';
import { renderMacro } from '../macros/macro-template';
import { MacrosService } from '../macros/macros.service';
import { OutboxRepository } from '../outbox/outbox.repository';
import { UNDER_REVIEW_STATUSES } from '../refunds/refund-transitions';
import { RefundsService } from '../refunds/refunds.service';
import { SupportService } from '../support/support.service';
import {
  higherPriority,
  higherReason,
  nextDueAt,
  OPEN_CASE_STATUSES,
  PRIORITY_ORDER,
  resumeSla,
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
  RateCaseDto,
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

const MS_PER_DAY = 24 * 60 * 60 * 1000;
const REOPEN_WINDOW_MS = 7 * MS_PER_DAY;
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

/** What a status change does to the SLA clock: the columns it sets and its history entry. */
interface SlaClockChange {
  data: CaseChanges;
  entry?: { change: 'sla-paused' | 'sla-resumed'; details: object };
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
  private readonly pauseStatuses: readonly CaseStatus[];
  private readonly csatWindowMs: number;
  private readonly autoCloseMs: number;

  constructor(
    private readonly txHost: TransactionHost<KyselyTransactionalAdapter>,
    private readonly cases: CasesRepository,
    private readonly refunds: RefundsService,
    private readonly support: SupportService,
    private readonly outbox: OutboxRepository,
    private readonly macros: MacrosService,
    config: AppConfig,
  ) {
    const calendar = businessCalendar(config);
    this.sla = { calendar, hours: config.businessHours, targets: config.caseSlaHours };
    this.pauseStatuses = config.slaPauseStatuses;
    this.csatWindowMs = config.csatWindowDays * MS_PER_DAY;
    this.autoCloseMs = config.caseAutoCloseDays * MS_PER_DAY;
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
   * Every way in: joins the refund's open case (adding the message, raising the priority and the
   * reason, which never fall; the history keeps the way in's own reason) or opens one. Runs in the
   * caller's unit of work, which holds the refund.
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
    const reason = higherReason(open.reason, input.reason);
    const data: CaseChanges = { reason, priority };
    if (input.dispute) data.disputeActive = true;
    if (priority !== open.priority) {
      const targets = slaTargets(open.createdAt, priority, this.sla, open.slaPausedHours);
      Object.assign(data, targets, { dueAt: nextDueAt({ ...open, ...targets }) });
    }
    // A customer writing on a case that waits for them hands it back to the agents.
    if (open.status === CaseStatus.PENDING_CUSTOMER && input.message.author.role === 'customer') {
      data.status = CaseStatus.OPEN;
    }
    const clock = this.slaClock(
      { ...open, ...data } as SupportCase,
      data.status ?? open.status,
      now,
    );
    const supportCase = await this.updateOrThrow(open.id, { ...data, ...clock.data });
    await this.record(supportCase, 'joined', input.message.author, {
      reason: { from: open.reason, to: reason, joinedAs: input.reason },
      priority: { from: open.priority, to: priority },
      status: { from: open.status, to: supportCase.status },
    });
    await this.cases.addMessage(open.id, input.message);
    return {
      supportCase: await this.recordSlaClock(supportCase, clock, input.message.author),
      created: false,
    };
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
    if (open.reason === CaseReason.UNAUTHORIZED_TRANSACTION) {
      // A stolen wallet's case outlives the dispute that joined it: it hears the outcome, and an
      // agent solves it (no decision does).
      const updated = await this.updateOrThrow(open.id, { disputeActive: false });
      await this.record(updated, 'dispute-ended', message.author, { outcome });
      await this.cases.addMessage(open.id, message);
      if (options.internalNote) {
        await this.cases.addMessage(open.id, { ...options.internalNote, internal: true });
      }
      return undefined;
    }
    const now = new Date();
    const clock = this.slaClock(open, CaseStatus.SOLVED, now);
    const assign = options.assignActor && open.assigneeId === null;
    const solved = await this.updateOrThrow(open.id, {
      status: CaseStatus.SOLVED,
      solvedAt: now,
      outcome,
      disputeActive: false,
      ...clock.data,
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
    return this.recordSlaClock(solved, clock, message.author);
  }

  /**
   * A security report's case: ACCOUNT_COMPROMISED, URGENT, about the report alone (no refund),
   * so no per-refund way in ever joins it. Runs in the report's unit of work.
   */
  async openForSecurityReport(input: {
    securityReportId: string;
    customerId: string;
    channel: string;
    message: NewMessage;
  }): Promise<SupportCase> {
    const now = new Date();
    const priority = CasePriority.URGENT;
    const targets = slaTargets(now, priority, this.sla);
    const supportCase = await this.cases.insert({
      refundId: null,
      securityReportId: input.securityReportId,
      customerId: input.customerId,
      reason: CaseReason.ACCOUNT_COMPROMISED,
      channel: input.channel,
      priority,
      ...targets,
      dueAt: targets.firstResponseDueAt,
      createdAt: now,
      updatedAt: now,
    });
    await this.record(supportCase, 'opened', input.message.author, {
      reason: CaseReason.ACCOUNT_COMPROMISED,
      priority,
      channel: input.channel,
    });
    await this.cases.addMessage(supportCase.id, input.message);
    return supportCase;
  }

  /**
   * Adds a message (public or internal) to a case, whatever its status: the history records
   * it, and a public one publishes `case.updated`. For the services that own a case's subject
   * (a security report's case).
   */
  async addMessage(caseId: string, message: NewMessage): Promise<SupportCase> {
    const locked = await this.cases.lock(caseId);
    if (!locked) throw notFound('Case');
    const updated = await this.updateOrThrow(caseId, {});
    const internal = message.internal ?? false;
    await this.record(
      updated,
      internal ? 'internal-note' : 'message',
      message.author,
      message.details,
      internal,
    );
    await this.cases.addMessage(caseId, message);
    return updated;
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
      ? await this.renderedMacro(principal, id, dto.macroId)
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

  /**
   * The macro's text for the case, and whether it is internal (`internal` in a posting request
   * aside): what posting it would post, for an agent to read or edit first.
   */
  async renderedMacro(
    principal: Principal,
    caseId: string,
    macroId: string,
  ): Promise<RenderedMacroDto> {
    const supportCase = await this.findVisible(principal, caseId);
    const macro = await this.macros.find(macroId);
    // A security report's case has no refund: its placeholders read empty.
    const refund = supportCase.refundId
      ? await this.refunds.findVisible(principal, supportCase.refundId)
      : null;
    const body = renderMacro(macro.body, {
      caseId: supportCase.id,
      customerId: supportCase.customerId,
      refund: refund && {
        amount: refund.amount,
        currency: refund.currency,
        reviewDueAt: refund.reviewDueAt,
      },
    });
    return { macroId: macro.id, title: macro.title, body, internal: macro.internal };
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

  /**
   * The customer's satisfaction rating: once per case (a reopen keeps it), while it is SOLVED or
   * CLOSED, within CSAT_WINDOW_DAYS of its latest solving.
   */
  rate(principal: Principal, id: string, dto: RateCaseDto): Promise<SupportCaseDto> {
    return this.change(principal, id, (_case, now) => ({
      change: 'rated',
      data: { ratingScore: dto.score, ratingComment: dto.comment ?? null, ratedAt: now },
      details: { score: dto.score },
      check: (supportCase) => {
        if (supportCase.ratedAt !== null) {
          throw new AppError('ALREADY_RATED', 'This case has been rated already.');
        }
        const solvedAt = supportCase.solvedAt ?? now;
        if (now.getTime() - solvedAt.getTime() > this.csatWindowMs) {
          throw new AppError(
            'RATING_WINDOW_CLOSED',
            `A case can be rated within ${this.csatWindowDaysText()} of being solved.`,
          );
        }
      },
    }));
  }

  close(principal: Principal, id: string): Promise<SupportCaseDto> {
    return this.change(principal, id, () => ({ change: 'closed' }));
  }

  /**
   * The scheduler's job: SOLVED cases not reopened close by themselves CASE_AUTO_CLOSE_DAYS after
   * they were solved. Each case is its own unit of work, locked as every case change locks (the
   * refund first, then the case) and checked again under the lock, so a reopen in between wins
   * and several instances close each case once. Answers the closed ids.
   */
  async closeSolved(now = new Date()): Promise<string[]> {
    const solvedBefore = new Date(now.getTime() - this.autoCloseMs);
    const closed: string[] = [];
    for (;;) {
      const due = await this.cases.findSolvedBefore(solvedBefore);
      if (due.length === 0) return closed;
      for (const { id, refundId } of due) {
        const done = await this.txHost.withTransaction(async () => {
          // A security report's case has no refund to lock first.
          if (refundId) await this.refunds.lockForCaseWork(refundId);
          const supportCase = await this.cases.lock(id);
          const stillDue =
            supportCase?.status === CaseStatus.SOLVED &&
            supportCase.solvedAt !== null &&
            supportCase.solvedAt < solvedBefore;
          if (!stillDue) return false;
          const updated = await this.updateOrThrow(id, { status: CaseStatus.CLOSED });
          await this.record(updated, 'closed', SCHEDULER, {
            status: { from: CaseStatus.SOLVED, to: CaseStatus.CLOSED },
            automatic: true,
          });
          return true;
        });
        if (done) closed.push(id);
      }
    }
  }

  private csatWindowDaysText(): string {
    const days = this.csatWindowMs / MS_PER_DAY;
    return `${days} day${days === 1 ? '' : 's'}`;
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
      // The refund first, then the case: the order every way into a case takes (a security
      // report's case has no refund).
      if (visible.refundId) await this.refunds.lockForCaseWork(visible.refundId);
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
      const clock = this.slaClock(
        { ...supportCase, ...step.data } as SupportCase,
        to ?? supportCase.status,
        now,
      );
      const changed = await this.cases.update(id, {
        ...step.data,
        ...(to ? { status: to } : {}),
        ...clock.data,
      });
      if (!changed) {
        // Reopening while the refund has another open case: the one-open-case index refused it.
        throw new AppError('CONFLICT', 'The refund already has an open case.');
      }
      await this.record(
        changed,
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
      if (
        changed.refundId &&
        to === CaseStatus.OPEN &&
        !OPEN_CASE_STATUSES.includes(supportCase.status)
      ) {
        await this.refunds.pointAtCase(changed.refundId, changed.id);
      }
      return mapCase(await this.recordSlaClock(changed, clock, principal));
    });
  }

  /**
   * The SLA clock's side of a change that leaves the case `to` (as it is with the change's own
   * data): it stops on entering a status of SLA_PAUSE_STATUSES, and on leaving them (solving
   * included) starts again with its unmet targets moved later by the business hours it stood
   * still. Between two paused statuses it stays stopped: one pause.
   */
  private slaClock(supportCase: SupportCase, to: CaseStatus, now: Date): SlaClockChange {
    const pausedSince = supportCase.slaPausedSince;
    const pausing = this.pauseStatuses.includes(to);
    if (!pausedSince && pausing) {
      return {
        data: { slaPausedSince: now },
        entry: { change: 'sla-paused', details: { status: to } },
      };
    }
    if (!pausedSince || pausing) return { data: {} };
    const moved = resumeSla({ ...supportCase, slaPausedSince: pausedSince }, now, this.sla);
    const targets = {
      firstResponseDueAt: moved.firstResponseDueAt,
      resolutionDueAt: moved.resolutionDueAt,
    };
    return {
      data: {
        ...targets,
        dueAt: nextDueAt({ ...supportCase, ...targets }),
        slaPausedSince: null,
        slaPausedHours: supportCase.slaPausedHours + moved.pausedHours,
      },
      entry: {
        change: 'sla-resumed',
        details: {
          pausedSince: pausedSince.toISOString(),
          businessHoursPaused: moved.pausedHours,
          firstResponseDueAt: {
            from: supportCase.firstResponseDueAt.toISOString(),
            to: moved.firstResponseDueAt.toISOString(),
          },
          resolutionDueAt: {
            from: supportCase.resolutionDueAt.toISOString(),
            to: moved.resolutionDueAt.toISOString(),
          },
        },
      },
    };
  }

  /**
   * The pause or resume in the case's history, after the change that caused it (whose event
   * already carries the case with its clock): an entry of its own, without another event.
   */
  private async recordSlaClock(
    supportCase: SupportCase,
    clock: SlaClockChange,
    actor: Actor,
  ): Promise<SupportCase> {
    if (!clock.entry) return supportCase;
    const updated = await this.updateOrThrow(supportCase.id, {});
    await this.cases.addHistory(updated, clock.entry.change, actor, clock.entry.details, false);
    return updated;
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
      const data = mapCase(supportCase);
      const type = caseEventType(change);
      // A security report's case belongs to no refund: its events are ordered per customer.
      await this.outbox.record(
        supportCase.refundId
          ? { type, refundId: supportCase.refundId, caseId: supportCase.id, data }
          : { type, customerId: supportCase.customerId, caseId: supportCase.id, data },
      );
    }
    await this.cases.addHistory(supportCase, change, actor, details, internal);
  }

  private async updateOrThrow(id: string, data: CaseChanges): Promise<SupportCase> {
    const updated = await this.cases.update(id, data);
    if (!updated) throw new AppError('CONFLICT', 'The refund already has an open case.');
    return updated;
  }
}
