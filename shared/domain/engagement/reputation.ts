/**
 * The reputation guard's judgement, pure. SES reviews an account whose bounce rate passes 5% or whose complaint rate
 * passes 0.1%; Facet holds each jeweller to the same limits on its own mail, over the last 30 days, so one jeweller's
 * bad list pauses that jeweller's marketing before it costs everyone the SES account.
 *
 * Figures are kept per UTC day (sends SES accepted, hard bounces, complaints). A tenant is judged once it has at least
 * MINIMUM_SENDS sends in the window (fewer say little). Above a limit its marketing is held until an owner or manager
 * acknowledges; after that the tenant is judged on what it sends from the acknowledgement on (the acknowledging day's
 * earlier figures are subtracted), so acknowledging is not undone at once by the same old bounces, yet the next bad
 * send runs into the guard again.
 */
export const REPUTATION_WINDOW_DAYS = 30;
export const MINIMUM_SENDS = 500;
/** SES's review thresholds. */
export const BOUNCE_RATE_LIMIT = 0.05;
export const COMPLAINT_RATE_LIMIT = 0.001;
/** Metric emitted each time a tenant's marketing is held; the stack's alarm watches it (infra/engagement.ts). */
export const REPUTATION_HOLD_METRIC = 'ReputationHolds';

export interface ReputationFigures {
  readonly sends: number;
  readonly bounces: number;
  readonly complaints: number;
}

export const NO_FIGURES: ReputationFigures = { sends: 0, bounces: 0, complaints: 0 };

/** The figures of one UTC day (`yyyy-mm-dd`). */
export interface DayFigures extends ReputationFigures {
  readonly day: string;
}

export const utcDay = (at: Date) => at.toISOString().slice(0, 10);

/** The first day of the window ending `now`: today and the 29 days before. */
export function windowFirstDay(now: Date): string {
  return utcDay(new Date(now.getTime() - (REPUTATION_WINDOW_DAYS - 1) * 24 * 3600_000));
}

/** Where judging starts after an acknowledgement: that day, minus what it had counted by then. */
export interface JudgementBaseline {
  readonly day: string;
  readonly figures: ReputationFigures;
}

export const addFigures = (a: ReputationFigures, b: ReputationFigures): ReputationFigures => ({
  sends: a.sends + b.sends,
  bounces: a.bounces + b.bounces,
  complaints: a.complaints + b.complaints,
});

/** The window's totals from day figures (any order, any split into shards), from the baseline on if there is one. */
export function windowTotals(days: readonly DayFigures[], now: Date, baseline?: JudgementBaseline): ReputationFigures {
  const first = baseline && baseline.day > windowFirstDay(now) ? baseline.day : windowFirstDay(now);
  const last = utcDay(now);
  let totals = NO_FIGURES;
  for (const day of days) {
    if (day.day < first || day.day > last) continue;
    totals = addFigures(totals, day);
  }
  if (baseline && baseline.day === first) {
    totals = {
      sends: Math.max(0, totals.sends - baseline.figures.sends),
      bounces: Math.max(0, totals.bounces - baseline.figures.bounces),
      complaints: Math.max(0, totals.complaints - baseline.figures.complaints),
    };
  }
  return totals;
}

export interface ReputationRates {
  readonly bounceRate: number;
  readonly complaintRate: number;
}

export const ratesOf = (figures: ReputationFigures): ReputationRates => ({
  bounceRate: figures.sends > 0 ? figures.bounces / figures.sends : 0,
  complaintRate: figures.sends > 0 ? figures.complaints / figures.sends : 0,
});

export type Judgement =
  | { readonly verdict: 'not_judged'; readonly figures: ReputationFigures; readonly rates: ReputationRates }
  | { readonly verdict: 'ok'; readonly figures: ReputationFigures; readonly rates: ReputationRates }
  | { readonly verdict: 'hold'; readonly figures: ReputationFigures; readonly rates: ReputationRates; readonly reasons: readonly string[] };

const percent = (rate: number) => `${(rate * 100).toFixed(rate < 0.01 ? 2 : 1)}%`;

export function judge(figures: ReputationFigures): Judgement {
  const rates = ratesOf(figures);
  if (figures.sends < MINIMUM_SENDS) return { verdict: 'not_judged', figures, rates };
  const reasons: string[] = [];
  if (rates.bounceRate > BOUNCE_RATE_LIMIT) {
    reasons.push(`bounce rate ${percent(rates.bounceRate)} (${figures.bounces} of ${figures.sends} sends) is above ${percent(BOUNCE_RATE_LIMIT)}`);
  }
  if (rates.complaintRate > COMPLAINT_RATE_LIMIT) {
    reasons.push(`complaint rate ${percent(rates.complaintRate)} (${figures.complaints} of ${figures.sends} sends) is above ${percent(COMPLAINT_RATE_LIMIT)}`);
  }
  return reasons.length > 0 ? { verdict: 'hold', figures, rates, reasons } : { verdict: 'ok', figures, rates };
}
