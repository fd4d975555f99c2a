import type { Role } from '../common/principal';
import { RefundStatus } from '../generated/kysely/enums';

/**
 * The refund state machine, as data: the single source of truth for the service, `nextActions`,
 * the OpenAPI descriptions, the state diagram of docs/api.md (state-diagram.ts) and the tests.
 */
export interface Transition {
  from: readonly RefundStatus[];
  /** Possible target states; empty for actions that only append to the timeline. */
  to: readonly RefundStatus[];
  /** Who may take it; `expire` is the service's own. */
  roles: readonly Role[];
  /**
   * What the refund's settlement offer must be: `none` no open offer (409 OFFER_ALREADY_OPEN
   * otherwise), `open` an open one (409 NO_OPEN_OFFER otherwise).
   */
  offer?: 'none' | 'open';
  /** Roles that may take it only on an offer they made themselves (agents: any offer). */
  offererOnly?: readonly Role[];
  summary: string;
}

const REVIEWABLE = [RefundStatus.SUBMITTED, RefundStatus.UNDER_REVIEW] as const;

/**
 * Where a settlement offer may be made and answered. An action that leaves these states
 * withdraws an open offer within its own event.
 */
export const OFFER_STATUSES = [
  RefundStatus.SUBMITTED,
  RefundStatus.UNDER_REVIEW,
  RefundStatus.DISPUTED,
] as const;

export const TERMINAL_STATUSES: readonly RefundStatus[] = [
  RefundStatus.REFUNDED,
  RefundStatus.CANCELLED,
  RefundStatus.CLOSED,
  RefundStatus.EXPIRED,
];

/**
 * Refunds in these states no longer hold any part of their payment: what they asked for is
 * refundable again. Every other state counts against the payment (a dispute re-activates a
 * rejected amount by leaving REJECTED).
 */
export const RELEASED_STATUSES: readonly RefundStatus[] = [
  RefundStatus.CANCELLED,
  RefundStatus.CLOSED,
  RefundStatus.EXPIRED,
  RefundStatus.REJECTED,
];

/** Whether a refund in this state holds its amount of the payment. */
export function holdsAmount(status: RefundStatus): boolean {
  return !RELEASED_STATUSES.includes(status);
}

/** Everything but the terminal states (REJECTED counts only while its dispute window is open). */
const OPEN_STATUSES = Object.values(RefundStatus).filter((s) => !TERMINAL_STATUSES.includes(s));

export const TRANSITIONS = {
  apply: {
    from: [],
    to: [RefundStatus.DRAFT],
    roles: ['customer'],
    summary: 'Apply for a refund of one of your payments (POST /v1/refunds).',
  },
  submit: {
    from: [RefundStatus.DRAFT],
    to: [RefundStatus.SUBMITTED],
    roles: ['customer'],
    summary: 'Submit the draft for review; the evidence checklist of its reason must be met.',
  },
  'start-review': {
    from: [RefundStatus.SUBMITTED],
    to: [RefundStatus.UNDER_REVIEW],
    roles: ['merchant', 'agent'],
    summary: 'Start reviewing a submitted refund.',
  },
  'request-info': {
    from: REVIEWABLE,
    to: [RefundStatus.INFO_REQUESTED],
    roles: ['merchant', 'agent'],
    summary: 'Ask the customer a question; the refund waits for the answer.',
  },
  'provide-info': {
    from: [RefundStatus.INFO_REQUESTED],
    to: [RefundStatus.SUBMITTED],
    roles: ['customer'],
    summary: 'Answer the question; the refund is submitted again and its review deadline restarts.',
  },
  approve: {
    from: REVIEWABLE,
    to: [RefundStatus.APPROVED],
    roles: ['merchant', 'agent'],
    summary: 'Approve the refund; the payout follows.',
  },
  reject: {
    from: REVIEWABLE,
    to: [RefundStatus.REJECTED],
    roles: ['merchant', 'agent'],
    summary: 'Reject the refund with a reason; the customer may dispute within the window.',
  },
  cancel: {
    from: [
      RefundStatus.DRAFT,
      RefundStatus.SUBMITTED,
      RefundStatus.UNDER_REVIEW,
      RefundStatus.INFO_REQUESTED,
    ],
    to: [RefundStatus.CANCELLED],
    roles: ['customer'],
    summary: 'Withdraw the request.',
  },
  dispute: {
    from: [RefundStatus.REJECTED],
    to: [RefundStatus.DISPUTED],
    roles: ['customer'],
    summary: "Dispute the merchant's rejection before the dispute deadline.",
  },
  'withdraw-dispute': {
    from: [RefundStatus.DISPUTED],
    to: [RefundStatus.CLOSED],
    roles: ['customer'],
    summary: 'Withdraw the dispute; the refund is closed.',
  },
  'resolve-dispute': {
    from: [RefundStatus.DISPUTED],
    to: [RefundStatus.APPROVED, RefundStatus.CLOSED],
    roles: ['agent'],
    summary: 'Decide the dispute: CUSTOMER_FAVOUR approves, MERCHANT_FAVOUR closes.',
  },
  'start-payout': {
    from: [RefundStatus.APPROVED],
    to: [RefundStatus.PAYOUT_PENDING],
    roles: ['system'],
    summary:
      'The wallet back-end claims the refund before it pays (refused with PAYOUT_HELD while the ' +
      "customer's payouts are held).",
  },
  payout: {
    from: [RefundStatus.APPROVED, RefundStatus.PAYOUT_PENDING],
    to: [RefundStatus.REFUNDED, RefundStatus.PAYOUT_FAILED],
    roles: ['system'],
    summary:
      'Report the payout result from the wallet back-end (straight from APPROVED: refused with ' +
      "PAYOUT_HELD while the customer's payouts are held).",
  },
  'retry-payout': {
    from: [RefundStatus.PAYOUT_FAILED],
    to: [RefundStatus.APPROVED],
    roles: ['agent'],
    summary: 'Send a failed payout back for another attempt.',
  },
  offer: {
    from: OFFER_STATUSES,
    to: [],
    roles: ['merchant', 'agent'],
    offer: 'none',
    summary:
      'Offer part of the amount instead of a yes or no; open for OFFER_EXPIRY_BUSINESS_DAYS business days.',
  },
  'accept-offer': {
    from: OFFER_STATUSES,
    to: [RefundStatus.APPROVED],
    roles: ['customer'],
    offer: 'open',
    summary:
      "Accept the open offer: approved for the offer's amount; the rest of the payment is refundable again.",
  },
  'decline-offer': {
    from: OFFER_STATUSES,
    to: [],
    roles: ['customer'],
    offer: 'open',
    summary: 'Decline the open offer; the refund stays as it is.',
  },
  'withdraw-offer': {
    from: OFFER_STATUSES,
    to: [],
    roles: ['merchant', 'agent'],
    offer: 'open',
    offererOnly: ['merchant'],
    summary: 'Withdraw the open offer: the merchant that made it, or any agent.',
  },
  'expire-offer': {
    from: OFFER_STATUSES,
    to: [],
    roles: [],
    summary: 'The service expires offers left unanswered until their expiresAt.',
  },
  expire: {
    from: [RefundStatus.DRAFT, RefundStatus.INFO_REQUESTED],
    to: [RefundStatus.EXPIRED],
    roles: [],
    summary: 'The service expires untouched drafts and unanswered information requests.',
  },
  escalate: {
    from: OPEN_STATUSES,
    to: [],
    roles: ['customer'],
    summary: 'Ask human support to look at the refund (opens or reuses a support case).',
  },
  'merchant-response': {
    from: [RefundStatus.DISPUTED],
    to: [],
    roles: ['merchant'],
    summary: "The merchant's side of a dispute, before merchantResponseDueAt.",
  },
} as const satisfies Record<string, Transition>;

export type RefundAction = keyof typeof TRANSITIONS;

/** The states an action may lead to, as the table says: the compiler refuses any other. */
export type TargetOf<A extends RefundAction> = (typeof TRANSITIONS)[A]['to'][number];

/** The states a review can end from (approve, reject): where a review deadline runs. */
export const UNDER_REVIEW_STATUSES: readonly RefundStatus[] = TRANSITIONS.approve.from;

/**
 * Changes that are not transitions (the state stays), with who may make them in which states.
 * PATCH edits the draft; evidence is added by customers while the refund is theirs to edit or
 * answer, by merchants and agents while they review it, and by all three while it is disputed
 * (never once it is terminal: a REJECTED one only within its dispute window).
 */
export const EDITS = {
  edit: { customer: [RefundStatus.DRAFT] },
  upload: {
    customer: [
      RefundStatus.DRAFT,
      RefundStatus.INFO_REQUESTED,
      RefundStatus.REJECTED,
      RefundStatus.DISPUTED,
    ],
    merchant: [RefundStatus.SUBMITTED, RefundStatus.UNDER_REVIEW, RefundStatus.DISPUTED],
    agent: [RefundStatus.SUBMITTED, RefundStatus.UNDER_REVIEW, RefundStatus.DISPUTED],
  },
} as const satisfies Record<string, Partial<Record<Role, readonly RefundStatus[]>>>;

/** Whether `role` may make the edit in `status` (terminal states are checked by the caller). */
export function mayEdit(edit: keyof typeof EDITS, role: Role, status: RefundStatus): boolean {
  const statuses: Partial<Record<Role, readonly RefundStatus[]>> = EDITS[edit];
  return statuses[role]?.includes(status) ?? false;
}

export const ACTIONS = Object.keys(TRANSITIONS) as RefundAction[];

/** Actions the service takes itself (actor service/scheduler): no endpoint. */
export const SERVICE_ACTIONS: readonly RefundAction[] = ['expire', 'expire-offer'];

/** Actions a client calls as POST /v1/refunds/:id/<action>. */
export const ENDPOINT_ACTIONS = ACTIONS.filter(
  (action) => action !== 'apply' && !SERVICE_ACTIONS.includes(action),
);

/** The OpenAPI description of an action, from the table. */
export function describeAction(action: RefundAction): string {
  const transition: Transition = TRANSITIONS[action];
  const { from, to, roles, summary, offer } = transition;
  const target = to.length > 0 ? to.join(' or ') : 'unchanged (timeline event only)';
  const needs =
    offer === 'open' ? ' With an open offer.' : offer === 'none' ? ' Without an open offer.' : '';
  return `${summary}\n\nFrom ${from.join(', ')} to ${target}.${needs} Roles: ${roles.join(', ')}.`;
}
