export const ROLES = ['customer', 'merchant', 'agent', 'system'] as const;
export type Role = (typeof ROLES)[number];

/** Who is calling: the verified `sub` and `role` claims of the bearer token. */
export interface Principal {
  role: Role;
  id: string;
}
