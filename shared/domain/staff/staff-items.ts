import type { Role } from '../../auth/roles';
import { keys } from '../../store/keys';
import type { StaffKey, StaffMember } from './staff-member';

/**
 * Table items of staff members and their keys (pure builders, so the tenant CLI, the seeder and the API write the very
 * same shapes).
 *
 * The staff record lists its keys (ids, hashes, hints, revocation); each key also has its own lookup item under
 * `APIKEY#{hash}`, the only thing the authorizer reads. A revocation updates both in one transaction.
 */
export function staffMemberItem(member: StaffMember) {
  return { ...keys.staff(member.tenantId, member.staffId), type: 'StaffMember', ...member };
}

export interface ApiKeyLookup {
  tenantId: string;
  staffId: string;
  keyId: string;
  role: Role;
  revoked: boolean;
  createdAt: string;
  revokedAt?: string;
}

export function apiKeyItem(member: Pick<StaffMember, 'tenantId' | 'staffId' | 'role'>, key: StaffKey) {
  const lookup: ApiKeyLookup = {
    tenantId: member.tenantId,
    staffId: member.staffId,
    keyId: key.keyId,
    role: member.role,
    revoked: key.revokedAt !== undefined,
    createdAt: key.createdAt,
    ...(key.revokedAt === undefined ? {} : { revokedAt: key.revokedAt }),
  };
  return { ...keys.apiKey(key.keyHash), type: 'ApiKey', ...lookup };
}

/** Reads a staff record back from its item (drops table attributes). */
export function staffMemberFromItem(item: Record<string, unknown>): StaffMember {
  const { tenantId, staffId, name, email, role, createdAt, createdBy, keys: staffKeys, version } = item as unknown as StaffMember;
  return { tenantId, staffId, name, email, role, createdAt, createdBy, keys: staffKeys ?? [], version: version ?? 0 };
}
