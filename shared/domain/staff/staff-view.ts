import type { StaffMember } from './staff-member';

/** What the API shows of a staff member: keys by id and hint, never their hashes. */
export function staffView(member: StaffMember) {
  return {
    staffId: member.staffId,
    name: member.name,
    email: member.email,
    role: member.role,
    createdAt: member.createdAt,
    keys: member.keys.map((k) => ({
      keyId: k.keyId,
      hint: k.hint,
      createdAt: k.createdAt,
      active: k.revokedAt === undefined,
      ...(k.revokedAt === undefined ? {} : { revokedAt: k.revokedAt }),
    })),
  };
}
