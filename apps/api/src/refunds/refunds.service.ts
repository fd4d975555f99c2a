import { Injectable } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { TransactionHost } from '@nestjs-cls/transactional';
import { UUID } from '../common/ids';
import type { Principal } from '../common/principal';
import { canSee, visibleTo } from '../common/access';
import { type Actor, SCHEDULER } from '../common/actor';
import { addBusinessDays, BusinessCalendar, businessDaysUntil } from '../common/business-time';
import { newestFirstCursor, Page, toPage } from '../common/pagination';
import { AppConfig, businessCalendar } from '../config/app-config';
import type {
  KyselyTransactionalAdapter,
  PayoutHold,
  Refund,
  Transaction,
} from '../database/database';
import { AppError, notFound } from '../errors/app-error';
import { ReasonCode, RefundStatus } from '../generated/kysely/enums';
import { OutboxRepository } from '../outbox/outbox.repository';
import {
  CreateRefundDto,
  DisputeDto,
  MerchantResponseDto,
  NoteDto,
  OfferDto,
  PayoutDto,
  ProvideInfoDto,
  RejectDto,
  RequestInfoDto,
  ResolveDisputeDto,
  UpdateRefundDto,
} from './dto/refund-requests.dto';
import {
  HoldFacts,
  mapRefund,
  mapRefundEvent,
  refundData,
  RefundDto,
  RefundEventDto,
} from './dto/refund.dto';
import { ListRefundsQueryDto } from './dto/list-refunds.dto';
import { missingEvidence } from './evidence';
import { heldBack, nextActions, offerOpen, offerRefusal, withinWindow } from './next-actions';
import type { CaseLink, RefundDomainEvent, RefundDomainEvents } from './refund-domain-events';
import {
  EDITS,
  holdsAmount,
  mayEdit,
  OFFER_STATUSES,
  RefundAction,
  TargetOf,
  TRANSITIONS,
  UNDER_REVIEW_STATUSES,
} from './refund-transitions';
import { HeldRefund, RefundChanges, RefundsRepository } from './refunds.repository';

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
  /** Gives back this much of the payment besides what the change of state releases. */
  release?: bigint;
  /** The settlement offer must be open (or must not be) at that instant, as the row has it. */
  offer?: { open: boolean; at: Date };
}

/** The offer steps that leave the refund's state as it is. */
type OfferStep = 'offer' | 'decline-offer' | 'withdraw-offer';

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
    this.calendar = businessCalendar(config);
  }

  /** The refund as the caller sees it; `hold` is its customer's payout hold, if any. */
  toDto(refund: Refund, principal: Principal, hold: HoldFacts | undefined): RefundDto {
    const now = new Date();
    const due = UNDER_REVIEW_STATUSES.includes(refund.status) ? refund.reviewDueAt : null;
    return mapRefund(
      refund,
      hold,
      nextActions(refund, principal, now, hold !== undefined),
      due ? businessDaysUntil(now, due, this.calendar) : null,
    );
  }

  /** The refund as the caller sees it, with its customer's payout hold read now. */
  private async view(refund: Refund, principal: Principal): Promise<RefundDto> {
    return this.toDto(refund, principal, await this.holdOf(refund));
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
    return this.view(await this.findVisible(principal, id), principal);
  }

  async list(principal: Principal, query: ListRefundsQueryDto): Promise<Page<RefundDto>> {
    if (query.attention !== undefined && principal.role !== 'agent') {
      throw new AppError('FORBIDDEN', 'Only agents may list the refunds that need attention.');
    }
    const rows = await this.refunds.list(
      {
        ...visibleTo(principal),
        status: query.status,
        transactionId: query.transactionId,
        reviewOverdueAt: query.reviewOverdue === 'true' ? new Date() : undefined,
        attention: query.attention === 'true' ? true : undefined,
      },
      query.limit + 1,
      query.cursor ? cursors.decode(query.cursor) : undefined,
    );
    const holdOf = await this.holdsOf(rows);
    return toPage(rows, query.limit, cursors.encode, (row) =>
      this.toDto(row, principal, holdOf.get(row.customerId)),
    );
  }

  /** Agents' search and the customer page: newest first. */
  async find(
    principal: Principal,
    filter: { idPrefix?: string; customerId?: string },
    limit: number,
  ): Promise<RefundDto[]> {
    const rows = await this.refunds.list({ ...filter, ...visibleTo(principal) }, limit);
    const holdOf = await this.holdsOf(rows);
    return rows.map((row) => this.toDto(row, principal, holdOf.get(row.customerId)));
  }

  /** The payout holds of these refunds' customers, by customer. */
  private async holdsOf(rows: Refund[]): Promise<Map<string, PayoutHold>> {
    const holds = await this.refunds.payoutHoldsOf([...new Set(rows.map((r) => r.customerId))]);
    return new Map(holds.map((hold) => [hold.customerId, hold]));
  }

  async events(principal: Principal, id: string): Promise<RefundEventDto[]> {
    const refund = await this.findVisible(principal, id);
    return (await this.refunds.timeline(refund.id)).map(mapRefundEvent);
  }

  /**
   * Apply: the customer's quota lock (sent with BEGIN), then one statement that holds the amount
   * on the payment and writes the draft and its first event, counted against the customer's open
   * drafts. Why it refused is read only when it did.
   */
  apply(principal: Principal, dto: CreateRefundDto): Promise<RefundDto> {
    return this.txHost.withTransaction(async () => {
      await this.refunds.lockCustomerQuotas(principal.id);
      const refund = await this.refunds.insertDraft(
        {
          paymentId: dto.transactionId,
          customerId: principal.id,
          amount: BigInt(dto.amount),
          reasonCode: dto.reasonCode,
          description: dto.description ?? null,
          maxOpenDrafts: this.config.maxOpenDraftsPerCustomer,
        },
        principal,
      );
      if (!refund) throw await this.applyRefused(principal, dto.transactionId);
      return this.finish(refund, 'apply', principal);
    });
  }

  /**
   * Why apply wrote nothing: the payment is not the customer's (404, as if it did not exist),
   * the customer has their quota of open drafts, or the amount exceeds what the payment has left
   * (both 422; the quota first: it holds either way).
   */
  private async applyRefused(principal: Principal, paymentId: string): Promise<AppError> {
    const payment = await this.refunds.findPayment(paymentId);
    if (!payment || !canSee(principal, payment)) return notFound('Payment');
    const drafts = await this.refunds.countOpenDrafts(payment.customerId);
    if (drafts >= this.config.maxOpenDraftsPerCustomer) {
      return new AppError(
        'QUOTA_EXCEEDED',
        `A customer may have at most ${this.config.maxOpenDraftsPerCustomer} open drafts; ` +
          'submit or cancel one first.',
      );
    }
    return this.exceeds(payment.id);
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
          requestedAmount: amount,
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
        internalNote: dto.internalNote,
      });
      return this.finish(linked, 'resolve-dispute', principal);
    });
  }

  /** The back-end claims the refund before any money moves: the refund waits for the result. */
  startPayout(principal: Principal, id: string, ifMatch?: number): Promise<RefundDto> {
    return this.txHost.withTransaction(async () => {
      const refund = await this.checked(principal, id, 'start-payout', ifMatch);
      await this.refuseIfHeld(refund, 'start-payout');
      const written = await this.write(principal, refund, 'start-payout', {
        to: RefundStatus.PAYOUT_PENDING,
      });
      return this.finish(written, 'start-payout', principal);
    });
  }

  payout(principal: Principal, id: string, dto: PayoutDto, ifMatch?: number): Promise<RefundDto> {
    return this.txHost.withTransaction(async () => {
      const now = new Date();
      const refund = await this.checked(principal, id, 'payout', ifMatch, now);
      const hold = await this.refuseIfHeld(refund, 'payout');
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
      // A payout started before the hold happened all the same: recorded, and told to the
      // report that holds the customer's payouts.
      if (hold) {
        await this.tell('refund.payout-reported-while-held', {
          refund: written,
          actor: principal,
          securityReportId: hold.securityReportId,
          result: dto.result,
        });
      }
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

  /**
   * Refuses (409 PAYOUT_HELD) an action a payout hold stops, under the customer's payout-hold
   * lock (shared), so that a hold placed meanwhile is either seen here or waits for this unit of
   * work to commit. Answers the hold, if there is one and it lets the action through.
   */
  private async refuseIfHeld(
    refund: Refund,
    action: 'start-payout' | 'payout',
  ): Promise<PayoutHold | undefined> {
    await this.refunds.lockPayoutHolds(refund.customerId, 'shared');
    const hold = await this.refunds.findPayoutHold(refund.customerId);
    if (hold && heldBack(action, refund.status)) {
      throw new AppError(
        'PAYOUT_HELD',
        "The customer's payouts are held while their security report is open; an agent " +
          'releases the hold.',
      );
    }
    return hold;
  }

  /**
   * The customer's payments among `ids`, locked; 404 unless every one is theirs (ids never leak:
   * another customer's payment is as missing as one that does not exist).
   */
  async lockPaymentsOf(customerId: string, ids: string[]): Promise<Transaction[]> {
    const payments = await this.refunds.lockPaymentsOf(customerId, ids);
    if (payments.length !== new Set(ids).size) throw notFound('Payment');
    return payments;
  }

  /**
   * A security report's refund requests: for each payment with a refundable amount, a refund
   * UNAUTHORIZED_TRANSACTION of all of it, recorded as apply then submit by the reporter. The
   * report is its evidence and its case: no evidence checklist, no draft quota, no per-refund
   * case. Runs in the report's unit of work, which holds the payments' locks.
   */
  async fileForSecurityReport(
    actor: Actor,
    securityReportId: string,
    payments: Transaction[],
  ): Promise<Refund[]> {
    const filed: Refund[] = [];
    const now = new Date();
    for (const payment of payments) {
      const { left: amount } = await this.refunds.refundable(payment.id);
      if (amount <= 0n) continue;
      const draft = await this.refunds.insertDraft(
        {
          paymentId: payment.id,
          customerId: payment.customerId,
          amount,
          reasonCode: ReasonCode.UNAUTHORIZED_TRANSACTION,
          description: null,
          maxOpenDrafts: Number.MAX_SAFE_INTEGER,
          securityReportId,
        },
        actor,
      );
      if (!draft) throw new Error(`payment ${payment.id} changed while locked`);
      await this.publish(draft, 'apply');
      const submitted = await this.write(actor, draft, 'submit', {
        to: RefundStatus.SUBMITTED,
        set: { submittedAt: now, reviewDueAt: this.reviewDue(now) },
      });
      await this.publish(submitted, 'submit');
      filed.push(submitted);
    }
    return filed;
  }

  /** The ids of the refunds each security report filed, oldest first. */
  idsOfSecurityReports(securityReportIds: string[]): Promise<Map<string, string[]>> {
    return this.refunds.idsOfSecurityReports(securityReportIds);
  }

  /** The hold on the customer's payouts, if there is one (the customer page). */
  async payoutHoldOf(customerId: string): Promise<PayoutHold | null> {
    return (await this.refunds.findPayoutHold(customerId)) ?? null;
  }

  /** Takes the customer's payout-hold lock (exclusive) until the unit of work ends. */
  lockPayoutHolds(customerId: string): Promise<void> {
    return this.refunds.lockPayoutHolds(customerId, 'exclusive');
  }

  /** Holds the customer's payouts for a security report (its lock is held: lockPayoutHolds). */
  placePayoutHold(customerId: string, securityReportId: string): Promise<PayoutHold> {
    return this.refunds.placePayoutHold(customerId, securityReportId);
  }

  /** Ends the customer's payout hold (its lock is held: lockPayoutHolds). */
  releasePayoutHold(customerId: string): Promise<void> {
    return this.refunds.removePayoutHold(customerId);
  }

  /**
   * A settlement offer by the merchant or an agent: below the refund's amount, open for
   * OFFER_EXPIRY_BUSINESS_DAYS business days, and only when no other offer is open.
   */
  offer(principal: Principal, id: string, dto: OfferDto, ifMatch?: number): Promise<RefundDto> {
    return this.txHost.withTransaction(async () => {
      const now = new Date();
      const refund = await this.checked(principal, id, 'offer', ifMatch, now);
      const amount = BigInt(dto.amount);
      if (amount >= refund.amount) {
        throw new AppError(
          'OFFER_AMOUNT_INVALID',
          `An offer must be below the refund's amount of ${refund.amount}.`,
          [{ field: 'amount', message: `must be below ${refund.amount}` }],
        );
      }
      const expiresAt = addBusinessDays(now, this.config.offerExpiryBusinessDays, this.calendar);
      const written = await this.writeOffer(principal, refund, 'offer', now, {
        set: {
          offerAmount: amount,
          offerMessage: dto.message,
          offerByRole: principal.role,
          offerById: principal.id,
          offerMadeAt: now,
          offerExpiresAt: expiresAt,
          offerStatus: 'OPEN',
        },
        note: dto.message,
        details: {
          amount: dto.amount,
          expiresAt: expiresAt.toISOString(),
          // An earlier offer left OPEN past its expiresAt, replaced before the scan marked it.
          ...(refund.offerStatus === 'OPEN' ? { previousOfferExpired: true } : {}),
        },
      });
      return this.finish(written, 'offer', principal);
    });
  }

  /**
   * The customer accepts the open offer: APPROVED for the offered amount, in one write that
   * gives the difference back to the payment. The support desk hears it as the end of the
   * review (an overdue case is solved as by approve) or of the dispute (outcome SETTLED).
   */
  acceptOffer(principal: Principal, id: string, ifMatch?: number): Promise<RefundDto> {
    return this.txHost.withTransaction(async () => {
      const now = new Date();
      const refund = await this.checked(principal, id, 'accept-offer', ifMatch, now);
      const offered = refund.offerAmount!;
      const note = `The customer accepted the ${refund.offerByRole}'s offer: ${offered} of the ${refund.requestedAmount} asked.`;
      const written = await this.write(principal, refund, 'accept-offer', {
        to: RefundStatus.APPROVED,
        set: { amount: offered, offerStatus: 'ACCEPTED', decidedAt: now, decisionReason: note },
        release: refund.amount - offered,
        offer: { open: true, at: now },
        note,
        details: { amount: Number(offered), requestedAmount: Number(refund.requestedAmount) },
      });
      const linked =
        refund.status === RefundStatus.DISPUTED
          ? await this.tell('refund.dispute-ended', {
              refund: written,
              actor: principal,
              outcome: 'SETTLED',
              note,
            })
          : await this.tell('refund.review-ended', {
              refund: written,
              actor: principal,
              outcome: 'APPROVED',
              reason: note,
            });
      return this.finish(linked, 'accept-offer', principal);
    });
  }

  /** The customer declines the open offer; the refund stays in its state. */
  declineOffer(principal: Principal, id: string, ifMatch?: number): Promise<RefundDto> {
    return this.txHost.withTransaction(async () => {
      const now = new Date();
      const refund = await this.checked(principal, id, 'decline-offer', ifMatch, now);
      const written = await this.writeOffer(principal, refund, 'decline-offer', now, {
        set: { offerStatus: 'DECLINED' },
        details: { amount: Number(refund.offerAmount) },
      });
      return this.finish(written, 'decline-offer', principal);
    });
  }

  /** The merchant that made the open offer, or any agent, withdraws it. */
  withdrawOffer(principal: Principal, id: string, ifMatch?: number): Promise<RefundDto> {
    return this.txHost.withTransaction(async () => {
      const now = new Date();
      const refund = await this.checked(principal, id, 'withdraw-offer', ifMatch, now);
      const written = await this.writeOffer(principal, refund, 'withdraw-offer', now, {
        set: { offerStatus: 'WITHDRAWN' },
        details: { amount: Number(refund.offerAmount) },
      });
      return this.finish(written, 'withdraw-offer', principal);
    });
  }

  /** The offer-expiry scan (a scheduled job): offers unanswered until their expiresAt. */
  async expireOffers(now = new Date()): Promise<string[]> {
    const expired: string[] = [];
    for (;;) {
      const batch = await this.expireOfferBatch(now);
      expired.push(...batch);
      if (batch.length === 0) return expired;
    }
  }

  private expireOfferBatch(now: Date): Promise<string[]> {
    return this.txHost.withTransaction(async () => {
      const due = await this.refunds.claimExpiredOffers(now);
      for (const refund of due) {
        const written = await this.refunds.update({
          id: refund.id,
          from: TRANSITIONS['expire-offer'].from,
          version: refund.version,
          set: { offerStatus: 'EXPIRED' },
          event: {
            action: 'expire-offer',
            fromStatus: refund.status,
            toStatus: refund.status,
            actor: SCHEDULER,
            note: `The offer was not answered by ${refund.offerExpiresAt?.toISOString()}.`,
            details: { amount: Number(refund.offerAmount) },
          },
        });
        // Claimed and locked with its version: only an OPEN offer outside the table's states
        // (which leaving them prevents) could fail here.
        if (!written) throw new Error(`refund ${refund.id}: open offer in state ${refund.status}`);
        await this.publish(written, 'expire-offer');
      }
      return due.map((refund) => refund.id);
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
    this.checkOffer(refund, action, principal, now);
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
    const set: RefundChanges = { ...plan.set, status: to };
    let details = plan.details;
    // Leaving the states where offers live ends an offer still marked OPEN, in this event.
    const offerStates: readonly RefundStatus[] = OFFER_STATUSES;
    if (
      refund.offerStatus === 'OPEN' &&
      plan.set?.offerStatus === undefined &&
      !offerStates.includes(to)
    ) {
      const open = offerOpen(refund, new Date());
      set.offerStatus = open ? 'WITHDRAWN' : 'EXPIRED';
      details = { ...details, ...(open ? { offerWithdrawn: true } : { offerExpired: true }) };
    }
    const written = await this.refunds.update({
      id: refund.id,
      from: TRANSITIONS[action].from,
      version: refund.version,
      set,
      release: (holds && !holdsAmount(to) ? refund.amount : 0n) + (plan.release ?? 0n),
      offer: plan.offer,
      event: { action, fromStatus: refund.status, toStatus: to, actor, note: plan.note, details },
    });
    if (!written) throw await this.lostRace(refund.id, action, actor);
    return written;
  }

  /**
   * An offer step that leaves the state as it is: one conditional write (state, version, and
   * whether the offer is open at `now`) with its timeline event, raising the version.
   */
  private async writeOffer(
    actor: Actor,
    refund: Refund,
    action: OfferStep,
    now: Date,
    change: { set: RefundChanges; note?: string; details?: object },
  ): Promise<Refund> {
    const written = await this.refunds.update({
      id: refund.id,
      from: TRANSITIONS[action].from,
      version: refund.version,
      set: change.set,
      offer: { open: action !== 'offer', at: now },
      event: {
        action,
        fromStatus: refund.status,
        toStatus: refund.status,
        actor,
        note: change.note,
        details: change.details,
      },
    });
    if (!written) throw await this.lostRace(refund.id, action, actor);
    return written;
  }

  /** Publishes `refund.<action>` and answers the refund as the caller sees it. */
  private async finish(refund: Refund, action: RefundAction | 'edit', principal: Principal) {
    const hold = await this.holdOf(refund);
    await this.publish(refund, action, hold);
    return this.toDto(refund, principal, hold);
  }

  /**
   * The payout hold on the refund's customer: as read with the refund (`heldBy`, by `findById`
   * and `update`), or read now.
   */
  private async holdOf(refund: Refund | HeldRefund): Promise<HoldFacts | undefined> {
    if ('heldBy' in refund) return refund.heldBy ? { securityReportId: refund.heldBy } : undefined;
    return this.refunds.findPayoutHold(refund.customerId);
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
  private async publish(
    refund: Refund,
    action: string,
    hold: HoldFacts | undefined | null = null,
  ): Promise<void> {
    const current = hold === null ? await this.holdOf(refund) : hold;
    await this.outbox.record({
      type: `refund.${action}`,
      refundId: refund.id,
      caseId: refund.caseId,
      data: refundData(refund, current),
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

  /** 409 unless the refund's offer allows the action (the table's `offer` and `offererOnly`). */
  private checkOffer(refund: Refund, action: RefundAction, actor: Actor, now: Date): void {
    const refused = this.offerRefused(refund, action, actor, now);
    if (refused) throw refused;
  }

  private offerRefused(
    refund: Refund,
    action: RefundAction,
    actor: Actor,
    now: Date,
  ): AppError | undefined {
    switch (offerRefusal(action, refund, actor, now)) {
      case undefined:
        return undefined;
      case 'OFFER_ALREADY_OPEN':
        return new AppError(
          'OFFER_ALREADY_OPEN',
          `An offer is open until ${refund.offerExpiresAt?.toISOString()}; withdraw it first.`,
        );
      case 'NO_OPEN_OFFER':
        return new AppError('NO_OPEN_OFFER', 'The refund has no open offer.');
      case 'NOT_THE_OFFERER':
        return new AppError(
          'INVALID_TRANSITION',
          'Only who made the offer, or an agent, may withdraw it.',
        );
    }
  }

  /**
   * Why an action's conditional write did nothing, from the refund as it is now: its offer no
   * longer allows it (409 NO_OPEN_OFFER, OFFER_ALREADY_OPEN) or its state changed (409).
   */
  private async lostRace(id: string, action: RefundAction, actor: Actor): Promise<AppError> {
    const current = await this.refunds.findById(id);
    const from: readonly RefundStatus[] = TRANSITIONS[action].from;
    const refused =
      current && from.includes(current.status)
        ? this.offerRefused(current, action, actor, new Date())
        : undefined;
    return (
      refused ?? new AppError('INVALID_TRANSITION', 'The refund changed meanwhile; fetch it again.')
    );
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
