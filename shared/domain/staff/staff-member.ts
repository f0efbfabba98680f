import type { Role } from '../../auth/roles';

/** A key as the staff member's record lists it: never the secret, only what tells keys apart. */
export interface StaffKey {
  keyId: string;
  /** Hash of the secret; also the key of the authorizer's lookup item. */
  keyHash: string;
  hint: string;
  createdAt: string;
  createdBy: string;
  revokedAt?: string;
  revokedBy?: string;
}

export interface StaffMember {
  tenantId: string;
  staffId: string;
  name: string;
  email: string;
  role: Role;
  createdAt: string;
  createdBy: string;
  keys: StaffKey[];
  /** Optimistic-locking counter: every write of the record checks and bumps it. */
  version: number;
}

export const isActiveKey = (key: StaffKey) => key.revokedAt === undefined;

export const activeKeys = (member: StaffMember) => member.keys.filter(isActiveKey);

/**
 * Active keys held by owners. The tenant item keeps this count so that "the last owner cannot be revoked" is a
 * condition on one item, which concurrent revocations cannot both pass.
 */
export function countActiveOwnerKeys(members: readonly StaffMember[]): number {
  return members.filter((m) => m.role === 'owner').reduce((n, m) => n + activeKeys(m).length, 0);
}
