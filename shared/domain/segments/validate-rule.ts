/**
 * Validates a rule as a client sent it, walking the tree itself so that every error names the offending field by its
 * path (`rule.and[0].months`) in the jeweller's words, instead of the one opaque error a union would give. Each leaf's
 * fields are checked by its schema (./rule-schema.ts); the walker owns the structure, the limits and the
 * contradiction checks (./contradictions.ts).
 */
import { z } from 'zod';
import { findContradictions } from './contradictions';
import { formatRulePath, type PathSegment, type RuleError } from './rule-path';
import { isLeafType, leafSchemas, RULE_LIMITS, RULE_MESSAGES, ruleSchema, type Rule } from './rule-schema';

export type RuleValidation = { ok: true; rule: Rule } | { ok: false; errors: RuleError[] };

export interface ValidateOptions {
  /** Path of the rule in the request (`rule`, or `body.rule` when the handler reports body paths). */
  base?: readonly PathSegment[];
}

const COMBINATORS = ['and', 'or', 'not'] as const;

class Walk {
  readonly errors: RuleError[] = [];
  nodes = 0;
  private tooBigReported = false;

  constructor(private readonly base: readonly PathSegment[]) {}

  error(path: readonly PathSegment[], message: string) {
    this.errors.push({ path: formatRulePath(path), message });
  }

  /** Returns the validated node (defaults applied), or undefined when it has errors. */
  node(value: unknown, path: readonly PathSegment[], depth: number): Rule | undefined {
    this.nodes += 1;
    if (this.nodes > RULE_LIMITS.maxNodes) {
      if (!this.tooBigReported) this.error(this.base, `This rule has too many conditions: at most ${RULE_LIMITS.maxNodes}`);
      this.tooBigReported = true;
      return undefined;
    }
    if (depth > RULE_LIMITS.maxDepth) {
      this.error(path, `This rule is nested too deeply: at most ${RULE_LIMITS.maxDepth} levels`);
      return undefined;
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      this.error(path, RULE_MESSAGES.unknownType);
      return undefined;
    }
    const record = value as Record<string, unknown>;
    const combinators = COMBINATORS.filter((key) => Object.hasOwn(record, key));
    const isLeafNode = Object.hasOwn(record, 'type');
    if (isLeafNode && combinators.length > 0) {
      this.error(path, `Use either a segment type or ${combinators.join('/')}, not both`);
      return undefined;
    }
    if (isLeafNode) return this.leaf(record, path);
    const [combinator, ...others] = combinators;
    if (combinator === undefined) {
      this.error([...path, 'type'], RULE_MESSAGES.unknownType);
      return undefined;
    }
    if (others.length > 0) {
      this.error(path, 'Use one of and, or, not per group: nest groups to combine them');
      return undefined;
    }
    const extra = Object.keys(record).filter((key) => key !== combinator);
    for (const key of extra) this.error([...path, key], `Remove "${key}": a group has only "${combinator}"`);
    if (combinator === 'not') {
      const inner = this.node(record.not, [...path, 'not'], depth + 1);
      return inner === undefined || extra.length > 0 ? undefined : { not: inner };
    }
    const list = record[combinator];
    if (!Array.isArray(list)) {
      this.error([...path, combinator], 'Enter a list of rules');
      return undefined;
    }
    const children: Rule[] = [];
    let failed = extra.length > 0;
    for (const [i, child] of list.entries()) {
      if (this.tooBigReported) return undefined;
      const validated = this.node(child, [...path, combinator, i], depth + 1);
      if (validated === undefined) failed = true;
      else children.push(validated);
    }
    if (failed) return undefined;
    return combinator === 'and' ? { and: children } : { or: children };
  }

  private leaf(record: Record<string, unknown>, path: readonly PathSegment[]): Rule | undefined {
    const type = record.type;
    if (!isLeafType(type)) {
      this.error([...path, 'type'], RULE_MESSAGES.unknownType);
      return undefined;
    }
    const parsed = leafSchemas[type].safeParse(record);
    if (parsed.success) return parsed.data as Rule;
    for (const issue of parsed.error.issues) {
      const at = [...path, ...(issue.path as PathSegment[])];
      if (issue.code === 'unrecognized_keys') {
        for (const key of issue.keys) this.error([...at, key], `Remove "${key}": a ${type} rule has no such field`);
      } else {
        this.error(at, issue.message);
      }
    }
    return undefined;
  }
}

/**
 * `{ ok: true, rule }` with defaults applied and spellings normalised, or every error found (structure and fields
 * first; contradictions only once the rule is otherwise valid, since they are judged on the validated values).
 */
export function validateRule(input: unknown, options: ValidateOptions = {}): RuleValidation {
  const base = options.base ?? ['rule'];
  const walk = new Walk(base);
  const rule = walk.node(input, base, 1);
  if (rule === undefined || walk.errors.length > 0) return { ok: false, errors: dedupe(walk.errors) };
  const contradictions = findContradictions(rule, base);
  return contradictions.length > 0 ? { ok: false, errors: contradictions } : { ok: true, rule };
}

function dedupe(errors: RuleError[]): RuleError[] {
  const seen = new Set<string>();
  return errors.filter((error) => {
    const key = `${error.path}\u0000${error.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * The `rule` field of a request body: validated by `validateRule` (errors carry paths relative to the field, so the
 * HTTP layer reports `body.rule.and[0].type`), documented in OpenAPI as `SegmentRule`.
 */
export const ruleField = z.preprocess((value, ctx) => {
  const result = validateRule(value, { base: [] });
  if (result.ok) return result.rule;
  for (const error of result.errors) {
    ctx.issues.push({ code: 'custom', message: error.message, path: pathSegmentsOf(error.path), input: value });
  }
  return z.NEVER;
}, ruleSchema);

/** Parses `and[0].during.to` back into segments. */
function pathSegmentsOf(path: string): PathSegment[] {
  const segments: PathSegment[] = [];
  for (const match of path.matchAll(/([^.[\]]+)|\[(\d+)\]/g)) {
    if (match[2] !== undefined) segments.push(Number(match[2]));
    else if (match[1] !== undefined) segments.push(match[1]);
  }
  return segments;
}
