/**
 * Every Lambda function of the system, as data: where its handler lives, what triggers it and what it may touch.
 * The CDK app builds one FacetFunction per entry (infra/function.ts) and wires triggers and least-privilege grants from
 * it; the local runtime (local/) mounts the same handler modules behind its gateway, queue pollers and scheduler.
 */
import type { RouteContract } from '../shared/http/contract';
import type { QueueId } from '../shared/config/queues';
import { publicRoutes } from '../shared/api/public/contract';
import { customerRoutes } from '../shared/api/customers/contract';
import { recordRoutes } from '../shared/api/records/contract';
import { tenantRoutes } from '../shared/api/tenant/contract';
import { importRoutes } from '../shared/api/imports/contract';
import { campaignRoutes } from '../shared/api/campaigns/contract';
import { segmentRoutes } from '../shared/api/segments/contract';
import { templateRoutes } from '../shared/api/templates/contract';
import { unsubscribeRoutes } from '../shared/api/unsubscribe/contract';
import { sendRoutes } from '../shared/api/sends/contract';
import { senderIdentityRoutes } from '../shared/api/sender-identity/contract';
import { automationRoutes } from '../shared/api/automations/contract';
import { SEND_LANES } from '../shared/domain/sending/lanes';
import { trackingRoutes } from '../shared/api/tracking/contract';
import { hubRoutes } from '../shared/api/hub/contract';
import { reputationRoutes } from '../shared/api/reputation/contract';
import { SES_EVENT_PATTERN } from '../shared/domain/engagement/ses-event-pattern';

export interface FunctionSpec {
  /** Logical id: `facet-{stage}-{id}` in AWS. */
  readonly id: string;
  /** Handler module relative to the repo root; it exports `handler`. */
  readonly entry: string;
  readonly description: string;
  readonly timeoutSeconds: number;
  readonly memoryMb: number;
  readonly trigger:
    | { kind: 'http'; routes: readonly RouteContract[] }
    | { kind: 'authorizer' }
    | { kind: 'queue'; queue: QueueId; batchSize: number; maxConcurrency: number }
    | { kind: 'schedule'; expression: string; description: string }
    /** Invoked by one-time schedules that other functions create at run time (access.scheduleTargets names it). */
    | { kind: 'scheduled-target' }
    /**
     * A rule on the default event bus (asynchronous invocation: Lambda retries a failed event). For `aws.ses` events the
     * CDK app also matches the stage's configuration set, so a stage only sees its own mail's events. An event still
     * failing, or one EventBridge could not deliver, lands in the function's dead-letter queue (infra/engagement.ts).
     */
    | { kind: 'eventbridge'; description: string; pattern: { readonly source: readonly string[]; readonly detailType: readonly string[] } };
  /** npm packages whose files the function reads at run time (not just imports): copied into the bundle's node_modules. */
  readonly bundleNodePackages?: readonly string[];
  /** What the function may do; the CDK app grants exactly this. */
  readonly access: {
    readonly table: 'read' | 'readwrite';
    readonly sendTo?: readonly QueueId[];
    /**
     * Functions this one creates run-time schedules for (each has a `scheduled-target` trigger): it may manage the
     * schedules of the stage's group and pass their role, and learns each target's ARN from `{ID}_ARN`
     * (shared/config/env.ts functionArnEnv).
     */
    readonly scheduleTargets?: readonly string[];
    /** SES v2 SendEmail through the stage's configuration set (CDK: email.grantSendEmail, sets SES_CONFIGURATION_SET). */
    readonly sendEmail?: boolean;
    /** Reads the HMAC key of unsubscribe and tracking links (CDK: signingKey.grantRead, sets SIGNING_KEY_SECRET_ARN). */
    readonly signingKey?: boolean;
    /** SES identities (sending domains): `manage` creates, reads and removes them, `read` reads their status (CDK: email.grantManageIdentities). */
    readonly sesIdentities?: 'manage' | 'read';
    /** Sets up jewellers' SES tenants and their resource associations (CDK: email.grantSetUpSesTenants, sets SES_ARN_PREFIX). */
    readonly sesTenants?: boolean;
  };
}

const http = (routes: readonly RouteContract[]) => ({ kind: 'http', routes }) as const;

export const FUNCTIONS = [
  {
    id: 'authorizer',
    entry: 'functions/auth/authorizer.ts',
    description: 'HTTP API Lambda authorizer: resolves Bearer API key -> tenant, staff member, role.',
    timeoutSeconds: 5,
    memoryMb: 256,
    trigger: { kind: 'authorizer' },
    access: { table: 'read' },
  },
  {
    id: 'api-public',
    entry: 'functions/http/public.ts',
    description: 'Health, OpenAPI document and docs page (no auth).',
    timeoutSeconds: 10,
    memoryMb: 256,
    trigger: http(publicRoutes),
    bundleNodePackages: ['swagger-ui-dist'],
    access: { table: 'read' },
  },
  {
    id: 'api-customers',
    entry: 'functions/http/customers.ts',
    description: 'Customer book: customers, consent, communications timeline, GDPR export and erasure.',
    timeoutSeconds: 29,
    memoryMb: 512,
    trigger: http(customerRoutes),
    access: { table: 'readwrite', sendTo: ['domainEvents'] },
  },
  {
    id: 'api-records',
    entry: 'functions/http/records.ts',
    description: 'Purchases and refunds, repairs, lay-bys and payments, appointments.',
    timeoutSeconds: 29,
    memoryMb: 512,
    trigger: http(recordRoutes),
    access: { table: 'readwrite', sendTo: ['domainEvents'] },
  },
  {
    id: 'api-tenant',
    entry: 'functions/http/tenant.ts',
    description: 'Tenant settings, staff and API keys, audit trail, suppression list.',
    timeoutSeconds: 29,
    memoryMb: 256,
    trigger: http(tenantRoutes),
    access: { table: 'readwrite' },
  },
  {
    id: 'api-imports',
    entry: 'functions/http/imports.ts',
    description: 'Bulk import: accepts CSV/JSON, splits it into chunks on the imports queue, reports progress.',
    timeoutSeconds: 29,
    memoryMb: 1024,
    trigger: http(importRoutes),
    access: { table: 'readwrite', sendTo: ['imports'] },
  },
  {
    id: 'api-templates',
    entry: 'functions/http/templates.ts',
    description: 'Email and SMS templates: Liquid merge variables, checks on save, previews for a customer.',
    timeoutSeconds: 29,
    memoryMb: 512,
    trigger: http(templateRoutes),
    access: { table: 'readwrite' },
  },
  {
    id: 'api-campaigns',
    entry: 'functions/http/campaigns.ts',
    description: 'Campaigns: drafts, edits, copies, scheduling (EventBridge Scheduler), send, cancel, pause, resume, metrics.',
    timeoutSeconds: 29,
    memoryMb: 512,
    trigger: http(campaignRoutes),
    // Test sends: to staff through SES at once (sendEmail), to customers as a direct send through the pipeline.
    access: { table: 'readwrite', scheduleTargets: ['campaign-dispatcher'], sendTo: ['sendDispatch'], sendEmail: true, sesTenants: true },
  },
  {
    id: 'campaign-dispatcher',
    entry: 'functions/schedule/campaign-dispatcher.ts',
    description: "A campaign's schedule fired: scheduled -> sending if its schedule version is current, then the send pipeline.",
    timeoutSeconds: 60,
    memoryMb: 512,
    trigger: { kind: 'scheduled-target' },
    access: { table: 'readwrite', sendTo: ['sendDispatch'], sesTenants: true },
  },
  {
    id: 'import-worker',
    entry: 'functions/queue/import-worker.ts',
    description: 'Processes one import chunk: validates rows, upserts by external id, records per-row errors.',
    timeoutSeconds: 120,
    memoryMb: 1024,
    trigger: { kind: 'queue', queue: 'imports', batchSize: 1, maxConcurrency: 4 },
    access: { table: 'readwrite', sendTo: ['domainEvents'] },
  },
  {
    id: 'api-segments',
    entry: 'functions/http/segments.ts',
    description: 'Segments: system and saved segments, counts and previews against the live book, segment jobs.',
    timeoutSeconds: 29,
    // A count is bound by unmarshalling the book on one thread: 1,769 MB is one full vCPU (see segment-service.ts).
    memoryMb: 1769,
    trigger: http(segmentRoutes),
    access: { table: 'readwrite', sendTo: ['segmentJobs'] },
  },
  {
    id: 'segment-jobs',
    entry: 'functions/queue/segment-jobs.ts',
    description: 'Counts and previews of books too large for a request: reads the book in checkpointed steps.',
    timeoutSeconds: 900,
    memoryMb: 1769,
    trigger: { kind: 'queue', queue: 'segmentJobs', batchSize: 1, maxConcurrency: 2 },
    access: { table: 'readwrite', sendTo: ['segmentJobs'] },
  },
  {
    id: 'domain-events',
    entry: 'functions/queue/domain-events.ts',
    description: 'Consumes domain events from the outbox and routes them to their reactions.',
    timeoutSeconds: 30,
    memoryMb: 512,
    trigger: { kind: 'queue', queue: 'domainEvents', batchSize: 10, maxConcurrency: 5 },
    // Automations react to the book's events: a repair ready sends its notice at once (priority lane).
    access: { table: 'readwrite', sendTo: ['sendPriority'] },
  },
  {
    id: 'outbox-sweeper',
    entry: 'functions/schedule/outbox-sweeper.ts',
    description: 'Publishes outbox events whose immediate publish did not happen (process died after the commit).',
    timeoutSeconds: 60,
    memoryMb: 256,
    trigger: { kind: 'schedule', expression: 'rate(1 minute)', description: 'Outbox sweep every minute' },
    access: { table: 'readwrite', sendTo: ['domainEvents'] },
  },
  {
    id: 'api-unsubscribe',
    entry: 'functions/http/unsubscribe.ts',
    description: 'One-click unsubscribe links (RFC 8058): confirmation page and POST, public, signed per recipient.',
    timeoutSeconds: 10,
    memoryMb: 256,
    trigger: http(unsubscribeRoutes),
    access: { table: 'readwrite', sendTo: ['domainEvents'], signingKey: true },
  },
  {
    id: 'send-dispatcher',
    entry: 'functions/queue/dispatch-worker.ts',
    description: "Campaign dispatch steps: freezes the audience with the send gates, tops up each campaign's window on the bulk lane, completes.",
    // A ranked (top-N) audience is evaluated over the whole book in one step.
    timeoutSeconds: 900,
    memoryMb: 1769,
    trigger: { kind: 'queue', queue: 'sendDispatch', batchSize: 1, maxConcurrency: 4 },
    access: { table: 'readwrite', sendTo: ['sendDispatch', 'sendBulk', 'sendPriority'] },
  },
  {
    id: 'send-priority',
    entry: 'functions/queue/send-worker.ts',
    description: 'Send worker of the priority lane (service and automation messages): gates, render, SES SendEmail, record.',
    timeoutSeconds: 60,
    memoryMb: 256,
    trigger: { kind: 'queue', queue: SEND_LANES.priority.queue, batchSize: SEND_LANES.priority.batchSize, maxConcurrency: SEND_LANES.priority.maxConcurrency },
    access: { table: 'readwrite', sendEmail: true, signingKey: true },
  },
  {
    id: 'send-bulk',
    entry: 'functions/queue/send-worker.ts',
    description: 'Send worker of the bulk lane (campaigns): gates, render, SES SendEmail, record, paced to its share of the SES rate.',
    timeoutSeconds: 60,
    memoryMb: 256,
    trigger: { kind: 'queue', queue: SEND_LANES.bulk.queue, batchSize: SEND_LANES.bulk.batchSize, maxConcurrency: SEND_LANES.bulk.maxConcurrency },
    access: { table: 'readwrite', sendEmail: true, signingKey: true },
  },
  {
    id: 'campaign-reconciler',
    entry: 'functions/schedule/campaign-reconciler.ts',
    description: 'Campaign sends in flight: stale claims to unknown, lost messages re-enqueued, cancelled swept, finished campaigns to sent.',
    timeoutSeconds: 300,
    memoryMb: 512,
    trigger: { kind: 'schedule', expression: 'rate(5 minutes)', description: 'Send reconciliation every 5 minutes' },
    access: { table: 'readwrite', sendTo: ['sendDispatch'] },
  },
  {
    id: 'api-sends',
    entry: 'functions/http/sends.ts',
    description: 'Direct sends: one-off bulk email and one-to-one messages, through the send pipeline, with Idempotency-Key.',
    timeoutSeconds: 29,
    memoryMb: 512,
    trigger: http(sendRoutes),
    access: { table: 'readwrite', sendTo: ['sendDispatch'], sesTenants: true },
  },
  {
    id: 'api-sender-identity',
    entry: 'functions/http/sender-identity.ts',
    description: "The tenant's sending domain: SES identity with Easy DKIM (DNS records), verification status, removal; SES tenant.",
    timeoutSeconds: 29,
    memoryMb: 256,
    trigger: http(senderIdentityRoutes),
    access: { table: 'readwrite', sesIdentities: 'manage', sesTenants: true },
  },
  {
    id: 'sender-identity-refresher',
    entry: 'functions/schedule/sender-identity-refresher.ts',
    description: 'Asks SES about sending domains still pending, so mail moves to a domain once its DKIM records are found.',
    timeoutSeconds: 120,
    memoryMb: 256,
    trigger: { kind: 'schedule', expression: 'rate(15 minutes)', description: 'Pending sending domains checked every 15 minutes' },
    access: { table: 'readwrite', sesIdentities: 'read' },
  },
  {
    id: 'api-automations',
    entry: 'functions/http/automations.ts',
    description: 'Automations: create, edit, switch on/off, runs, 30-day counts and previews of who would receive one on a day.',
    timeoutSeconds: 29,
    // A preview of a date-based automation reads the whole book, like a segment count (one full vCPU).
    memoryMb: 1769,
    trigger: http(automationRoutes),
    // Switching an automation on sets up the jeweller's SES tenant its messages are sent under.
    access: { table: 'readwrite', sesTenants: true },
  },
  {
    id: 'automation-runner',
    entry: 'functions/schedule/automation-runner.ts',
    description:
      "Automation runner pass: scheduled reminders due, stuck occurrences swept, date-based automations whose send hour came evaluated over the book, messages onto the priority lane; heartbeat metric.",
    // A tenant's book is read in checkpointed slices; the rest of a book too big for one invocation is resumed.
    timeoutSeconds: 900,
    memoryMb: 1769,
    trigger: { kind: 'schedule', expression: 'rate(15 minutes)', description: 'Automation runner pass every 15 minutes' },
    access: { table: 'readwrite', sendTo: ['sendPriority'] },
  },
  {
    id: 'email-events',
    entry: 'functions/events/ses-events.ts',
    description: 'SES delivery events (EventBridge): recipient status forward only, counters, suppression, complaint consent, reputation guard.',
    timeoutSeconds: 30,
    memoryMb: 512,
    trigger: { kind: 'eventbridge', description: "SES events of the stage's configuration set", pattern: SES_EVENT_PATTERN },
    // A complaint withdraws consent through the customer book (consent.changed on the domain-events queue).
    access: { table: 'readwrite', sendTo: ['domainEvents'] },
  },
  {
    id: 'api-tracking',
    entry: 'functions/http/tracking.ts',
    description: 'Open pixel and tracked links (public, signed per recipient and link): counts opens and clicks, redirects.',
    timeoutSeconds: 10,
    memoryMb: 256,
    trigger: http(trackingRoutes),
    access: { table: 'readwrite', signingKey: true },
  },
  {
    id: 'api-hub',
    entry: 'functions/http/hub.ts',
    description: 'Marketing overview: active campaigns, drafts, segments, automations, recent results, attributed revenue.',
    timeoutSeconds: 29,
    memoryMb: 512,
    trigger: http(hubRoutes),
    access: { table: 'read' },
  },
  {
    id: 'api-reputation',
    entry: 'functions/http/reputation.ts',
    description: "Reputation guard: the tenant's 30-day bounce and complaint rates, and acknowledging a marketing hold.",
    timeoutSeconds: 29,
    memoryMb: 256,
    trigger: http(reputationRoutes),
    // Acknowledging resumes the bulk sends the guard paused (through the send pipeline).
    access: { table: 'readwrite', sendTo: ['sendDispatch'] },
  },
] as const satisfies readonly FunctionSpec[];

export type FunctionId = (typeof FUNCTIONS)[number]['id'];
