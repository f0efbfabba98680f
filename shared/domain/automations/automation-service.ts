/**
 * Automations as a product: create, edit, switch on and off, delete (owner and manager; the routes' `writers`), and
 * the views every role reads (settings, on/off, last run, next due moment, 30-day counts). Each write is one
 * transaction: the automation item (conditional on the revision read), its marker on the runner's worklist while it
 * is on, the reference on a saved segment it uses as audience, and the audit entry.
 *
 * Switching on stamps `enabledAt` (../eligibility.ts `switchedTo`): only occurrences due from that local day fire, so
 * the backlog is never mailed. An automation created without content gets its type's default template copied in, so
 * the jeweller edits their own copy.
 */
import { z } from 'zod';
import { auditItem } from '../../audit/audit-entry';
import type { Principal } from '../../auth/roles';
import { problems, type FieldError } from '../../http/problem';
import { newId } from '../../ids';
import { logger } from '../../observability/logger';
import { failedConditionIndexes, isConditionFailure, UnitOfWork } from '../../store/unit-of-work';
import { campaignContentSchema } from '../campaigns/campaign-schema';
import { assertInlineContentValid, stageTemplateCheck, templateUnavailable } from '../campaigns/content-checks';
import { addSegmentReference, removeSegmentReference, segmentExists } from '../segments/segment-references';
import { ensureSesTenant } from '../sender-identity/ses-tenant-setup';
import { loadTenantSettings } from '../tenants/tenant-repository';
import {
  AUTOMATION_TYPES,
  automationDefinitionSchema,
  isDateBased,
  mergeAutomationPatch,
  sendHourOf,
  type Automation,
  type AutomationDefinition,
  type AutomationPatch,
} from './automation-schema';
import { defaultAutomationContent } from './default-templates';
import { switchedTo } from './eligibility';
import { addDays, localDateOf, localHourInstant, toIso } from './local-time';
import {
  allAutomations,
  listAutomations,
  loadAutomation,
  stageAutomationDelete,
  stageAutomationPut,
  stageEnabledMarker,
  stageEnabledMarkerRemoval,
  type StoredAutomation,
} from './store/automation-store';
import { readDailyStats } from './store/occurrence-store';
import { lastRun, type AutomationRun } from './store/run-store';

// ---------------------------------------------------------------------------------------------------------------------
// View

export const COUNT_DAYS = 30;

export const automationCountsSchema = z
  .object({
    fired: z.number().int().describe('Messages sent (the provider accepted them)'),
    skipped: z.record(z.string(), z.number().int()).describe('Occurrences not sent, by reason (no_consent, not_in_audience, appointment_moved, ...)'),
    missed: z.record(z.string(), z.number().int()).describe('Occurrences that stopped being worth sending before they could go, by reason'),
    failed: z.number().int(),
    unknown: z.number().int().describe('The provider did not answer: may or may not have arrived; never resent'),
  })
  .meta({ id: 'AutomationCounts', description: `Outcomes of the last ${COUNT_DAYS} days (tenant's local days)` });
export type AutomationCounts = z.output<typeof automationCountsSchema>;

export const runCountsSchema = z
  .object({
    customersRead: z.number().int(),
    due: z.number().int(),
    enqueued: z.number().int(),
    alreadyHandled: z.number().int(),
    skipped: z.record(z.string(), z.number().int()),
    missed: z.number().int(),
    failed: z.number().int(),
    held: z.number().int().describe('Marketing occurrences held by the reputation guard (sent once acknowledged, if still timely)'),
    settled: z.number().int(),
  })
  .meta({ id: 'AutomationRunCounts' });

export const automationRunSchema = z
  .object({
    passId: z.string(),
    automationId: z.string(),
    scheduledAt: z.string().describe('When the schedule meant the pass to run'),
    dueAt: z.string().nullable().describe('The earliest send moment this pass newly reached (a send hour), if any'),
    startedAt: z.string().describe("The pass's clock at its start (the override's time for a clock-override pass)"),
    finishedAt: z.string(),
    recordedAt: z.string().describe('When the pass ran, by the wall clock: runs are listed newest first by it'),
    latenessSeconds: z.number().describe('From `dueAt` (else `scheduledAt`) to the start of the pass'),
    window: z.object({ from: z.string(), to: z.string() }).nullable().describe('Instants a date-based pass looked at'),
    evaluated: z.boolean().describe('The book was read for this automation in this pass'),
    clockOverride: z.boolean().describe('Run with the clock override (npm run automations:run)'),
    counts: runCountsSchema,
    error: z.string().optional(),
  })
  .meta({ id: 'AutomationRun' });

export const automationViewSchema = z
  .object({
    automationId: z.string(),
    type: z.enum(AUTOMATION_TYPES),
    name: z.string(),
    enabled: z.boolean(),
    enabledAt: z.string().nullable().describe('When it was last switched on: occurrences due from that local day fire'),
    purpose: z.enum(['marketing', 'service']),
    channel: z.enum(['email', 'sms']),
    content: campaignContentSchema,
    audience: z.unknown().nullable().describe('{"segmentId"} or {"rule"}; null: everyone the type applies to'),
    reentry: z.object({ minDaysBetween: z.number().int() }).nullable(),
    timing: z.record(z.string(), z.unknown()).describe("The type's timing, defaults filled in"),
    createdAt: z.string(),
    updatedAt: z.string(),
    lastRun: automationRunSchema.nullable().describe('The last runner pass over it'),
    nextDueAt: z
      .string()
      .nullable()
      .describe('Date-based: the next local send hour (a pass at or after it sends what falls due). Event-based: null'),
    counts: automationCountsSchema,
  })
  .meta({ id: 'Automation' });
export type AutomationView = z.output<typeof automationViewSchema>;

function countsFrom(days: Iterable<Record<string, number>>): AutomationCounts {
  const counts: AutomationCounts = { fired: 0, skipped: {}, missed: {}, failed: 0, unknown: 0 };
  for (const day of days) {
    for (const [field, value] of Object.entries(day)) {
      const [state, reason] = field.split('#') as [string, string | undefined];
      if (state === 'sent') counts.fired += value;
      else if (state === 'failed') counts.failed += value;
      else if (state === 'unknown') counts.unknown += value;
      else if ((state === 'skipped' || state === 'missed') && reason) counts[state][reason] = (counts[state][reason] ?? 0) + value;
    }
  }
  return counts;
}

/** The next local send hour from `now` on, for a date-based automation that is on. */
export function nextDueAt(automation: Automation, settings: { timeZone: string; defaultSendHour: number }, now: Date): string | null {
  if (!automation.enabled || !isDateBased(automation.type)) return null;
  const hour = sendHourOf(automation, settings.defaultSendHour);
  const today = localDateOf(now.getTime(), settings.timeZone);
  const todays = localHourInstant(today, hour, settings.timeZone);
  return toIso(todays > now.getTime() ? todays : localHourInstant(addDays(today, 1), hour, settings.timeZone));
}

export async function automationView(stored: StoredAutomation, now: Date): Promise<AutomationView> {
  const { tenantId, automation } = stored;
  const settings = await loadTenantSettings(tenantId);
  const since = addDays(localDateOf(now.getTime(), settings.timeZone), -(COUNT_DAYS - 1));
  const [run, days] = await Promise.all([lastRun(tenantId, automation.automationId), readDailyStats(tenantId, automation.automationId, since)]);
  return {
    automationId: automation.automationId,
    type: automation.type,
    name: automation.name,
    enabled: automation.enabled,
    enabledAt: automation.enabledAt ?? null,
    purpose: automation.purpose,
    channel: automation.channel,
    content: automation.content!,
    audience: automation.audience ?? null,
    reentry: automation.reentry ?? null,
    timing: automation.timing as Record<string, unknown>,
    createdAt: stored.createdAt,
    updatedAt: stored.updatedAt,
    lastRun: (run as AutomationRun | undefined) ?? null,
    nextDueAt: nextDueAt(automation, settings, now),
    counts: countsFrom(days.values()),
  };
}

// ---------------------------------------------------------------------------------------------------------------------
// Reads

export async function existingAutomation(tenantId: string, automationId: string): Promise<StoredAutomation> {
  const stored = await loadAutomation(tenantId, automationId);
  if (!stored) throw problems.notFound('Automation');
  return stored;
}

export async function listAutomationViews(
  tenantId: string,
  page: { limit: number; cursor?: string | undefined },
  now: Date,
): Promise<{ items: AutomationView[]; nextCursor: string | null }> {
  const result = await listAutomations(tenantId, page);
  return { items: await Promise.all(result.items.map((stored) => automationView(stored, now))), nextCursor: result.nextCursor };
}

export { allAutomations };

// ---------------------------------------------------------------------------------------------------------------------
// Writes

const definitionOf = (automation: Automation): AutomationDefinition => {
  const { automationId: _id, enabledAt: _enabledAt, ...definition } = automation;
  return definition as AutomationDefinition;
};

/** The automation with its content filled in: its own, else its type's default (copied, so it can be edited). */
function withContent(definition: AutomationDefinition): AutomationDefinition {
  if (definition.content !== undefined) return definition;
  return { ...definition, content: defaultAutomationContent(definition) } as AutomationDefinition;
}

const segmentIdOf = (automation: Pick<AutomationDefinition, 'audience'> | undefined) => automation?.audience?.segmentId;

const segmentUnavailable = () =>
  problems.unprocessable('Choose one of your segments.', { errors: [{ path: 'body.audience.segmentId', message: 'Segment not found' }] });

const smsUnavailable = () =>
  problems.unprocessable('SMS automations cannot be switched on yet: SMS sending is not available.', {
    errors: [{ path: 'body.channel', message: 'SMS cannot be sent yet' }],
  });

/** Checks what the schema cannot: inline Liquid like a template, a segment that exists, an SMS that cannot be on. */
async function assertUsable(tenantId: string, definition: AutomationDefinition, now: Date): Promise<void> {
  if (definition.content !== undefined) assertInlineContentValid(definition.channel, definition.content, now, 'body.content');
  const segmentId = segmentIdOf(definition);
  if (segmentId !== undefined && !(await segmentExists(tenantId, segmentId))) throw segmentUnavailable();
  if (definition.enabled && definition.channel === 'sms') throw smsUnavailable();
  // SES accepts a send only under the jeweller's SES tenant: set up once, when something may start sending.
  if (definition.enabled) await ensureSesTenant(tenantId, now);
}

interface StagedChecks {
  template: number | undefined;
  segment: number[];
}

function stageReferences(uow: UnitOfWork, tenantId: string, automationId: string, before: AutomationDefinition | undefined, after: AutomationDefinition | undefined, at: string): number[] {
  const from = segmentIdOf(before);
  const to = segmentIdOf(after);
  if (from === to) return [];
  const reference = (segmentId: string) => ({ tenantId, segmentId, kind: 'automation' as const, ownerId: automationId });
  if (from !== undefined) removeSegmentReference(uow, reference(from));
  if (to === undefined) return [];
  const first = uow.size;
  addSegmentReference(uow, reference(to), at);
  return Array.from({ length: uow.size - first }, (_, offset) => first + offset);
}

function stageMarker(uow: UnitOfWork, tenantId: string, before: Automation | undefined, after: Automation | undefined): void {
  if (after?.enabled) stageEnabledMarker(uow, tenantId, after);
  else if (before?.enabled) stageEnabledMarkerRemoval(uow, tenantId, before.automationId);
}

async function commit(uow: UnitOfWork, checks: StagedChecks, channel: string): Promise<void> {
  try {
    await uow.commit();
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
    const failed = failedConditionIndexes(error);
    if (checks.template !== undefined && failed.includes(checks.template)) throw templateUnavailable(channel === 'sms' ? 'sms' : 'email');
    if (failed.some((position) => checks.segment.includes(position))) throw segmentUnavailable();
    throw problems.conflict('The automation was changed at the same time; read it again and retry.');
  }
}

export async function createAutomation(principal: Principal, input: AutomationDefinition, now: Date): Promise<StoredAutomation> {
  const definition = withContent(input);
  await assertUsable(principal.tenantId, definition, now);
  const automationId = newId(now.getTime());
  const at = now.toISOString();
  const automation = { ...definition, automationId, ...switchedTo({ enabled: false }, definition.enabled, now) } as Automation;
  const stored: StoredAutomation = { tenantId: principal.tenantId, automation, createdBy: principal.staffId, createdAt: at, updatedAt: at, revision: 1 };

  const uow = new UnitOfWork(undefined);
  stageAutomationPut(uow, stored, undefined);
  const template = stageTemplateCheck(uow, principal.tenantId, definition.channel, definition.content!);
  const segment = stageReferences(uow, principal.tenantId, automationId, undefined, definition, at);
  stageMarker(uow, principal.tenantId, undefined, automation);
  uow.put(auditItem(principal, { action: 'created', entity: 'automation', entityId: automationId }, at));
  await commit(uow, { template, segment }, definition.channel);
  logger.info('automation created', { tenantId: principal.tenantId, automationId, type: automation.type, enabled: automation.enabled });
  return stored;
}

function patchErrors(error: z.ZodError): FieldError[] {
  return error.issues.map((issue) => ({ path: ['body', ...issue.path.map(String)].join('.'), message: issue.message }));
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

export async function updateAutomation(principal: Principal, automationId: string, patch: AutomationPatch, now: Date): Promise<StoredAutomation> {
  const current = await existingAutomation(principal.tenantId, automationId);
  const merged = mergeAutomationPatch(definitionOf(current.automation), patch);
  if (!merged.success) throw problems.validation(patchErrors(merged.error));
  const definition = withContent(merged.data);
  const changed = Object.keys(definition).filter((field) => !same((definition as Record<string, unknown>)[field], (current.automation as Record<string, unknown>)[field]));
  if (changed.length === 0) return current;
  await assertUsable(principal.tenantId, definition, now);

  const at = now.toISOString();
  const automation = { ...definition, automationId, ...switchedTo(current.automation, definition.enabled, now) } as Automation;
  const stored: StoredAutomation = { ...current, automation, updatedAt: at, revision: current.revision + 1 };
  const uow = new UnitOfWork(undefined);
  stageAutomationPut(uow, stored, current.revision);
  const template = changed.includes('content') || changed.includes('channel')
    ? stageTemplateCheck(uow, principal.tenantId, definition.channel, definition.content!)
    : undefined;
  const segment = stageReferences(uow, principal.tenantId, automationId, definitionOf(current.automation), definition, at);
  stageMarker(uow, principal.tenantId, current.automation, automation);
  uow.put(auditItem(principal, { action: 'updated', entity: 'automation', entityId: automationId, fields: changed }, at));
  await commit(uow, { template, segment }, definition.channel);
  logger.info('automation updated', { tenantId: principal.tenantId, automationId, fields: changed, enabled: automation.enabled });
  return stored;
}

export async function deleteAutomation(principal: Principal, automationId: string, now: Date): Promise<void> {
  const current = await existingAutomation(principal.tenantId, automationId);
  const at = now.toISOString();
  const uow = new UnitOfWork(undefined);
  stageAutomationDelete(uow, principal.tenantId, automationId, current.revision);
  stageReferences(uow, principal.tenantId, automationId, definitionOf(current.automation), undefined, at);
  stageMarker(uow, principal.tenantId, current.automation, undefined);
  uow.put(auditItem(principal, { action: 'deleted', entity: 'automation', entityId: automationId }, at));
  await commit(uow, { template: undefined, segment: [] }, current.automation.channel);
  logger.info('automation deleted', { tenantId: principal.tenantId, automationId });
}

/** The definition schema, re-exported for the contract (create body). */
export { automationDefinitionSchema };
