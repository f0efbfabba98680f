/**
 * Plain builders for automation tests: automations parsed through the API schema (so defaults are the real ones),
 * book customers, tenant clocks and windows.
 */
import { automationDefinitionSchema, type Automation, type AutomationDefinitionInput } from '../../../shared/domain/automations/automation-schema';
import { localHourInstant, startOfLocalDay, endOfLocalDay } from '../../../shared/domain/automations/local-time';
import type { InstantWindow, TenantClock } from '../../../shared/domain/automations/occurrences';
import { emptyAggregates, type CustomerAggregates } from '../../../shared/domain/customers/aggregates';
import { emptyConsentState } from '../../../shared/domain/customers/consent';
import { monthColumnsOf } from '../../../shared/domain/segments/month-columns';
import type { BookCustomer } from '../../../shared/domain/segments/book-customer';

export function automation(input: AutomationDefinitionInput, extra: { automationId?: string; enabledAt?: string } = {}): Automation {
  const definition = automationDefinitionSchema.parse({ enabled: true, ...input });
  return {
    ...definition,
    automationId: extra.automationId ?? 'A1',
    ...(extra.enabledAt === undefined ? { enabledAt: '2000-01-01T00:00:00.000Z' } : { enabledAt: extra.enabledAt }),
  };
}

export function bookCustomer(overrides: Partial<Omit<BookCustomer, 'monthly' | 'agg'>> & { agg?: CustomerAggregates } = {}): BookCustomer {
  const agg = overrides.agg ?? emptyAggregates();
  return {
    customerId: 'C1',
    firstName: 'Ana',
    lastName: 'Ng',
    tags: [],
    status: 'active',
    categories: [],
    loyalty: { member: false },
    customerSince: '2015-06-01',
    consent: emptyConsentState(),
    erased: false,
    ...overrides,
    agg,
    monthly: monthColumnsOf(agg.months),
  };
}

export const clock = (timeZone: string, country = 'AU', defaultSendHour = 10): TenantClock => ({ timeZone, country, defaultSendHour });

/** The local days [first, last] as a window of instants. */
export const days = (first: string, last: string, timeZone: string): InstantWindow => ({
  from: startOfLocalDay(first, timeZone),
  to: endOfLocalDay(last, timeZone),
});

export const iso = (ms: number) => new Date(ms).toISOString();
export const localAt = (date: string, hour: number, timeZone: string) => iso(localHourInstant(date, hour, timeZone));
