/**
 * One occurrence from "found due" to "handed to the send pipeline", the same way wherever it was found (a runner
 * pass over the book, a domain event, a scheduled occurrence falling due, the sweeper):
 *  1. claim it: a conditional write (absent or `scheduled` → `claimed`); whoever loses the race stops here;
 *  2. decide, with the core's `decideSend` on what was just read: the automation still on, the record it is about
 *     re-read (`stillValid`: an appointment moved, a repair collected), the audience, the re-entry policy, and the
 *     timing (an occurrence no longer worth sending is `missed`), and for marketing the reputation guard: while it
 *     holds the tenant's marketing the occurrence stays claimed, marked `heldSince`, and the sweeper's next look after
 *     the acknowledgement hands it over (or records it `missed: reputation_hold` once no longer worth sending). The
 *     pipeline's own gates (consent for the purpose, address, suppression, frequency cap) are applied by its send
 *     worker on fresh data, so they are not repeated;
 *  3. hand over: one transaction moves the claim to `enqueued` and writes the pipeline's send (./store/automation-send.ts)
 *     and the re-entry history; only then is the send job put on the queue. A crash between the transaction and the
 *     queue leaves an `enqueued` occurrence whose recipient is still queued: the sweeper enqueues its job again, and
 *     the worker's claim on the recipient makes a second job harmless.
 * An occurrence due within the look-ahead (a reminder at 09:07 found by the 09:00 pass) is handed over now and its job
 * delivered at its due instant (an SQS delay).
 */
import { ProblemError } from '../../http/problem';
import { logger } from '../../observability/logger';
import { contentOf } from '../templates/template-item';
import { loadTemplate } from '../templates/template-repository';
import type { EmailTemplateContent } from '../templates/template-content';
import type { BookCustomer } from '../segments/book-customer';
import type { TenantSettings } from '../tenants/settings';
import { defaultAutomationContent } from './default-templates';
import { localDateOf, toMs } from './local-time';
import type { Occurrence } from './occurrence';
import type { TenantClock } from './occurrences';
import type { OutcomeEvent } from './outcomes';
import { reentryDecision, type ReentryDecision } from './reentry';
import { decideSend } from './send-decision';
import { stillValid, type Staleness } from './still-valid';
import type { AudienceCheck } from './store/audience-check';
import type { BookPort } from './store/book-port';
import type { StoredAutomation } from './store/automation-store';
import {
  automationSendId,
  automationSendJob,
  enqueueAutomationSend,
  stageAutomationSend,
  type FrozenAutomationContent,
} from './store/automation-send';
import { readCurrentRecord } from './store/current-record';
import { applyOccurrenceEvent, loadOccurrence, markHeld, type OccurrenceRecord } from './store/occurrence-store';
import { loadReentryHistory, stageReentryHistory } from './store/reentry-store';

/** What one runner pass (or one event) knows about the tenant it works for. */
export interface TenantContext {
  readonly tenantId: string;
  readonly settings: Pick<TenantSettings, 'timeZone' | 'country' | 'defaultSendHour' | 'currency'>;
  readonly clock: TenantClock;
  readonly now: Date;
  readonly book: BookPort;
  /** Occurrences due up to this long from now are handed over now, their jobs delayed until due. */
  readonly lookaheadMs: number;
  /** Whether the reputation guard holds the tenant's marketing now (asked only for marketing automations). */
  marketingHeld(): Promise<boolean>;
  /** The automation's audience test, prepared once per context. */
  audience(stored: StoredAutomation): Promise<AudienceCheck>;
}

export const tenantClockOf = (settings: Pick<TenantSettings, 'timeZone' | 'country' | 'defaultSendHour'>): TenantClock => ({
  timeZone: settings.timeZone,
  country: settings.country,
  defaultSendHour: settings.defaultSendHour,
});

export type HandoverResult =
  | { kind: 'enqueued'; sendId: string; delaySeconds: number }
  | { kind: 'skipped'; reason: string }
  | { kind: 'missed'; reason: string }
  | { kind: 'failed'; reason: string }
  /** Marketing held by the reputation guard: stays claimed, handed over by a later pass once acknowledged. */
  | { kind: 'held' }
  /** Claimed, not due yet: handed over by a later pass. */
  | { kind: 'waiting' }
  /** Another writer has it (or it is finished): nothing done. */
  | { kind: 'taken' };

/** Why an automation's content cannot go out as email. */
class UnsendableContent extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'UnsendableContent';
  }
}

/** The automation's message: its own inline content, its template's current content, or its type's default. */
export async function automationEmailContent(tenantId: string, stored: StoredAutomation): Promise<FrozenAutomationContent> {
  const { automation } = stored;
  if (automation.channel !== 'email') throw new UnsendableContent('sms_unavailable');
  const content = automation.content;
  if (content === undefined) {
    return { content: { channel: 'email', ...(defaultAutomationContent(automation) as Omit<EmailTemplateContent, 'channel'>) } };
  }
  if ('templateId' in content) {
    try {
      const template = await loadTemplate(tenantId, content.templateId);
      const templateContent = contentOf(template);
      if (templateContent.channel !== 'email') throw new UnsendableContent('template_not_email');
      return { content: templateContent, templateId: template.templateId, templateVersion: template.version };
    } catch (error) {
      if (error instanceof ProblemError && error.status === 404) throw new UnsendableContent('template_missing');
      throw error;
    }
  }
  if (!('subject' in content)) throw new UnsendableContent('sms_unavailable');
  return { content: { channel: 'email', ...content } };
}

const isCustomerSubject = (occurrence: Occurrence) =>
  occurrence.subject.kind === 'annual' || occurrence.subject.kind === 'seasonal' || occurrence.subject.kind === 'lapse';

interface Facts {
  staleness: Staleness | undefined;
  inAudience: boolean;
  reentry: ReentryDecision;
  historyVersion: number;
}

async function gatherFacts(ctx: TenantContext, stored: StoredAutomation | undefined, occurrence: Occurrence, fresh: BookCustomer | undefined): Promise<Facts> {
  const customerPromise = fresh !== undefined ? Promise.resolve(fresh) : ctx.book.customer(occurrence.customerId);
  const [current, customer, history] = await Promise.all([
    fresh !== undefined && isCustomerSubject(occurrence)
      ? Promise.resolve({ kind: 'customer' as const, record: fresh })
      : readCurrentRecord(ctx.tenantId, occurrence, ctx.book),
    customerPromise,
    stored?.automation.reentry ? loadReentryHistory(ctx.tenantId, occurrence.automationId, occurrence.customerId) : Promise.resolve(undefined),
  ]);
  const staleness = stillValid(occurrence, current, ctx.clock.timeZone) ?? (customer === undefined ? 'record_missing' : undefined);
  const inAudience = customer !== undefined && stored !== undefined && (await (await ctx.audience(stored)).test(customer));
  const entry = { occurrenceKey: occurrence.occurrenceKey, dueAt: occurrence.dueAt };
  return {
    staleness,
    inAudience,
    reentry: reentryDecision(stored?.automation.reentry, history?.entries ?? [], entry),
    historyVersion: history?.version ?? 0,
  };
}

/**
 * Takes one occurrence as far as it can go now. `current`: its claim as just read (undefined: none yet). `fresh`:
 * the customer as the pass just read it from the book (saves the re-read for date-based occurrences).
 */
export async function handOver(
  ctx: TenantContext,
  stored: StoredAutomation | undefined,
  occurrence: Occurrence,
  current: OccurrenceRecord | undefined,
  fresh?: BookCustomer,
): Promise<HandoverResult> {
  const write = { now: ctx.now, localDate: localDateOf(ctx.now.getTime(), ctx.clock.timeZone) };
  const apply = (record: OccurrenceRecord | undefined, event: OutcomeEvent, extra: Partial<Parameters<typeof applyOccurrenceEvent>[4]> = {}) =>
    applyOccurrenceEvent(ctx.tenantId, occurrence, record, event, { ...write, ...extra });

  let claim = current;
  if (claim === undefined || claim.status.state === 'scheduled') {
    const claimed = await apply(claim, { type: 'claim' });
    if (!claimed.ok) return { kind: 'taken' };
    claim = claimed.record;
  } else if (claim.status.state !== 'claimed') {
    return { kind: 'taken' };
  }

  const now = ctx.now.getTime();
  const due = toMs(occurrence.dueAt);
  // Within the look-ahead the message is delivered at its due instant: decide as of then.
  const decisionNow = due > now && due - now <= ctx.lookaheadMs ? due : now;
  const [facts, marketingHeld] = await Promise.all([
    gatherFacts(ctx, stored, occurrence, fresh),
    stored?.automation.purpose === 'marketing' ? ctx.marketingHeld() : Promise.resolve(false),
  ]);
  const decision = decideSend({
    status: claim.status,
    occurrence,
    now: decisionNow,
    automationOn: stored?.automation.enabled === true,
    staleness: facts.staleness,
    inAudience: facts.inAudience,
    marketingHeld,
    closedGate: undefined,
    reentry: facts.reentry,
  });

  switch (decision.action) {
    case 'drop':
      return { kind: 'taken' };
    case 'wait':
      return { kind: 'waiting' };
    case 'hold':
      return (await markHeld(ctx.tenantId, claim, ctx.now)) ? { kind: 'held' } : { kind: 'taken' };
    case 'miss': {
      const moved = await apply(claim, { type: 'miss', reason: decision.reason, detail: decision.detail });
      return moved.ok ? { kind: 'missed', reason: decision.reason } : { kind: 'taken' };
    }
    case 'skip': {
      const moved = await apply(claim, { type: 'skip', reason: decision.reason });
      return moved.ok ? { kind: 'skipped', reason: decision.reason } : { kind: 'taken' };
    }
    case 'send':
      return enqueue(ctx, stored!, occurrence, claim, decision.history, facts.historyVersion, apply);
  }
}

async function enqueue(
  ctx: TenantContext,
  stored: StoredAutomation,
  occurrence: Occurrence,
  claim: OccurrenceRecord,
  history: Parameters<typeof stageReentryHistory>[2],
  historyVersion: number,
  apply: (record: OccurrenceRecord | undefined, event: OutcomeEvent, extra?: Partial<Parameters<typeof applyOccurrenceEvent>[4]>) => ReturnType<typeof applyOccurrenceEvent>,
): Promise<HandoverResult> {
  let content: FrozenAutomationContent;
  try {
    content = await automationEmailContent(ctx.tenantId, stored);
  } catch (error) {
    if (!(error instanceof UnsendableContent)) throw error;
    const moved = await apply(claim, { type: 'fail', reason: error.reason });
    return moved.ok ? { kind: 'failed', reason: error.reason } : { kind: 'taken' };
  }
  const sendId = automationSendId(occurrence.occurrenceKey);
  const purpose = stored.automation.purpose;
  const moved = await apply(claim, { type: 'enqueue' }, {
    sendId,
    alongside: (uow) => {
      stageAutomationSend(uow, {
        tenantId: ctx.tenantId,
        sendId,
        automationId: stored.automation.automationId,
        automationName: stored.automation.name,
        occurrence,
        purpose,
        content,
        now: ctx.now,
      });
      if (stored.automation.reentry) {
        stageReentryHistory(uow, { tenantId: ctx.tenantId, automationId: occurrence.automationId, customerId: occurrence.customerId }, history, historyVersion);
      }
    },
  });
  if (!moved.ok) return { kind: 'taken' };
  const delaySeconds = Math.max(0, (toMs(occurrence.dueAt) - ctx.now.getTime()) / 1000);
  try {
    await enqueueAutomationSend(
      automationSendJob({ tenantId: ctx.tenantId, sendId, customerId: occurrence.customerId, purpose, frozenAt: ctx.now.toISOString() }),
      delaySeconds,
    );
  } catch (error) {
    // Handed over already: the sweeper finds the recipient still queued and enqueues the job again.
    logger.error('automation send job not enqueued; the sweeper retries', {
      tenantId: ctx.tenantId,
      automationId: occurrence.automationId,
      sendId,
      error: error as Error,
    });
  }
  return { kind: 'enqueued', sendId, delaySeconds };
}

/** Reads the claim first (the event-based paths, where the occurrence may have been scheduled earlier). */
export async function handOverByKey(ctx: TenantContext, stored: StoredAutomation | undefined, occurrence: Occurrence): Promise<HandoverResult> {
  return handOver(ctx, stored, occurrence, await loadOccurrence(ctx.tenantId, occurrence));
}
