import { z } from 'zod';

export const ROLES = ['owner', 'manager', 'salesperson', 'workshop', 'accountant'] as const;
export const roleSchema = z.enum(ROLES);
export type Role = z.infer<typeof roleSchema>;

/** Who may write what (everyone in the tenant reads everything). One table, used by every handler. */
export const WRITERS = {
  customers: ['owner', 'manager', 'salesperson'],
  purchases: ['owner', 'manager', 'salesperson'],
  repairs: ['owner', 'manager', 'salesperson', 'workshop'],
  laybys: ['owner', 'manager', 'accountant'],
  appointments: ['owner', 'manager', 'salesperson'],
  consent: ['owner', 'manager', 'salesperson'],
  marketing: ['owner', 'manager'],
  settings: ['owner', 'manager'],
  staff: ['owner', 'manager'],
  audit: ['owner', 'manager'],
  privacy: ['owner', 'manager'],
  imports: ['owner', 'manager'],
} as const satisfies Record<string, readonly Role[]>;
export type WriteArea = keyof typeof WRITERS;

const ROLE_LABEL: Record<Role, string> = {
  owner: 'owner',
  manager: 'manager',
  salesperson: 'salesperson',
  workshop: 'workshop',
  accountant: 'accountant',
};

/** "owner or manager", "owner, manager or accountant" */
export function describeRoles(roles: readonly Role[]): string {
  const labels = roles.map((r) => ROLE_LABEL[r]);
  if (labels.length <= 1) return labels.join('');
  return `${labels.slice(0, -1).join(', ')} or ${labels[labels.length - 1]}`;
}

/** The identity the authorizer resolved; handlers never take a tenant id from a path or body. */
export interface Principal {
  tenantId: string;
  staffId: string;
  role: Role;
}
