/**
 * The customer's aggregates, kept on the customer item (attribute `agg`) and updated in the same transaction as every
 * purchase, refund, repair, lay-by and appointment write, so that every segment rule is answered from the customer
 * item (through the book index) without reading purchases.
 *
 * Money in minor units. Months are `YYYY-MM` in the tenant's time zone.
 */
export interface Stat {
  /** count of purchases (for a department/metal: purchases with at least one such line) */
  c: number;
  /** sum of amounts (line amounts for department/metal), net of refunds */
  s: number;
  /** largest single purchase amount (for a department/metal: the largest share of one purchase in it) */
  m: number;
}

export interface MonthBucket {
  t: Stat;
  /** by department */
  d: Record<string, Stat>;
  /** by metal */
  m: Record<string, Stat>;
  /** by `department|metal` */
  dm: Record<string, Stat>;
}

export const REPAIR_STATUSES = ['received', 'in_progress', 'ready', 'collected', 'cancelled'] as const;
export type RepairStatus = (typeof REPAIR_STATUSES)[number];
/** Repairs still in the workshop or waiting for pick-up. */
export const ACTIVE_REPAIR_STATUSES: readonly RepairStatus[] = ['received', 'in_progress', 'ready'];

export interface CustomerAggregates {
  totalSpent: number;
  purchaseCount: number;
  firstPurchaseAt: string | null;
  lastPurchaseAt: string | null;
  largestPurchase: number;
  months: Record<string, MonthBucket>;
  /** Earliest due date (YYYY-MM-DD) of a lay-by with a balance; overdue is decided at read time against "today". */
  laybyEarliestDue: string | null;
  openLaybys: number;
  /** Sum of unpaid lay-by balances and account balance owed by the customer. */
  outstandingBalance: number;
  repairs: Record<RepairStatus, number>;
  /** Start of the next scheduled (not cancelled, not past) appointment. */
  nextAppointmentAt: string | null;
  /**
   * Start times (UTC ISO, ascending) of the scheduled appointments that were upcoming at the last write, at most 10.
   * `nextAppointmentAt` goes stale once that appointment has passed; `nextAppointmentAfter` reads this list instead.
   * Absent on items written before it existed.
   */
  upcomingAppointments?: string[];
}

export function emptyAggregates(): CustomerAggregates {
  return {
    totalSpent: 0,
    purchaseCount: 0,
    firstPurchaseAt: null,
    lastPurchaseAt: null,
    largestPurchase: 0,
    months: {},
    laybyEarliestDue: null,
    openLaybys: 0,
    outstandingBalance: 0,
    repairs: { received: 0, in_progress: 0, ready: 0, collected: 0, cancelled: 0 },
    nextAppointmentAt: null,
    upcomingAppointments: [],
  };
}

/**
 * Read-time views of the aggregates. Anything that depends on "now" or "today" is decided here when the customer is
 * read, never stored, so it cannot go stale.
 */

/** The aggregates of a stored customer item, with defaults for fields the item was written without. */
export function aggregatesOf(stored: Partial<CustomerAggregates> | undefined | null): CustomerAggregates {
  const empty = emptyAggregates();
  return { ...empty, ...stored, repairs: { ...empty.repairs, ...stored?.repairs } };
}

/** Overdue lay-by: an unpaid lay-by's due day is before `today` (YYYY-MM-DD in the tenant's time zone). */
export function hasOverdueLayby(agg: Pick<CustomerAggregates, 'laybyEarliestDue'>, today: string): boolean {
  return agg.laybyEarliestDue !== null && agg.laybyEarliestDue < today;
}

export function activeRepairCount(agg: Pick<CustomerAggregates, 'repairs'>): number {
  return ACTIVE_REPAIR_STATUSES.reduce((sum, status) => sum + (agg.repairs[status] ?? 0), 0);
}

/** Start of the first scheduled appointment after `now`, or null. */
export function nextAppointmentAfter(
  agg: Pick<CustomerAggregates, 'nextAppointmentAt' | 'upcomingAppointments'>,
  now: Date,
): string | null {
  const starts = agg.upcomingAppointments ?? (agg.nextAppointmentAt ? [agg.nextAppointmentAt] : []);
  return starts.find((start) => Date.parse(start) > now.getTime()) ?? null;
}
