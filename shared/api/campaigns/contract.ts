import { z } from 'zod';
import { defineRoute } from '../../http/contract';
import { campaignMetricsSchema } from '../../domain/campaigns/campaign-metrics';
import { campaignCreateSchema, campaignPatchSchema, campaignScheduleSchema } from '../../domain/campaigns/campaign-schema';
import { campaignSchema, campaignStatusSchema } from '../../domain/campaigns/campaign-view';
import { testSendResultSchema, testSendSchema } from '../../domain/direct-sends/direct-send-schema';
import { recipientResultSchema } from '../../domain/sending/recipient-results';
import { idempotencyKeyHeader } from '../../http/idempotency-header';
import { isoDate, page, pageQuery, problemResponses, problemSchema } from '../common';

/**
 * Campaigns: a message (template or inline), an audience and a time. Owner and manager write; everyone reads.
 * Status changes follow draft → scheduled → sending ⇄ paused → sent, cancelled from any status but sent; any other
 * change answers 409 with `currentStatus`.
 */

const TAG = 'Campaigns';
const campaignParams = z.object({ campaignId: z.string().min(1).max(64) });
const problem = (description: string) => ({ description, schema: problemSchema, contentType: 'application/problem+json' }) as const;
const statusConflict = problem('Not possible in the campaign\'s current status (given as `currentStatus`)');
const single = (description: string) => ({ description, schema: campaignSchema });

export const listCampaignsQuery = pageQuery
  .extend({
    status: campaignStatusSchema.optional(),
    q: z.string().trim().min(1).max(120).optional().describe('Part of the name (any case, accents ignored)'),
    createdFrom: isoDate.optional().describe("Created on or after this day (tenant's time zone)"),
    createdTo: isoDate.optional().describe("Created on or before this day (tenant's time zone)"),
  })
  .refine((query) => !query.createdFrom || !query.createdTo || query.createdFrom <= query.createdTo, {
    message: 'createdTo must not be before createdFrom',
    path: ['createdTo'],
  })
  .meta({ id: 'CampaignListQuery' });

export const listCampaignsRoute = defineRoute({
  id: 'listCampaigns',
  method: 'GET',
  path: '/v1/campaigns',
  summary: 'List campaigns, newest first',
  description:
    'Filters combine (AND). A filtered page may hold fewer than `limit` campaigns while `nextCursor` is not null: each ' +
    'request examines a bounded slice of the list; keep following the cursor to search the rest.',
  tag: TAG,
  auth: 'staff',
  query: listCampaignsQuery,
  responses: { 200: { description: 'A page of campaigns', schema: page(campaignSchema).meta({ id: 'CampaignPage' }) }, ...problemResponses },
});

export const createCampaignRoute = defineRoute({
  id: 'createCampaign',
  method: 'POST',
  path: '/v1/campaigns',
  summary: 'Create a draft campaign',
  description:
    'Content is a saved template of the same channel (`{"templateId": ...}`) or inline Liquid, checked like a template ' +
    '(400 naming field, line and column). Recipients are decided when it sends. `schedule` is only a plan until ' +
    '`POST /v1/campaigns/{campaignId}/schedule`. Owner or manager.',
  tag: TAG,
  auth: 'staff',
  writers: 'marketing',
  action: 'create campaigns',
  body: campaignCreateSchema,
  responses: {
    201: single('Created as a draft; `Location` names it'),
    ...problemResponses,
    422: problem('The template or segment named does not exist (for this channel)'),
  },
});

export const getCampaignRoute = defineRoute({
  id: 'getCampaign',
  method: 'GET',
  path: '/v1/campaigns/{campaignId}',
  summary: 'Read a campaign',
  tag: TAG,
  auth: 'staff',
  params: campaignParams,
  responses: { 200: single('The campaign'), ...problemResponses },
});

export const updateCampaignRoute = defineRoute({
  id: 'updateCampaign',
  method: 'PATCH',
  path: '/v1/campaigns/{campaignId}',
  summary: 'Change a draft or scheduled campaign',
  description:
    'Fields sent replace the stored ones (`content` and `recipients` as a whole); `null` clears `description` or the ' +
    "planned `schedule`. A scheduled campaign's time moves with `POST .../schedule`. Owner or manager.",
  tag: TAG,
  auth: 'staff',
  writers: 'marketing',
  action: 'change campaigns',
  params: campaignParams,
  body: campaignPatchSchema,
  responses: {
    200: single('The campaign after the change'),
    ...problemResponses,
    409: statusConflict,
    422: problem('The template or segment named does not exist, or SMS cannot be sent yet'),
  },
});

export const deleteCampaignRoute = defineRoute({
  id: 'deleteCampaign',
  method: 'DELETE',
  path: '/v1/campaigns/{campaignId}',
  summary: 'Delete a draft',
  description: 'Only drafts; a campaign that was scheduled or sent stays for its history (cancel it instead). Owner or manager.',
  tag: TAG,
  auth: 'staff',
  writers: 'marketing',
  action: 'delete campaigns',
  params: campaignParams,
  responses: { 204: { description: 'Deleted' }, ...problemResponses, 409: statusConflict },
});

export const copyCampaignRoute = defineRoute({
  id: 'copyCampaign',
  method: 'POST',
  path: '/v1/campaigns/{campaignId}/copy',
  summary: 'Copy a campaign into a new draft',
  description: 'Same channel, content and recipients; no schedule; named "… (copy)". Any status can be copied. Owner or manager.',
  tag: TAG,
  auth: 'staff',
  writers: 'marketing',
  action: 'create campaigns',
  params: campaignParams,
  responses: {
    201: single('The new draft'),
    ...problemResponses,
    422: problem('The template or segment the campaign names no longer exists'),
  },
});

export const scheduleCampaignRoute = defineRoute({
  id: 'scheduleCampaign',
  method: 'POST',
  path: '/v1/campaigns/{campaignId}/schedule',
  summary: 'Schedule a draft, or move a scheduled campaign',
  description:
    '`at` is a local date and time, in `timeZone` (the tenant\'s when absent). Without a body the planned `schedule` ' +
    'is used. Moving a scheduled campaign replaces its schedule: only the new time fires. Sending the same time again ' +
    'changes nothing. Owner or manager.',
  tag: TAG,
  auth: 'staff',
  writers: 'marketing',
  action: 'schedule campaigns',
  params: campaignParams,
  body: campaignScheduleSchema.partial().optional().meta({ id: 'CampaignScheduleRequest' }),
  responses: {
    200: single('The scheduled campaign; `scheduledFor` is when it fires'),
    ...problemResponses,
    409: statusConflict,
    422: problem('The time has passed, no time was given, the template is gone, or SMS cannot be sent yet'),
    503: problem('The schedule could not be created: send the same request again'),
  },
});

export const unscheduleCampaignRoute = defineRoute({
  id: 'unscheduleCampaign',
  method: 'DELETE',
  path: '/v1/campaigns/{campaignId}/schedule',
  summary: 'Take a scheduled campaign off the calendar (back to draft)',
  description: 'The planned `schedule` is kept, so scheduling again without a body reuses it. Owner or manager.',
  tag: TAG,
  auth: 'staff',
  writers: 'marketing',
  action: 'schedule campaigns',
  params: campaignParams,
  responses: { 200: single('The campaign, a draft again'), ...problemResponses, 409: statusConflict },
});

export const sendCampaignRoute = defineRoute({
  id: 'sendCampaign',
  method: 'POST',
  path: '/v1/campaigns/{campaignId}/send',
  summary: 'Send a draft or scheduled campaign now',
  description:
    'Moves it to `sending` (a scheduled one leaves the calendar); delivery happens in the background. With an ' +
    '`Idempotency-Key`, a retry answers the first answer again; a second send without it, or with another key, is 409. ' +
    'Owner or manager.',
  tag: TAG,
  auth: 'staff',
  writers: 'marketing',
  action: 'send campaigns',
  params: campaignParams,
  headers: [idempotencyKeyHeader],
  responses: {
    202: single('Sending'),
    ...problemResponses,
    409: problem("Not possible in the campaign's current status (`currentStatus`), or the same Idempotency-Key is in progress"),
    422: problem('SMS cannot be sent yet, the template is gone, or the Idempotency-Key was used for another request'),
  },
});

export const testCampaignRoute = defineRoute({
  id: 'sendCampaignTest',
  method: 'POST',
  path: '/v1/campaigns/{campaignId}/test',
  summary: 'Send one test message of the campaign',
  description:
    'The message as it would go now, subject prefixed "[Test] ", to a staff member of the tenant (sent at once, with a ' +
    "sample customer's data; the caller when the body names no one) or to a customer of the tenant (through the send " +
    "pipeline with their data and consent, recorded on their timeline as a test). Never to a typed address. Not counted " +
    "in the campaign's metrics. Any status. Owner or manager.",
  tag: TAG,
  auth: 'staff',
  writers: 'marketing',
  action: 'send test messages',
  params: campaignParams,
  body: testSendSchema.optional(),
  headers: [idempotencyKeyHeader],
  responses: {
    200: { description: 'Sent to the staff member', schema: testSendResultSchema },
    202: { description: 'Sending to the customer', schema: testSendResultSchema },
    ...problemResponses,
    409: problem('The same Idempotency-Key is in progress'),
    422: problem("SMS cannot be sent yet, the campaign's message no longer checks, or the Idempotency-Key was used for another request"),
  },
});

export const cancelCampaignRoute = defineRoute({
  id: 'cancelCampaign',
  method: 'POST',
  path: '/v1/campaigns/{campaignId}/cancel',
  summary: 'Cancel a campaign',
  description: 'From draft, scheduled, sending or paused; recipients not yet sent are not sent. Owner or manager.',
  tag: TAG,
  auth: 'staff',
  writers: 'marketing',
  action: 'cancel campaigns',
  params: campaignParams,
  responses: { 200: single('Cancelled'), ...problemResponses, 409: statusConflict },
});

export const pauseCampaignRoute = defineRoute({
  id: 'pauseCampaign',
  method: 'POST',
  path: '/v1/campaigns/{campaignId}/pause',
  summary: 'Pause a sending campaign',
  description: 'Recipients not yet sent wait until it is resumed. Owner or manager.',
  tag: TAG,
  auth: 'staff',
  writers: 'marketing',
  action: 'pause campaigns',
  params: campaignParams,
  responses: { 200: single('Paused'), ...problemResponses, 409: statusConflict },
});

export const resumeCampaignRoute = defineRoute({
  id: 'resumeCampaign',
  method: 'POST',
  path: '/v1/campaigns/{campaignId}/resume',
  summary: 'Resume a paused campaign',
  description: 'Sending continues where it stopped. Owner or manager.',
  tag: TAG,
  auth: 'staff',
  writers: 'marketing',
  action: 'resume campaigns',
  params: campaignParams,
  responses: { 200: single('Sending again'), ...problemResponses, 409: statusConflict },
});

export const campaignMetricsRoute = defineRoute({
  id: 'getCampaignMetrics',
  method: 'GET',
  path: '/v1/campaigns/{campaignId}/metrics',
  summary: 'Recipients, delivery, engagement and attributed revenue of a campaign',
  description:
    'Rates are fractions: delivery, bounce and complaint over `sent`; open, click, unsubscribe and conversion over ' +
    '`delivered` (0 while the denominator is 0). Delivery, engagement and attribution read 0 until delivery events ' +
    'are processed. Per recipient: `GET /v1/campaigns/{campaignId}/recipients`.',
  tag: TAG,
  auth: 'staff',
  params: campaignParams,
  responses: { 200: { description: 'The metrics', schema: campaignMetricsSchema }, ...problemResponses },
});

export const campaignRecipientsRoute = defineRoute({
  id: 'listCampaignRecipients',
  method: 'GET',
  path: '/v1/campaigns/{campaignId}/recipients',
  summary: 'Per-recipient results of a campaign',
  description:
    'Everyone the audience was frozen to when the campaign started sending, one result each: queued, sent (with the ' +
    'SES message id), skipped with the gate that held it back (`no_consent`, `suppressed`, `no_address`, ' +
    '`frequency_cap`), failed or unknown with the reason, cancelled; and the delivery, opens, clicks and attributed ' +
    'revenue of each. Cursor-paginated, in no particular order. Empty before the campaign sends.',
  tag: TAG,
  auth: 'staff',
  params: campaignParams,
  query: pageQuery,
  responses: {
    200: { description: 'A page of recipient results', schema: page(recipientResultSchema).meta({ id: 'CampaignRecipientPage' }) },
    ...problemResponses,
  },
});

export const campaignRoutes = [
  listCampaignsRoute,
  createCampaignRoute,
  getCampaignRoute,
  updateCampaignRoute,
  deleteCampaignRoute,
  copyCampaignRoute,
  scheduleCampaignRoute,
  unscheduleCampaignRoute,
  sendCampaignRoute,
  testCampaignRoute,
  cancelCampaignRoute,
  pauseCampaignRoute,
  resumeCampaignRoute,
  campaignMetricsRoute,
  campaignRecipientsRoute,
] as const;
