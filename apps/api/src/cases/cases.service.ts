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
import { CaseChanges, CasesRepository, NewMessage, QueueKey } from './cases.repository';
import {
  AssignCaseDto,
  CaseMessageRequestDto,
  EscalateDto,
  ListCasesQueryDto,
} from './dto/case-requests.dto';
import {
  CaseHistoryDto,
  CaseMessageDto,
  EscalationDto,
  mapCase,
  mapCaseHistory,
  mapCaseMessage,
  SupportCaseDto,
} from './dto/case.dto';

const REOPEN_WINDOW_MS = 7 * 24 * 60 * 60 * 1000;

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
  ): Promise<SupportCase | undefined> {
    const open = await this.cases.lockOpenForRefund(refundId);
    if (!open) return undefined;
    if ('dispute' in input ? !open.disputeActive : !input.reasons.includes(open.reason)) {
      return undefined;
    }
    const solved = await this.updateOrThrow(open.id, {
      status: CaseStatus.SOLVED,
      solvedAt: new Date(),
      outcome,
      disputeActive: false,
    });
    await this.record(solved, 'solved', message.author, {
      status: { from: open.status, to: CaseStatus.SOLVED },
      outcome,
    });
    await this.cases.addMessage(open.id, message);
    return solved;
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
      if (
        updated.refundId &&
        to === CaseStatus.OPEN &&
        !OPEN_CASE_STATUSES.includes(supportCase.status)
      ) {
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
