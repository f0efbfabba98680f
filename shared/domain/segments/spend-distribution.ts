/**
 * The spend distribution a VIP (top N percent) leaf needs: the lifetime totals of every customer who has bought, one
 * number each (never the customers themselves). Collected in a first pass over the book, or handed in by a caller that
 * already has it.
 */
export interface SpendDistribution {
  /** Lifetime totals (minor units) of the customers who have bought at least once and are not erased, largest first. */
  readonly totalsDescending: Float64Array;
}

export function spendDistributionOf(totals: Iterable<number>): SpendDistribution {
  const collector = new SpendTotalsCollector();
  for (const total of totals) collector.add(total);
  return collector.finish();
}

/** Grows a typed array: 8 bytes a buyer, so 100k buyers take 800 KB. */
export class SpendTotalsCollector {
  private totals = new Float64Array(1024);
  private size = 0;

  add(total: number): void {
    if (this.size === this.totals.length) {
      const grown = new Float64Array(this.totals.length * 2);
      grown.set(this.totals);
      this.totals = grown;
    }
    this.totals[this.size] = total;
    this.size += 1;
  }

  finish(): SpendDistribution {
    const totals = this.totals.slice(0, this.size);
    totals.sort();
    totals.reverse();
    return { totalsDescending: totals };
  }
}

/**
 * The lowest lifetime total that is in the top `percent` percent of buyers: the total of the buyer ranked
 * ceil(n × percent / 100). Everyone with at least that total is in, so a tie at the boundary takes all of the tied
 * customers. Null when nobody has bought.
 */
export function vipThreshold(distribution: SpendDistribution, percent: number): number | null {
  const buyers = distribution.totalsDescending.length;
  if (buyers === 0) return null;
  // The epsilon keeps 10% of 30 buyers at 3 (floating point can make 30 × 10 / 100 a hair over 3).
  const rank = Math.min(buyers, Math.max(1, Math.ceil((buyers * percent) / 100 - 1e-9)));
  return distribution.totalsDescending[rank - 1] ?? null;
}
