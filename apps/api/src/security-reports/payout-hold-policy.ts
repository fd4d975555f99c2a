import { Injectable } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import type { RefundDomainEvents } from '../refunds/refund-domain-events';
import { SecurityReportsService } from './security-reports.service';

/** A subscriber's failure must fail the refund's change, not be logged and forgotten. */
const IN_THE_CHANGE = { suppressErrors: false } as const;

/** What the refund flow's events mean for a security report, in the refund's unit of work. */
@Injectable()
export class PayoutHoldPolicy {
  constructor(private readonly reports: SecurityReportsService) {}

  @OnEvent('refund.payout-reported-while-held', IN_THE_CHANGE)
  async payoutWhileHeld({
    refund,
    actor,
    securityReportId,
    result,
  }: RefundDomainEvents['refund.payout-reported-while-held']) {
    await this.reports.notePayoutWhileHeld(securityReportId, {
      refundId: refund.id,
      result,
      actor,
    });
    return undefined;
  }
}
