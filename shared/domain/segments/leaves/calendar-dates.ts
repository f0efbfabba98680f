/**
 * Birthdays, anniversaries, wedding dates, ages and the customer-since date, in the tenant's time zone.
 *
 * A birthday or anniversary on 29 February falls on 28 February in years without a 29 February (for "today", "next N
 * days" and ages alike); "this month" and a named month compare the month only. Windows include both ends: "next 7
 * days" is today and the 7 days after it.
 */
import type { BookCustomer } from '../book-customer';
import type { LeafDefinition, Verdict } from '../leaf-definition';
import { NO, verdict, YES } from '../leaf-definition';
import type { LeafRuleOf } from '../rule-schema';
import { ageOn, MonthDayWindow, type TenantCalendar } from '../tenant-calendar';

const MONTH_NAMES = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

type MonthDay = NonNullable<BookCustomer['birthday']>;
type CalendarRule = Pick<LeafRuleOf<'birthday'>, 'when' | 'days' | 'month'>;

const describeMonthDay = (what: string, value: MonthDay | undefined) =>
  value === undefined
    ? `no ${what}`
    : `${what} ${value.day} ${MONTH_NAMES[value.month - 1] ?? value.month}${value.year === undefined ? '' : ` ${value.year}`}`;

/** A test on a month and day (the year plays no part). */
function monthDayTest(rule: CalendarRule, calendar: TenantCalendar): (month: number, day: number) => boolean {
  switch (rule.when) {
    case 'today':
    case 'next_days': {
      const window = new MonthDayWindow(calendar, rule.when === 'today' ? 0 : (rule.days ?? 0));
      return (month, day) => window.yearOf(month, day) > 0;
    }
    case 'this_month':
      return (month) => month === calendar.month;
    case 'month':
      return (month) => month === rule.month;
  }
}

/** The attribute read as a fixed property, which the engine can inline (a computed key it cannot). */
const READ_MONTH_DAY = {
  birthday: (c: BookCustomer) => c.birthday,
  anniversary: (c: BookCustomer) => c.anniversary,
} as const;

function monthDayLeaf(attribute: 'birthday' | 'anniversary', what: string): LeafDefinition<'birthday' | 'anniversary'> {
  const read = READ_MONTH_DAY[attribute];
  return {
    attributes: [attribute],
    bind(rule, { calendar }) {
      const detail = (c: BookCustomer) => describeMonthDay(what, read(c));
      // A month compares one number: no window table, no call per customer.
      const month = rule.when === 'this_month' ? calendar.month : rule.when === 'month' ? rule.month : undefined;
      if (month !== undefined) {
        return {
          test: (c): Verdict => {
            const value = read(c);
            return value !== undefined && value.month === month ? YES : NO;
          },
          detail,
        };
      }
      const holds = monthDayTest(rule, calendar);
      return {
        test: (c): Verdict => {
          const value = read(c);
          return value === undefined ? NO : verdict(holds(value.month, value.day));
        },
        detail,
      };
    },
  };
}

export const birthday = monthDayLeaf('birthday', 'birthday') as LeafDefinition<'birthday'>;
export const anniversary = monthDayLeaf('anniversary', 'anniversary') as LeafDefinition<'anniversary'>;

/** The wedding date itself ("married today", "marrying in the next 30 days") or its anniversary. */
export const wedding: LeafDefinition<'wedding'> = {
  attributes: ['weddingDate'],
  bind(rule, { calendar }) {
    const detail = (c: BookCustomer) => (c.weddingDate === undefined ? 'no wedding date' : `wedding date ${c.weddingDate}`);
    if (!rule.anniversary) {
      const last = rule.when === 'next_days' ? calendar.addDays(rule.days ?? 0) : calendar.today;
      const inWindow =
        rule.when === 'this_month'
          ? (date: string) => date.slice(0, 7) === calendar.monthKey
          : (date: string) => date >= calendar.today && date <= last;
      return {
        test: (c) => (c.weddingDate === undefined ? NO : verdict(inWindow(c.weddingDate))),
        detail,
      };
    }
    // An anniversary is a later year's return of the date: the wedding day itself is not its own anniversary.
    const anniversaryHolds = anniversaryTest(rule, calendar);
    return {
      test: (c) => {
        const date = c.weddingDate;
        if (date === undefined) return NO;
        return verdict(anniversaryHolds(Number(date.slice(0, 4)), Number(date.slice(5, 7)), Number(date.slice(8, 10)), date));
      },
      detail,
    };
  },
};

function anniversaryTest(
  rule: LeafRuleOf<'wedding'>,
  calendar: TenantCalendar,
): (year: number, month: number, day: number, date: string) => boolean {
  switch (rule.when) {
    case 'today':
    case 'next_days': {
      const window = new MonthDayWindow(calendar, rule.when === 'today' ? 0 : (rule.days ?? 0));
      return (year, month, day) => window.yearOf(month, day) > year;
    }
    case 'this_month':
      return (year, month) => month === calendar.month && calendar.year > year;
    case 'month':
      return (_year, month, _day, date) => month === rule.month && date < calendar.today;
  }
}

/** Age in whole years today; a customer whose birthday has no year has no age and never matches. */
export const age: LeafDefinition<'age'> = {
  attributes: ['birthday'],
  bind(rule, { calendar }) {
    const min = rule.min ?? 0;
    const max = rule.max ?? Number.POSITIVE_INFINITY;
    const ageOf = (c: BookCustomer) => {
      const birth = c.birthday;
      return birth?.year === undefined ? undefined : ageOn(calendar, birth.year, birth.month, birth.day);
    };
    return {
      test: (c) => {
        const years = ageOf(c);
        return years === undefined ? NO : verdict(years >= min && years <= max);
      },
      detail: (c) => {
        const years = ageOf(c);
        return years === undefined ? 'age unknown (no birth year)' : `age ${years}`;
      },
    };
  },
};

/** New: customer since (the POS's date) today or in the N days before. */
export const newCustomer: LeafDefinition<'new'> = {
  attributes: ['customerSince'],
  bind(rule, { calendar }) {
    const first = calendar.addDays(-rule.days);
    return {
      test: (c) => verdict(c.customerSince >= first && c.customerSince <= calendar.today),
      detail: (c) => `customer since ${c.customerSince || 'unknown'}`,
    };
  },
};
