import { WRITERS, describeRoles, type Role } from '../../auth/roles';

export type StaffAction = 'create' | 'issue_key' | 'revoke_key';

const OWNER_ONLY_MESSAGE: Record<StaffAction, string> = {
  create: 'Only an owner can create an owner.',
  issue_key: 'Only an owner can issue a key for an owner.',
  revoke_key: "Only an owner can revoke an owner's key.",
};

/**
 * Why `actor` may not do `action` to a staff member with role `target`, or undefined when allowed. Owners and managers
 * manage staff; only owners touch owners (a manager must not be able to lock the owner out, or mint an owner key).
 */
export function staffManagementRefusal(actor: Role, target: Role, action: StaffAction): string | undefined {
  const managers: readonly Role[] = WRITERS.staff;
  if (!managers.includes(actor)) return `Only ${describeRoles(WRITERS.staff)} can manage staff and API keys.`;
  if (target === 'owner' && actor !== 'owner') return OWNER_ONLY_MESSAGE[action];
  return undefined;
}

export const LAST_OWNER_MESSAGE =
  'This is the last active owner key of the tenant; issue another owner a key before revoking this one.';

/** Revoking an owner's key must leave at least one active owner key (an owner nobody can act as is a locked tenant). */
export function revokeLeavesNoOwner(activeOwnerKeys: number, targetRole: Role): boolean {
  return targetRole === 'owner' && activeOwnerKeys <= 1;
}
