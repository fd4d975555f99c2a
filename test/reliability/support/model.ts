import type { Role } from '../../../apps/api/src/common/principal';
import { RefundStatus } from '../../../apps/api/src/generated/kysely/enums';
import { missingEvidence } from '../../../apps/api/src/refunds/evidence';
import {
  ENDPOINT_ACTIONS,
  RefundAction,
  RELEASED_STATUSES,
  Transition,
  TRANSITIONS,
} from '../../../apps/api/src/refunds/refund-transitions';

/** The principals of one sequence: the payment's customer and merchant, strangers, staff. */
export const PRINCIPALS = [
  'customer',
  'strangerCustomer',
  'merchant',
  'strangerMerchant',
  'agent',
  'system',
] as const;
export type PrincipalName = (typeof PRINCIPALS)[number];

export const roleOf = (who: PrincipalName): Role =>
  who === 'strangerCustomer' ? 'customer' : who === 'strangerMerchant' ? 'merchant' : who;

/** Strangers see nothing of the payment; its own customer and merchant, agents and the system do. */
export const sees = (who: PrincipalName): boolean => !who.startsWith('stranger');

export interface ModelRefund {
  id: string;
  status: RefundStatus;
  amount: number;
  reasonCode: 'NOT_RECEIVED' | 'OTHER' | 'DEFECTIVE_OR_DAMAGED';
  description: string | null;
  attachments: number;
  version: number;
  /** Timeline events: one per successful action. */
  events: number;
  /** The latest settlement offer (expiry lies days ahead: never within a sequence). */
  offer?: { amount: number; by: PrincipalName; open: boolean };
}

/** Whether the refund's offer allows the action, as the table's `offer` and `offererOnly` say. */
export function offerAllows(
  action: RefundAction,
  who: PrincipalName,
  refund: ModelRefund,
): boolean {
  const { offer, offererOnly }: Transition = TRANSITIONS[action];
  const open = refund.offer?.open === true;
  if (offer === 'none') return !open;
  if (offer !== 'open') return true;
  if (!open) return false;
  return !offererOnly?.includes(roleOf(who)) || refund.offer?.by === who;
}

export interface Expected {
  status: number;
  /** The refund's status afterwards (for a success). */
  to?: RefundStatus;
}

/** The money a payment's refunds hold, leaving one refund out. */
export function held(refunds: readonly ModelRefund[], except?: ModelRefund): number {
  return refunds
    .filter((r) => r !== except && !RELEASED_STATUSES.includes(r.status))
    .reduce((sum, r) => sum + r.amount, 0);
}

/** Who may upload evidence in which state (the attachments route's documented rule). */
const UPLOAD_STATES: Record<Role, readonly RefundStatus[]> = {
  customer: ['DRAFT', 'INFO_REQUESTED', 'REJECTED', 'DISPUTED'],
  merchant: ['SUBMITTED', 'UNDER_REVIEW', 'DISPUTED'],
  agent: ['SUBMITTED', 'UNDER_REVIEW', 'DISPUTED'],
  system: [],
};
export const MAX_ATTACHMENTS = 10;

/**
 * The answer docs/api.md predicts for an action, from the transition table and the rules, in its
 * refusal order: 403 role, 404 not visible, 409 state, 422 business rule.
 */
export function expectAction(
  action: RefundAction,
  who: PrincipalName,
  refund: ModelRefund,
  all: readonly ModelRefund[],
  payment: number,
  choice: { favour: boolean; amount: number },
): Expected {
  const { roles, from, to } = TRANSITIONS[action];
  if (!(roles as readonly Role[]).includes(roleOf(who))) return { status: 403 };
  if (!sees(who)) return { status: 404 };
  if (!(from as readonly RefundStatus[]).includes(refund.status)) return { status: 409 };
  if (!offerAllows(action, who, refund)) return { status: 409 };
  if (action === 'offer' && choice.amount >= refund.amount) return { status: 422 };
  if (action === 'submit') {
    const kinds = Array<'PHOTO'>(refund.attachments).fill('PHOTO');
    if (missingEvidence(refund.reasonCode, refund.description, kinds).length > 0) {
      return { status: 422 };
    }
  }
  if (action === 'dispute' && held(all, refund) + refund.amount > payment) return { status: 422 };
  if (action === 'resolve-dispute')
    return { status: 200, to: choice.favour ? 'APPROVED' : 'CLOSED' };
  if (action === 'payout') return { status: 200, to: choice.favour ? 'REFUNDED' : 'PAYOUT_FAILED' };
  return { status: 200, to: to[0] ?? refund.status };
}

export function expectUpload(who: PrincipalName, refund: ModelRefund): Expected {
  const role = roleOf(who);
  if (role === 'system') return { status: 403 };
  if (!sees(who)) return { status: 404 };
  if (!UPLOAD_STATES[role].includes(refund.status)) return { status: 409 };
  if (refund.attachments >= MAX_ATTACHMENTS) return { status: 422 };
  return { status: 201, to: refund.status };
}

export function expectEdit(
  who: PrincipalName,
  refund: ModelRefund,
  all: readonly ModelRefund[],
  payment: number,
  amount: number,
): Expected {
  if (roleOf(who) !== 'customer') return { status: 403 };
  if (!sees(who)) return { status: 404 };
  if (refund.status !== 'DRAFT') return { status: 409 };
  if (held(all, refund) + amount > payment) return { status: 422 };
  return { status: 200, to: 'DRAFT' };
}

export function expectApply(
  who: PrincipalName,
  all: readonly ModelRefund[],
  payment: number,
  amount: number,
): Expected {
  if (roleOf(who) !== 'customer') return { status: 403 };
  if (!sees(who)) return { status: 404 };
  if (held(all) + amount > payment) return { status: 422 };
  return { status: 201, to: 'DRAFT' };
}

/** What `nextActions` must hold for a principal: the table filtered by role, visibility, state. */
export function expectedNextActions(who: PrincipalName, refund: ModelRefund): RefundAction[] {
  if (!sees(who)) return [];
  return ENDPOINT_ACTIONS.filter(
    (action) =>
      (TRANSITIONS[action].roles as readonly Role[]).includes(roleOf(who)) &&
      (TRANSITIONS[action].from as readonly RefundStatus[]).includes(refund.status) &&
      offerAllows(action, who, refund),
  );
}
