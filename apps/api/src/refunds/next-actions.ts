import type { Actor } from '../common/actor';
import type { Principal, Role } from '../common/principal';
import { canSee } from '../common/access';
import type { Refund } from '../database/database';
import { RefundStatus } from '../generated/kysely/enums';
import {
  ENDPOINT_ACTIONS,
  RefundAction,
  TERMINAL_STATUSES,
  Transition,
  TRANSITIONS,
} from './refund-transitions';

type OfferFacts = Pick<Refund, 'offerStatus' | 'offerExpiresAt' | 'offerByRole' | 'offerById'>;

type RefundFacts = Pick<
  Refund,
  'status' | 'customerId' | 'merchantId' | 'disputeDeadlineAt' | 'merchantResponseDueAt'
> &
  OfferFacts;

/** An offer is open while its status is OPEN and its `expiresAt` has not passed. */
export function offerOpen(refund: OfferFacts, now: Date): boolean {
  return (
    refund.offerStatus === 'OPEN' && refund.offerExpiresAt !== null && now < refund.offerExpiresAt
  );
}

/** Why the refund's offer refuses the action (the table's `offer`), or undefined if it allows it. */
export function offerRefusal(
  action: RefundAction,
  refund: OfferFacts,
  actor: Actor,
  now: Date,
): 'OFFER_ALREADY_OPEN' | 'NO_OPEN_OFFER' | 'NOT_THE_OFFERER' | undefined {
  const { offer, offererOnly }: Transition = TRANSITIONS[action];
  if (offer === undefined) return undefined;
  const open = offerOpen(refund, now);
  if (offer === 'none') return open ? 'OFFER_ALREADY_OPEN' : undefined;
  if (!open) return 'NO_OPEN_OFFER';
  const own = refund.offerByRole === actor.role && refund.offerById === actor.id;
  return offererOnly?.includes(actor.role as Role) && !own ? 'NOT_THE_OFFERER' : undefined;
}

/** Terminal states, plus REJECTED once its dispute window has passed. */
export function isTerminal(refund: RefundFacts, now: Date): boolean {
  if (TERMINAL_STATUSES.includes(refund.status)) return true;
  return (
    refund.status === RefundStatus.REJECTED &&
    refund.disputeDeadlineAt !== null &&
    now > refund.disputeDeadlineAt
  );
}

/** Whether the action's time window (if it has one) is still open. */
export function withinWindow(action: RefundAction, refund: RefundFacts, now: Date): boolean {
  if (action === 'dispute' || action === 'escalate') return !isTerminal(refund, now);
  if (action === 'merchant-response') {
    return refund.merchantResponseDueAt === null || now <= refund.merchantResponseDueAt;
  }
  return true;
}

/**
 * Whether a payout hold refuses the action: starting a payout, or paying straight from
 * APPROVED. A result for a payout already started (PAYOUT_PENDING) is still recorded.
 */
export function heldBack(action: RefundAction, status: RefundStatus): boolean {
  return action === 'start-payout' || (action === 'payout' && status === RefundStatus.APPROVED);
}

/**
 * What the caller may do now: the transition table filtered by state, role and visibility, by
 * the dispute and merchant-response windows, and by the customer's payout hold. A listed action
 * can then fail only for its body (400) or a business rule checked on the data (422: amount,
 * evidence).
 */
export function nextActions(
  refund: RefundFacts,
  principal: Principal,
  now: Date,
  payoutHeld = false,
): RefundAction[] {
  if (!canSee(principal, refund)) return [];
  return ENDPOINT_ACTIONS.filter((action) => {
    const transition = TRANSITIONS[action];
    return (
      (transition.roles as readonly string[]).includes(principal.role) &&
      (transition.from as readonly RefundStatus[]).includes(refund.status) &&
      withinWindow(action, refund, now) &&
      offerRefusal(action, refund, principal, now) === undefined &&
      !(payoutHeld && heldBack(action, refund.status))
    );
  });
}
