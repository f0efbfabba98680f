/**
 * `POST /v1/automations/{id}/backfill/preview` and `POST /v1/automations/{id}/backfill` (./backfill.ts says what a
 * backfill covers). Both stream the book once with the runner's own steps (the type's occurrences in the range, the
 * audience with the segment engine, still worth sending now):
 *  - the preview lists who would receive what and why, and counts what is already handled (claimed by the runner or
 *    an earlier backfill) and what is no longer worth sending; it writes nothing;
 *  - the backfill hands each occurrence over through the runner's path (./handover-service.ts): the claim is the same
 *    conditional write on the same occurrence key, so nothing already handled is sent again, and the send goes through
 *    the pipeline's gates (consent for the purpose, suppression, frequency cap) and the reputation guard's hold.
 * The book is read within the request, as the date preview does: fine for the books jewellers have (a few thousand to
 * tens of thousands of customers); a 500k book would need the runner's checkpointed slices.
 */
import { z } from 'zod';
import type { Principal } from '../../auth/roles';
import { auditItem } from '../../audit/audit-entry';
import { problems } from '../../http/problem';
import { logger } from '../../observability/logger';
import { UnitOfWork } from '../../store/unit-of-work';
import { streamBook } from '../segments/book-reader';
import type { BookCustomer } from '../segments/book-customer';
import { backfillRange, backfillVerdict, type BackfillRange } from './backfill';
import { handOver } from './handover-service';
import type { Occurrence } from './occurrence';
import { dueOccurrences } from './occurrences';
import { OCCURRENCE_ATTRIBUTES, previewRecipient, previewRecipientSchema } from './preview-service';
import { countHandover } from './sweeper-service';
import { loadTenantContext, type LoadedTenant } from './tenant-context-service';
import type { StoredAutomation } from './store/automation-store';
import type { BookPort } from './store/book-port';
import { loadOccurrence } from './store/occurrence-store';
import { emptyRunCounts } from './store/run-store';

const rangeFields = {
  automationId: z.string(),
  from: z.string().describe('First local day covered'),
  until: z.string().describe('The day the automation was switched on (exclusive): from then on the runner covers it; today while it is off'),
  timeZone: z.string(),
};

export const backfillPreviewSchema = z
  .object({
    ...rangeFields,
    enabled: z.boolean(),
    total: z.number().int().describe('Occurrences a backfill would hand over now (the list may be shorter: `truncated`)'),
    recipients: z.array(previewRecipientSchema),
    truncated: z.boolean(),
    alreadyHandled: z.number().int().describe('Occurrences in the range already claimed (sent, skipped, in flight): never sent again'),
    expired: z.number().int().describe('Occurrences in the range no longer worth sending (the birthday passed): not backfilled'),
    customersRead: z.number().int(),
  })
  .meta({ id: 'AutomationBackfillPreview' });
export type BackfillPreview = z.output<typeof backfillPreviewSchema>;

export const backfillResultSchema = z
  .object({
    ...rangeFields,
    found: z.number().int().describe('Occurrences in the range still worth sending'),
    enqueued: z.number().int().describe('Handed to the send pipeline (its gates may still skip some)'),
    alreadyHandled: z.number().int().describe('Claimed before (by the runner or an earlier backfill): nothing sent again'),
    skipped: z.record(z.string(), z.number().int()).describe('Not sent, by reason'),
    held: z.number().int().describe('Held by the reputation guard: sent once the hold is acknowledged, if still timely'),
    missed: z.number().int(),
    failed: z.number().int(),
    expired: z.number().int().describe('Occurrences in the range no longer worth sending: not backfilled'),
    customersRead: z.number().int(),
  })
  .meta({ id: 'AutomationBackfillResult' });
export type BackfillResult = z.output<typeof backfillResultSchema>;

export interface BackfillDeps {
  readonly now: Date;
  /** The book (tests use the in-memory one); the tenant's DynamoDB book otherwise. */
  readonly book?: (tenantId: string) => BookPort;
}

function rangeOrProblem(ctx: LoadedTenant, stored: StoredAutomation, from: string): BackfillRange {
  const result = backfillRange({ automation: stored.automation, from, now: ctx.now, timeZone: ctx.clock.timeZone });
  if (result.ok) return result.range;
  if (result.field === 'type') throw problems.unprocessable(result.message);
  throw problems.validation([{ path: 'body.from', message: result.message }]);
}

interface Found {
  readonly customer: BookCustomer;
  readonly occurrence: Occurrence;
}

/** Streams the book for the range: every occurrence in the audience still worth sending (`onFound`), and the counts. */
async function scan(
  ctx: LoadedTenant,
  stored: StoredAutomation,
  range: BackfillRange,
  extraAttributes: readonly string[],
  onFound: (found: Found) => Promise<void>,
): Promise<{ customersRead: number; expired: number }> {
  const audience = await ctx.audience(stored);
  const attributes = [...new Set<string>([...OCCURRENCE_ATTRIBUTES, ...audience.attributes, ...extraAttributes])];
  let customersRead = 0;
  let expired = 0;
  for await (const page of streamBook(ctx.book.reader, { attributes })) {
    customersRead += page.length;
    for (const customer of page) {
      const occurrences = dueOccurrences(stored.automation, customer, ctx.clock, range.window);
      if (occurrences.length === 0 || !(await audience.test(customer))) continue;
      for (const occurrence of occurrences) {
        const verdict = backfillVerdict(occurrence, ctx.now);
        if (verdict === 'expired') expired += 1;
        else if (verdict === 'backfill') await onFound({ customer, occurrence });
      }
    }
  }
  return { customersRead, expired };
}

const contextFor = (stored: StoredAutomation, deps: BackfillDeps) =>
  loadTenantContext(stored.tenantId, { now: deps.now, lookaheadMs: 0, ...(deps.book ? { book: deps.book } : {}) });

export async function previewBackfill(stored: StoredAutomation, request: { from: string; limit: number }, deps: BackfillDeps): Promise<BackfillPreview> {
  const ctx = await contextFor(stored, deps);
  const range = rangeOrProblem(ctx, stored, request.from);
  const audience = await ctx.audience(stored);
  const recipients: BackfillPreview['recipients'] = [];
  let total = 0;
  let alreadyHandled = 0;
  const { customersRead, expired } = await scan(ctx, stored, range, ['consent', 'email', 'phone', 'firstName', 'lastName'], async ({ customer, occurrence }) => {
    if ((await loadOccurrence(ctx.tenantId, occurrence)) !== undefined) {
      alreadyHandled += 1;
      return;
    }
    total += 1;
    if (recipients.length >= request.limit) return;
    const why = (await audience.why(customer)).map((entry) => `${entry.path}: ${entry.detail}`);
    recipients.push(previewRecipient(stored, customer, occurrence, why));
  });
  recipients.sort((a, b) => (a.dueAt < b.dueAt ? -1 : a.dueAt > b.dueAt ? 1 : a.customerId < b.customerId ? -1 : 1));
  return {
    automationId: stored.automation.automationId,
    from: range.from,
    until: range.until,
    timeZone: ctx.clock.timeZone,
    enabled: stored.automation.enabled,
    total,
    recipients,
    truncated: total > recipients.length,
    alreadyHandled,
    expired,
    customersRead,
  };
}

export async function runBackfill(principal: Principal, stored: StoredAutomation, request: { from: string }, deps: BackfillDeps): Promise<BackfillResult> {
  if (!stored.automation.enabled) {
    throw problems.conflict('Switch the automation on first: a backfill sends through it, and an automation that is off sends nothing.', { enabled: false });
  }
  const ctx = await contextFor(stored, deps);
  const range = rangeOrProblem(ctx, stored, request.from);
  const counts = emptyRunCounts();
  let found = 0;
  const { customersRead, expired } = await scan(ctx, stored, range, [], async ({ customer, occurrence }) => {
    found += 1;
    countHandover(counts, await handOver(ctx, stored, occurrence, undefined, customer));
  });
  const { automationId } = stored.automation;
  const uow = new UnitOfWork(undefined);
  uow.put(
    auditItem(principal, {
      action: 'sent',
      entity: 'automation',
      entityId: automationId,
      detail: `backfill from ${range.from} to ${range.until}: ${found} found, ${counts.enqueued} handed over, ${counts.alreadyHandled} already handled`,
    }, deps.now.toISOString()),
  );
  await uow.commit();
  logger.info('automation backfill', { tenantId: stored.tenantId, automationId, from: range.from, until: range.until, found, enqueued: counts.enqueued });
  return {
    automationId,
    from: range.from,
    until: range.until,
    timeZone: ctx.clock.timeZone,
    found,
    enqueued: counts.enqueued,
    alreadyHandled: counts.alreadyHandled,
    skipped: counts.skipped,
    held: counts.held,
    missed: counts.missed,
    failed: counts.failed,
    expired,
    customersRead,
  };
}
