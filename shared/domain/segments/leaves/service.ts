/**
 * Leaves over the service side of the book: repairs, lay-bys, balances and appointments. What depends on "now" (an
 * overdue lay-by, the next appointment) is decided here at read time, so it never goes stale.
 */
import { activeRepairCount, hasOverdueLayby, nextAppointmentAfter, REPAIR_STATUSES } from '../../customers/aggregates';
import type { BookCustomer } from '../book-customer';
import type { LeafDefinition } from '../leaf-definition';
import { NO, verdict } from '../leaf-definition';

const totalRepairs = (c: BookCustomer) => REPAIR_STATUSES.reduce((sum, status) => sum + (c.agg.repairs[status] ?? 0), 0);

/** Has a repair: any (no qualifier), an active one (`active: true`), only finished ones (`active: false`), or in a status. */
export const repair: LeafDefinition<'repair'> = {
  attributes: ['agg'],
  bind(rule) {
    const test =
      rule.status !== undefined
        ? (c: BookCustomer) => (c.agg.repairs[rule.status as keyof BookCustomer['agg']['repairs']] ?? 0) > 0
        : rule.active === true
          ? (c: BookCustomer) => activeRepairCount(c.agg) > 0
          : rule.active === false
            ? (c: BookCustomer) => totalRepairs(c) > 0 && activeRepairCount(c.agg) === 0
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
    return {
      test: (c) => {
        if (c.agg.nextAppointmentAt === null && (c.agg.upcomingAppointments?.length ?? 0) === 0) return NO;
        const next = nextAppointmentAfter(c.agg, calendar.now);
        return verdict(next !== null && Date.parse(next) <= until);
      },
      detail: (c) => {
        const next = nextAppointmentAfter(c.agg, calendar.now);
        return next === null ? 'no upcoming appointment' : `next appointment ${next}`;
      },
    };
  },
};
