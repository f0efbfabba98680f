/**
 * Leaves over the service side of the book: repairs, lay-bys, balances and appointments. What depends on "now" (an
 * overdue lay-by, the next appointment) is decided here at read time, so it never goes stale.
 */
import { ACTIVE_REPAIR_STATUSES, hasOverdueLayby, nextAppointmentAfter, REPAIR_STATUSES, type RepairStatus } from '../../customers/aggregates';
import type { BookCustomer } from '../book-customer';
import type { LeafDefinition } from '../leaf-definition';
import { NO, verdict, YES } from '../leaf-definition';
import { boundaryAt, isBefore } from '../tenant-calendar';

/** Repairs in these statuses (a loop, not a reduce: no closure per customer). */
function repairsIn(c: BookCustomer, statuses: readonly RepairStatus[]): number {
  const repairs = c.agg.repairs;
  let sum = 0;
  for (let i = 0; i < statuses.length; i += 1) sum += repairs[statuses[i] as RepairStatus] ?? 0;
  return sum;
}
const totalRepairs = (c: BookCustomer) => repairsIn(c, REPAIR_STATUSES);
const activeRepairs = (c: BookCustomer) => repairsIn(c, ACTIVE_REPAIR_STATUSES);

/** Has a repair: any (no qualifier), an active one (`active: true`), only finished ones (`active: false`), or in a status. */
export const repair: LeafDefinition<'repair'> = {
  attributes: ['agg'],
  bind(rule) {
    const test =
      rule.status !== undefined
        ? (c: BookCustomer) => (c.agg.repairs[rule.status as keyof BookCustomer['agg']['repairs']] ?? 0) > 0
        : rule.active === true
          ? (c: BookCustomer) => activeRepairs(c) > 0
          : rule.active === false
            ? (c: BookCustomer) => totalRepairs(c) > 0 && activeRepairs(c) === 0
            : (c: BookCustomer) => totalRepairs(c) > 0;
    return {
      test: (c) => verdict(test(c)),
      detail: (c) => {
        const counts = REPAIR_STATUSES.filter((s) => (c.agg.repairs[s] ?? 0) > 0).map((s) => `${c.agg.repairs[s]} ${s.replace('_', ' ')}`);
        return counts.length === 0 ? 'no repairs' : `repairs: ${counts.join(', ')}`;
      },
    };
  },
};

export const overdueLayby: LeafDefinition<'overdue_layby'> = {
  attributes: ['agg'],
  bind(_rule, { calendar }) {
    return {
      test: (c) => verdict(hasOverdueLayby(c.agg, calendar.today)),
      detail: (c) => (c.agg.laybyEarliestDue === null ? 'no unpaid lay-by' : `lay-by due ${c.agg.laybyEarliestDue}`),
    };
  },
};

export const outstandingBalance: LeafDefinition<'outstanding_balance'> = {
  attributes: ['agg'],
  bind(rule, env) {
    const min = rule.min ?? 1;
    return {
      test: (c) => verdict(c.agg.outstandingBalance >= min),
      detail: (c) => `outstanding ${env.formatMoney(c.agg.outstandingBalance)}`,
    };
  },
};

const HOUR_MS = 3_600_000;

/** An appointment starting after now and at most `within` hours or days from now. */
export const hasAppointment: LeafDefinition<'has_appointment'> = {
  cost: 2,
  attributes: ['agg'],
  bind(rule, { calendar }) {
    const until = calendar.nowMs + rule.within * (rule.unit === 'hours' ? HOUR_MS : 24 * HOUR_MS);
    // Instants are whole milliseconds: "after now" is "not before now + 1 ms", "at most until" is "before until + 1 ms".
    const afterNow = boundaryAt(calendar.nowMs + 1);
    const pastUntil = boundaryAt(until + 1);
    /** The first start after now decides, as in `nextAppointmentAfter` (the list is ascending). */
    const startHolds = (start: string) => (isBefore(start, afterNow) ? undefined : isBefore(start, pastUntil));
    return {
      test: (c) => {
        const upcoming = c.agg.upcomingAppointments;
        if (upcoming === undefined) {
          const next = c.agg.nextAppointmentAt;
          return next === null ? NO : verdict(startHolds(next) === true);
        }
        for (let i = 0; i < upcoming.length; i += 1) {
          const holds = startHolds(upcoming[i] as string);
          if (holds !== undefined) return holds ? YES : NO;
        }
        return NO;
      },
      detail: (c) => {
        const next = nextAppointmentAfter(c.agg, calendar.now);
        return next === null ? 'no upcoming appointment' : `next appointment ${next}`;
      },
    };
  },
};
