import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { LEAF_TYPES, RULE_LIMITS, ruleSchema } from '../../shared/domain/segments/rule-schema';
import { ruleField, validateRule } from '../../shared/domain/segments/validate-rule';

const errorsOf = (input: unknown) => {
  const result = validateRule(input);
  if (result.ok) throw new Error('expected errors');
  return result.errors;
};

describe('validateRule: paths and wording', () => {
  it('names an unknown type deep in the tree by its path', () => {
    expect(errorsOf({ and: [{ type: 'vip' }, { or: [{ type: 'lapsed' }, { not: { type: 'sparkly' } }] }] })).toEqual([
      { path: 'rule.and[1].or[1].not.type', message: 'Choose a valid segment type' },
    ]);
  });

  it('says "Enter a positive value" for a missing or non-positive qualifier, at the qualifier', () => {
    expect(errorsOf({ or: [{ type: 'high_value' }, { type: 'lapsed', months: 0 }, { type: 'best_customers', limit: -3 }] })).toEqual([
      { path: 'rule.or[0].amount', message: 'Enter a positive value' },
      { path: 'rule.or[1].months', message: 'Enter a positive value' },
      { path: 'rule.or[2].limit', message: 'Enter a positive value' },
    ]);
    expect(errorsOf({ type: 'birthday', when: 'next_days' })).toEqual([{ path: 'rule.days', message: 'Enter a positive value' }]);
    expect(errorsOf({ type: 'last_purchase', days: 'ten' })).toEqual([{ path: 'rule.days', message: 'Enter a positive value' }]);
    expect(errorsOf({ type: 'high_value', amount: 10.5 })).toEqual([{ path: 'rule.amount', message: 'Enter a whole number' }]);
  });

  it('reports every error of a rule, not only the first', () => {
    const errors = errorsOf({ and: [{ type: 'nope' }, { type: 'sales_in_month' }, { not: 3 }, {}] });
    expect(errors.map((e) => e.path)).toEqual([
      'rule.and[0].type',
      'rule.and[1].month',
      'rule.and[1].minAmount',
      'rule.and[2].not',
      'rule.and[3].type',
    ]);
  });

  it('rejects fields a leaf does not have, and groups that mix operators', () => {
    expect(errorsOf({ type: 'lapsed', month: 6 })).toEqual([{ path: 'rule.month', message: 'Remove "month": a lapsed rule has no such field' }]);
    expect(errorsOf({ and: [], or: [] })[0]).toMatchObject({ path: 'rule' });
    expect(errorsOf({ type: 'vip', and: [] })[0]).toMatchObject({ path: 'rule' });
    expect(errorsOf({ and: { type: 'vip' } })).toEqual([{ path: 'rule.and', message: 'Enter a list of rules' }]);
    expect(errorsOf(null)).toEqual([{ path: 'rule', message: 'Choose a valid segment type' }]);
  });

  it('applies the documented defaults', () => {
    const result = validateRule({
      and: [{ type: 'vip' }, { type: 'new' }, { type: 'lapsed' }, { type: 'has_appointment' }, { type: 'tags', tags: [' VIP '] }],
    });
    expect(result).toEqual({
      ok: true,
      rule: {
        and: [
          { type: 'vip', percent: 10 },
          { type: 'new', days: 30 },
          { type: 'lapsed', months: 6 },
          { type: 'has_appointment', within: 7, unit: 'days' },
          { type: 'tags', tags: ['vip'], match: 'any' },
        ],
      },
    });
  });

  it('normalises departments and metals the way purchase lines are', () => {
    const result = validateRule({ type: 'purchases', departments: ['Engagement Ring'], metals: ['Plat'] });
    expect(result).toMatchObject({ ok: true, rule: { departments: ['engagement_rings'], metals: ['platinum'] } });
  });

  it('accepts every leaf type in its simplest valid form', () => {
    const simplest: Record<string, object> = {
      high_value: { amount: 1 },
      best_customers: { limit: 1 },
      spent_more_than: { amount: 1 },
      sales_in_month: { month: 12, minAmount: 1 },
      birthday: { when: 'today' },
      anniversary: { when: 'this_month' },
      wedding: { when: 'today' },
      age: { min: 18 },
      tags: { tags: ['a'] },
      status: { status: 'active' },
      categories: { categories: ['a'] },
      surname: { surname: 'Ng' },
      city: { city: 'Perth' },
      postcode: { postcode: '6000' },
      search: { text: 'ab' },
      total_spent: { max: 5 },
      last_purchase: { days: 5 },
      consent: { channel: 'email' },
      manual: { customerIds: ['x'] },
    };
    for (const type of LEAF_TYPES) {
      expect(validateRule({ type, ...simplest[type] }), type).toMatchObject({ ok: true });
    }
  });
});

describe('validateRule: limits', () => {
  it(`limits nesting to ${RULE_LIMITS.maxDepth} levels and says where`, () => {
    let rule: unknown = { type: 'vip' };
    for (let i = 1; i < RULE_LIMITS.maxDepth; i += 1) rule = { not: rule };
    expect(validateRule(rule).ok).toBe(true);
    const errors = errorsOf({ and: [rule] });
    expect(errors).toHaveLength(1);
    expect(errors[0]?.message).toBe(`This rule is nested too deeply: at most ${RULE_LIMITS.maxDepth} levels`);
    expect(errors[0]?.path).toBe(`rule.and[0]${'.not'.repeat(RULE_LIMITS.maxDepth - 1)}`);
  });

  it(`limits a rule to ${RULE_LIMITS.maxNodes} conditions`, () => {
    const leaves = (n: number) => Array.from({ length: n }, () => ({ type: 'vip' }));
    expect(validateRule({ or: leaves(RULE_LIMITS.maxNodes - 1) }).ok).toBe(true);
    expect(errorsOf({ or: leaves(RULE_LIMITS.maxNodes) })).toEqual([
      { path: 'rule', message: `This rule has too many conditions: at most ${RULE_LIMITS.maxNodes}` },
    ]);
    // A huge body is rejected without walking all of it.
    expect(errorsOf({ or: leaves(1_000_000) })).toHaveLength(1);
  });
});

describe('validateRule: contradictions', () => {
  it('rejects a group requiring a rule and its opposite (defaults and double negation considered)', () => {
    expect(errorsOf({ and: [{ type: 'lapsed' }, { type: 'vip' }, { not: { type: 'lapsed', months: 6 } }] })).toEqual([
      { path: 'rule.and[2]', message: 'This group can never match: it requires a rule and its opposite' },
    ]);
    expect(errorsOf({ or: [{ and: [{ not: { not: { type: 'vip' } } }, { not: { type: 'vip' } }] }] })[0]?.path).toBe('rule.or[0].and[1]');
    // The same in an `or` is merely always true, not a contradiction.
    expect(validateRule({ or: [{ type: 'vip' }, { not: { type: 'vip' } }] }).ok).toBe(true);
  });

  it('rejects inverted ranges and periods at the offending field', () => {
    expect(errorsOf({ type: 'total_spent', min: 500, max: 100 })).toEqual([{ path: 'rule.min', message: 'The minimum is more than the maximum' }]);
    expect(errorsOf({ not: { type: 'age', min: 60, max: 30 } })).toEqual([{ path: 'rule.not.min', message: 'The minimum is more than the maximum' }]);
    expect(errorsOf({ type: 'purchases', min: 9, max: 1 })[0]?.path).toBe('rule.min');
    expect(errorsOf({ and: [{ type: 'best_customers', limit: 5, during: { from: '2025-03-01', to: '2025-02-01' } }] })).toEqual([
      { path: 'rule.and[0].during.to', message: 'The end date is before the start date' },
    ]);
  });

  it('rejects two statuses, and never purchased with a purchase, in one group', () => {
    expect(errorsOf({ and: [{ type: 'status', status: 'active' }, { type: 'status', status: 'inactive' }] })[0]?.path).toBe('rule.and[1]');
    expect(errorsOf({ and: [{ type: 'high_value', amount: 5 }, { type: 'never_purchased' }] })).toEqual([
      { path: 'rule.and[1]', message: '"never_purchased" contradicts "high_value" in the same group' },
    ]);
  });
});

describe('the rule as a request field and in OpenAPI', () => {
  const body = z.object({ name: z.string(), rule: ruleField });

  it('reports errors at their path inside the body', () => {
    const parsed = body.safeParse({ name: 'x', rule: { and: [{ type: 'vip' }, { type: 'lapsed', months: -1 }] } });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues.map((issue) => ({ path: issue.path, message: issue.message }))).toEqual([
      { path: ['rule', 'and', 1, 'months'], message: 'Enter a positive value' },
    ]);
  });

  it('yields the validated rule with defaults', () => {
    expect(body.parse({ name: 'x', rule: { not: { type: 'vip' } } }).rule).toEqual({ not: { type: 'vip', percent: 10 } });
  });

  it('documents the recursive rule as named JSON Schema components', () => {
    const json = z.toJSONSchema(body, { target: 'draft-2020-12', io: 'input', unrepresentable: 'any' }) as unknown as {
      properties: { rule: { $ref: string } };
      $defs: Record<string, { anyOf?: unknown[]; properties?: Record<string, unknown> }>;
    };
    expect(json.properties.rule.$ref).toBe('#/$defs/SegmentRule');
    expect(json.$defs.SegmentRuleAnd?.properties?.and).toEqual(expect.objectContaining({ type: 'array', items: { $ref: '#/$defs/SegmentRule' } }));
    expect(Object.keys(json.$defs)).toEqual(expect.arrayContaining(['SegmentRuleLapsed', 'SegmentRuleVip', 'SegmentPeriod', 'SegmentRuleNot']));
    expect(ruleSchema.safeParse({ and: [{ type: 'lapsed' }] }).success).toBe(true);
  });
});
