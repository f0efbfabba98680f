/**
 * Binds a compiled plan to one evaluation (a moment, a time zone, a spend distribution, the run's top-N state) as a
 * tree of closures: each leaf a few comparisons, each combinator a loop that stops at the first deciding child.
 * Also explains a match: which leaf values held (or, under `not`, did not).
 */
import type { BookCustomer } from './book-customer';
import { definitionOf, type PlanNode, type RankedStep, type SegmentPlan } from './compile-rule';
import type { BoundLeaf, CustomerPurchases, LeafDefinition, LeafEnvironment, Verdict } from './leaf-definition';
import { NO, YES } from './leaf-definition';
import type { LeafType } from './rule-schema';
import { purchaseSpanOf } from './spend-window';

/** One line of a preview's "why": a leaf, whether it held, and the customer's value for it. */
export interface WhyEntry {
  /** Where the leaf is in the rule: `rule.and[1].not`. */
  path: string;
  leaf: LeafType;
  /** false for a leaf under `not` that did not hold (which is why the customer matched). */
  holds: boolean;
  detail: string;
}

export type NodeTest = (customer: BookCustomer, purchases: CustomerPurchases) => Verdict;

interface BoundNode {
  readonly test: NodeTest;
  /** Relative cost of `test`, so a group can ask its cheap children first. */
  readonly cost: number;
  explain(customer: BookCustomer, purchases: CustomerPurchases, holds: boolean, out: WhyEntry[]): void;
}

export interface BoundRankedLeaf {
  readonly step: RankedStep;
  readonly leaf: BoundLeaf;
}

export interface BoundPlan {
  readonly test: NodeTest;
  why(customer: BookCustomer, purchases: CustomerPurchases): WhyEntry[];
  readonly rankedLeaves: readonly BoundRankedLeaf[];
  /** The instants (epoch ms) whose purchases settle every open boundary month, or null when none can be open. */
  readonly purchaseSpan: { fromMs: number; toMs: number } | null;
}

/** How a ranked leaf answers inside the tree: membership of the run's top N (./segment-run.ts). */
export type RankMembership = (step: RankedStep) => NodeTest;

export function bindPlan(plan: SegmentPlan, env: LeafEnvironment, rankMembership: RankMembership): BoundPlan {
  const rankedLeaves: BoundRankedLeaf[] = [];
  const spans: { fromMs: number; toMs: number }[] = [];

  const bind = (node: PlanNode): BoundNode => {
    switch (node.kind) {
      case 'leaf': {
        const definition = definitionOf(node.rule.type) as LeafDefinition<LeafType>;
        const leaf = definition.bind(node.rule as never, env);
        for (const window of leaf.windows ?? []) {
          const span = purchaseSpanOf(window);
          if (span !== null) spans.push(span);
        }
        const step = node.rankedStep === null ? undefined : plan.needs.rankedSteps[node.rankedStep];
        if (step !== undefined) rankedLeaves.push({ step, leaf });
        const test = step === undefined ? leaf.test : rankMembership(step);
        return {
          test,
          cost: step === undefined ? (definition.cost ?? 1) : 1,
          explain: (c, p, holds, out) => out.push({ path: node.path, leaf: node.rule.type, holds, detail: leaf.detail(c, p) }),
        };
      }
      case 'not': {
        const child = bind(node.child);
        const inner = child.test;
        return {
          test: (c, p) => {
            const v = inner(c, p);
            return v === YES ? NO : v === NO ? YES : v;
          },
          cost: child.cost,
          explain: (c, p, holds, out) => child.explain(c, p, !holds, out),
        };
      }
      case 'and':
      case 'or': {
        const children = node.children.map(bind);
        // A group's verdict does not depend on the order of its children (NO or YES decides, unknowns combine by
        // max), so cheap children go first and the costly ones (month buckets, text search) run less often.
        const tests = [...children].sort((a, b) => a.cost - b.cost).map((child) => child.test);
        const test = node.kind === 'and' ? allOf(tests) : anyOf(tests);
        // `and` holds because every child holds, fails because one fails; `or` the other way round.
        const decisive = node.kind === 'and' ? NO : YES;
        return {
          test,
          cost: children.reduce((sum, child) => sum + child.cost, 0),
          explain: (c, p, holds, out) => {
            const allHold = node.kind === 'and' ? holds : !holds;
            if (allHold) {
              for (const child of children) child.explain(c, p, holds, out);
              return;
            }
            const deciding = children.find((child) => child.test(c, p) === decisive);
            deciding?.explain(c, p, holds, out);
          },
        };
      }
    }
  };

  const root = bind(plan.root);
  return {
    test: root.test,
    why: (c, p) => {
      const out: WhyEntry[] = [];
      root.explain(c, p, true, out);
      return out;
    },
    rankedLeaves,
    purchaseSpan:
      spans.length === 0
        ? null
        : { fromMs: Math.min(...spans.map((s) => s.fromMs)), toMs: Math.max(...spans.map((s) => s.toMs)) },
  };
}

/**
 * `and`: NO as soon as a child says NO; otherwise the largest verdict (YES when all hold, else the strongest unknown).
 * The empty `and` holds for everyone.
 */
function allOf(tests: readonly NodeTest[]): NodeTest {
  if (tests.length === 0) return () => YES;
  if (tests.length === 1) return tests[0] as NodeTest;
  if (tests.length === 2) {
    const [a, b] = tests as [NodeTest, NodeTest];
    return (c, p) => {
      const x = a(c, p);
      if (x === NO) return NO;
      const y = b(c, p);
      if (y === NO) return NO;
      return x > y ? x : y;
    };
  }
  return (c, p) => {
    let result: Verdict = YES;
    for (let i = 0; i < tests.length; i += 1) {
      const v = (tests[i] as NodeTest)(c, p);
      if (v === NO) return NO;
      if (v > result) result = v;
    }
    return result;
  };
}

/** `or`: YES as soon as a child says YES; otherwise NO when all say NO, else the strongest unknown. The empty `or` holds for no one. */
function anyOf(tests: readonly NodeTest[]): NodeTest {
  if (tests.length === 0) return () => NO;
  if (tests.length === 1) return tests[0] as NodeTest;
  if (tests.length === 2) {
    const [a, b] = tests as [NodeTest, NodeTest];
    return (c, p) => {
      const x = a(c, p);
      if (x === YES) return YES;
      const y = b(c, p);
      if (y === YES) return YES;
      return x > y ? x : y;
    };
  }
  return (c, p) => {
    let result: Verdict = NO;
    for (let i = 0; i < tests.length; i += 1) {
      const v = (tests[i] as NodeTest)(c, p);
      if (v === YES) return YES;
      if (v > result) result = v;
    }
    return result;
  };
}
