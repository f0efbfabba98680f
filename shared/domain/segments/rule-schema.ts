/**
 * The segment rule: a tree of leaves combined with `and`, `or` and `not`. The JSON is part of the public API (wherever
 * a rule is sent it is the `rule` field), so it stays plain:
 *
 *   {"type": "lapsed", "months": 6}
 *   {"and": [{"type": "vip"}, {"not": {"type": "city", "city": "Sydney"}}]}
 *
 * These schemas are the contract and its documentation (OpenAPI). Requests are checked by `validateRule`
 * (./validate-rule.ts), which walks the tree itself so that every error carries its path (`rule.and[0].type`) instead
 * of one opaque union error; it uses the leaf schemas below for the fields of each leaf.
 *
 * Money is in minor units (cents) of the tenant's currency, as everywhere in the API.
 */
import { z } from 'zod';
import { REPAIR_STATUSES } from '../customers/aggregates';
import { CONSENT_CHANNELS, CONSENT_PURPOSES } from '../customers/consent';
import { CUSTOMER_STATUSES } from '../customers/customer-schema';
import { normaliseDepartment, normaliseMetal } from '../records/catalogue';

/** The jeweller's wording for the errors people hit most. */
export const RULE_MESSAGES = {
  unknownType: 'Choose a valid segment type',
  positive: 'Enter a positive value',
  wholeNumber: 'Enter a whole number',
} as const;

/** Limits that keep a rule cheap to validate, compile and evaluate. */
export const RULE_LIMITS = {
  /** Nesting levels: a lone leaf is 1, `{"and": [leaf]}` is 2. */
  maxDepth: 8,
  /** Every leaf and every combinator counts as one node. */
  maxNodes: 100,
  /** Largest row limit of a ranked leaf (best_customers, purchases). */
  maxRankLimit: 10_000,
  maxManualIds: 5_000,
} as const;

const positiveInt = (max: number) =>
  z
    .number({ error: RULE_MESSAGES.positive })
    .int({ error: RULE_MESSAGES.wholeNumber })
    .positive({ error: RULE_MESSAGES.positive })
    .max(max, { error: `Enter at most ${max}` });

const MAX_MONEY = 1_000_000_000_00;
const amount = () => positiveInt(MAX_MONEY).describe('Amount in minor units (cents) of the tenant currency');
const isoDay = () => z.iso.date({ error: 'Enter a date as YYYY-MM-DD' });
const name = (what: string, max = 100) =>
  z
    .string({ error: `Enter ${what}` })
    .trim()
    .min(1, { error: `Enter ${what}` })
    .max(max, { error: `Enter at most ${max} characters` });

const departments = z
  .array(name('a department', 60).overwrite(normaliseDepartment))
  .min(1, { error: 'Choose at least one department' })
  .max(50)
  .describe('Departments, e.g. `diamonds`, `watches` (spellings are normalised like purchase lines)');
const metals = z
  .array(name('a metal', 60).overwrite(normaliseMetal))
  .min(1, { error: 'Choose at least one metal' })
  .max(20)
  .describe('Metals, e.g. `platinum`, `yellow_gold`');

/**
 * A period of purchases, in the tenant's time zone, both ends inclusive: absolute days (`from` and/or `to`), or relative
 * to today (`lastDays`: today and the N days before it; `lastMonths`: from the same day N months ago to today).
 */
export const periodSchema = z
  .strictObject({
    from: isoDay().optional().describe('First day (inclusive)'),
    to: isoDay().optional().describe('Last day (inclusive)'),
    lastDays: positiveInt(3660).optional(),
    lastMonths: positiveInt(120).optional(),
  })
  .superRefine((period, ctx) => {
    const forms = [period.from !== undefined || period.to !== undefined, period.lastDays !== undefined, period.lastMonths !== undefined];
    const used = forms.filter(Boolean).length;
    if (used === 0) ctx.addIssue({ code: 'custom', path: ['from'], message: 'Enter a start date, an end date, lastDays or lastMonths' });
    if (used > 1) ctx.addIssue({ code: 'custom', path: [], message: 'Use either from/to, lastDays or lastMonths' });
  })
  .meta({ id: 'SegmentPeriod', description: 'Days in the tenant time zone, both ends inclusive' });
export type Period = z.output<typeof periodSchema>;

/** "Shopped since": an absolute day or relative to today, as in a period. */
export const sinceSchema = z
  .strictObject({
    date: isoDay().optional(),
    lastDays: positiveInt(3660).optional(),
    lastMonths: positiveInt(120).optional(),
  })
  .superRefine((since, ctx) => {
    const used = [since.date, since.lastDays, since.lastMonths].filter((v) => v !== undefined).length;
    if (used !== 1) ctx.addIssue({ code: 'custom', path: [], message: 'Use one of date, lastDays or lastMonths' });
  })
  .meta({ id: 'SegmentSince' });
export type Since = z.output<typeof sinceSchema>;

/** Calendar options of birthdays, anniversaries and wedding dates. */
export const CALENDAR_WHEN = ['today', 'next_days', 'this_month', 'month'] as const;
const calendarFields = {
  when: z.enum(CALENDAR_WHEN, { error: 'Choose when: today, next_days, this_month or month' }),
  days: positiveInt(366).optional().describe('With `next_days`: today and the next N days'),
  month: z
    .number({ error: 'Choose a month from 1 to 12' })
    .int({ error: 'Choose a month from 1 to 12' })
    .min(1, { error: 'Choose a month from 1 to 12' })
    .max(12, { error: 'Choose a month from 1 to 12' })
    .optional()
    .describe('With `month`: 1 (January) to 12'),
};
function requireCalendarQualifier(value: { when: string; days?: number | undefined; month?: number | undefined }, ctx: z.RefinementCtx) {
  if (value.when === 'next_days' && value.days === undefined) ctx.addIssue({ code: 'custom', path: ['days'], message: RULE_MESSAGES.positive });
  if (value.when === 'month' && value.month === undefined) ctx.addIssue({ code: 'custom', path: ['month'], message: 'Choose a month from 1 to 12' });
  if (value.when !== 'next_days' && value.days !== undefined) ctx.addIssue({ code: 'custom', path: ['days'], message: 'Days go with when "next_days" only' });
  if (value.when !== 'month' && value.month !== undefined) ctx.addIssue({ code: 'custom', path: ['month'], message: 'A month goes with when "month" only' });
}

function atLeastOneBound(value: { min?: number | undefined; max?: number | undefined }, ctx: z.RefinementCtx) {
  if (value.min === undefined && value.max === undefined) {
    ctx.addIssue({ code: 'custom', path: ['min'], message: 'Enter a minimum or a maximum' });
  }
}

const leaf = <T extends string, S extends z.core.$ZodLooseShape>(type: T, shape: S) =>
  z.strictObject({ type: z.literal(type), ...shape });

export const leafSchemas = {
  vip: leaf('vip', {
    percent: z
      .number({ error: RULE_MESSAGES.positive })
      .positive({ error: RULE_MESSAGES.positive })
      .max(100, { error: 'Enter a percentage up to 100' })
      .default(10)
      .describe('Top N percent by total spend among customers who have bought; ties at the boundary are all in'),
  }),
  new: leaf('new', { days: positiveInt(3660).default(30).describe('Customer since (POS date) today or in the N days before') }),
  lapsed: leaf('lapsed', {
    months: positiveInt(120).default(6).describe('Has bought, but not on or after the same day N months ago'),
  }),
  never_purchased: leaf('never_purchased', {}),
  repair: leaf('repair', {
    active: z
      .boolean({ error: 'Enter true or false' })
      .optional()
      .describe('true: has a repair received, in progress or ready; false: has repairs, none active'),
    status: z.enum(REPAIR_STATUSES, { error: `Choose a repair status: ${REPAIR_STATUSES.join(', ')}` }).optional(),
  }),
  high_value: leaf('high_value', { amount: amount().describe('A single purchase over this amount (minor units)') }),
  best_customers: leaf('best_customers', {
    limit: positiveInt(RULE_LIMITS.maxRankLimit).describe('How many customers: the top N by spend (ties broken by customer id)'),
    during: periodSchema.optional().describe('Spend counted in this period (default: all time)'),
    departments: departments.optional(),
  }),
  purchases: leaf('purchases', {
    min: amount().optional().describe('Spend of the matching lines at least this (minor units)'),
    max: amount().optional().describe('Spend of the matching lines at most this (minor units)'),
    departments: departments.optional(),
    metals: metals.optional(),
    during: periodSchema.optional(),
    limit: positiveInt(RULE_LIMITS.maxRankLimit).optional().describe('Keep only the top N by that spend'),
  }),
  spent_more_than: leaf('spent_more_than', {
    amount: amount().describe('Lifetime spend over this amount (minor units)'),
    shoppedSince: sinceSchema.optional().describe('And bought something on or after this day'),
  }),
  sales_in_month: leaf('sales_in_month', {
    month: z
      .union([z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/), z.number().int().min(1).max(12)], {
        error: 'Enter a month as YYYY-MM, or 1 to 12 for the last such month',
      })
      .describe('`YYYY-MM`, or 1-12: the most recent such month before the current one ("last December")'),
    minAmount: amount().describe('Spent at least this in that month (minor units)'),
  }),
  birthday: leaf('birthday', calendarFields).superRefine(requireCalendarQualifier),
  anniversary: leaf('anniversary', calendarFields).superRefine(requireCalendarQualifier),
  wedding: leaf('wedding', {
    ...calendarFields,
    anniversary: z
      .boolean({ error: 'Enter true or false' })
      .default(false)
      .describe('false: the wedding date itself ("married today"); true: its anniversary'),
  }).superRefine((value, ctx) => {
    requireCalendarQualifier(value, ctx);
    if (!value.anniversary && value.when === 'month') {
      ctx.addIssue({ code: 'custom', path: ['when'], message: 'A wedding date takes today, next_days or this_month; use anniversary for a month' });
    }
  }),
  overdue_layby: leaf('overdue_layby', {}),
  outstanding_balance: leaf('outstanding_balance', { min: amount().optional().describe('At least this owed (default: anything)') }),
  has_appointment: leaf('has_appointment', {
    within: positiveInt(8760).default(7).describe('An appointment starting within this many hours or days from now'),
    unit: z.enum(['hours', 'days'], { error: 'Choose hours or days' }).default('days'),
  }),
  age: leaf('age', {
    min: positiveInt(150).optional().describe('Years, inclusive'),
    max: positiveInt(150).optional().describe('Years, inclusive'),
  }).superRefine(atLeastOneBound),
  loyalty: leaf('loyalty', { tier: name('a tier', 40).optional().describe('Member of this tier (default: any member)') }),
  tags: leaf('tags', {
    tags: z.array(name('a tag', 40).toLowerCase()).min(1, { error: 'Enter at least one tag' }).max(50),
    match: z.enum(['any', 'all'], { error: 'Choose any or all' }).default('any'),
  }),
  status: leaf('status', { status: z.enum(CUSTOMER_STATUSES, { error: `Choose a status: ${CUSTOMER_STATUSES.join(', ')}` }) }),
  categories: leaf('categories', {
    categories: z.array(name('a category', 60)).min(1, { error: 'Enter at least one category' }).max(30),
    match: z.enum(['any', 'all'], { error: 'Choose any or all' }).default('any'),
  }),
  surname: leaf('surname', { surname: name('a surname').describe('Last name, ignoring case and accents') }),
  city: leaf('city', { city: name('a city').describe('Ignoring case and accents') }),
  postcode: leaf('postcode', { postcode: name('a postcode', 20) }),
  search: leaf('search', {
    text: name('something to search for').min(2, { error: 'Enter at least 2 characters' }).describe('Found in name, address or phone'),
  }),
  total_spent: leaf('total_spent', {
    min: amount().optional().describe('Lifetime spend at least this (minor units)'),
    max: amount().optional().describe('Lifetime spend at most this (minor units)'),
  }).superRefine(atLeastOneBound),
  last_purchase: leaf('last_purchase', { days: positiveInt(3660).describe('Last purchase today or in the N days before') }),
  consent: leaf('consent', {
    channel: z.enum(CONSENT_CHANNELS, { error: 'Choose email or sms' }),
    purpose: z.enum(CONSENT_PURPOSES, { error: 'Choose marketing or service' }).default('marketing'),
  }),
  manual: leaf('manual', {
    customerIds: z
      .array(z.string({ error: 'Enter a customer id' }).min(1, { error: 'Enter a customer id' }).max(64))
      .min(1, { error: 'Add at least one customer' })
      .max(RULE_LIMITS.maxManualIds, { error: `Add at most ${RULE_LIMITS.maxManualIds} customers` }),
  }),
} as const;

for (const [type, schema] of Object.entries(leafSchemas)) {
  const id = `SegmentRule${type
    .split('_')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('')}`;
  z.globalRegistry.add(schema, { id });
}

export type LeafType = keyof typeof leafSchemas;
export const LEAF_TYPES = Object.keys(leafSchemas) as LeafType[];
export const isLeafType = (value: unknown): value is LeafType => typeof value === 'string' && Object.hasOwn(leafSchemas, value);

export type LeafRuleOf<T extends LeafType> = z.output<(typeof leafSchemas)[T]>;
export type LeafRule = { [T in LeafType]: LeafRuleOf<T> }[LeafType];
export type LeafRuleInput = { [T in LeafType]: z.input<(typeof leafSchemas)[T]> }[LeafType];

/** A validated rule: defaults applied, spellings normalised. */
export type Rule = LeafRule | { and: Rule[] } | { or: Rule[] } | { not: Rule };
/** A rule as a client may send it (qualifiers with a default may be left out). */
export type RuleInput = LeafRuleInput | { and: RuleInput[] } | { or: RuleInput[] } | { not: RuleInput };

export const leafRuleSchema = z.discriminatedUnion('type', Object.values(leafSchemas) as unknown as [
  (typeof leafSchemas)[LeafType],
  ...(typeof leafSchemas)[LeafType][],
]);

/**
 * The whole tree. `{"and": []}` matches every customer and `{"or": []}` none (the identities of the operators), so a
 * rule builder can start from an empty group.
 */
export const ruleSchema: z.ZodType<Rule, RuleInput> = z
  .union([
    leafRuleSchema,
    z.strictObject({
      get and() {
        return z.array(ruleSchema).describe('Every rule holds (an empty list matches everyone)');
      },
    }).meta({ id: 'SegmentRuleAnd' }),
    z.strictObject({
      get or() {
        return z.array(ruleSchema).describe('At least one rule holds (an empty list matches no one)');
      },
    }).meta({ id: 'SegmentRuleOr' }),
    z.strictObject({
      get not() {
        return ruleSchema;
      },
    }).meta({ id: 'SegmentRuleNot' }),
  ])
  .meta({ id: 'SegmentRule', description: 'A leaf `{"type": ...}` or a combinator `{"and": [...]}`, `{"or": [...]}`, `{"not": rule}`' });

export const isAnd = (rule: Rule): rule is { and: Rule[] } => 'and' in rule;
export const isOr = (rule: Rule): rule is { or: Rule[] } => 'or' in rule;
export const isNot = (rule: Rule): rule is { not: Rule } => 'not' in rule;
export const isLeaf = (rule: Rule): rule is LeafRule => 'type' in rule;
