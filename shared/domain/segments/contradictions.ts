/**
 * Rules that can never match, caught when they are saved rather than discovered as an empty segment. Only what is cheap
 * and certain: a range whose minimum exceeds its maximum, a period that ends before it starts, and groups (`and`)
 * that require a rule and its opposite, two different statuses, or "never purchased" together with a purchase.
 */
import { formatRulePath, type PathSegment, type RuleError } from './rule-path';
import { isAnd, isLeaf, isNot, isOr, type LeafRule, type LeafType, type Period, type Rule } from './rule-schema';

/** Leaves that only hold for someone who has bought at least once. */
const NEEDS_A_PURCHASE: ReadonlySet<LeafType> = new Set([
  'vip',
  'lapsed',
  'high_value',
  'best_customers',
  'purchases',
  'spent_more_than',
  'sales_in_month',
  'last_purchase',
]);

export function findContradictions(rule: Rule, base: readonly PathSegment[]): RuleError[] {
  const errors: RuleError[] = [];
  const report = (path: readonly PathSegment[], message: string) => errors.push({ path: formatRulePath(path), message });
  walk(rule, base, report);
  return errors;
}

type Report = (path: readonly PathSegment[], message: string) => void;

function walk(rule: Rule, path: readonly PathSegment[], report: Report): void {
  if (isLeaf(rule)) return checkLeaf(rule, path, report);
  if (isNot(rule)) return walk(rule.not, [...path, 'not'], report);
  const children = isAnd(rule) ? rule.and : isOr(rule) ? rule.or : [];
  const key = isAnd(rule) ? 'and' : 'or';
  children.forEach((child, i) => walk(child, [...path, key, i], report));
  if (isAnd(rule)) checkGroup(rule.and, [...path, 'and'], report);
}

function checkLeaf(rule: LeafRule, path: readonly PathSegment[], report: Report): void {
  switch (rule.type) {
    case 'total_spent':
    case 'age':
      if (rule.min !== undefined && rule.max !== undefined && rule.min > rule.max) report([...path, 'min'], 'The minimum is more than the maximum');
      return;
    case 'purchases':
      if (rule.min !== undefined && rule.max !== undefined && rule.min > rule.max) report([...path, 'min'], 'The minimum is more than the maximum');
      checkPeriod(rule.during, [...path, 'during'], report);
      return;
    case 'best_customers':
      checkPeriod(rule.during, [...path, 'during'], report);
      return;
    default:
      return;
  }
}

function checkPeriod(period: Period | undefined, path: readonly PathSegment[], report: Report): void {
  if (period?.from !== undefined && period.to !== undefined && period.to < period.from) {
    report([...path, 'to'], 'The end date is before the start date');
  }
}

function checkGroup(children: readonly Rule[], path: readonly PathSegment[], report: Report): void {
  const signed = children.map((child) => signedForm(child));
  const positives = new Set(signed.filter((form) => form.positive).map((form) => form.key));
  signed.forEach((form, i) => {
    if (!form.positive && positives.has(form.key)) {
      report([...path, i], 'This group can never match: it requires a rule and its opposite');
    }
  });

  const leaves = children.map((child, i) => ({ child, i })).filter((entry): entry is { child: LeafRule; i: number } => isLeaf(entry.child));
  const statuses = leaves.filter(({ child }) => child.type === 'status');
  const firstStatus = statuses[0];
  for (const entry of statuses.slice(1)) {
    if (firstStatus && entry.child.type === 'status' && firstStatus.child.type === 'status' && entry.child.status !== firstStatus.child.status) {
      report([...path, entry.i], 'A customer has one status: this group can never match');
    }
  }
  const neverPurchased = leaves.find(({ child }) => child.type === 'never_purchased');
  const needsPurchase = leaves.find(({ child }) => NEEDS_A_PURCHASE.has(child.type));
  if (neverPurchased && needsPurchase) {
    report([...path, neverPurchased.i], `"never_purchased" contradicts "${needsPurchase.child.type}" in the same group`);
  }
}

/** Double negations removed. */
function withoutDoubleNegation(rule: Rule): Rule {
  let current = rule;
  while (isNot(current) && isNot(current.not)) current = current.not.not;
  return current;
}

/** A rule as a sign and the identity of what it asserts or denies: `{"not": X}` is X, negative. */
function signedForm(rule: Rule): { positive: boolean; key: string } {
  const plain = withoutDoubleNegation(rule);
  return isNot(plain) ? { positive: false, key: canonicalRule(plain.not) } : { positive: true, key: canonicalRule(plain) };
}

/**
 * A rule's identity for comparison: keys sorted (defaults are already applied by validation, so `{"type": "lapsed"}`
 * and `{"type": "lapsed", "months": 6}` are the same) and a leading double negation removed.
 */
export function canonicalRule(rule: Rule): string {
  return stableStringify(withoutDoubleNegation(rule));
}

function stableStringify(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableStringify(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
