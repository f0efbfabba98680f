/**
 * Lay-bys: the customer pays a deposit, then instalments, and collects the items once the balance is zero. Whether a
 * lay-by is overdue depends on "today" and is therefore decided when it is read, never stored (a stored flag would go
 * stale the morning after the due date).
 */
import { DateTime } from 'luxon';
import type { CustomerAggregates } from '../customers/aggregates';
import type { RecordMeta } from './record-meta';

export interface LaybyItem {
  description: string;
  department?: string;
  metal?: string;
  amount: number;
}

export interface LaybyPayment {
  paymentId: string;
  amount: number;
  paidAt: string;
  method?: string;
  recordedBy: string;
}

export type LaybyStatus = 'open' | 'paid';

export interface Layby extends RecordMeta {
  laybyId: string;
  customerId: string;
  items: LaybyItem[];
  total: number;
  deposit: number;
  payments: LaybyPayment[];
  /** Deposit plus payments. */
  paid: number;
  /** total - paid; the lay-by is `paid` once this is zero. */
  balance: number;
  status: LaybyStatus;
  /** YYYY-MM-DD, a calendar day in the tenant's time zone. */
  dueDate: string;
  openedAt: string;
  externalId?: string;
}

export function laybyStatusFor(balance: number): LaybyStatus {
  return balance > 0 ? 'open' : 'paid';
}

/** The lay-by after a payment; the caller has checked 0 < amount <= balance. */
export function withLaybyPayment(layby: Layby, payment: LaybyPayment, updatedAt: string): Layby {
  const paid = layby.paid + payment.amount;
  const balance = layby.total - paid;
  return {
    ...layby,
    payments: [...layby.payments, payment],
    paid,
    balance,
    status: laybyStatusFor(balance),
    updatedAt,
    version: layby.version + 1,
  };
}

/** Today's date (YYYY-MM-DD) in the tenant's time zone. */
export function todayIn(timeZone: string, now: Date = new Date()): string {
  const today = DateTime.fromJSDate(now, { zone: timeZone }).toISODate();
  if (today === null) throw new Error(`Invalid time zone ${timeZone}`);
  return today;
}

/** Overdue: the due day has passed in the tenant's time zone and something is still owed. */
export function isLaybyOverdue(layby: Pick<Layby, 'dueDate' | 'balance'>, today: string): boolean {
  return layby.balance > 0 && layby.dueDate < today;
}

export type LaybyAggregates = Pick<CustomerAggregates, 'laybyEarliestDue' | 'openLaybys' | 'outstandingBalance'>;

/** Lay-by aggregates recomputed from the customer's lay-bys. */
export function laybyAggregates(laybys: readonly Pick<Layby, 'dueDate' | 'balance'>[]): LaybyAggregates {
  let laybyEarliestDue: string | null = null;
  let openLaybys = 0;
  let outstandingBalance = 0;
  for (const layby of laybys) {
    if (layby.balance <= 0) continue;
    openLaybys += 1;
    outstandingBalance += layby.balance;
    if (laybyEarliestDue === null || layby.dueDate < laybyEarliestDue) laybyEarliestDue = layby.dueDate;
  }
  return { laybyEarliestDue, openLaybys, outstandingBalance };
}
