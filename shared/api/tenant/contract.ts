import { z } from 'zod';
import { roleSchema } from '../../auth/roles';
import { defineRoute, type RouteContract } from '../../http/contract';
import { CONSENT_CHANNELS } from '../../domain/customers/consent';
import { SUPPRESSION_REASONS, SUPPRESSION_SCOPES } from '../../domain/suppression/suppression-entry';
import { tenantSettingsPatchSchema, tenantSettingsSchema } from '../../domain/tenants/settings';
import { isoDate, isoDateTime, page, pageQuery, problemResponses, problemSchema } from '../common';

/** Tenant administration: settings, staff and their API keys, the audit trail and the suppression list. */

const conflict = {
  description: 'Conflicts with the current state (see `detail`)',
  schema: problemSchema,
  contentType: 'application/problem+json',
} as const;

// ---- settings ----

export const getSettingsRoute = defineRoute({
  id: 'getSettings',
  method: 'GET',
  path: '/v1/settings',
  summary: 'Read the tenant settings',
  description: 'Time zone (drives "today" and "this month" everywhere), country, currency, sender and sending defaults.',
  tag: 'Tenant',
  auth: 'staff',
  responses: { 200: { description: 'The settings, defaults filled in', schema: tenantSettingsSchema }, ...problemResponses },
});

export const updateSettingsRoute = defineRoute({
  id: 'updateSettings',
  method: 'PATCH',
  path: '/v1/settings',
  summary: 'Change tenant settings',
  description: 'Only the fields sent change; `null` clears `storePhone`, `postalAddress` or `defaultSender`. Owner or manager.',
  tag: 'Tenant',
  auth: 'staff',
  writers: 'settings',
  action: 'change tenant settings',
  body: tenantSettingsPatchSchema,
  responses: { 200: { description: 'The settings after the change', schema: tenantSettingsSchema }, ...problemResponses },
});

// ---- staff and API keys ----

const staffIdParams = z.object({ staffId: z.string().min(1).max(64) });

export const staffMemberSchema = z
  .object({
    staffId: z.string(),
    name: z.string(),
    email: z.string(),
    role: roleSchema,
    createdAt: isoDateTime,
    keys: z.array(
      z.object({
        keyId: z.string(),
        hint: z.string().describe('Last four characters of the key'),
        createdAt: isoDateTime,
        active: z.boolean(),
        revokedAt: isoDateTime.optional(),
      }),
    ),
  })
  .meta({ id: 'StaffMember' });

export const issuedKeySchema = z
  .object({
    keyId: z.string(),
    apiKey: z.string().describe('The secret: shown this once, only its hash is stored. Send it as `Authorization: Bearer <apiKey>`.'),
  })
  .meta({ id: 'IssuedApiKey' });

export const newStaffMemberSchema = z
  .strictObject({
    name: z.string().trim().min(1).max(120),
    email: z.email().max(254),
    role: roleSchema,
  })
  .meta({ id: 'NewStaffMember' });

export const listStaffRoute = defineRoute({
  id: 'listStaff',
  method: 'GET',
  path: '/v1/staff',
  summary: 'List staff members and their keys',
  tag: 'Staff',
  auth: 'staff',
  query: pageQuery,
  responses: { 200: { description: 'A page of staff members', schema: page(staffMemberSchema) }, ...problemResponses },
});

export const getStaffMemberRoute = defineRoute({
  id: 'getStaffMember',
  method: 'GET',
  path: '/v1/staff/{staffId}',
  summary: 'Read a staff member',
  tag: 'Staff',
  auth: 'staff',
  params: staffIdParams,
  responses: { 200: { description: 'The staff member', schema: staffMemberSchema }, ...problemResponses },
});

export const createStaffMemberRoute = defineRoute({
  id: 'createStaffMember',
  method: 'POST',
  path: '/v1/staff',
  summary: 'Add a staff member with a first API key',
  description: 'Owner or manager; only an owner can add an owner. The key is in the response once and never again.',
  tag: 'Staff',
  auth: 'staff',
  writers: 'staff',
  action: 'manage staff and API keys',
  body: newStaffMemberSchema,
  responses: {
    201: {
      description: 'Created; `apiKey` holds the new key',
      schema: z.object({ staff: staffMemberSchema, apiKey: issuedKeySchema }),
    },
    ...problemResponses,
  },
});

export const createStaffKeyRoute = defineRoute({
  id: 'createStaffKey',
  method: 'POST',
  path: '/v1/staff/{staffId}/keys',
  summary: 'Issue another API key to a staff member',
  description: "Owner or manager; only an owner can issue an owner's key. The key is in the response once.",
  tag: 'Staff',
  auth: 'staff',
  writers: 'staff',
  action: 'manage staff and API keys',
  params: staffIdParams,
  responses: { 201: { description: 'The new key', schema: issuedKeySchema }, ...problemResponses, 409: conflict },
});

export const revokeStaffKeyRoute = defineRoute({
  id: 'revokeStaffKey',
  method: 'DELETE',
  path: '/v1/staff/{staffId}/keys/{keyId}',
  summary: 'Revoke an API key',
  description:
    "Owner or manager; only an owner can revoke an owner's key, and the last active owner key cannot be revoked (409). " +
    'Authorizer decisions are cached for 60 seconds, so a revoked key can keep working for up to a minute.',
  tag: 'Staff',
  auth: 'staff',
  writers: 'staff',
  action: 'manage staff and API keys',
  params: z.object({ staffId: z.string().min(1).max(64), keyId: z.string().min(1).max(64) }),
  responses: { 204: { description: 'Revoked (or already revoked)' }, ...problemResponses, 409: conflict },
});

// ---- audit trail ----

export const auditEntrySchema = z
  .object({
    auditId: z.string(),
    at: isoDateTime,
    actorStaffId: z.string().describe('Staff id, or `system`'),
    actorRole: z.string(),
    action: z.string().describe('created, updated, deleted, sent, erased, exported, consent_changed, imported, key_created, key_revoked, settings_changed'),
    entity: z.string(),
    entityId: z.string(),
    fields: z.array(z.string()).optional().describe('Names of the changed fields (never their values)'),
    detail: z.string().optional(),
  })
  .meta({ id: 'AuditEntry' });

const dateOrDateTime = z.union([isoDate, isoDateTime]);

export const listAuditRoute = defineRoute({
  id: 'listAudit',
  method: 'GET',
  path: '/v1/audit',
  summary: 'Read the audit trail',
  description:
    'Who created, changed, sent, erased or changed consent, and when; newest first. Owner or manager. ' +
    '`from`/`to` take a date (whole UTC day) or a date-time; the default is the last 90 days, the longest range 36 months.',
  tag: 'Tenant',
  auth: 'staff',
  query: pageQuery.extend({ from: dateOrDateTime.optional(), to: dateOrDateTime.optional() }),
  responses: { 200: { description: 'A page of audit entries', schema: page(auditEntrySchema) }, ...problemResponses },
});

// ---- suppression list ----

const channelSchema = z.enum(CONSENT_CHANNELS);

export const suppressionEntrySchema = z
  .object({
    channel: channelSchema,
    addressHash: z.string().describe('Salted hash of the normalised address; identifies the entry'),
    address: z.string().optional().describe('Absent for erased customers'),
    reason: z.enum(SUPPRESSION_REASONS),
    scope: z.enum(SUPPRESSION_SCOPES),
    createdAt: isoDateTime,
    createdBy: z.string(),
    note: z.string().optional(),
  })
  .meta({ id: 'SuppressionEntry' });

export const listSuppressionsRoute = defineRoute({
  id: 'listSuppressions',
  method: 'GET',
  path: '/v1/suppressions',
  summary: 'List the suppression list',
  description:
    'Addresses that receive nothing at all (bounced, complained, erased, or added by hand). Filter by `channel`; ' +
    'with `channel` and `address`, look one address up.',
  tag: 'Suppression',
  auth: 'staff',
  query: pageQuery
    .extend({ channel: channelSchema.optional(), address: z.string().min(3).max(254).optional() })
    .refine((q) => q.address === undefined || q.channel !== undefined, {
      message: 'Give `channel` with `address`',
      path: ['channel'],
    }),
  responses: { 200: { description: 'A page of entries', schema: page(suppressionEntrySchema) }, ...problemResponses },
});

export const addSuppressionRoute = defineRoute({
  id: 'addSuppression',
  method: 'POST',
  path: '/v1/suppressions',
  summary: 'Suppress an address by hand',
  description: 'Owner or manager. Nothing at all is sent to a suppressed address, whatever its consent.',
  tag: 'Suppression',
  auth: 'staff',
  writers: 'privacy',
  action: 'change the suppression list',
  body: z
    .strictObject({
      channel: channelSchema,
      address: z.string().trim().min(3).max(254).describe('Email address, or phone number in E.164 for sms'),
      note: z.string().max(500).optional(),
    })
    .superRefine((body, ctx) => {
      const ok = body.channel === 'email' ? z.email().safeParse(body.address).success : /^\+[1-9]\d{6,14}$/.test(body.address);
      if (!ok) ctx.addIssue({ code: 'custom', path: ['address'], message: body.channel === 'email' ? 'Invalid email address' : 'Use E.164, e.g. +61491570156' });
    })
    .meta({ id: 'NewSuppression' }),
  responses: {
    201: { description: 'Suppressed', schema: suppressionEntrySchema },
    ...problemResponses,
    409: conflict,
  },
});

export const removeSuppressionRoute = defineRoute({
  id: 'removeSuppression',
  method: 'DELETE',
  path: '/v1/suppressions/{channel}/{addressHash}',
  summary: 'Take an address off the suppression list',
  description: 'Owner or manager. A reason is required; it and the removed entry stay in the audit trail.',
  tag: 'Suppression',
  auth: 'staff',
  writers: 'privacy',
  action: 'change the suppression list',
  params: z.object({ channel: channelSchema, addressHash: z.string().regex(/^[0-9a-f]{64}$/, 'Expected a 64-character hex hash') }),
  body: z.strictObject({ reason: z.string().trim().min(3).max(500) }).meta({ id: 'SuppressionRemoval' }),
  responses: { 204: { description: 'Removed' }, ...problemResponses, 409: conflict },
});

export const tenantRoutes: readonly RouteContract[] = [
  getSettingsRoute,
  updateSettingsRoute,
  listStaffRoute,
  getStaffMemberRoute,
  createStaffMemberRoute,
  createStaffKeyRoute,
  revokeStaffKeyRoute,
  listAuditRoute,
  listSuppressionsRoute,
  addSuppressionRoute,
  removeSuppressionRoute,
];
