/**
 * The segments every tenant has from day one, defined here in code (never stored per tenant), read-only. Their ids are
 * stable (`sys_vip`), so campaigns and automations can refer to them like to a saved segment. Only "high value" depends
 * on the tenant: 5,000 in the tenant's currency, in its minor units.
 */
import type { Rule } from './rule-schema';
import { validateRule } from './validate-rule';

export interface SystemSegment {
  segmentId: string;
  name: string;
  description: string;
  rule: Rule;
}

interface SystemSegmentDefinition {
  segmentId: string;
  name: string;
  description: string;
  rule: (currency: string) => unknown;
}

/** Whole units of the currency in minor units: 5,000 AUD is 500000, 5,000 JPY is 5000. */
export function majorToMinor(amount: number, currency: string): number {
  let digits = 2;
  try {
    digits = new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
  } catch {
    // An unknown code keeps the common two decimals (settings only accept three letters, not a known code).
  }
  return amount * 10 ** digits;
}

const DEFINITIONS: readonly SystemSegmentDefinition[] = [
  {
    segmentId: 'sys_vip',
    name: 'VIP',
    description: 'The top 10% of customers by lifetime spend (everyone tied at the boundary is in).',
    rule: () => ({ type: 'vip', percent: 10 }),
  },
  {
    segmentId: 'sys_new',
    name: 'New customers',
    description: 'Customers since (the POS date) the last 30 days.',
    rule: () => ({ type: 'new', days: 30 }),
  },
  {
    segmentId: 'sys_lapsed',
    name: 'Lapsed',
    description: 'Have bought before, but not in the last 6 months.',
    rule: () => ({ type: 'lapsed', months: 6 }),
  },
  {
    segmentId: 'sys_active_repairs',
    name: 'Active repairs',
    description: 'A repair received, in progress or ready for pick-up.',
    rule: () => ({ type: 'repair', active: true }),
  },
  {
    segmentId: 'sys_high_value',
    name: 'High value',
    description: 'A single purchase over 5,000 in your currency.',
    rule: (currency) => ({ type: 'high_value', amount: majorToMinor(5_000, currency) }),
  },
  {
    segmentId: 'sys_birthday_this_month',
    name: 'Birthday this month',
    description: 'Birthday in the current month (your time zone). A 29 February birthday counts on 28 February in other years.',
    rule: () => ({ type: 'birthday', when: 'this_month' }),
  },
  {
    segmentId: 'sys_anniversary_this_month',
    name: 'Anniversary this month',
    description: 'Anniversary in the current month (your time zone).',
    rule: () => ({ type: 'anniversary', when: 'this_month' }),
  },
  {
    segmentId: 'sys_layby_overdue',
    name: 'Lay-by overdue',
    description: 'A lay-by with a balance past its due date.',
    rule: () => ({ type: 'overdue_layby' }),
  },
];

export const SYSTEM_SEGMENT_IDS: readonly string[] = DEFINITIONS.map((definition) => definition.segmentId);

export const isSystemSegmentId = (segmentId: string) => segmentId.startsWith('sys_');

function build(definition: SystemSegmentDefinition, currency: string): SystemSegment {
  const validation = validateRule(definition.rule(currency));
  // A definition here that the validator refuses is a programming error, caught by the tests of this list.
  if (!validation.ok) {
    throw new Error(`System segment ${definition.segmentId} has an invalid rule: ${validation.errors.map((e) => `${e.path} ${e.message}`).join('; ')}`);
  }
  return { segmentId: definition.segmentId, name: definition.name, description: definition.description, rule: validation.rule };
}

/** Every system segment, with the tenant's currency applied. */
export function systemSegments(currency: string): SystemSegment[] {
  return DEFINITIONS.map((definition) => build(definition, currency));
}

export function systemSegment(segmentId: string, currency: string): SystemSegment | undefined {
  const definition = DEFINITIONS.find((candidate) => candidate.segmentId === segmentId);
  return definition === undefined ? undefined : build(definition, currency);
}

/** Why a system segment cannot be changed: said the same way by every write route. */
export const SYSTEM_SEGMENT_READ_ONLY = 'System segments are read-only: copy the rule into a new segment to change it.';
