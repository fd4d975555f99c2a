import type { Principal } from '../common/principal';
import { nextActions, offerOpen, offerRefusal } from './next-actions';

const NOW = new Date('2026-12-01T10:00:00Z');
const LATER = new Date('2026-12-04T10:00:00Z');
const EARLIER = new Date('2026-11-30T10:00:00Z');

const customer: Principal = { role: 'customer', id: 'cus-1' };
const merchant: Principal = { role: 'merchant', id: 'mer-1' };
const agent: Principal = { role: 'agent', id: 'agt-1' };

const refund = (offer: Partial<Parameters<typeof nextActions>[0]> = {}) => ({
  status: 'UNDER_REVIEW' as const,
  customerId: 'cus-1',
  merchantId: 'mer-1',
  disputeDeadlineAt: null,
  merchantResponseDueAt: null,
  offerStatus: null,
  offerExpiresAt: null,
  offerByRole: null,
  offerById: null,
  ...offer,
});

const openBy = (by: Principal, expiresAt = LATER) =>
  refund({
    offerStatus: 'OPEN',
    offerExpiresAt: expiresAt,
    offerByRole: by.role,
    offerById: by.id,
  });

describe('settlement offers in nextActions', () => {
  it('an offer is open while OPEN and before its expiresAt', () => {
    expect(offerOpen(openBy(merchant), NOW)).toBe(true);
    expect(offerOpen(openBy(merchant, EARLIER), NOW)).toBe(false);
    expect(offerOpen(openBy(merchant, NOW), NOW)).toBe(false);
    expect(offerOpen(refund({ offerStatus: 'DECLINED', offerExpiresAt: LATER }), NOW)).toBe(false);
    expect(offerOpen(refund(), NOW)).toBe(false);
  });

  it('without an open offer: offer for the merchant and agents, nothing to answer', () => {
    expect(nextActions(refund(), merchant, NOW)).toContain('offer');
    expect(nextActions(refund(), agent, NOW)).toContain('offer');
    expect(nextActions(refund(), customer, NOW)).not.toContain('accept-offer');
    expect(offerRefusal('accept-offer', refund(), customer, NOW)).toBe('NO_OPEN_OFFER');
    // An offer past its expiresAt is not open, though the scan has not marked it yet.
    expect(offerRefusal('offer', openBy(merchant, EARLIER), merchant, NOW)).toBeUndefined();
  });

  it('with an open offer: the customer answers, its maker or an agent withdraws', () => {
    const byMerchant = openBy(merchant);
    expect(nextActions(byMerchant, customer, NOW)).toEqual(
      expect.arrayContaining(['accept-offer', 'decline-offer']),
    );
    expect(nextActions(byMerchant, merchant, NOW)).toContain('withdraw-offer');
    expect(nextActions(byMerchant, merchant, NOW)).not.toContain('offer');
    expect(offerRefusal('offer', byMerchant, agent, NOW)).toBe('OFFER_ALREADY_OPEN');
    expect(nextActions(byMerchant, agent, NOW)).toContain('withdraw-offer');

    const byAgent = openBy(agent);
    expect(nextActions(byAgent, merchant, NOW)).not.toContain('withdraw-offer');
    expect(offerRefusal('withdraw-offer', byAgent, merchant, NOW)).toBe('NOT_THE_OFFERER');
    expect(nextActions(byAgent, { role: 'agent', id: 'agt-2' }, NOW)).toContain('withdraw-offer');
  });

  it('outside SUBMITTED, UNDER_REVIEW and DISPUTED there is no offer step', () => {
    const approved = { ...openBy(merchant), status: 'APPROVED' as const };
    for (const who of [customer, merchant, agent]) {
      expect(nextActions(approved, who, NOW).filter((a) => a.includes('offer'))).toEqual([]);
    }
  });
});
