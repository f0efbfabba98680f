/**
 * Segments as a product: system and saved segments, their counts and previews against the live book, and the jobs a
 * large book needs. Handlers call these with the authorizer's principal; every key is built from its tenant.
 *
 * A count or preview runs in the request when the book is small enough to read well within the HTTP API's 30 s
 * (`syncCountMaxCustomers`, measured by `npm run bench:segments`); otherwise, or when the request runs out of time
 * anyway, it becomes a job (202) that the caller polls.
 */
import type { Principal } from '../../auth/roles';
import { auditItem } from '../../audit/audit-entry';
import { problems } from '../../http/problem';
import { newId } from '../../ids';
import { logger } from '../../observability/logger';
import { keys } from '../../store/keys';
import { BOOK_SHARDS } from '../../store/table-definition';
import { isConditionFailure, UnitOfWork } from '../../store/unit-of-work';
import { loadTenantSettings } from '../tenants/tenant-repository';
import type { BookCustomer } from './book-customer';
import { dynamoBookReader } from './book-reader';
import { compileRule } from './compile-rule';
import { dynamoPurchaseReader, emptyPurchaseReadStats } from './purchase-reader';
import type { Rule } from './rule-schema';
import { EvaluationDeadlineExceeded, evaluateBook, type BookAccess, type EvaluationOutcome } from './segment-evaluation';
import {
  emptyProgress,
  enqueueSegmentJobStep,
  failSegmentJob,
  getSegmentJob,
  putSegmentJob,
  SEGMENT_JOB_TTL_SECONDS,
  storedCursors,
  type SegmentJobItem,
  type SegmentJobKind,
} from './segment-jobs';
import { SEGMENT_IN_USE } from './segment-references';
import {
  getSegmentItem,
  listSegmentItems,
  readBookSize,
  recordBookSize,
  recordCustomSegmentCount,
  recordSystemSegmentCount,
  segmentItem,
  stageSegmentCreate,
  stageSegmentDelete,
  stageSegmentReplace,
  systemSegmentCount,
  systemSegmentCounts,
  type LastCount,
  type SegmentItem,
} from './segment-repository';
import { previewMatchOf, type CountResult, type PreviewResult } from './segment-result';
import { isSystemSegmentId, SYSTEM_SEGMENT_READ_ONLY, systemSegment, systemSegments, type SystemSegment } from './system-segments';
import { validateRule } from './validate-rule';

// ---------------------------------------------------------------------------------------------------------------------
// Limits of synchronous evaluation

/**
 * Customers a synchronous count may read: the book once, or twice for a percentile (VIP) rule, so a 200k book for most
 * rules and a 100k book for VIP ones. Override with SYNC_COUNT_MAX_CUSTOMERS.
 *
 * Why 200k, from `npm run bench:segments` (synthetic book, index items ~1.3 KB):
 *  - DynamoDB: ~143 read units per 1,000 customers per pass (eventually consistent). One partition serves 3,000 read
 *    units/s, so even if all 16 book shards of a tenant sat on one partition a pass reads ~21k customers/s; a new
 *    on-demand table serves 12,000 units/s (~84k customers/s). 200k customers: 2.4 to 9.5 s.
 *  - The Lambda: unmarshalling and shaping the evaluation pass costs ~30 µs a customer on one core (the spend pass
 *    ~5 µs, the predicate ~2 µs), and runs on one thread, so the function has 1,769 MB (one full vCPU). 200k customer
 *    reads: about 6 s, overlapping the reads above.
 *  So about 10 s in the worst case, a threefold margin on the HTTP API's 30 s. Books larger than the last pass measured,
 *  or slower than expected, are caught by the deadline below and continue as a job.
 */
export const DEFAULT_SYNC_COUNT_MAX_CUSTOMERS = 200_000;

/** A synchronous evaluation that runs this long (book larger than last measured) becomes a job instead. */
export const DEFAULT_SYNC_DEADLINE_MS = 20_000;

export function syncCountMaxCustomers(): number {
  const configured = Number(process.env.SYNC_COUNT_MAX_CUSTOMERS);
  return Number.isFinite(configured) && configured >= 0 && process.env.SYNC_COUNT_MAX_CUSTOMERS !== '' ? configured : DEFAULT_SYNC_COUNT_MAX_CUSTOMERS;
}

function syncDeadlineMs(): number {
  const configured = Number(process.env.SEGMENT_SYNC_DEADLINE_MS);
  return Number.isFinite(configured) && configured > 0 ? configured : DEFAULT_SYNC_DEADLINE_MS;
}

// ---------------------------------------------------------------------------------------------------------------------
// Views

export interface SegmentView {
  segmentId: string;
  kind: 'system' | 'custom';
  name: string;
  description: string;
  rule: Rule;
  readOnly: boolean;
  lastCount: { count: number; computedAt: string } | null;
  /** Saved segments: campaigns and automations using it (a segment in use cannot be deleted). */
  usedBy?: { campaigns: number; automations: number };
  version?: number;
  createdAt?: string;
  updatedAt?: string;
}

const lastCountView = (count: LastCount | undefined) => (count ? { count: count.count, computedAt: count.computedAt } : null);

function systemView(segment: SystemSegment, count: LastCount | undefined): SegmentView {
  return { ...segment, kind: 'system', readOnly: true, lastCount: lastCountView(count) };
}

function customView(item: SegmentItem): SegmentView {
  return {
    segmentId: item.segmentId,
    kind: 'custom',
    name: item.name,
    description: item.description,
    rule: item.rule,
    readOnly: false,
    lastCount: lastCountView(item.lastCount),
    usedBy: { campaigns: item.campaignRefs ?? 0, automations: item.automationRefs ?? 0 },
    version: item.version,
    createdAt: item.createdAt,
    updatedAt: item.updatedAt,
  };
}

/** A segment to evaluate: its rule, and where its last count goes. */
interface ResolvedSegment {
  segmentId: string;
  rule: Rule;
  /** Saved segments: the version the rule is from. */
  version?: number;
  system: boolean;
}

async function resolveSegment(tenantId: string, segmentId: string): Promise<ResolvedSegment> {
  if (isSystemSegmentId(segmentId)) {
    const { currency } = await loadTenantSettings(tenantId);
    const segment = systemSegment(segmentId, currency);
    if (!segment) throw problems.notFound('Segment');
    return { segmentId, rule: segment.rule, system: true };
  }
  const item = await getSegmentItem(tenantId, segmentId);
  if (!item) throw problems.notFound('Segment');
  return { segmentId, rule: item.rule, version: item.version, system: false };
}

/** The rule of a saved or system segment (campaigns and automations evaluate it at send time). 404 when unknown. */
export async function segmentRule(tenantId: string, segmentId: string): Promise<Rule> {
  return (await resolveSegment(tenantId, segmentId)).rule;
}

/**
 * A campaign's or automation's audience (a saved segment or an inline rule) evaluated now against the live book, in
 * one pass of the engine, each match handed to `onMatch` as it is decided. For workers (no request deadline).
 */
export async function evaluateAudience(
  tenantId: string,
  audience: { segmentId: string } | { rule: unknown },
  options: { onMatch: (customer: BookCustomer) => void; now?: Date },
): Promise<EvaluationOutcome> {
  const rule = 'segmentId' in audience ? await segmentRule(tenantId, audience.segmentId) : requireValidRule(audience.rule);
  const settings = await loadTenantSettings(tenantId);
  return evaluateBook(tenantBookAccess(tenantId), {
    plan: compileRule(rule),
    context: { now: options.now ?? new Date(), timeZone: settings.timeZone, currency: settings.currency },
    onMatch: options.onMatch,
  });
}

// ---------------------------------------------------------------------------------------------------------------------
// Reads and writes of segments

export async function listSegments(
  tenantId: string,
  page: { limit: number; cursor?: string | undefined },
): Promise<{ items: SegmentView[]; nextCursor: string | null }> {
  const [settings, counts, custom] = await Promise.all([
    loadTenantSettings(tenantId),
    page.cursor === undefined ? systemSegmentCounts(tenantId) : Promise.resolve(new Map<string, LastCount>()),
    listSegmentItems(tenantId, page),
  ]);
  // System segments lead the first page; the cursor pages through the saved ones.
  const system = page.cursor === undefined ? systemSegments(settings.currency).map((s) => systemView(s, counts.get(s.segmentId))) : [];
  return { items: [...system, ...custom.items.map(customView)], nextCursor: custom.nextCursor };
}

export async function getSegment(tenantId: string, segmentId: string): Promise<SegmentView> {
  if (isSystemSegmentId(segmentId)) {
    const [{ currency }, count] = await Promise.all([loadTenantSettings(tenantId), systemSegmentCount(tenantId, segmentId)]);
    const segment = systemSegment(segmentId, currency);
    if (!segment) throw problems.notFound('Segment');
    return systemView(segment, count);
  }
  const item = await getSegmentItem(tenantId, segmentId);
  if (!item) throw problems.notFound('Segment');
  return customView(item);
}

/** A rule as sent in a request, validated; 400 with `rule.and[0].type`-style paths otherwise. */
export function requireValidRule(input: unknown): Rule {
  if (input === undefined) throw problems.validation([{ path: 'rule', message: 'Enter a rule' }]);
  const validation = validateRule(input, { base: ['rule'] });
  if (!validation.ok) throw problems.validation(validation.errors, 'The rule has invalid fields.');
  return validation.rule;
}

export interface SegmentInput {
  name: string;
  description?: string | undefined;
  rule: unknown;
}

export async function createSegment(actor: Principal, input: SegmentInput, now = new Date()): Promise<SegmentView> {
  const rule = requireValidRule(input.rule);
  const at = now.toISOString();
  const item = segmentItem({
    tenantId: actor.tenantId,
    segmentId: newId(now.getTime()),
    name: input.name,
    description: input.description ?? '',
    rule,
    campaignRefs: 0,
    automationRefs: 0,
    version: 1,
    createdAt: at,
    createdBy: actor.staffId,
    updatedAt: at,
    updatedBy: actor.staffId,
  });
  const uow = new UnitOfWork(undefined);
  stageSegmentCreate(uow, item);
  uow.put(auditItem(actor, { action: 'created', entity: 'segment', entityId: item.segmentId, fields: ['name', 'description', 'rule'] }, at));
  await uow.commit();
  return customView(item);
}

export interface SegmentPatch {
  name?: string | undefined;
  description?: string | undefined;
  rule?: unknown;
}

export async function updateSegment(actor: Principal, segmentId: string, patch: SegmentPatch, now = new Date()): Promise<SegmentView> {
  if (isSystemSegmentId(segmentId)) {
    await getSegment(actor.tenantId, segmentId);
    throw problems.forbidden(SYSTEM_SEGMENT_READ_ONLY);
  }
  const rule = patch.rule === undefined ? undefined : requireValidRule(patch.rule);
  const current = await getSegmentItem(actor.tenantId, segmentId);
  if (!current) throw problems.notFound('Segment');
  const changes: Partial<Pick<SegmentItem, 'name' | 'description' | 'rule'>> = {};
  if (patch.name !== undefined && patch.name !== current.name) changes.name = patch.name;
  if (patch.description !== undefined && patch.description !== current.description) changes.description = patch.description;
  if (rule !== undefined && JSON.stringify(rule) !== JSON.stringify(current.rule)) changes.rule = rule;
  const fields = Object.keys(changes);
  if (fields.length === 0) return customView(current);

  const at = now.toISOString();
  // A new rule makes the last count meaningless: it goes until the next count.
  const { lastCount, ...rest } = current;
  const next: SegmentItem = {
    ...rest,
    ...(changes.rule === undefined && lastCount ? { lastCount } : {}),
    ...changes,
    version: current.version + 1,
    updatedAt: at,
    updatedBy: actor.staffId,
  };
  const uow = new UnitOfWork(undefined);
  stageSegmentReplace(uow, next, current.version);
  uow.put(auditItem(actor, { action: 'updated', entity: 'segment', entityId: segmentId, fields }, at));
  try {
    await uow.commit();
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
    if (!(await getSegmentItem(actor.tenantId, segmentId))) throw problems.notFound('Segment');
    throw problems.conflict('The segment was changed by someone else at the same time. Reload it and try again.');
  }
  return customView(next);
}

export async function deleteSegment(actor: Principal, segmentId: string, now = new Date()): Promise<void> {
  if (isSystemSegmentId(segmentId)) {
    await getSegment(actor.tenantId, segmentId);
    throw problems.forbidden(SYSTEM_SEGMENT_READ_ONLY);
  }
  const current = await getSegmentItem(actor.tenantId, segmentId);
  if (!current) throw problems.notFound('Segment');
  if ((current.campaignRefs ?? 0) > 0 || (current.automationRefs ?? 0) > 0) throw inUseConflict(current);

  const uow = new UnitOfWork(undefined);
  stageSegmentDelete(uow, actor.tenantId, segmentId);
  uow.put(auditItem(actor, { action: 'deleted', entity: 'segment', entityId: segmentId }, now.toISOString()));
  try {
    await uow.commit();
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
    // A campaign or automation took it up between the read and the delete (or it is gone): say which.
    const latest = await getSegmentItem(actor.tenantId, segmentId);
    if (!latest) throw problems.notFound('Segment');
    throw inUseConflict(latest);
  }
}

/** 409 naming what uses the segment (a campaign when both do: the jeweller usually meets those first). */
function inUseConflict(item: SegmentItem) {
  const kind = (item.campaignRefs ?? 0) > 0 ? 'campaign' : 'automation';
  return problems.conflict(SEGMENT_IN_USE[kind], { usedBy: { campaigns: item.campaignRefs ?? 0, automations: item.automationRefs ?? 0 } });
}

// ---------------------------------------------------------------------------------------------------------------------
// Counts and previews

export type EvaluationAnswer<R> = { kind: 'result'; result: R } | { kind: 'job'; job: SegmentJobItem };

/** The live book of a tenant in DynamoDB, with the purchase reader a day-exact period needs. */
export function tenantBookAccess(tenantId: string): BookAccess {
  const purchaseStats = emptyPurchaseReadStats();
  return { reader: dynamoBookReader(tenantId), purchases: dynamoPurchaseReader(tenantId, purchaseStats), purchaseStats };
}

export async function countSegment(principal: Principal, segmentId: string): Promise<EvaluationAnswer<CountResult>> {
  const segment = await resolveSegment(principal.tenantId, segmentId);
  return evaluate(principal, segment.rule, 'count', 0, segment) as Promise<EvaluationAnswer<CountResult>>;
}

export async function previewSegment(principal: Principal, segmentId: string, limit: number): Promise<EvaluationAnswer<PreviewResult>> {
  const segment = await resolveSegment(principal.tenantId, segmentId);
  return evaluate(principal, segment.rule, 'preview', limit, segment) as Promise<EvaluationAnswer<PreviewResult>>;
}

/** A rule that is not saved: validated here (400 with paths), evaluated like a segment, remembered nowhere. */
export async function previewRule(principal: Principal, rule: unknown, limit: number): Promise<EvaluationAnswer<PreviewResult>> {
  const valid = requireValidRule(rule);
  return evaluate(principal, valid, 'preview', limit, undefined) as Promise<EvaluationAnswer<PreviewResult>>;
}

async function evaluate(
  principal: Principal,
  rule: Rule,
  kind: SegmentJobKind,
  limit: number,
  segment: ResolvedSegment | undefined,
): Promise<EvaluationAnswer<CountResult | PreviewResult>> {
  const tenantId = principal.tenantId;
  const now = new Date();
  const [settings, bookSize] = await Promise.all([loadTenantSettings(tenantId), readBookSize(tenantId)]);
  const plan = compileRule(rule);
  const passes = plan.needs.spendDistribution ? 2 : 1;
  const jobRequest = { principal, rule, kind, limit, segment, now, timeZone: settings.timeZone, currency: settings.currency };
  if (bookSize !== undefined && bookSize.customers * passes > syncCountMaxCustomers()) {
    return { kind: 'job', job: await startSegmentJob(jobRequest) };
  }
  let outcome: EvaluationOutcome;
  try {
    outcome = await evaluateBook(tenantBookAccess(tenantId), {
      plan,
      context: { now, timeZone: settings.timeZone, currency: settings.currency },
      explainLimit: kind === 'preview' ? limit : 0,
      deadlineMs: now.getTime() + syncDeadlineMs(),
    });
  } catch (error) {
    if (!(error instanceof EvaluationDeadlineExceeded)) throw error;
    logger.warn('segment evaluation outgrew the request; continuing as a job', { tenantId, bookSize: bookSize?.customers });
    return { kind: 'job', job: await startSegmentJob(jobRequest) };
  }
  const { result, cost } = outcome;
  const count: CountResult = {
    ...(segment ? { segmentId: segment.segmentId } : {}),
    count: result.count,
    evaluatedAt: now.toISOString(),
    customersRead: cost.customersRead,
    readUnits: cost.readUnits,
    durationMs: cost.durationMs,
  };
  await remember(tenantId, segment, count, cost.bookSize);
  return { kind: 'result', result: kind === 'preview' ? { ...count, customers: result.matches.map(previewMatchOf) } : count };
}

/** After a full evaluation: the segment's last count, and the book size that decides the next one's mode. */
async function remember(tenantId: string, segment: ResolvedSegment | undefined, result: CountResult, bookSize: number): Promise<void> {
  const computedAt = new Date().toISOString();
  const lastCount: LastCount = { count: result.count, computedAt, customersRead: result.customersRead };
  const writes: Promise<void>[] = [recordBookSize(tenantId, { customers: bookSize, measuredAt: computedAt })];
  if (segment?.system) writes.push(recordSystemSegmentCount(tenantId, segment.segmentId, lastCount));
  else if (segment?.version !== undefined) writes.push(recordCustomSegmentCount(tenantId, segment.segmentId, segment.version, lastCount));
  try {
    await Promise.all(writes);
  } catch (error) {
    // The answer is right without them; a list shows an older count until the next one.
    logger.warn('could not remember a segment count', { tenantId, segmentId: segment?.segmentId, error: error as Error });
  }
}

/** Called by the job consumer when a job finishes. */
export async function rememberJobResult(job: SegmentJobItem): Promise<void> {
  if (!job.result) return;
  const segment: ResolvedSegment | undefined =
    job.segmentId === undefined
      ? undefined
      : { segmentId: job.segmentId, rule: job.rule, system: job.systemSegment === true, ...(job.segmentVersion === undefined ? {} : { version: job.segmentVersion }) };
  await remember(job.tenantId, segment, job.result, job.progress.evaluated);
}

interface JobRequest {
  principal: Principal;
  rule: Rule;
  kind: SegmentJobKind;
  limit: number;
  segment: ResolvedSegment | undefined;
  now: Date;
  timeZone: string;
  currency: string;
}

async function startSegmentJob(request: JobRequest): Promise<SegmentJobItem> {
  const { principal, segment, now } = request;
  const jobId = newId(now.getTime());
  const at = new Date().toISOString();
  const job: SegmentJobItem = {
    ...keys.segmentJob(principal.tenantId, jobId),
    type: 'SegmentJob',
    tenantId: principal.tenantId,
    jobId,
    kind: request.kind,
    status: 'queued',
    ...(segment ? { segmentId: segment.segmentId, systemSegment: segment.system } : {}),
    ...(segment?.version === undefined ? {} : { segmentVersion: segment.version }),
    rule: request.rule,
    limit: request.kind === 'preview' ? request.limit : 0,
    evaluatedAt: now.toISOString(),
    timeZone: request.timeZone,
    currency: request.currency,
    seq: 0,
    cursors: storedCursors(Array.from({ length: BOOK_SHARDS }, () => undefined)),
    progress: emptyProgress(),
    createdAt: at,
    createdBy: principal.staffId,
    updatedAt: at,
    expiresAt: Math.floor(Date.now() / 1000) + SEGMENT_JOB_TTL_SECONDS,
  };
  await putSegmentJob(job);
  try {
    await enqueueSegmentJobStep({ tenantId: job.tenantId, jobId, seq: 0 });
  } catch (error) {
    await failSegmentJob(job.tenantId, jobId, 'The job could not be queued');
    throw error;
  }
  logger.info('segment job started', { tenantId: job.tenantId, jobId, kind: job.kind });
  return job;
}

export async function readSegmentJob(tenantId: string, jobId: string): Promise<SegmentJobItem> {
  const job = await getSegmentJob(tenantId, jobId);
  if (!job) throw problems.notFound('Segment job');
  return job;
}
