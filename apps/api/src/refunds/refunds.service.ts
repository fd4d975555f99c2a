import { Injectable } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { TransactionHost } from '@nestjs-cls/transactional';
import { UUID } from '../common/ids';
import type { Principal } from '../common/principal';
import { canSee, visibleTo } from '../common/access';
import { type Actor, SCHEDULER } from '../common/actor';
import { addBusinessDays, BusinessCalendar, businessDaysUntil } from '../common/business-time';
import { newestFirstCursor, Page, toPage } from '../common/pagination';
import { AppConfig } from '../config/app-config';
import type { Refund, KyselyTransactionalAdapter } from '../database/database';
import { AppError, notFound } from '../errors/app-error';
import { RefundStatus } from '../generated/kysely/enums';
import { OutboxRepository } from '../outbox/outbox.repository';
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
import { mapRefund, mapRefundEvent, refundData, RefundDto, RefundEventDto } from './dto/refund.dto';
import { ListRefundsQueryDto } from './dto/list-refunds.dto';
import { missingEvidence } from './evidence';
import { nextActions, withinWindow } from './next-actions';
import type { CaseLink, RefundDomainEvent, RefundDomainEvents } from './refund-domain-events';
import {
  EDITS,
  holdsAmount,
  mayEdit,
  RefundAction,
  TargetOf,
  TRANSITIONS,
  UNDER_REVIEW_STATUSES,
} from './refund-transitions';
import { RefundChanges, RefundsRepository } from './refunds.repository';

const cursors = newestFirstCursor(UUID);
const DAY_MS = 24 * 60 * 60 * 1000;
const LOCKED_RETRY_MS = 50;

/** The actions that change the state, each its own method below. */
type StateAction = Exclude<RefundAction, 'apply' | 'escalate' | 'merchant-response'>;

/** What an action changes, decided from the refund as read. */
interface Plan<A extends StateAction> {
  to: TargetOf<A>;
  set?: RefundChanges;
  note?: string | null;
  details?: object;
}

/**
 * The refund flow. Each public method that writes is one unit of work (`@Transactional()`):
 * checks, the conditional write with its timeline event, the domain event support cases react
 * to, and the outbox event for webhooks, committed together.
 */
@Injectable()
export class RefundsService {
  private readonly calendar: BusinessCalendar;

  constructor(
    private readonly txHost: TransactionHost<KyselyTransactionalAdapter>,
    private readonly refunds: RefundsRepository,
    private readonly outbox: OutboxRepository,
    private readonly domainEvents: EventEmitter2,
    private readonly config: AppConfig,
  ) {
    this.calendar = { timeZone: config.businessTimezone, holidays: config.holidays };
  }

  toDto(refund: Refund, principal: Principal): RefundDto {
    const now = new Date();
    const due = UNDER_REVIEW_STATUSES.includes(refund.status) ? refund.reviewDueAt : null;
    return mapRefund(
      refund,
      nextActions(refund, principal, now),
      due ? businessDaysUntil(now, due, this.calendar) : null,
    );
  }

  /** The refund if it exists and the caller may see it; 404 otherwise (ids never leak). */
  async findVisible(principal: Principal, id: string): Promise<Refund> {
    const refund = UUID.test(id) ? await this.refunds.findById(id) : undefined;
    if (!refund || !canSee(principal, refund)) throw notFound('Refund');
    return refund;
  }

  /**
   * The refund, visible to the caller and locked until the unit of work ends (uploads); a
   * draft's expiry restarts, as with any change by the customer to a draft.
   */
  async lockVisible(principal: Principal, id: string): Promise<Refund> {
    const visible = await this.findVisible(principal, id);
    const locked = await this.refunds.touchDraft(visible.id);
    if (!locked) throw notFound('Refund');
    return locked;
  }

  /**
   * Makes the customer's applies and uploads (the writes their quotas limit) wait for one
   * another until the unit of work ends, so that each counts what the others committed. Taken
   * before the unit of work locks any refund or payment row, so that it never closes a cycle of
   * waits.
   */
  lockCustomerQuotas(customerId: string): Promise<void> {
    return this.refunds.lockCustomerQuotas(customerId);
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
    return (await this.refunds.timeline(refund.id)).map(mapRefundEvent);
  }

  /**
   * Apply: one statement holds the amount on the payment and writes the draft's first event,
   * counted first against the customer's open drafts under their quota lock.
   */
  apply(principal: Principal, dto: CreateRefundDto): Promise<RefundDto> {
    return this.txHost.withTransaction(async () => {
      const payment = await this.refunds.findPaymentLockingQuotas(dto.transactionId);
      if (!payment || !canSee(principal, payment)) throw notFound('Payment');
      const amount = BigInt(dto.amount);
      const refund = await this.refunds.insertDraft(
        {
          payment,
          amount,
          reasonCode: dto.reasonCode,
          description: dto.description ?? null,
          maxOpenDrafts: this.config.maxOpenDraftsPerCustomer,
        },
        principal,
      );
      // Refused: the quota first, then the amount (both 422; the quota holds either way).
      if (!refund) {
        const drafts = await this.refunds.countOpenDrafts(payment.customerId);
        if (drafts >= this.config.maxOpenDraftsPerCustomer) {
          throw new AppError(
            'QUOTA_EXCEEDED',
            `A customer may have at most ${this.config.maxOpenDraftsPerCustomer} open drafts; ` +
              'submit or cancel one first.',
          );
        }
        throw await this.exceeds(payment.id);
      }
      await this.publish(refund, 'apply');
      return this.toDto(refund, principal);
    });
  }

  /** PATCH: edit the draft. Raising the amount holds the difference on the payment. */
  update(
    principal: Principal,
    id: string,
    dto: UpdateRefundDto,
    ifMatch?: number,
  ): Promise<RefundDto> {
    return this.txHost.withTransaction(async () => {
      const refund = await this.findVisible(principal, id);
      this.checkVersion(refund, ifMatch);
      if (!mayEdit('edit', principal.role, refund.status)) {
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
      const amount = dto.amount === undefined ? refund.amount : BigInt(dto.amount);
      const more = amount - refund.amount;
      if (more > 0n && !(await this.refunds.hold(refund.transactionId, more))) {
        throw await this.exceeds(refund.transactionId);
      }
      const written = await this.refunds.update({
        id: refund.id,
        from: EDITS.edit.customer,
        version: refund.version,
        set: {
          amount,
          reasonCode: dto.reasonCode,
          description: dto.description,
          draftTouchedAt: new Date(),
        },
        release: more < 0n ? -more : 0n,
        event: {
          action: 'edit',
          fromStatus: refund.status,
          toStatus: refund.status,
          actor: principal,
          details: { fields },
        },
      });
      if (!written) throw await this.conflict(refund.id, ifMatch);
      return this.finish(written, 'edit', principal);
    });
  }

  submit(principal: Principal, id: string, ifMatch?: number): Promise<RefundDto> {
    return this.txHost.withTransaction(async () => {
      const now = new Date();
      const refund = await this.checked(principal, id, 'submit', ifMatch, now);
      const missing = missingEvidence(
        refund.reasonCode,
        refund.description,
        await this.refunds.attachmentKinds(refund.id),
      );
      if (missing.length > 0) {
        throw new AppError(
          'EVIDENCE_MISSING',
          `A ${refund.reasonCode} refund needs ${missing.map((m) => m.message).join(' and ')} before it can be submitted.`,
          missing,
        );
      }
      const written = await this.write(principal, refund, 'submit', {
        to: RefundStatus.SUBMITTED,
        set: { submittedAt: now, reviewDueAt: this.reviewDue(now) },
      });
      const linked = await this.tell('refund.submitted', { refund: written, actor: principal });
      return this.finish(linked, 'submit', principal);
    });
  }

  startReview(principal: Principal, id: string, ifMatch?: number): Promise<RefundDto> {
    return this.txHost.withTransaction(async () => {
      const refund = await this.checked(principal, id, 'start-review', ifMatch);
      const written = await this.write(principal, refund, 'start-review', {
        to: RefundStatus.UNDER_REVIEW,
      });
      return this.finish(written, 'start-review', principal);
    });
  }

  requestInfo(
    principal: Principal,
    id: string,
    dto: RequestInfoDto,
    ifMatch?: number,
  ): Promise<RefundDto> {
    return this.txHost.withTransaction(async () => {
      const now = new Date();
      const refund = await this.checked(principal, id, 'request-info', ifMatch, now);
      const written = await this.write(principal, refund, 'request-info', {
        to: RefundStatus.INFO_REQUESTED,
        set: { infoRequestedAt: now },
        note: dto.question,
      });
      return this.finish(written, 'request-info', principal);
    });
  }

  /** The answer resubmits the refund: the review deadline starts again. */
  provideInfo(
    principal: Principal,
    id: string,
    dto: ProvideInfoDto,
    ifMatch?: number,
  ): Promise<RefundDto> {
    return this.txHost.withTransaction(async () => {
      const now = new Date();
      const refund = await this.checked(principal, id, 'provide-info', ifMatch, now);
      const written = await this.write(principal, refund, 'provide-info', {
        to: RefundStatus.SUBMITTED,
        set: { infoRequestedAt: null, reviewDueAt: this.reviewDue(now) },
        note: dto.answer,
      });
      return this.finish(written, 'provide-info', principal);
    });
  }

  approve(principal: Principal, id: string, dto: NoteDto, ifMatch?: number): Promise<RefundDto> {
    return this.txHost.withTransaction(async () => {
      const now = new Date();
      const refund = await this.checked(principal, id, 'approve', ifMatch, now);
      const written = await this.write(principal, refund, 'approve', {
        to: RefundStatus.APPROVED,
        set: { decidedAt: now, decisionReason: dto.note ?? null },
        note: dto.note,
      });
      const linked = await this.tell('refund.review-ended', {
        refund: written,
        actor: principal,
        outcome: 'APPROVED',
        reason: dto.note ?? null,
      });
      return this.finish(linked, 'approve', principal);
    });
  }

  reject(principal: Principal, id: string, dto: RejectDto, ifMatch?: number): Promise<RefundDto> {
    return this.txHost.withTransaction(async () => {
      const now = new Date();
      const refund = await this.checked(principal, id, 'reject', ifMatch, now);
      const written = await this.write(principal, refund, 'reject', {
        to: RefundStatus.REJECTED,
        set: {
          decidedAt: now,
          decisionReason: dto.reason,
          disputeDeadlineAt: new Date(now.getTime() + this.config.disputeWindowDays * DAY_MS),
        },
        note: dto.reason,
      });
      const linked = await this.tell('refund.review-ended', {
        refund: written,
        actor: principal,
        outcome: 'REJECTED',
        reason: dto.reason,
      });
      return this.finish(linked, 'reject', principal);
    });
  }

  cancel(principal: Principal, id: string, ifMatch?: number): Promise<RefundDto> {
    return this.txHost.withTransaction(async () => {
      const refund = await this.checked(principal, id, 'cancel', ifMatch);
      const written = await this.write(principal, refund, 'cancel', { to: RefundStatus.CANCELLED });
      return this.finish(written, 'cancel', principal);
    });
  }

  /** A rejection released the amount; disputing holds it again (422 if it went meanwhile). */
  dispute(principal: Principal, id: string, dto: DisputeDto, ifMatch?: number): Promise<RefundDto> {
    return this.txHost.withTransaction(async () => {
      const now = new Date();
      const refund = await this.checked(principal, id, 'dispute', ifMatch, now);
      const negotiationRecords = (dto.negotiationRecords ?? []).map((record) => ({ ...record }));
      const cited = negotiationRecords.flatMap((record) => record.attachmentIds ?? []);
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
      const written = await this.write(principal, refund, 'dispute', {
        to: RefundStatus.DISPUTED,
        set: {
          merchantResponseDueAt: addBusinessDays(
            now,
            this.config.disputeMerchantResponseDays,
            this.calendar,
          ),
        },
        note: dto.statement,
        details: { negotiationRecords },
      });
      const linked = await this.tell('refund.disputed', {
        refund: written,
        actor: principal,
        statement: dto.statement,
        negotiationRecords,
      });
      return this.finish(linked, 'dispute', principal);
    });
  }

  withdrawDispute(principal: Principal, id: string, ifMatch?: number): Promise<RefundDto> {
    return this.txHost.withTransaction(async () => {
      const refund = await this.checked(principal, id, 'withdraw-dispute', ifMatch);
      const written = await this.write(principal, refund, 'withdraw-dispute', {
        to: RefundStatus.CLOSED,
      });
      const linked = await this.tell('refund.dispute-ended', {
        refund: written,
        actor: principal,
        outcome: 'WITHDRAWN',
        note: 'The customer withdrew the dispute.',
      });
      return this.finish(linked, 'withdraw-dispute', principal);
    });
  }

  resolveDispute(
    principal: Principal,
    id: string,
    dto: ResolveDisputeDto,
    ifMatch?: number,
  ): Promise<RefundDto> {
    return this.txHost.withTransaction(async () => {
      const now = new Date();
      const refund = await this.checked(principal, id, 'resolve-dispute', ifMatch, now);
      const written = await this.write(principal, refund, 'resolve-dispute', {
        to: dto.outcome === 'CUSTOMER_FAVOUR' ? RefundStatus.APPROVED : RefundStatus.CLOSED,
        set: { decidedAt: now, decisionReason: dto.note },
        note: dto.note,
        details: { outcome: dto.outcome },
      });
      const linked = await this.tell('refund.dispute-ended', {
        refund: written,
        actor: principal,
        outcome: dto.outcome,
        note: dto.note,
      });
      return this.finish(linked, 'resolve-dispute', principal);
    });
  }

  payout(principal: Principal, id: string, dto: PayoutDto, ifMatch?: number): Promise<RefundDto> {
    return this.txHost.withTransaction(async () => {
      const now = new Date();
      const refund = await this.checked(principal, id, 'payout', ifMatch, now);
      const written = await this.write(
        principal,
        refund,
        'payout',
        dto.result === 'SUCCEEDED'
          ? {
              to: RefundStatus.REFUNDED,
              set: { refundedAt: now, payoutReference: dto.reference ?? null },
              details: { result: dto.result, reference: dto.reference ?? null },
            }
          : {
              to: RefundStatus.PAYOUT_FAILED,
              set: { payoutFailureReason: dto.failureReason ?? null },
              note: dto.failureReason,
              details: { result: dto.result },
            },
      );
      return this.finish(written, 'payout', principal);
    });
  }

  retryPayout(principal: Principal, id: string, ifMatch?: number): Promise<RefundDto> {
    return this.txHost.withTransaction(async () => {
      const refund = await this.checked(principal, id, 'retry-payout', ifMatch);
      const written = await this.write(principal, refund, 'retry-payout', {
        to: RefundStatus.APPROVED,
        set: { payoutFailureReason: null },
      });
      return this.finish(written, 'retry-payout', principal);
    });
  }

  /** The merchant's side of a dispute: a timeline event; the refund itself is unchanged. */
  merchantResponse(
    principal: Principal,
    id: string,
    dto: MerchantResponseDto,
    ifMatch?: number,
  ): Promise<RefundDto> {
    return this.txHost.withTransaction(async () => {
      const refund = await this.checked(principal, id, 'merchant-response', ifMatch);
      const appended = await this.refunds.appendEvent(
        refund.id,
        TRANSITIONS['merchant-response'].from,
        { action: 'merchant-response', actor: principal, note: dto.statement },
      );
      if (!appended) throw await this.conflict(refund.id, ifMatch);
      const linked = await this.tell('refund.merchant-responded', {
        refund: appended,
        actor: principal,
        statement: dto.statement,
      });
      return this.finish(linked, 'merchant-response', principal);
    });
  }

  /**
   * The customer's escalation, as the refund records it: checked like any action, then a
   * timeline event. The support case is the support desk's (cases/), which calls this within
   * its own unit of work and then `linkCase`. The customer's message goes to the case only:
   * the merchant reads the timeline, and what a customer tells support is never theirs.
   */
  async recordEscalation(principal: Principal, id: string, ifMatch?: number): Promise<Refund> {
    const refund = await this.checked(principal, id, 'escalate', ifMatch);
    const appended = await this.refunds.appendEvent(refund.id, TRANSITIONS.escalate.from, {
      action: 'escalate',
      actor: principal,
      note: 'The customer asked support for help.',
    });
    if (!appended) throw await this.conflict(refund.id, ifMatch);
    return appended;
  }

  /** Points the refund at its support case and publishes `refund.<action>` for it. */
  async linkCase(refund: Refund, caseId: string, action: RefundAction): Promise<Refund> {
    const linked = await this.pointedAt(refund, caseId);
    await this.publish(linked, action);
    return linked;
  }

  /**
   * Locks the refund for case work: every way into a case takes the refund's lock first (a
   * refund action's write takes it), so case changes and refund changes never wait on each
   * other in opposite orders.
   */
  async lockForCaseWork(refundId: string): Promise<void> {
    await this.refunds.lock(refundId);
  }

  /** Points the refund at its open case (a reopened one): case work, so no version or event. */
  async pointAtCase(refundId: string, caseId: string): Promise<void> {
    await this.refunds.linkCase(refundId, caseId);
  }

  /** The overdue-review scan (a scheduled job): each passed deadline escalates once. */
  async escalateOverdue(now = new Date()): Promise<string[]> {
    const escalated: string[] = [];
    // The next scheduled scan finds whatever is still locked after this long.
    const giveUpAt = Date.now() + 10_000;
    for (;;) {
      const id = await this.escalateNextOverdue(now);
      if (id) {
        escalated.push(id);
        continue;
      }
      // Nothing claimable: done, unless a due refund is locked by a request or another scanner
      // for a moment. The scan waits for those, so it ends with every passed deadline escalated.
      if (!(await this.refunds.hasUnescalatedOverdue(now))) return escalated;
      if (Date.now() > giveUpAt) return escalated;
      await new Promise((resolve) => setTimeout(resolve, LOCKED_RETRY_MS));
    }
  }

  /** One overdue refund, in its own unit of work: the timeline event and the support case. */
  private escalateNextOverdue(now: Date): Promise<string | undefined> {
    return this.txHost.withTransaction(async () => {
      const [claimed] = await this.refunds.claimOverdue(now);
      if (!claimed) return undefined;
      const appended = await this.refunds.appendEvent(claimed.id, [claimed.status], {
        action: 'escalate',
        actor: SCHEDULER,
        note: `The review was due at ${claimed.reviewDueAt?.toISOString()}; escalated to support.`,
      });
      if (!appended) throw new Error(`refund ${claimed.id} changed while locked`);
      const linked = await this.tell('refund.review-overdue', {
        refund: appended,
        actor: SCHEDULER,
      });
      await this.publish(linked, 'escalate');
      return claimed.id;
    });
  }

  /** The expiry scan (a scheduled job): drafts untouched and info requests unanswered too long. */
  async expireDue(now = new Date()): Promise<string[]> {
    const expired: string[] = [];
    for (;;) {
      const batch = await this.expireBatch(now);
      expired.push(...batch);
      if (batch.length === 0) return expired;
    }
  }

  /**
   * A small batch per unit of work: each refund costs a few statements, and a batch of 100
   * under load outlasted the transaction time-out, so a large backlog never expired.
   */
  private expireBatch(now: Date): Promise<string[]> {
    return this.txHost.withTransaction(async () => {
      const due = await this.refunds.claimExpired(
        new Date(now.getTime() - this.config.draftExpiryDays * DAY_MS),
        new Date(now.getTime() - this.config.infoRequestExpiryDays * DAY_MS),
      );
      for (const refund of due) {
        const written = await this.write(SCHEDULER, refund, 'expire', {
          to: RefundStatus.EXPIRED,
          note:
            refund.status === RefundStatus.DRAFT
              ? 'The draft was not submitted in time.'
              : 'The request for information was not answered in time.',
        });
        await this.publish(written, 'expire');
      }
      return due.map((refund) => refund.id);
    });
  }

  /**
   * The checks every action makes, in the documented order: 404 unless visible, 412 on a stale
   * If-Match, 409 unless the state allows it (422 when only its time window has closed).
   */
  private async checked(
    principal: Principal,
    id: string,
    action: RefundAction,
    ifMatch: number | undefined,
    now = new Date(),
  ): Promise<Refund> {
    const refund = await this.findVisible(principal, id);
    this.checkVersion(refund, ifMatch);
    this.checkAllowed(refund, action, now);
    return refund;
  }

  /**
   * The transition as one conditional write (state and version as read) with its timeline
   * event, moving the amount the refund holds on its payment when the table's states say so.
   */
  private async write<A extends StateAction>(
    actor: Actor,
    refund: Refund,
    action: A,
    plan: Plan<A>,
  ): Promise<Refund> {
    const to: RefundStatus = plan.to;
    const holds = holdsAmount(refund.status);
    if (
      !holds &&
      holdsAmount(to) &&
      !(await this.refunds.hold(refund.transactionId, refund.amount))
    ) {
      throw await this.exceeds(refund.transactionId);
    }
    const written = await this.refunds.update({
      id: refund.id,
      from: TRANSITIONS[action].from,
      version: refund.version,
      set: { ...plan.set, status: to },
      release: holds && !holdsAmount(to) ? refund.amount : 0n,
      event: {
        action,
        fromStatus: refund.status,
        toStatus: to,
        actor,
        note: plan.note,
        details: plan.details,
      },
    });
    if (!written) throw await this.conflict(refund.id);
    return written;
  }

  /** Publishes `refund.<action>` and answers the refund as the caller sees it. */
  private async finish(refund: Refund, action: RefundAction | 'edit', principal: Principal) {
    await this.publish(refund, action);
    return this.toDto(refund, principal);
  }

  /**
   * Tells the support desk (domain event subscribers, in this unit of work) and points the
   * refund at the case a subscriber answers with.
   */
  private async tell<K extends RefundDomainEvent>(
    name: K,
    event: RefundDomainEvents[K],
  ): Promise<Refund> {
    const answers = (await this.domainEvents.emitAsync(name, event)) as (CaseLink | undefined)[];
    const link = answers.find((answer): answer is CaseLink => answer !== undefined);
    return link ? this.pointedAt(event.refund, link.caseId) : event.refund;
  }

  /** The refund pointed at `caseId`: written only when that changes it. */
  private async pointedAt(refund: Refund, caseId: string): Promise<Refund> {
    return refund.caseId === caseId ? refund : this.refunds.linkCase(refund.id, caseId);
  }

  /** The outbox event of a timeline action: `refund.<action>` with the refund as it ends up. */
  private publish(refund: Refund, action: string): Promise<void> {
    return this.outbox.record({
      type: `refund.${action}`,
      refundId: refund.id,
      caseId: refund.caseId,
      data: refundData(refund),
    });
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

  /** Why a conditional write did nothing: a stale If-Match (412) or a changed state (409). */
  private async conflict(id: string, ifMatch?: number): Promise<AppError> {
    const current = await this.refunds.findById(id);
    if (ifMatch !== undefined && current && current.version !== ifMatch) {
      return new AppError('VERSION_MISMATCH', 'The refund changed meanwhile; fetch it again.');
    }
    return new AppError('INVALID_TRANSITION', 'The refund changed meanwhile; fetch it again.');
  }

  private async exceeds(paymentId: string): Promise<AppError> {
    const { left, currency } = await this.refunds.refundable(paymentId);
    return new AppError(
      'AMOUNT_EXCEEDS_REFUNDABLE',
      `The payment has only ${left} ${currency} minor units left to refund.`,
      undefined,
      { key: 'detail.amountLeft', params: { left: { minor: Number(left), currency } } },
    );
  }

  private reviewDue(now: Date): Date {
    return addBusinessDays(now, this.config.reviewSlaBusinessDays, this.calendar);
  }
}
