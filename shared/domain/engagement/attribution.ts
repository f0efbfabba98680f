/**
 * Revenue attribution, pure: which message, if any, a purchase is credited to. A purchase recorded for a customer is
 * attributed to the campaign or automation message with the most recent human click within the tenant's attribution
 * window before the purchase; with no click, the most recent human open; with neither, the most recent delivery.
 * Machine opens and clicks (./machine-interaction.ts) never attribute. One purchase, at most one message.
 */
export type TouchKind = 'click' | 'open' | 'delivery';

/** What one message to the customer tells about its touches (from its recipient record). */
export interface MessageTouches {
  readonly campaignId: string;
  /** Human clicks: the first and the latest known (attribution picks the latest one not after the purchase). */
  readonly clickTimes: readonly string[];
  readonly openTimes: readonly string[];
  readonly deliveredAt?: string;
}

export interface Attribution {
  readonly campaignId: string;
  readonly touch: TouchKind;
  readonly touchedAt: string;
}

const RANK: Readonly<Record<TouchKind, number>> = { click: 3, open: 2, delivery: 1 };

export const DAY_MS = 24 * 3600_000;

/** The window's start: touches at or after this instant (and not after the purchase) count. */
export function windowStart(purchasedAt: Date, windowDays: number): Date {
  return new Date(purchasedAt.getTime() - windowDays * DAY_MS);
}

export function attributePurchase(purchasedAt: Date, windowDays: number, messages: readonly MessageTouches[]): Attribution | undefined {
  const from = windowStart(purchasedAt, windowDays).getTime();
  const to = purchasedAt.getTime();
  const inWindow = (at: string | undefined): at is string => {
    if (at === undefined) return false;
    const time = Date.parse(at);
    return Number.isFinite(time) && time >= from && time <= to;
  };
  let best: Attribution | undefined;
  for (const message of messages) {
    const candidates: [TouchKind, readonly (string | undefined)[]][] = [
      ['click', message.clickTimes],
      ['open', message.openTimes],
      ['delivery', [message.deliveredAt]],
    ];
    for (const [touch, times] of candidates) {
      for (const at of times) {
        if (!inWindow(at)) continue;
        const better =
          !best || RANK[touch] > RANK[best.touch] || (RANK[touch] === RANK[best.touch] && (at > best.touchedAt || (at === best.touchedAt && message.campaignId > best.campaignId)));
        if (better) best = { campaignId: message.campaignId, touch, touchedAt: at };
      }
    }
  }
  return best;
}
