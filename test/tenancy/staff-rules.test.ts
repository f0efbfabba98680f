import { describe, expect, it } from 'vitest';
import { ROLES, type Role } from '../../shared/auth/roles';
import type { StaffMember } from '../../shared/domain/staff/staff-member';
import { countActiveOwnerKeys } from '../../shared/domain/staff/staff-member';
import { revokeLeavesNoOwner, staffManagementRefusal, type StaffAction } from '../../shared/domain/staff/staff-rules';

const ACTIONS: StaffAction[] = ['create', 'issue_key', 'revoke_key'];

describe('who may manage staff and keys', () => {
  it('owners may do anything to anyone', () => {
    for (const target of ROLES) for (const action of ACTIONS) expect(staffManagementRefusal('owner', target, action)).toBeUndefined();
  });

  it('managers may manage everyone but owners', () => {
    for (const target of ROLES.filter((r) => r !== 'owner')) {
      for (const action of ACTIONS) expect(staffManagementRefusal('manager', target, action)).toBeUndefined();
    }
    expect(staffManagementRefusal('manager', 'owner', 'create')).toBe('Only an owner can create an owner.');
    expect(staffManagementRefusal('manager', 'owner', 'issue_key')).toBe('Only an owner can issue a key for an owner.');
    expect(staffManagementRefusal('manager', 'owner', 'revoke_key')).toBe("Only an owner can revoke an owner's key.");
  });

  it('other roles may not manage staff at all', () => {
    const others: Role[] = ['salesperson', 'workshop', 'accountant'];
    for (const actor of others) {
      for (const target of ROLES) {
        for (const action of ACTIONS) {
          expect(staffManagementRefusal(actor, target, action)).toBe('Only owner or manager can manage staff and API keys.');
        }
      }
    }
  });
});

const member = (role: Role, keys: { revoked: boolean }[]): StaffMember => ({
  tenantId: 't',
  staffId: `s-${role}-${Math.random()}`,
  name: 'n',
  email: 'n@example.com',
  role,
  createdAt: '2025-01-01T00:00:00.000Z',
  createdBy: 'system',
  version: 1,
  keys: keys.map((k, i) => ({
    keyId: `k${i}`,
    keyHash: `h${i}`,
    hint: 'abcd',
    createdAt: '2025-01-01T00:00:00.000Z',
    createdBy: 'system',
    ...(k.revoked ? { revokedAt: '2025-01-02T00:00:00.000Z' } : {}),
  })),
});

describe('the last-owner guard', () => {
  it('counts only active keys of owners', () => {
    const staff = [
      member('owner', [{ revoked: false }, { revoked: true }]),
      member('owner', [{ revoked: true }]),
      member('manager', [{ revoked: false }, { revoked: false }]),
    ];
    expect(countActiveOwnerKeys(staff)).toBe(1);
  });

  it('refuses revoking the last active owner key, and only that', () => {
    expect(revokeLeavesNoOwner(1, 'owner')).toBe(true);
    expect(revokeLeavesNoOwner(2, 'owner')).toBe(false);
    expect(revokeLeavesNoOwner(1, 'manager')).toBe(false);
    expect(revokeLeavesNoOwner(0, 'salesperson')).toBe(false);
  });
});
