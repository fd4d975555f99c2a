import { Injectable } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import { SCHEDULER, SERVICE } from '../common/actor';
import { CasePriority, CaseReason, ReasonCode } from '../generated/kysely/enums';
import type { CaseLink, RefundDomainEvents } from '../refunds/refund-domain-events';
import { CasesService } from './cases.service';

/** A subscriber's failure must fail the refund's change, not be logged and forgotten. */
const IN_THE_CHANGE = { suppressErrors: false } as const;

const link = (supportCase: { id: string } | undefined): CaseLink | undefined =>
  supportCase && { caseId: supportCase.id };

/**
 * The support desk's escalation policy: what each event of the refund flow means for its cases
 * (which reason, which priority, which message). Runs in the refund's unit of work; answers the
 * case the refund now belongs to.
 */
@Injectable()
export class EscalationPolicy {
  constructor(private readonly cases: CasesService) {}

  /** A stolen wallet is reported at once: an urgent case from the moment of submission. */
  @OnEvent('refund.submitted', IN_THE_CHANGE)
  async submitted({ refund }: RefundDomainEvents['refund.submitted']) {
    if (refund.reasonCode !== ReasonCode.UNAUTHORIZED_TRANSACTION) return undefined;
    const { supportCase } = await this.cases.openOrJoin({
      refund,
      reason: CaseReason.UNAUTHORIZED_TRANSACTION,
      priority: CasePriority.URGENT,
      channel: 'SYSTEM',
      message: {
        author: SERVICE,
        body:
          'The customer reports this payment as unauthorized.' +
          (refund.description ? ` Their account: ${refund.description}` : ''),
      },
    });
    return link(supportCase);
  }

  @OnEvent('refund.review-overdue', IN_THE_CHANGE)
  async reviewOverdue({ refund }: RefundDomainEvents['refund.review-overdue']) {
    const { supportCase } = await this.cases.openOrJoin({
      refund,
      reason: CaseReason.REVIEW_OVERDUE,
      priority: CasePriority.HIGH,
      channel: 'SYSTEM',
      message: {
        author: SCHEDULER,
        body: `The merchant's review was due at ${refund.reviewDueAt?.toISOString()} and is overdue.`,
      },
    });
    return link(supportCase);
  }

  /** When the review ends, an open REVIEW_OVERDUE case is solved with what was decided. */
  @OnEvent('refund.review-ended', IN_THE_CHANGE)
  async reviewEnded({ refund, actor, outcome, reason }: RefundDomainEvents['refund.review-ended']) {
    if (!refund.caseId) return undefined;
    const verb = outcome === 'APPROVED' ? 'approved' : 'rejected';
    await this.cases.solveForRefund(refund.id, { reasons: [CaseReason.REVIEW_OVERDUE] }, outcome, {
      author: actor,
      body: `The ${actor.role} ${verb} the refund.${reason ? ` ${reason}` : ''}`,
    });
    return undefined;
  }

  @OnEvent('refund.disputed', IN_THE_CHANGE)
  async disputed({
    refund,
    actor,
    statement,
    negotiationRecords,
  }: RefundDomainEvents['refund.disputed']) {
    const { supportCase } = await this.cases.openOrJoin({
      refund,
      reason: CaseReason.DISPUTE,
      priority: CasePriority.HIGH,
      channel: 'IN_APP_CHAT',
      dispute: true,
      message: { author: actor, body: statement, details: { negotiationRecords } },
    });
    return link(supportCase);
  }

  /**
   * Resolving or withdrawing the dispute solves its case, with the outcome: the note is the
   * customer's public message, the agent's internal note stays with the agents.
   */
  @OnEvent('refund.dispute-ended', IN_THE_CHANGE)
  async disputeEnded({
    refund,
    actor,
    outcome,
    note,
    internalNote,
  }: RefundDomainEvents['refund.dispute-ended']) {
    await this.cases.solveForRefund(
      refund.id,
      { dispute: true },
      outcome,
      { author: actor, body: note },
      {
        internalNote: internalNote
          ? { author: actor, body: internalNote, internal: true }
          : undefined,
        // The agent who decided the dispute owns its case from then on.
        assignActor: actor.role === 'agent',
      },
    );
    return undefined;
  }

  /** The agent working the dispute sees the merchant's side in the case. */
  @OnEvent('refund.merchant-responded', IN_THE_CHANGE)
  async merchantResponded({
    refund,
    actor,
    statement,
  }: RefundDomainEvents['refund.merchant-responded']) {
    await this.cases.addToOpenCase(refund.id, {
      author: actor,
      body: statement,
      details: { kind: 'merchant-response' },
    });
    return undefined;
  }
}
