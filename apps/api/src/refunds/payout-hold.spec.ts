import { RefundStatus } from '../generated/kysely/enums';
import { heldBack, nextActions } from './next-actions';

const refund = (status: RefundStatus) =>
  ({
    status,
    customerId: 'cus-1',
    merchantId: 'mer-1',
    disputeDeadlineAt: null,
    merchantResponseDueAt: null,
    offerStatus: null,
    offerExpiresAt: null,
    offerByRole: null,
    offerById: null,
  }) as Parameters<typeof nextActions>[0];

const system = { role: 'system', id: 'ledger' } as const;
const now = new Date('2026-11-30T10:00:00Z');

describe('nextActions under a payout hold', () => {
  it('offers the system start-payout and payout on an APPROVED refund while nothing is held', () => {
    expect(nextActions(refund(RefundStatus.APPROVED), system, now)).toEqual([
      'start-payout',
      'payout',
    ]);
  });

  it('offers neither while the payouts are held', () => {
    expect(nextActions(refund(RefundStatus.APPROVED), system, now, true)).toEqual([]);
  });

  it('still offers the result of a payout already started', () => {
    expect(nextActions(refund(RefundStatus.PAYOUT_PENDING), system, now, true)).toEqual(['payout']);
  });

  it('leaves retry-payout to agents', () => {
    const agent = { role: 'agent', id: 'agt-1' } as const;
    expect(nextActions(refund(RefundStatus.PAYOUT_FAILED), agent, now, true)).toEqual([
      'retry-payout',
    ]);
  });

  it('holds back exactly starting a payout and paying straight from APPROVED', () => {
    expect(heldBack('start-payout', RefundStatus.APPROVED)).toBe(true);
    expect(heldBack('payout', RefundStatus.APPROVED)).toBe(true);
    expect(heldBack('payout', RefundStatus.PAYOUT_PENDING)).toBe(false);
    expect(heldBack('retry-payout', RefundStatus.PAYOUT_FAILED)).toBe(false);
  });
});
