import { WRITERS, describeRoles, type Role } from '../../shared/auth/roles';
import { httpHandler, implement } from '../../shared/http/handler';
import { problems } from '../../shared/http/problem';
import {
  addSuppressionRoute,
  createStaffKeyRoute,
  createStaffMemberRoute,
  getSettingsRoute,
  getStaffMemberRoute,
  listAuditRoute,
  listStaffRoute,
  listSuppressionsRoute,
  removeSuppressionRoute,
  revokeStaffKeyRoute,
  updateSettingsRoute,
} from '../../shared/api/tenant/contract';
import { createStaffMember, getStaffMember, issueStaffKey, listStaff, revokeStaffKey } from '../../shared/domain/staff/staff-repository';
import { staffView } from '../../shared/domain/staff/staff-view';
import {
  addManualSuppression,
  listSuppressions,
  removeSuppression,
} from '../../shared/domain/suppression/suppression-repository';
import { auditRange } from '../../shared/domain/tenants/audit-months';
import { readAuditTrail } from '../../shared/domain/tenants/audit-trail';
import { loadTenantSettings, updateTenantSettings } from '../../shared/domain/tenants/tenant-repository';
import type { SuppressionEntry } from '../../shared/domain/suppression/suppression-entry';

/** The audit trail is the one thing not every role may read. */
const AUDIT_READERS: readonly Role[] = WRITERS.audit;

const suppressionView = ({ tenantId: _tenantId, ...entry }: SuppressionEntry) => entry;

export const handler = httpHandler([
  implement(getSettingsRoute, async (_req, principal) => ({ status: 200, body: await loadTenantSettings(principal.tenantId) })),

  implement(updateSettingsRoute, async (req, principal) => ({
    status: 200,
    body: await updateTenantSettings(principal, req.body),
  })),

  implement(listStaffRoute, async (req, principal) => {
    const { members, nextCursor } = await listStaff(principal.tenantId, req.query);
    return { status: 200, body: { items: members.map(staffView), nextCursor } };
  }),

  implement(getStaffMemberRoute, async (req, principal) => {
    const member = await getStaffMember(principal.tenantId, req.params.staffId);
    if (!member) throw problems.notFound('Staff member');
    return { status: 200, body: staffView(member) };
  }),

  implement(createStaffMemberRoute, async (req, principal) => {
    const { member, issued } = await createStaffMember(principal, req.body);
    return { status: 201, body: { staff: staffView(member), apiKey: issued } };
  }),

  implement(createStaffKeyRoute, async (req, principal) => ({
    status: 201,
    body: await issueStaffKey(principal, req.params.staffId),
  })),

  implement(revokeStaffKeyRoute, async (req, principal) => {
    await revokeStaffKey(principal, req.params.staffId, req.params.keyId);
    return { status: 204 };
  }),

  implement(listAuditRoute, async (req, principal) => {
    if (!AUDIT_READERS.includes(principal.role)) {
      throw problems.forbidden(`Only ${describeRoles(AUDIT_READERS)} can read the audit trail.`);
    }
    const range = auditRange(req.query.from, req.query.to, new Date());
    if ('error' in range) throw problems.validation([{ path: 'query.from', message: range.error }]);
    const { entries, nextCursor } = await readAuditTrail(principal.tenantId, range, req.query);
    return { status: 200, body: { items: entries, nextCursor } };
  }),

  implement(listSuppressionsRoute, async (req, principal) => {
    const { entries, nextCursor } = await listSuppressions(principal.tenantId, req.query);
    return { status: 200, body: { items: entries.map(suppressionView), nextCursor } };
  }),

  implement(addSuppressionRoute, async (req, principal) => ({
    status: 201,
    body: suppressionView(await addManualSuppression(principal, req.body)),
  })),

  implement(removeSuppressionRoute, async (req, principal) => {
    await removeSuppression(principal, req.params.channel, req.params.addressHash, req.body.reason);
    return { status: 204 };
  }),
]);
