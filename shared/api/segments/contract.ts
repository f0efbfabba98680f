import { z } from 'zod';
import { defineRoute } from '../../http/contract';
import { LEAF_TYPES, RULE_LIMITS, ruleSchema, type Rule } from '../../domain/segments/rule-schema';
import { isoDateTime, page, pageQuery, problemResponses, problemSchema } from '../common';

/**
 * Segments: cohorts of the customer book as rules, evaluated against the live book whenever they are counted,
 * previewed or used. The rule JSON is described by the `SegmentRule` schema; wherever a rule is sent it is the `rule`
 * field.
 */

const TAG = 'Segments';
const problem = (description: string) => ({ description, schema: problemSchema, contentType: 'application/problem+json' }) as const;
const segmentParams = z.object({ segmentId: z.string().min(1).max(64) });

/** JSON nesting beyond any rule the validator accepts (each rule level is at most an object and a list). */
const MAX_JSON_DEPTH = 4 * (RULE_LIMITS.maxDepth + 2);

/** Cuts a value off below `depth` levels: the validator reports a too-deep rule at its path without looking further. */
export function truncateDeepJson(value: unknown, depth = MAX_JSON_DEPTH): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (depth <= 0) return null;
  if (Array.isArray(value)) return value.map((item) => truncateDeepJson(item, depth - 1));
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, truncateDeepJson(item, depth - 1)]));
}

/**
 * The `rule` field of a request: documented as `SegmentRule`, but never refused here. The service checks it with the
 * rule validator, which walks the tree itself so each error names its field (`rule.and[0].type`) in the jeweller's
 * words, where a schema union would give one opaque error.
 */
export const ruleInRequest = z
  .preprocess((value) => truncateDeepJson(value), ruleSchema.catch((ctx) => ctx.value as Rule))
  .describe(`A leaf (\`type\`: ${LEAF_TYPES.join(', ')}) or a group (\`and\`, \`or\`, \`not\`), at most ${RULE_LIMITS.maxDepth} levels deep and ${RULE_LIMITS.maxNodes} conditions`) as unknown as z.ZodType<unknown>;

const segmentName = z.string().trim().min(1, 'Enter a name').max(100, 'Enter at most 100 characters');
const segmentDescription = z.string().trim().max(500, 'Enter at most 500 characters');

export const segmentCreateSchema = z
  .strictObject({ name: segmentName, description: segmentDescription.optional(), rule: ruleInRequest })
  .meta({ id: 'SegmentCreate' });

export const segmentPatchSchema = z
  .strictObject({ name: segmentName.optional(), description: segmentDescription.optional(), rule: ruleInRequest.optional() })
  .meta({ id: 'SegmentPatch' });

const lastCountSchema = z
  .object({ count: z.number().int(), computedAt: isoDateTime })
  .nullable()
  .describe('The last count, from whenever the segment was last counted or previewed (null: never)');

export const segmentSchema = z
  .object({
    segmentId: z.string().describe('System segments have stable ids such as `sys_vip`'),
    kind: z.enum(['system', 'custom']),
    name: z.string(),
    description: z.string(),
    rule: ruleSchema,
    readOnly: z.boolean().describe('System segments cannot be changed or deleted'),
    lastCount: lastCountSchema,
    usedBy: z
      .object({ campaigns: z.number().int(), automations: z.number().int() })
      .optional()
      .describe('Saved segments: how many campaigns and automations use it (a segment in use cannot be deleted)'),
    version: z.number().int().optional(),
    createdAt: isoDateTime.optional(),
    updatedAt: isoDateTime.optional(),
  })
  .meta({ id: 'Segment' });

const whySchema = z
  .object({
    path: z.string().describe('The leaf in the rule, e.g. `rule.and[1].not`'),
    leaf: z.string(),
    holds: z.boolean().describe('false for a leaf under `not` that did not hold (which is why the customer matched)'),
    detail: z.string().describe("The customer's value for the leaf, e.g. `last purchase 2024-11-02`"),
  })
  .meta({ id: 'SegmentWhy' });

export const countResultSchema = z
  .object({
    segmentId: z.string().optional(),
    count: z.number().int(),
    evaluatedAt: isoDateTime.describe('The moment the rule was evaluated at; "today" is its day in the tenant time zone'),
    customersRead: z.number().int().describe('Customers read (the book once, twice for a percentile rule)'),
    readUnits: z.number().describe('DynamoDB read capacity units the evaluation consumed'),
    durationMs: z.number().int(),
  })
  .meta({ id: 'SegmentCount' });

export const previewResultSchema = countResultSchema
  .extend({
    customers: z
      .array(z.object({ customerId: z.string(), name: z.string(), why: z.array(whySchema) }))
      .describe('The first matching customers, each with the leaf values that held'),
  })
  .meta({ id: 'SegmentPreview' });

const jobStatusSchema = z.enum(['queued', 'running', 'completed', 'failed']);

export const segmentJobAcceptedSchema = z
  .object({
    jobId: z.string(),
    status: jobStatusSchema,
    links: z.object({ self: z.string().describe('`GET` it until `status` is `completed`') }),
  })
  .meta({ id: 'SegmentJobAccepted' });

export const segmentJobSchema = z
  .object({
    jobId: z.string(),
    kind: z.enum(['count', 'preview']),
    status: jobStatusSchema,
    segmentId: z.string().optional(),
    evaluatedAt: isoDateTime,
    progress: z.object({
      customersRead: z.number().int(),
      steps: z.number().int().describe('Invocations so far: a job checkpoints and continues when one runs out of time'),
    }),
    result: z.union([previewResultSchema, countResultSchema]).optional().describe('Once completed: what the synchronous request would have answered'),
    error: z.string().optional(),
    createdAt: isoDateTime,
    updatedAt: isoDateTime,
    links: z.object({ self: z.string() }),
  })
  .meta({ id: 'SegmentJob' });

const accepted = {
  description:
    'The book is too large to evaluate within the request: the evaluation continues as a job. Poll `links.self` (also in `Location`).',
  schema: segmentJobAcceptedSchema,
} as const;

export const previewQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(25).describe('Matching customers to show (1-100, default 25)'),
});

export const listSegmentsRoute = defineRoute({
  id: 'listSegments',
  method: 'GET',
  path: '/v1/segments',
  summary: 'List system and saved segments, with their last counts',
  description:
    'The system segments (VIP, New, Lapsed, Active repairs, High value, Birthday this month, Anniversary this month, ' +
    'Lay-by overdue) lead the first page, then saved segments a page at a time. `lastCount` is from the last count or ' +
    'preview; counting reads the live book (`GET /v1/segments/{segmentId}/count`).',
  tag: TAG,
  auth: 'staff',
  query: pageQuery,
  responses: { 200: { description: 'Segments', schema: page(segmentSchema).meta({ id: 'SegmentPage' }) }, ...problemResponses },
});

export const createSegmentRoute = defineRoute({
  id: 'createSegment',
  method: 'POST',
  path: '/v1/segments',
  summary: 'Save a segment',
  description:
    'A name, an optional description and a rule, e.g. `{"and": [{"type": "lapsed"}, {"type": "purchases", "departments": ' +
    '["watches"]}]}`. Invalid rules answer 400 with each error at its path (`rule.and[0].type`). Segments do not filter ' +
    'on consent: sending does, and reports who it skipped.',
  tag: TAG,
  auth: 'staff',
  writers: 'marketing',
  action: 'create segments',
  body: segmentCreateSchema,
  responses: { 201: { description: 'Saved', schema: segmentSchema }, ...problemResponses },
});

export const getSegmentRoute = defineRoute({
  id: 'getSegment',
  method: 'GET',
  path: '/v1/segments/{segmentId}',
  summary: 'Read a segment',
  tag: TAG,
  auth: 'staff',
  params: segmentParams,
  responses: { 200: { description: 'The segment', schema: segmentSchema }, ...problemResponses },
});

export const updateSegmentRoute = defineRoute({
  id: 'updateSegment',
  method: 'PATCH',
  path: '/v1/segments/{segmentId}',
  summary: 'Change a saved segment',
  description:
    'Only the fields sent change; a new rule replaces the old one whole (campaigns and automations using the segment ' +
    'evaluate the new rule from then on). System segments are read-only (403).',
  tag: TAG,
  auth: 'staff',
  writers: 'marketing',
  action: 'change segments',
  params: segmentParams,
  body: segmentPatchSchema,
  responses: {
    200: { description: 'The segment after the change', schema: segmentSchema },
    ...problemResponses,
    409: problem('Someone else changed the segment at the same time'),
  },
});

export const deleteSegmentRoute = defineRoute({
  id: 'deleteSegment',
  method: 'DELETE',
  path: '/v1/segments/{segmentId}',
  summary: 'Delete a saved segment',
  description: 'A segment used by a campaign or an automation cannot be deleted (409). System segments are read-only (403).',
  tag: TAG,
  auth: 'staff',
  writers: 'marketing',
  action: 'delete segments',
  params: segmentParams,
  responses: { 204: { description: 'Deleted' }, ...problemResponses, 409: problem('The segment is in use by a campaign or an automation') },
});

export const countSegmentRoute = defineRoute({
  id: 'countSegment',
  method: 'GET',
  path: '/v1/segments/{segmentId}/count',
  summary: 'Count the customers in a segment now',
  description: 'Evaluates the rule against the live book. Large books answer 202 with a job to poll.',
  tag: TAG,
  auth: 'staff',
  params: segmentParams,
  responses: { 200: { description: 'The count', schema: countResultSchema }, 202: accepted, ...problemResponses },
});

export const previewSegmentRoute = defineRoute({
  id: 'previewSegment',
  method: 'GET',
  path: '/v1/segments/{segmentId}/preview',
  summary: 'Count a segment and show its first customers, with why each matched',
  tag: TAG,
  auth: 'staff',
  params: segmentParams,
  query: previewQuery,
  responses: { 200: { description: 'The preview', schema: previewResultSchema }, 202: accepted, ...problemResponses },
});

export const previewRuleRequestSchema = z
  .strictObject({ rule: ruleInRequest, limit: z.number().int().min(1).max(100).optional().describe('Matching customers to show (1-100, default 25)') })
  .meta({ id: 'SegmentPreviewRequest' });

export const previewRuleRoute = defineRoute({
  id: 'previewRule',
  method: 'POST',
  path: '/v1/segments/preview',
  summary: 'Try a rule without saving it: count and first customers, with why each matched',
  description:
    'Send `{ "rule": ..., "limit"?: 1-100 }`. Nothing is saved. Invalid rules answer 400 with each error at its path ' +
    '(`rule.and[0].type`): "Choose a valid segment type", "Enter a positive value", ... Large books answer 202 with a job.',
  tag: TAG,
  auth: 'staff',
  body: previewRuleRequestSchema,
  responses: { 200: { description: 'The preview', schema: previewResultSchema }, 202: accepted, ...problemResponses },
});

export const getSegmentJobRoute = defineRoute({
  id: 'getSegmentJob',
  method: 'GET',
  path: '/v1/segments/jobs/{jobId}',
  summary: 'Progress and result of a segment count or preview that runs as a job',
  tag: TAG,
  auth: 'staff',
  params: z.object({ jobId: z.string().min(1).max(64) }),
  responses: { 200: { description: 'The job', schema: segmentJobSchema }, ...problemResponses },
});

export const segmentRoutes = [
  listSegmentsRoute,
  createSegmentRoute,
  previewRuleRoute,
  getSegmentJobRoute,
  getSegmentRoute,
  updateSegmentRoute,
  deleteSegmentRoute,
  countSegmentRoute,
  previewSegmentRoute,
] as const;
