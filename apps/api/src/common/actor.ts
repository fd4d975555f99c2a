import type { Principal } from '../common/principal';

/** Who did something: a caller, or the service itself. */
export type Actor = Principal | { role: 'service'; id: string };

/** The service's own scans (expiry, overdue reviews) act as this actor. */
export const SCHEDULER: Actor = { role: 'service', id: 'scheduler' };

/** Messages the service writes on its own behalf (an unauthorized payment's case). */
export const SERVICE: Actor = { role: 'service', id: 'refund-desk' };
