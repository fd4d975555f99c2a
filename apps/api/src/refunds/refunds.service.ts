import { Injectable } from '@nestjs/common';
import { UUID } from '../common/ids';
import type { Principal } from '../auth/principal';
import { canSee, visibleTo } from '../common/access';
import { addBusinessDays, BusinessCalendar } from '../common/business-time';
import { newestFirstCursor, Page, toPage } from '../common/pagination';
import { CasesService } from '../cases/cases.service';
import { EscalateDto } from '../cases/dto/case-requests.dto';
import { EscalationDto, mapCase } from '../cases/dto/case.dto';
import { AppConfig } from '../config/app-config';
import { AppError, notFound } from '../errors/app-error';
import type { Prisma, Refund } from '../generated/prisma/client';
import { CasePriority, CaseReason, ReasonCode, RefundStatus } from '../generated/prisma/enums';
import { IdempotencyService } from '../idempotency/idempotency.service';
import { SupportService } from '../support/support.service';
import {
  CreateRefundDto,
  DisputeDto,
  MerchantResponseDto,
  NoteDto,
  PayoutDto,
  ProvideInfoDto,
  RejectDto,
  RequestInfoDto,
  ResolveDisputeDto,
  UpdateRefundDto,
} from './dto/refund-requests.dto';
import { mapRefund, mapRefundEvent, RefundDto, RefundEventDto } from './dto/refund.dto';
import { ListRefundsQueryDto } from './dto/list-refunds.dto';
import { missingEvidence } from './evidence';
import { nextActions, withinWindow } from './next-actions';
import { RefundAction, TRANSITIONS } from './refund-transitions';
import {
  AfterWrite,
  AmountGuard,
  RefundsRepository,
  SCHEDULER,
  Tx,
  WriteResult,
} from './refunds.repository';

const cursors = newestFirstCursor(UUID);
const DAY_MS = 24 * 60 * 60 * 1000;
const LOCKED_RETRY_MS = 50;

/** What an action changes, decided from the refund as read. */
interface Plan {
  to: RefundStatus;
  data?: Prisma.RefundUpdateManyMutationInput;
  note?: string | null;
  details?: Prisma.InputJsonValue;
  amountGuard?: AmountGuard;
  /** Support-case work that belongs to the same change. */
  afterWrite?: AfterWrite;
}

const SERVICE = { role: 'service', id: 'refund-desk' } as const;

/**
 * While a refund is DISPUTED its open case is the dispute's, whatever reason a later escalation
 * gave it: resolving or withdrawing the dispute solves it.
 */
const DISPUTE_CASE = 'any' as const;

@Injectable()
export class RefundsService {
  private readonly calendar: BusinessCalendar;

  constructor(
    private readonly refunds: RefundsRepository,
    private readonly cases: CasesService,
    private readonly support: SupportService,
    private readonly config: AppConfig,
    private readonly idempotency: IdempotencyService,
  ) {
    this.calendar = { timeZone: config.businessTimezone, holidays: config.holidays };
  }

  toDto(refund: Refund, principal: Principal): RefundDto {
    return mapRefund(refund, nextActions(refund, principal, new Date()));
  }

  /** The refund if it exists and the caller may see it; 404 otherwise (ids never leak). */
  async findVisible(principal: Principal, id: string): Promise<Refund> {
    const refund = UUID.test(id) ? await this.refunds.findById(id) : null;
    if (!refund || !canSee(principal, refund)) throw notFound('Refund');
    return refund;
  }

  async get(principal: Principal, id: string): Promise<RefundDto> {
    return this.toDto(await this.findVisible(principal, id), principal);
  }

  async list(principal: Principal, query: ListRefundsQueryDto): Promise<Page<RefundDto>> {
    const rows = await this.refunds.list(
      {
        ...visibleTo(principal),
        status: query.status,
        transactionId: query.transactionId,
        reviewOverdueAt: query.reviewOverdue === 'true' ? new Date() : undefined,
      },
      query.limit + 1,
      query.cursor ? cursors.decode(query.cursor) : undefined,
    );
    return toPage(rows, query.limit, cursors.encode, (row) => this.toDto(row, principal));
  }

  async events(principal: Principal, id: string): Promise<RefundEventDto[]> {
    const refund = await this.findVisible(principal, id);
    return (await this.refunds.listEvents(refund.id)).map(mapRefundEvent);
  }

  async apply(principal: Principal, dto: CreateRefundDto): Promise<RefundDto> {
    const payment = await this.refunds.findTransaction(dto.transactionId);
    if (!payment || !canSee(principal, payment)) throw notFound('Payment');
    const result = await this.refunds.createDraft({
      transaction: payment,
      amount: BigInt(dto.amount),
      reasonCode: dto.reasonCode,
      description: dto.description ?? null,
      actor: principal,
      answer: (tx, refund) => this.idempotency.answerWithin(tx, 201, this.toDto(refund, principal)),
    });
    return this.toDto(this.written(result), principal);
  }

  /** PATCH: edit the draft. Raising the amount is re-checked against the payment. */
  async update(
    principal: Principal,
    id: string,
    dto: UpdateRefundDto,
    ifMatch?: number,
  ): Promise<RefundDto> {
    const refund = await this.findVisible(principal, id);
    this.checkVersion(refund, ifMatch);
    if (refund.status !== RefundStatus.DRAFT) {
      throw new AppError(
        'INVALID_TRANSITION',
        `A ${refund.status} refund can no longer be edited.`,
      );
    }
    const fields = Object.entries(dto)
      .filter(([, value]) => value !== undefined)
      .map(([field]) => field);
    if (fields.length === 0) {
      throw new AppError(
        'VALIDATION_FAILED',
        'Nothing to change: send amount, reasonCode or description.',
      );
    }
    const amount = dto.amount === undefined ? undefined : BigInt(dto.amount);
    const result = await this.refunds.transition({
      id: refund.id,
      from: [RefundStatus.DRAFT],
      version: refund.version,
      data: { amount, reasonCode: dto.reasonCode, description: dto.description },
      event: {
        action: 'edit',
        fromStatus: RefundStatus.DRAFT,
        toStatus: RefundStatus.DRAFT,
        actor: principal,
        details: { fields },
      },
      amountGuard:
        amount !== undefined && amount > refund.amount
          ? { transactionId: refund.transactionId, amount }
          : undefined,
    });
    return this.toDto(await this.settle(result, refund.id, ifMatch), principal);
  }

  async submit(principal: Principal, id: string, ifMatch?: number): Promise<RefundDto> {
    return this.act(principal, id, 'submit', ifMatch, async (refund, now) => {
      const missing = missingEvidence(
        refund.reasonCode,
        refund.description,
        await this.refunds.attachmentKinds(refund.id),
      );
      if (missing.length > 0) {
        throw new AppError(
          'EVIDENCE_MISSING',
          `A ${refund.reasonCode} refund needs ${missing.join(' and ')} before it can be submitted.`,
          missing.map((message) => ({ field: 'evidence', message })),
        );
      }
      return {
        to: RefundStatus.SUBMITTED,
        data: { submittedAt: now, reviewDueAt: this.reviewDue(now) },
        // A stolen wallet is reported at once: an urgent case from the moment of submission.
        afterWrite:
          refund.reasonCode === ReasonCode.UNAUTHORIZED_TRANSACTION
            ? async (tx, written) => {
                await this.cases.openOrJoin(tx, {
                  refund: written,
                  reason: CaseReason.UNAUTHORIZED_TRANSACTION,
                  priority: CasePriority.URGENT,
                  channel: 'SYSTEM',
                  message: {
                    author: SERVICE,
                    body:
                      'The customer reports this payment as unauthorized.' +
                      (written.description ? ` Their account: ${written.description}` : ''),
                  },
                });
              }
            : undefined,
      };
    });
  }

  startReview(principal: Principal, id: string, ifMatch?: number): Promise<RefundDto> {
    return this.act(principal, id, 'start-review', ifMatch, () => ({
      to: RefundStatus.UNDER_REVIEW,
    }));
  }

  requestInfo(
    principal: Principal,
    id: string,
    dto: RequestInfoDto,
    ifMatch?: number,
  ): Promise<RefundDto> {
    return this.act(principal, id, 'request-info', ifMatch, (_refund, now) => ({
      to: RefundStatus.INFO_REQUESTED,
      data: { infoRequestedAt: now },
      note: dto.question,
    }));
  }

  provideInfo(
    principal: Principal,
    id: string,
    dto: ProvideInfoDto,
    ifMatch?: number,
  ): Promise<RefundDto> {
    // The answer resubmits the refund: the review deadline starts again.
    return this.act(principal, id, 'provide-info', ifMatch, (_refund, now) => ({
      to: RefundStatus.SUBMITTED,
      data: { infoRequestedAt: null, reviewDueAt: this.reviewDue(now) },
      note: dto.answer,
    }));
  }

  approve(principal: Principal, id: string, dto: NoteDto, ifMatch?: number): Promise<RefundDto> {
    return this.act(principal, id, 'approve', ifMatch, (_refund, now) => ({
      to: RefundStatus.APPROVED,
      data: { decidedAt: now, decisionReason: dto.note ?? null },
      note: dto.note,
      afterWrite: this.reviewDecided(principal, 'APPROVED', dto.note),
    }));
  }

  reject(principal: Principal, id: string, dto: RejectDto, ifMatch?: number): Promise<RefundDto> {
    return this.act(principal, id, 'reject', ifMatch, (_refund, now) => ({
      to: RefundStatus.REJECTED,
      data: {
        decidedAt: now,
        decisionReason: dto.reason,
        disputeDeadlineAt: new Date(now.getTime() + this.config.disputeWindowDays * DAY_MS),
      },
      note: dto.reason,
      afterWrite: this.reviewDecided(principal, 'REJECTED', dto.reason),
    }));
  }

  cancel(principal: Principal, id: string, ifMatch?: number): Promise<RefundDto> {
    return this.act(principal, id, 'cancel', ifMatch, () => ({ to: RefundStatus.CANCELLED }));
  }

  dispute(principal: Principal, id: string, dto: DisputeDto, ifMatch?: number): Promise<RefundDto> {
    return this.act(principal, id, 'dispute', ifMatch, async (refund, now) => {
      const cited = (dto.negotiationRecords ?? []).flatMap((record) => record.attachmentIds ?? []);
      if (cited.length > 0) {
        const own = new Set(await this.refunds.attachmentIds(refund.id));
        const foreign = cited.filter((attachmentId) => !own.has(attachmentId));
        if (foreign.length > 0) {
          throw new AppError(
            'BUSINESS_RULE_VIOLATED',
            `Negotiation records cite attachments that are not this refund's: ${foreign.join(', ')}.`,
          );
        }
      }
      return {
        to: RefundStatus.DISPUTED,
        data: {
          merchantResponseDueAt: addBusinessDays(
            now,
            this.config.disputeMerchantResponseDays,
            this.calendar,
          ),
        },
        note: dto.statement,
        details: { negotiationRecords: (dto.negotiationRecords ?? []).map((r) => ({ ...r })) },
        // A rejection released the amount; disputing claims it again.
        amountGuard: { transactionId: refund.transactionId, amount: refund.amount },
        afterWrite: async (tx, written) => {
          await this.cases.openOrJoin(tx, {
            refund: written,
            reason: CaseReason.DISPUTE,
            priority: CasePriority.HIGH,
            channel: 'IN_APP_CHAT',
            message: {
              author: principal,
              body: dto.statement,
              details: {
                negotiationRecords: (dto.negotiationRecords ?? []).map((r) => ({ ...r })),
              },
            },
          });
        },
      };
    });
  }

  withdrawDispute(principal: Principal, id: string, ifMatch?: number): Promise<RefundDto> {
    return this.act(principal, id, 'withdraw-dispute', ifMatch, () => ({
      to: RefundStatus.CLOSED,
      afterWrite: (tx, refund) =>
        this.cases.solveForRefund(tx, refund.id, {
          reasons: DISPUTE_CASE,
          outcome: 'WITHDRAWN',
          message: { author: principal, body: 'The customer withdrew the dispute.' },
        }),
    }));
  }

  resolveDispute(
    principal: Principal,
    id: string,
    dto: ResolveDisputeDto,
    ifMatch?: number,
  ): Promise<RefundDto> {
    return this.act(principal, id, 'resolve-dispute', ifMatch, (_refund, now) => ({
      to: dto.outcome === 'CUSTOMER_FAVOUR' ? RefundStatus.APPROVED : RefundStatus.CLOSED,
      data: { decidedAt: now, decisionReason: dto.note },
      note: dto.note,
      details: { outcome: dto.outcome },
      afterWrite: (tx, refund) =>
        this.cases.solveForRefund(tx, refund.id, {
          reasons: DISPUTE_CASE,
          outcome: dto.outcome,
          message: { author: principal, body: dto.note },
        }),
    }));
  }

  payout(principal: Principal, id: string, dto: PayoutDto, ifMatch?: number): Promise<RefundDto> {
    return this.act(principal, id, 'payout', ifMatch, (_refund, now) =>
      dto.result === 'SUCCEEDED'
        ? {
            to: RefundStatus.REFUNDED,
            data: { refundedAt: now, payoutReference: dto.reference ?? null },
            details: { result: dto.result, reference: dto.reference ?? null },
          }
        : {
            to: RefundStatus.PAYOUT_FAILED,
            data: { payoutFailureReason: dto.failureReason ?? null },
            note: dto.failureReason,
            details: { result: dto.result },
          },
    );
  }

  retryPayout(principal: Principal, id: string, ifMatch?: number): Promise<RefundDto> {
    return this.act(principal, id, 'retry-payout', ifMatch, () => ({
      to: RefundStatus.APPROVED,
      data: { payoutFailureReason: null },
    }));
  }

  /** The merchant's side of a dispute: a timeline event; the refund itself is unchanged. */
  async merchantResponse(
    principal: Principal,
    id: string,
    dto: MerchantResponseDto,
    ifMatch?: number,
  ): Promise<RefundDto> {
    const { refund } = await this.appendOnly(principal, id, 'merchant-response', ifMatch, {
      note: dto.statement,
      // The agent working the dispute sees the merchant's side in the case.
      afterWrite: (tx, locked) =>
        this.cases.addToOpenCase(tx, locked.id, {
          author: principal,
          body: dto.statement,
          details: { kind: 'merchant-response' },
        }),
    });
    return this.toDto(refund, principal);
  }

  /**
   * The customer asks for a human: joins the refund's open case or opens one (NORMAL, HIGH when
   * the review is overdue). `created` tells 201 from 200.
   */
  async escalate(
    principal: Principal,
    id: string,
    dto: EscalateDto,
    ifMatch?: number,
  ): Promise<{ created: boolean; supportCase: EscalationDto }> {
    const now = new Date();
    const { result } = await this.appendOnly(principal, id, 'escalate', ifMatch, {
      note: dto.message,
      afterWrite: (tx, refund) => {
        const overdue =
          refund.reviewDueAt !== null &&
          refund.reviewDueAt <= now &&
          (refund.status === RefundStatus.SUBMITTED || refund.status === RefundStatus.UNDER_REVIEW);
        return this.cases.openOrJoin(tx, {
          refund,
          reason: CaseReason.CUSTOMER_REQUEST,
          priority: overdue ? CasePriority.HIGH : CasePriority.NORMAL,
          channel: dto.channel ?? 'IN_APP_CHAT',
          message: { author: principal, body: dto.message },
        });
      },
    });
    const availableChannels = await this.support.availableChannelIds(now);
    return {
      created: result.created,
      supportCase: { ...mapCase(result.supportCase, now), availableChannels },
    };
  }

  /** The overdue-review scan (a scheduled job): each passed deadline escalates once. */
  async escalateOverdue(now = new Date()): Promise<string[]> {
    const escalated: string[] = [];
    // The next scheduled scan finds whatever is still locked after this long.
    const giveUpAt = Date.now() + 10_000;
    for (;;) {
      const batch = await this.refunds.escalateOverdue(now, async (tx, refund) => {
        await this.cases.openOrJoin(tx, {
          refund,
          reason: CaseReason.REVIEW_OVERDUE,
          priority: CasePriority.HIGH,
          channel: 'SYSTEM',
          message: {
            author: SCHEDULER,
            body: `The merchant's review was due at ${refund.reviewDueAt?.toISOString()} and is overdue.`,
          },
        });
      });
      escalated.push(...batch);
      if (batch.length > 0) continue;
      // Nothing claimable: done, unless a due refund is locked by a request or another scanner
      // for a moment. The scan waits for those, so it ends with every passed deadline escalated.
      if (!(await this.refunds.hasUnescalatedOverdue(now))) return escalated;
      if (Date.now() > giveUpAt) return escalated;
      await new Promise((resolve) => setTimeout(resolve, LOCKED_RETRY_MS));
    }
  }

  /** The expiry scan (a scheduled job): drafts untouched and info requests unanswered too long. */
  async expireDue(now = new Date()): Promise<string[]> {
    const expired: string[] = [];
    for (;;) {
      const batch = await this.refunds.expireDue(
        new Date(now.getTime() - this.config.draftExpiryDays * DAY_MS),
        new Date(now.getTime() - this.config.infoRequestExpiryDays * DAY_MS),
      );
      expired.push(...batch);
      if (batch.length === 0) return expired;
    }
  }

  /**
   * An action that only appends to the timeline (escalate, merchant-response): checked like any
   * action, then checked again on the refund as locked, so that it cannot slip in after a
   * concurrent change of state.
   */
  private async appendOnly<T>(
    principal: Principal,
    id: string,
    action: 'escalate' | 'merchant-response',
    ifMatch: number | undefined,
    step: { note: string; afterWrite: (tx: Tx, refund: Refund) => Promise<T> },
  ): Promise<{ refund: Refund; result: T }> {
    const check = (refund: Refund) => {
      this.checkVersion(refund, ifMatch);
      this.checkAllowed(refund, action, new Date());
    };
    check(await this.findVisible(principal, id));
    return this.refunds.appendEvent(
      id,
      check,
      (refund) => ({
        action,
        fromStatus: refund.status,
        toStatus: refund.status,
        actor: principal,
        note: step.note,
      }),
      step.afterWrite,
    );
  }

  /**
   * The shape of every action: 404 unless visible, 412 on a stale If-Match, 409 unless the
   * state allows it, then the action's own rules (422), then one conditional write.
   */
  private async act(
    principal: Principal,
    id: string,
    action: Exclude<RefundAction, 'apply' | 'expire' | 'escalate' | 'merchant-response'>,
    ifMatch: number | undefined,
    plan: (refund: Refund, now: Date) => Plan | Promise<Plan>,
  ): Promise<RefundDto> {
    const refund = await this.findVisible(principal, id);
    this.checkVersion(refund, ifMatch);
    const now = new Date();
    this.checkAllowed(refund, action, now);
    const planned = await plan(refund, now);
    const result = await this.refunds.transition({
      id: refund.id,
      from: TRANSITIONS[action].from,
      version: refund.version,
      data: { ...planned.data, status: planned.to },
      event: {
        action,
        fromStatus: refund.status,
        toStatus: planned.to,
        actor: principal,
        note: planned.note,
        details: planned.details,
      },
      amountGuard: planned.amountGuard,
      afterWrite: planned.afterWrite,
      answer: (tx, written) =>
        this.idempotency.answerWithin(tx, 200, this.toDto(written, principal)),
    });
    return this.toDto(await this.settle(result, refund.id, ifMatch), principal);
  }

  private checkVersion(refund: Refund, ifMatch: number | undefined): void {
    if (ifMatch !== undefined && ifMatch !== refund.version) {
      throw new AppError(
        'VERSION_MISMATCH',
        `The refund is at version ${refund.version}, not ${ifMatch}; fetch it again.`,
      );
    }
  }

  /** 409 unless the state allows the action, then 422 if its time window has closed. */
  private checkAllowed(refund: Refund, action: RefundAction, now: Date): void {
    const from: readonly RefundStatus[] = TRANSITIONS[action].from;
    if (from.includes(refund.status) && withinWindow(action, refund, now)) return;
    if (from.includes(refund.status) && action === 'dispute') {
      throw new AppError(
        'DISPUTE_WINDOW_CLOSED',
        `The dispute window closed at ${refund.disputeDeadlineAt?.toISOString()}.`,
      );
    }
    if (from.includes(refund.status) && action === 'merchant-response') {
      throw new AppError(
        'RESPONSE_WINDOW_CLOSED',
        `The merchant response was due by ${refund.merchantResponseDueAt?.toISOString()}.`,
      );
    }
    // Otherwise the state forbids it (escalate included: a REJECTED refund past its window has ended).
    throw new AppError('INVALID_TRANSITION', `Cannot ${action} a ${refund.status} refund.`);
  }

  /** Turns a write result into the refund, or the error that explains why it was refused. */
  private async settle(result: WriteResult, id: string, ifMatch?: number): Promise<Refund> {
    if (result.outcome === 'conflict') {
      const current = await this.refunds.findById(id);
      if (ifMatch !== undefined && current && current.version !== ifMatch) {
        throw new AppError('VERSION_MISMATCH', 'The refund changed meanwhile; fetch it again.');
      }
      throw new AppError('INVALID_TRANSITION', 'The refund changed meanwhile; fetch it again.');
    }
    return this.written(result);
  }

  private written(result: Exclude<WriteResult, { outcome: 'conflict' }>): Refund {
    if (result.outcome === 'done') return result.refund;
    throw new AppError(
      'AMOUNT_EXCEEDS_REFUNDABLE',
      `The payment has only ${result.refundable} left to refund.`,
    );
  }

  /** When the review ends, an open REVIEW_OVERDUE case is solved with what was decided. */
  private reviewDecided(principal: Principal, outcome: string, reason?: string): AfterWrite {
    const verb = outcome === 'APPROVED' ? 'approved' : 'rejected';
    return (tx, refund) =>
      this.cases.solveForRefund(tx, refund.id, {
        reasons: [CaseReason.REVIEW_OVERDUE],
        outcome,
        message: {
          author: principal,
          body: `The ${principal.role} ${verb} the refund.${reason ? ` ${reason}` : ''}`,
        },
      });
  }

  private reviewDue(now: Date): Date {
    return addBusinessDays(now, this.config.reviewSlaBusinessDays, this.calendar);
  }
}
