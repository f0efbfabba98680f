import { z } from 'zod';
import { defineRoute } from '../../http/contract';
import { automationDefinitionSchema, automationPatchSchema } from '../../domain/automations/automation-schema';
import { automationRunSchema, automationViewSchema } from '../../domain/automations/automation-service';
import { automationPreviewSchema } from '../../domain/automations/preview-service';
import { backfillPreviewSchema, backfillResultSchema } from '../../domain/automations/backfill-service';
import { idempotencyKeyHeader } from '../../http/idempotency-header';
import { isoDate, page, pageQuery, problemResponses, problemSchema } from '../common';

/**
 * Automations: messages that send themselves when something happens in the book (a birthday, a repair ready, an
 * appointment tomorrow). Owner and manager create, edit, switch on and off and delete; everyone reads, previews and
 * sees the runs. Switching on never mails the backlog: only occurrences due from that local day on fire.
 */

const TAG = 'Automations';
const automationParams = z.object({ automationId: z.string().min(1).max(64) });
const problem = (description: string) => ({ description, schema: problemSchema, contentType: 'application/problem+json' }) as const;
const single = (description: string) => ({ description, schema: automationViewSchema });

export const listAutomationsRoute = defineRoute({
  id: 'listAutomations',
  method: 'GET',
  path: '/v1/automations',
  summary: 'List automations with their last run, next due moment and 30-day counts',
  tag: TAG,
  auth: 'staff',
  query: pageQuery,
  responses: { 200: { description: 'A page of automations', schema: page(automationViewSchema).meta({ id: 'AutomationPage' }) }, ...problemResponses },
});

export const createAutomationRoute = defineRoute({
  id: 'createAutomation',
  method: 'POST',
  path: '/v1/automations',
  summary: 'Create an automation',
  description:
    "A type with its own timing (defaults filled in), a name, and optionally content (the type's default template is " +
    'copied in when absent), an audience (`segmentId` or inline `rule`) and a re-entry policy. Several automations of ' +
    'one type may exist (a pearl care guide and a ring valuation reminder are two post_purchase automations). With ' +
    '`enabled: true` it is switched on at once. Owner or manager.',
  tag: TAG,
  auth: 'staff',
  writers: 'marketing',
  action: 'create automations',
  body: automationDefinitionSchema,
  responses: {
    201: single('Created; `Location` names it'),
    ...problemResponses,
    422: problem('The template or segment named does not exist, or an SMS automation cannot be switched on yet'),
  },
});

export const getAutomationRoute = defineRoute({
  id: 'getAutomation',
  method: 'GET',
  path: '/v1/automations/{automationId}',
  summary: 'Read an automation',
  tag: TAG,
  auth: 'staff',
  params: automationParams,
  responses: { 200: single('The automation'), ...problemResponses },
});

export const updateAutomationRoute = defineRoute({
  id: 'updateAutomation',
  method: 'PATCH',
  path: '/v1/automations/{automationId}',
  summary: 'Change, switch on or switch off an automation',
  description:
    'Fields sent replace the stored ones (`timing` as a whole, checked again with the type\'s defaults); `null` clears ' +
    "`audience` or `reentry`, and `content` back to the type's default. `enabled: true` switches it on from now (what " +
    'fell due before today is never sent; today\'s occurrences whose send hour has passed go at the next runner pass). ' +
    'The type never changes. Owner or manager.',
  tag: TAG,
  auth: 'staff',
  writers: 'marketing',
  action: 'change automations',
  params: automationParams,
  body: automationPatchSchema,
  responses: {
    200: single('The automation after the change'),
    ...problemResponses,
    409: problem('Changed by someone else at the same time; read it again'),
    422: problem('The template or segment named does not exist, or an SMS automation cannot be switched on yet'),
  },
});

export const deleteAutomationRoute = defineRoute({
  id: 'deleteAutomation',
  method: 'DELETE',
  path: '/v1/automations/{automationId}',
  summary: 'Delete an automation',
  description: 'Occurrences it had scheduled are skipped (`automation_off`) when they fall due. Owner or manager.',
  tag: TAG,
  auth: 'staff',
  writers: 'marketing',
  action: 'delete automations',
  params: automationParams,
  responses: { 204: { description: 'Deleted' }, ...problemResponses, 409: problem('Changed by someone else at the same time') },
});

export const listAutomationRunsRoute = defineRoute({
  id: 'listAutomationRuns',
  method: 'GET',
  path: '/v1/automations/{automationId}/runs',
  summary: 'Runner passes over an automation, newest first',
  description: 'One record per runner pass (kept 35 days): when it was due, when it started, how late, and what it did.',
  tag: TAG,
  auth: 'staff',
  params: automationParams,
  query: pageQuery,
  responses: { 200: { description: 'A page of runs', schema: page(automationRunSchema).meta({ id: 'AutomationRunPage' }) }, ...problemResponses },
});

export const previewAutomationQuery = z
  .object({
    date: isoDate.describe("The local day (tenant's time zone) to preview"),
    limit: z.coerce.number().int().min(1).max(500).default(100).describe('Recipients listed at most (the total counts all)'),
  })
  .meta({ id: 'AutomationPreviewQuery' });

export const previewAutomationRoute = defineRoute({
  id: 'previewAutomation',
  method: 'POST',
  path: '/v1/automations/{automationId}/preview',
  summary: 'Who would receive it on a day, and why (nothing is sent)',
  description:
    'Date-based types: the customers whose occurrence falls due that local day and who are in the audience, each with ' +
    'the reason (the date and offset) and, when a send gate would stop it, `wouldSkip` (no consent for the purpose, ' +
    'no address). Event-based types: the occurrences already scheduled for that day (events of that day add more). ' +
    'Whether the automation is on does not matter here. Everyone reads.',
  tag: TAG,
  auth: 'staff',
  params: automationParams,
  query: previewAutomationQuery,
  responses: { 200: { description: 'The preview', schema: automationPreviewSchema }, ...problemResponses },
});

const backfillFrom = isoDate.describe(
  "First local day (tenant's time zone) whose occurrences are covered; up to the day the automation was switched on (exclusive), at most 366 days before it",
);

export const backfillPreviewRequestSchema = z
  .strictObject({
    from: backfillFrom,
    limit: z.number().int().min(1).max(500).default(100).describe('Recipients listed at most (the total counts all)'),
  })
  .meta({ id: 'AutomationBackfillPreviewRequest' });

export const backfillRequestSchema = z.strictObject({ from: backfillFrom }).meta({ id: 'AutomationBackfillRequest' });

const BACKFILL_SCOPE =
  'A backfill covers what switching on left out on purpose: occurrences of a date-based automation that fell due ' +
  'between `from` and the day it was switched on and are **still worth sending now** (a birthday email set 7 days ' +
  'before a birthday still to come; a re-engagement message within its 14 days; a birthday that already passed is ' +
  'not sent), in the audience. Customers imported with past dates are included: this is the explicit action that ' +
  'reaches them. Occurrences already claimed (by the runner or an earlier backfill) are never sent again. ' +
  'Event-based types (post_purchase, repair_ready, appointment_reminder, layby_overdue) are not backfilled (422).';

export const previewBackfillRoute = defineRoute({
  id: 'previewAutomationBackfill',
  method: 'POST',
  path: '/v1/automations/{automationId}/backfill/preview',
  summary: 'Who a backfill would reach, with what and why (nothing is sent)',
  description: `${BACKFILL_SCOPE} While the automation is off, the range ends today: what switching on now would leave out. Everyone reads.`,
  tag: TAG,
  auth: 'staff',
  params: automationParams,
  body: backfillPreviewRequestSchema,
  responses: {
    200: { description: 'The preview', schema: backfillPreviewSchema },
    ...problemResponses,
    422: problem('An event-based automation has nothing to backfill'),
  },
});

export const runBackfillRoute = defineRoute({
  id: 'runAutomationBackfill',
  method: 'POST',
  path: '/v1/automations/{automationId}/backfill',
  summary: 'Send what fell due before the automation was switched on, where still worth sending',
  description:
    `${BACKFILL_SCOPE} Each occurrence is claimed under the runner's occurrence key and handed to the send pipeline ` +
    "(consent for the automation's purpose, suppression, frequency cap, reputation guard); the answer counts what was " +
    'handed over; the messages follow within seconds. Preview first with `.../backfill/preview`. With ' +
    '`Idempotency-Key`, a retry answers the first answer again; without it a second backfill finds everything claimed ' +
    'and sends nothing new. Owner or manager; the automation must be on.',
  tag: TAG,
  auth: 'staff',
  writers: 'marketing',
  action: 'backfill automations',
  params: automationParams,
  body: backfillRequestSchema,
  headers: [idempotencyKeyHeader],
  responses: {
    202: { description: 'Handed over; the counts say what happened to each occurrence', schema: backfillResultSchema },
    ...problemResponses,
    409: problem('The automation is off, or the same Idempotency-Key is in progress'),
    422: problem('An event-based automation has nothing to backfill, or the Idempotency-Key was used for another request'),
  },
});

export const automationRoutes = [
  listAutomationsRoute,
  createAutomationRoute,
  getAutomationRoute,
  updateAutomationRoute,
  deleteAutomationRoute,
  listAutomationRunsRoute,
  previewAutomationRoute,
  previewBackfillRoute,
  runBackfillRoute,
] as const;
