/**
 * Purchases and their refunds as plain data, and the arithmetic of refunding. Every refund is stored with its amount
 * resolved per line, so the net amount of each line (and therefore every aggregate bucket by department and metal) is
 * exact and reproducible from the purchase alone.
 */
import type { RecordMeta } from './record-meta';

export interface PurchaseLine {
  /** Normalised department, e.g. `engagement_rings` (see catalogue.ts). */
  department: string;
  /** Normalised metal, `none` when the item has none. */
  metal: string;
  description: string;
  quantity: number;
  /** What the customer paid for the line (all of its quantity), in minor units. */
  amount: number;
}

export interface RefundLine {
  lineIndex: number;
  amount: number;
}

export interface Refund {
  refundId: string;
  /** Sum of `lines`. */
  amount: number;
  /** How the refund splits over the purchase's lines (always resolved, also for an amount-only refund). */
  lines: RefundLine[];
  reason: string;
  refundedAt: string;
  recordedAt: string;
  recordedBy: string;
}

export interface Purchase extends RecordMeta {
  purchaseId: string;
  customerId: string;
  /** UTC ISO instant. */
  purchasedAt: string;
  externalId?: string;
  storeLocation?: string;
  lines: PurchaseLine[];
  /** Sum of line amounts. */
  total: number;
  refunds: Refund[];
  refundedTotal: number;
}

/** What the aggregate folds need to know about a purchase. */
export type PurchaseFacts = Pick<Purchase, 'purchasedAt' | 'lines' | 'refunds'>;

/** What is left of each line after its refunds. */
export function netLineAmounts(purchase: Pick<Purchase, 'lines' | 'refunds'>): number[] {
  const net = purchase.lines.map((line) => line.amount);
  for (const refund of purchase.refunds) {
    for (const { lineIndex, amount } of refund.lines) {
      if (net[lineIndex] !== undefined) net[lineIndex] -= amount;
    }
  }
  return net;
}

export function refundableAmount(purchase: Pick<Purchase, 'lines' | 'refunds'>): number {
  return netLineAmounts(purchase).reduce((sum, amount) => sum + amount, 0);
}

export type RefundRequest = { amount: number; lines?: undefined } | { lines: RefundLine[]; amount?: undefined };

export type RefundPlan =
  | { ok: true; amount: number; lines: RefundLine[] }
  | { ok: false; problem: 'fully_refunded'; refundable: 0 }
  | { ok: false; problem: 'exceeds_refundable'; refundable: number; requested: number }
  | { ok: false; problem: 'unknown_line'; path: string; lineIndex: number }
  | { ok: false; problem: 'duplicate_line'; path: string; lineIndex: number }
  | { ok: false; problem: 'exceeds_line'; path: string; lineIndex: number; refundable: number; requested: number };

/**
 * Decides how a refund request applies to a purchase: per line as asked, or an amount spread over the lines in
 * proportion to what is left of each. Never refunds more than was paid, in total or on any line.
 */
export function planRefund(purchase: Pick<Purchase, 'lines' | 'refunds'>, request: RefundRequest): RefundPlan {
  const remaining = netLineAmounts(purchase);
  const refundable = remaining.reduce((sum, amount) => sum + amount, 0);
  if (refundable <= 0) return { ok: false, problem: 'fully_refunded', refundable: 0 };

  if (request.lines === undefined) {
    if (request.amount > refundable) {
      return { ok: false, problem: 'exceeds_refundable', refundable, requested: request.amount };
    }
    return { ok: true, amount: request.amount, lines: allocateProportionally(remaining, request.amount) };
  }

  const seen = new Set<number>();
  for (const [i, line] of request.lines.entries()) {
    const path = `body.lines[${i}]`;
    const lineRemaining = remaining[line.lineIndex];
    if (lineRemaining === undefined) return { ok: false, problem: 'unknown_line', path: `${path}.lineIndex`, lineIndex: line.lineIndex };
    if (seen.has(line.lineIndex)) return { ok: false, problem: 'duplicate_line', path: `${path}.lineIndex`, lineIndex: line.lineIndex };
    seen.add(line.lineIndex);
    if (line.amount > lineRemaining) {
      return { ok: false, problem: 'exceeds_line', path: `${path}.amount`, lineIndex: line.lineIndex, refundable: lineRemaining, requested: line.amount };
    }
  }
  const lines = request.lines.filter((l) => l.amount > 0).sort((a, b) => a.lineIndex - b.lineIndex);
  return { ok: true, amount: lines.reduce((sum, l) => sum + l.amount, 0), lines };
}

/**
 * Splits `amount` over lines in proportion to `remaining` (largest-remainder rounding, ties to the earlier line).
 * No line gets more than it has left, because amount <= sum(remaining). BigInt keeps amount × remaining exact.
 */
export function allocateProportionally(remaining: readonly number[], amount: number): RefundLine[] {
  const total = remaining.reduce((sum, r) => sum + r, 0);
  if (amount <= 0 || total <= 0) return [];
  const big = BigInt(amount);
  const bigTotal = BigInt(total);
  const shares = remaining.map((r, lineIndex) => {
    const numerator = big * BigInt(Math.max(r, 0));
    return { lineIndex, share: Number(numerator / bigTotal), fraction: numerator % bigTotal };
  });
  let left = amount - shares.reduce((sum, s) => sum + s.share, 0);
  const byFraction = [...shares].sort((a, b) => (a.fraction === b.fraction ? a.lineIndex - b.lineIndex : a.fraction > b.fraction ? -1 : 1));
  for (const s of byFraction) {
    if (left === 0) break;
    if (s.share < (remaining[s.lineIndex] ?? 0)) {
      s.share += 1;
      left -= 1;
    }
  }
  return shares.filter((s) => s.share > 0).map(({ lineIndex, share }) => ({ lineIndex, amount: share }));
}

/** The purchase with one more refund applied. */
export function withRefund(purchase: Purchase, refund: Refund, updatedAt: string): Purchase {
  return {
    ...purchase,
    refunds: [...purchase.refunds, refund],
    refundedTotal: purchase.refundedTotal + refund.amount,
    updatedAt,
    version: purchase.version + 1,
  };
}
