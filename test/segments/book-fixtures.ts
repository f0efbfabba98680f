/**
 * Book customers for segment tests, with aggregates built by the write path's own folds (applyPurchase), so the
 * engine is tested against the buckets it will really read.
 */
import { DateTime } from 'luxon';
import { emptyAggregates, type CustomerAggregates } from '../../shared/domain/customers/aggregates';
import { emptyConsentState } from '../../shared/domain/customers/consent';
import type { PurchaseFacts } from '../../shared/domain/records/purchase';
import { applyPurchase } from '../../shared/domain/records/purchase-aggregates';
import type { BookCustomer } from '../../shared/domain/segments/book-customer';
import { monthColumnsOf } from '../../shared/domain/segments/month-columns';
import { compileRule } from '../../shared/domain/segments/compile-rule';
import { evaluateStream, type EvaluateOptions, type StreamResult } from '../../shared/domain/segments/evaluate-stream';
import type { EvaluationContext } from '../../shared/domain/segments/segment-run';
import { validateRule } from '../../shared/domain/segments/validate-rule';
import type { Rule } from '../../shared/domain/segments/rule-schema';

let sequence = 0;

export function customer(overrides: Partial<Omit<BookCustomer, 'monthly' | 'agg'>> & { agg?: CustomerAggregates } = {}): BookCustomer {
  sequence += 1;
  const agg = overrides.agg ?? emptyAggregates();
  return {
    customerId: `c${String(sequence).padStart(6, '0')}`,
    firstName: 'Ada',
    lastName: 'Lovelace',
    tags: [],
    status: 'active',
    categories: [],
    loyalty: { member: false },
    customerSince: '2020-01-01',
    consent: emptyConsentState(),
    erased: false,
    ...overrides,
    agg,
    monthly: monthColumnsOf(agg.months),
  };
}

export interface SaleLine {
  department?: string;
  metal?: string;
  amount: number;
}

/** A purchase at an instant with lines (default: one `rings`/`yellow_gold` line). */
export function sale(purchasedAt: string, lines: SaleLine[] | number): PurchaseFacts {
  const list = typeof lines === 'number' ? [{ amount: lines }] : lines;
  return {
    purchasedAt: new Date(purchasedAt).toISOString(),
    lines: list.map((line) => ({
      department: line.department ?? 'rings',
      metal: line.metal ?? 'yellow_gold',
      description: 'item',
      quantity: 1,
      amount: line.amount,
    })),
    refunds: [],
  };
}

/** A customer who made these purchases, aggregated in the tenant's time zone. */
export function buyer(timeZone: string, purchases: PurchaseFacts[], overrides: Partial<Omit<BookCustomer, 'monthly' | 'agg'>> & { agg?: CustomerAggregates } = {}): BookCustomer {
  const agg: CustomerAggregates = purchases.reduce((acc, purchase) => applyPurchase(acc, purchase, timeZone), emptyAggregates());
  return customer({ ...overrides, agg: { ...agg, ...overrides.agg } });
}

export function aggregates(overrides: Partial<CustomerAggregates>): CustomerAggregates {
  return { ...emptyAggregates(), ...overrides };
}

/** The book as pages of `pageSize`, readable any number of times; counts how often it was read. */
export function pagesOf(customers: readonly BookCustomer[], pageSize = 3) {
  const reads = { passes: 0 };
  const pages = async function* () {
    reads.passes += 1;
    for (let i = 0; i < customers.length; i += pageSize) yield customers.slice(i, i + pageSize);
  };
  return { pages, reads };
}

export function valid(input: unknown): Rule {
  const result = validateRule(input);
  if (!result.ok) throw new Error(`Invalid rule in test: ${JSON.stringify(result.errors)}`);
  return result.rule;
}

export async function evaluate(
  rule: unknown,
  customers: readonly BookCustomer[],
  context: EvaluationContext,
  options: EvaluateOptions = {},
): Promise<StreamResult> {
  return evaluateStream(compileRule(valid(rule)), pagesOf(customers).pages, context, { explainLimit: 1000, ...options });
}

/** The ids matching `rule`, sorted. */
export async function matching(
  rule: unknown,
  customers: readonly BookCustomer[],
  context: EvaluationContext,
  options: EvaluateOptions = {},
): Promise<string[]> {
  const result = await evaluate(rule, customers, context, options);
  return [...result.customerIds].sort();
}

/** A context at a local wall-clock time in a zone: `at('2025-03-15T10:00', 'Australia/Sydney')`. */
export function at(localDateTime: string, timeZone: string): EvaluationContext {
  return { now: zonedInstant(localDateTime, timeZone), timeZone };
}

export function zonedInstant(localDateTime: string, timeZone: string): Date {
  const local = DateTime.fromISO(localDateTime, { zone: timeZone });
  if (!local.isValid) throw new Error(`Bad local time ${localDateTime} in ${timeZone}`);
  return local.toJSDate();
}
