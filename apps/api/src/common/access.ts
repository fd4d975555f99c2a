import type { Principal } from './principal';

/** Who sees what: customers their own, merchants what was paid to them, agents and the system everything. */
export function canSee(
  principal: Principal,
  owner: { customerId: string; merchantId: string },
): boolean {
  switch (principal.role) {
    case 'customer':
      return owner.customerId === principal.id;
    case 'merchant':
      return owner.merchantId === principal.id;
    case 'agent':
    case 'system':
      return true;
  }
}

/** The same rule as a query filter, for lists. */
export function visibleTo(principal: Principal): { customerId?: string; merchantId?: string } {
  switch (principal.role) {
    case 'customer':
      return { customerId: principal.id };
    case 'merchant':
      return { merchantId: principal.id };
    case 'agent':
    case 'system':
      return {};
  }
}
