/**
 * What the runner, the sweeper and the domain-event reaction need to know about a tenant to handle its occurrences:
 * its settings and clock, its automations, the book, and each automation's audience test (prepared once, lazily: most
 * passes never need one).
 */
import { marketingHold } from '../engagement/reputation-guard';
import type { EvaluationContext } from '../segments/segment-run';
import { loadTenantSettings } from '../tenants/tenant-repository';
import { tenantClockOf, type TenantContext } from './handover-service';
import { prepareAudience, type AudienceCheck } from './store/audience-check';
import { allAutomations, type StoredAutomation } from './store/automation-store';
import { dynamoBookPort, type BookPort } from './store/book-port';

export interface LoadedTenant extends TenantContext {
  /** Every automation of the tenant by id, on or off (an occurrence of one switched off is skipped, not lost). */
  readonly automations: ReadonlyMap<string, StoredAutomation>;
}

export interface TenantContextOptions {
  readonly now: Date;
  readonly lookaheadMs: number;
  readonly book?: (tenantId: string) => BookPort;
  /** The reputation guard's question; the guard's own (cached per container) unless a test injects one. */
  readonly marketingHeld?: (tenantId: string) => Promise<boolean>;
}

export async function loadTenantContext(tenantId: string, options: TenantContextOptions): Promise<LoadedTenant> {
  const [settings, automations] = await Promise.all([loadTenantSettings(tenantId), allAutomations(tenantId, true)]);
  const book = (options.book ?? dynamoBookPort)(tenantId);
  const evaluation: EvaluationContext = { now: options.now, timeZone: settings.timeZone, currency: settings.currency };
  const audiences = new Map<string, Promise<AudienceCheck>>();
  return {
    tenantId,
    settings,
    clock: tenantClockOf(settings),
    now: options.now,
    book,
    lookaheadMs: options.lookaheadMs,
    marketingHeld: () => (options.marketingHeld ?? marketingHold)(tenantId),
    automations: new Map(automations.map((stored) => [stored.automation.automationId, stored])),
    audience(stored) {
      const id = stored.automation.automationId;
      let check = audiences.get(id);
      if (!check) {
        check = prepareAudience(tenantId, stored.automation.audience, evaluation, book);
        check.catch(() => audiences.delete(id));
        audiences.set(id, check);
      }
      return check;
    },
  };
}

/** One context per tenant for the length of a pass. */
export function tenantContexts(options: TenantContextOptions): (tenantId: string) => Promise<LoadedTenant> {
  const loaded = new Map<string, Promise<LoadedTenant>>();
  return (tenantId) => {
    let context = loaded.get(tenantId);
    if (!context) {
      context = loadTenantContext(tenantId, options);
      context.catch(() => loaded.delete(tenantId));
      loaded.set(tenantId, context);
    }
    return context;
  };
}
