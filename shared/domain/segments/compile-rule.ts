/**
 * Compiles a validated rule once into a plan: the tree with each node's path (for previews' "why"), the ranked steps
 * (top N leaves) numbered, and what an evaluation needs before it can start:
 *  - `spendDistribution`: a VIP (percentile) leaf needs every buyer's lifetime total first; the evaluator collects it
 *    in a cheap first pass (one number per buyer) unless the caller already has it;
 *  - `rankedSteps`: top-N leaves, decided in the same pass as everything else (./segment-run.ts);
 *  - `purchases`: a day-exact period may need the purchases of the customers whose boundary months the monthly buckets
 *    cannot settle;
 *  - `attributes`: the book attributes the rule reads (an adapter may project only these).
 * The plan is plain data and reusable: bind it to a moment and a time zone per evaluation (./bind-plan.ts).
 */
import type { BookAttribute } from './book-customer';
import { LEAF_DEFINITIONS } from './leaves';
import type { LeafDefinition } from './leaf-definition';
import { formatRulePath, type PathSegment } from './rule-path';
import { isAnd, isLeaf, isNot, type LeafRule, type LeafType, type Rule } from './rule-schema';

export type PlanNode =
  | { readonly kind: 'leaf'; readonly path: string; readonly rule: LeafRule; readonly rankedStep: number | null }
  | { readonly kind: 'and' | 'or'; readonly path: string; readonly children: readonly PlanNode[] }
  | { readonly kind: 'not'; readonly path: string; readonly child: PlanNode };

export interface RankedStep {
  readonly index: number;
  readonly path: string;
  readonly type: LeafType;
  readonly limit: number;
}

export interface PlanNeeds {
  readonly spendDistribution: boolean;
  readonly rankedSteps: readonly RankedStep[];
  readonly purchases: boolean;
  readonly attributes: readonly BookAttribute[];
}

export interface SegmentPlan {
  readonly rule: Rule;
  readonly root: PlanNode;
  readonly needs: PlanNeeds;
}

/** Every evaluation reads these: who the customer is, and whether they were erased (erased customers never match). */
const ALWAYS_READ: readonly BookAttribute[] = ['customerId', 'erased'];

export function definitionOf<T extends LeafType>(type: T): LeafDefinition<T> {
  return LEAF_DEFINITIONS[type] as LeafDefinition<T>;
}

export function compileRule(rule: Rule, base: readonly PathSegment[] = ['rule']): SegmentPlan {
  const rankedSteps: RankedStep[] = [];
  const attributes = new Set<BookAttribute>(ALWAYS_READ);
  let spendDistribution = false;
  let purchases = false;

  const compile = (node: Rule, path: readonly PathSegment[]): PlanNode => {
    const at = formatRulePath(path);
    if (isLeaf(node)) {
      const definition = definitionOf(node.type) as LeafDefinition<LeafType>;
      for (const attribute of definition.attributes) attributes.add(attribute);
      if (definition.needsSpendDistribution) spendDistribution = true;
      if (definition.mayNeedPurchases?.(node as never)) purchases = true;
      const limit = definition.rankLimit?.(node as never);
      let rankedStep: number | null = null;
      if (limit !== undefined) {
        rankedStep = rankedSteps.length;
        rankedSteps.push({ index: rankedStep, path: at, type: node.type, limit });
      }
      return { kind: 'leaf', path: at, rule: node, rankedStep };
    }
    if (isNot(node)) return { kind: 'not', path: at, child: compile(node.not, [...path, 'not']) };
    const kind = isAnd(node) ? 'and' : 'or';
    const children = isAnd(node) ? node.and : (node as { or: Rule[] }).or;
    return { kind, path: at, children: children.map((child, i) => compile(child, [...path, kind, i])) };
  };

  const root = compile(rule, base);
  return {
    rule,
    root,
    needs: { spendDistribution, rankedSteps, purchases, attributes: [...attributes] },
  };
}
