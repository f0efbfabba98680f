/**
 * The best `limit` customers by score seen so far, as a heap whose root is the weakest member. Ties are broken by
 * customer id (the smaller id ranks higher), so the final top N does not depend on the order the book is read in.
 *
 * A customer is offered with the same score every time (scores are exact when offered), which lets `offer` tell
 * whether a customer who cannot enter is a member without a lookup: a member ranks at or above the weakest.
 */
export class TopN {
  private readonly scores: number[] = [];
  private readonly ids: string[] = [];
  private readonly members = new Set<string>();

  constructor(readonly limit: number) {}

  get size(): number {
    return this.ids.length;
  }

  has(customerId: string): boolean {
    return this.members.has(customerId);
  }

  /** Whether a customer with this score would be taken now (the bar only rises, so false stays false). */
  couldEnter(score: number, customerId: string): boolean {
    if (this.ids.length < this.limit) return true;
    return ranksAbove(score, customerId, this.scores[0] as number, this.ids[0] as string);
  }

  /** The id the last `offer` pushed out of the top N, if any. */
  evicted: string | null = null;

  /**
   * Offers a customer; returns whether they are in the top N now (`evicted` says whom they pushed out). Offering a
   * member again changes nothing. Most customers cannot enter once the top N is full, and for them this is one
   * comparison: no set lookup.
   */
  offer(customerId: string, score: number): boolean {
    this.evicted = null;
    if (!this.couldEnter(score, customerId)) {
      // Only a tie with the weakest member can be a member offered again (the weakest itself).
      return score === this.scores[0] && this.members.has(customerId);
    }
    if (this.members.has(customerId)) return true;
    this.members.add(customerId);
    if (this.ids.length < this.limit) {
      this.scores.push(score);
      this.ids.push(customerId);
      this.siftUp(this.ids.length - 1);
      return true;
    }
    const evicted = this.ids[0] as string;
    this.members.delete(evicted);
    this.scores[0] = score;
    this.ids[0] = customerId;
    this.siftDown(0);
    this.evicted = evicted;
    return true;
  }

  /** Members, best first. */
  ranked(): { customerId: string; score: number }[] {
    return this.ids
      .map((customerId, i) => ({ customerId, score: this.scores[i] as number }))
      .sort((a, b) => (ranksAbove(a.score, a.customerId, b.score, b.customerId) ? -1 : 1));
  }

  private weaker(i: number, j: number): boolean {
    return ranksAbove(this.scores[j] as number, this.ids[j] as string, this.scores[i] as number, this.ids[i] as string);
  }

  private swap(i: number, j: number) {
    const score = this.scores[i] as number;
    const id = this.ids[i] as string;
    this.scores[i] = this.scores[j] as number;
    this.ids[i] = this.ids[j] as string;
    this.scores[j] = score;
    this.ids[j] = id;
  }

  private siftUp(index: number) {
    let i = index;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.weaker(i, parent)) return;
      this.swap(i, parent);
      i = parent;
    }
  }

  private siftDown(index: number) {
    let i = index;
    const n = this.ids.length;
    for (;;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let weakest = i;
      if (left < n && this.weaker(left, weakest)) weakest = left;
      if (right < n && this.weaker(right, weakest)) weakest = right;
      if (weakest === i) return;
      this.swap(i, weakest);
      i = weakest;
    }
  }
}

/** a ranks above b: a higher score, or the same score and a smaller id. */
function ranksAbove(scoreA: number, idA: string, scoreB: number, idB: string): boolean {
  return scoreA > scoreB || (scoreA === scoreB && idA < idB);
}
