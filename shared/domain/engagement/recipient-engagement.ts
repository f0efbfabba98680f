/**
 * What happened to a message after SES took it, kept on the campaign's recipient record next to the pipeline's own
 * `status` (which says whether and when SES accepted the call, and is never touched here). Pure: the store
 * (./engagement-store.ts) reads the record, asks `planEngagement` what one signal changes, and writes that change, the
 * counter increments it implies and the reputation figures in ONE transaction conditional on the version it read. A
 * duplicate or late signal therefore either changes nothing (no increment) or loses the race and is planned again on
 * fresh data: counters stay exact under at-least-once, out-of-order delivery.
 *
 * Two kinds of fields:
 *  - milestones (`deliveredAt`, `bouncedAt`, ...) are set once, at the first signal that proves them; the campaign
 *    counter they feed moves at that moment and never again;
 *  - `delivery` is the one status a reader sees, moved forward only by rank: a late Delivery never overwrites a
 *    Complaint, a DeliveryDelay never overwrites a Delivery. A Send (SES accepted the message) is not a delivery.
 *
 * Evidence of delivery: a Delivery event, and also a complaint, an open or a click (each proves the message arrived).
 * Whichever comes first counts the delivery; the Delivery event arriving after them adds nothing.
 */
import type { CounterField } from '../campaigns/campaign-counters';
import type { CommunicationStatus } from '../customers/communication';

export const DELIVERY_STATUSES = ['accepted', 'delayed', 'soft_bounced', 'delivered', 'rejected', 'rendering_failed', 'bounced', 'complained'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/**
 * Forward-only order, strict, so the final status never depends on the order events arrived in. Rejections and
 * rendering failures exclude a delivery, so they sit above it; complaints are last.
 */
export const DELIVERY_RANK: Readonly<Record<DeliveryStatus, number>> = {
  accepted: 1,
  delayed: 2,
  soft_bounced: 3,
  delivered: 4,
  rejected: 5,
  rendering_failed: 6,
  bounced: 7,
  complained: 8,
};

/** One thing we learned about a message: an SES event, or a tracked open or click. */
export type EngagementSignal =
  | { readonly kind: 'send' | 'delay' | 'delivery' | 'soft_bounce' | 'hard_bounce' | 'complaint' | 'reject' | 'rendering_failure'; readonly at: string }
  | { readonly kind: 'open' | 'click'; readonly at: string; readonly machine: boolean };
export type SignalKind = EngagementSignal['kind'];

export interface RecipientEngagement {
  /** Bumped by every write; the store's condition. 0: nothing recorded yet. */
  readonly version: number;
  readonly delivery?: DeliveryStatus;
  readonly deliveryAt?: string;
  readonly acceptedAt?: string;
  readonly delayedAt?: string;
  readonly softBouncedAt?: string;
  readonly deliveredAt?: string;
  readonly rejectedAt?: string;
  readonly renderingFailedAt?: string;
  readonly bouncedAt?: string;
  readonly complainedAt?: string;
  /**
   * Every open pixel loaded, machine ones included. The `opened.total` metric counts these plus, for a person who
   * clicked but never loaded the pixel (images blocked), the open their click implies.
   */
  readonly opens: number;
  readonly machineOpens: number;
  /** First and latest opens by a person (machine opens excluded): unique opens and attribution read these. */
  readonly firstOpenAt?: string;
  readonly lastOpenAt?: string;
  readonly clicks: number;
  readonly machineClicks: number;
  readonly firstClickAt?: string;
  readonly lastClickAt?: string;
  readonly attributedOrders: number;
  /** Minor units of the tenant's currency. */
  readonly attributedRevenue: number;
}

export const EMPTY_ENGAGEMENT: RecipientEngagement = {
  version: 0,
  opens: 0,
  machineOpens: 0,
  clicks: 0,
  machineClicks: 0,
  attributedOrders: 0,
  attributedRevenue: 0,
};

/** The attributes of the recipient item this module owns (the store reads and writes exactly these). */
export const ENGAGEMENT_ATTRIBUTES = [
  'delivery',
  'deliveryAt',
  'acceptedAt',
  'delayedAt',
  'softBouncedAt',
  'deliveredAt',
  'rejectedAt',
  'renderingFailedAt',
  'bouncedAt',
  'complainedAt',
  'opens',
  'machineOpens',
  'firstOpenAt',
  'lastOpenAt',
  'clicks',
  'machineClicks',
  'firstClickAt',
  'lastClickAt',
  'attributedOrders',
  'attributedRevenue',
] as const satisfies readonly Exclude<keyof RecipientEngagement, 'version'>[];
export const ENGAGEMENT_VERSION_ATTRIBUTE = 'engagementVersion';

export type ReputationField = 'sends' | 'bounces' | 'complaints';

export interface EngagementPlan {
  readonly next: RecipientEngagement;
  readonly counters: Partial<Record<CounterField, number>>;
  /** The tenant's 30-day reputation figures (./reputation.ts): sends accepted, hard bounces, complaints. */
  readonly reputation: Partial<Record<ReputationField, number>>;
  /** New entries for the customer's timeline (the communication's status history). */
  readonly milestones: readonly { status: CommunicationStatus; at: string }[];
}

/** Which milestone each SES signal proves, its timestamp field, its status and the counters it moves the first time. */
const MILESTONES = {
  send: { field: 'acceptedAt', status: 'accepted', counter: undefined, reputation: 'sends', timeline: undefined },
  delay: { field: 'delayedAt', status: 'delayed', counter: undefined, reputation: undefined, timeline: undefined },
  soft_bounce: { field: 'softBouncedAt', status: 'soft_bounced', counter: undefined, reputation: undefined, timeline: undefined },
  delivery: { field: 'deliveredAt', status: 'delivered', counter: 'delivered', reputation: undefined, timeline: 'delivered' },
  reject: { field: 'rejectedAt', status: 'rejected', counter: undefined, reputation: undefined, timeline: 'failed' },
  rendering_failure: { field: 'renderingFailedAt', status: 'rendering_failed', counter: undefined, reputation: undefined, timeline: 'failed' },
  hard_bounce: { field: 'bouncedAt', status: 'bounced', counter: 'bounced', reputation: 'bounces', timeline: 'bounced' },
  complaint: { field: 'complainedAt', status: 'complained', counter: 'complained', reputation: 'complaints', timeline: 'complained' },
} as const satisfies Record<
  Exclude<SignalKind, 'open' | 'click'>,
  {
    field: keyof RecipientEngagement;
    status: DeliveryStatus;
    counter: CounterField | undefined;
    reputation: ReputationField | undefined;
    timeline: CommunicationStatus | undefined;
  }
>;

class PlanBuilder {
  private state: { -readonly [K in keyof RecipientEngagement]: RecipientEngagement[K] };
  readonly counters: Partial<Record<CounterField, number>> = {};
  readonly reputation: Partial<Record<ReputationField, number>> = {};
  readonly milestones: { status: CommunicationStatus; at: string }[] = [];
  changed = false;

  constructor(current: RecipientEngagement) {
    this.state = { ...current };
  }

  count(field: CounterField, amount = 1): void {
    this.counters[field] = (this.counters[field] ?? 0) + amount;
  }

  /** Sets a set-once milestone; true if it was new. */
  milestone(field: 'acceptedAt' | 'delayedAt' | 'softBouncedAt' | 'deliveredAt' | 'rejectedAt' | 'renderingFailedAt' | 'bouncedAt' | 'complainedAt', at: string): boolean {
    if (this.state[field] !== undefined) return false;
    this.state[field] = at;
    this.changed = true;
    return true;
  }

  raise(status: DeliveryStatus, at: string): void {
    const current = this.state.delivery;
    if (current !== undefined && DELIVERY_RANK[current] >= DELIVERY_RANK[status]) return;
    this.state.delivery = status;
    this.state.deliveryAt = at;
    this.changed = true;
  }

  /** Anything that proves the message arrived counts its delivery once (a later Delivery event adds nothing). */
  proveDelivery(at: string): void {
    if (this.milestone('deliveredAt', at)) {
      this.count('delivered');
      this.milestones.push({ status: 'delivered', at });
    }
    this.raise('delivered', at);
  }

  bump(field: 'opens' | 'machineOpens' | 'clicks' | 'machineClicks'): void {
    this.state[field] += 1;
    this.changed = true;
  }

  /** First and latest human interaction times; returns true for the first one. */
  human(first: 'firstOpenAt' | 'firstClickAt', last: 'lastOpenAt' | 'lastClickAt', at: string): boolean {
    const isFirst = this.state[first] === undefined;
    if (isFirst || at < this.state[first]!) this.state[first] = at;
    if (this.state[last] === undefined || at > this.state[last]!) this.state[last] = at;
    this.changed = true;
    return isFirst;
  }

  build(): EngagementPlan | undefined {
    if (!this.changed) return undefined;
    return {
      next: { ...this.state, version: this.state.version + 1 },
      counters: this.counters,
      reputation: this.reputation,
      milestones: this.milestones,
    };
  }
}

/**
 * What one signal changes on a recipient, or undefined when it changes nothing (a duplicate SES event). Opens and
 * clicks always change something: a repeat is counted in the totals, never again in the unique figures.
 */
export function planEngagement(current: RecipientEngagement, signal: EngagementSignal): EngagementPlan | undefined {
  const plan = new PlanBuilder(current);
  switch (signal.kind) {
    case 'open':
    case 'click': {
      const isOpen = signal.kind === 'open';
      // The first pixel a person loads after their click already counted as an open stands for that open, so the
      // opens total is the same whichever came first, and never below the unique opens.
      const replacesInferredOpen =
        isOpen && !signal.machine && current.firstOpenAt !== undefined && current.opens === current.machineOpens;
      plan.bump(isOpen ? 'opens' : 'clicks');
      if (!replacesInferredOpen) plan.count(isOpen ? 'openedTotal' : 'clickedTotal');
      plan.proveDelivery(signal.at);
      if (signal.machine) {
        plan.bump(isOpen ? 'machineOpens' : 'machineClicks');
        break;
      }
      if (plan.human(isOpen ? 'firstOpenAt' : 'firstClickAt', isOpen ? 'lastOpenAt' : 'lastClickAt', signal.at)) {
        plan.count(isOpen ? 'openedUnique' : 'clickedUnique');
        plan.milestones.push({ status: isOpen ? 'opened' : 'clicked', at: signal.at });
      }
      // Images are often blocked: a person who clicked has read the message, so the click is also their open, unique
      // and in the total (`opens` on the recipient stays the pixels actually loaded).
      if (!isOpen && plan.human('firstOpenAt', 'lastOpenAt', signal.at)) {
        plan.count('openedUnique');
        plan.count('openedTotal');
      }
      break;
    }
    default: {
      const rule = MILESTONES[signal.kind];
      if (signal.kind === 'delivery') {
        plan.proveDelivery(signal.at);
        break;
      }
      if (signal.kind === 'complaint') plan.proveDelivery(signal.at);
      if (plan.milestone(rule.field, signal.at)) {
        if (rule.counter) plan.count(rule.counter);
        if (rule.reputation) plan.reputation[rule.reputation] = 1;
        if (rule.timeline) plan.milestones.push({ status: rule.timeline, at: signal.at });
      }
      plan.raise(rule.status, signal.at);
    }
  }
  return plan.build();
}

/** The status the customer's timeline shows for the message, from what is known about it. */
export function timelineStatus(engagement: RecipientEngagement): CommunicationStatus | undefined {
  if (engagement.complainedAt) return 'complained';
  if (engagement.bouncedAt) return 'bounced';
  if (engagement.rejectedAt || engagement.renderingFailedAt) return 'failed';
  if (engagement.firstClickAt) return 'clicked';
  if (engagement.firstOpenAt) return 'opened';
  if (engagement.deliveredAt) return 'delivered';
  return undefined;
}

/** Reads this module's attributes off a recipient item (anything missing reads as nothing recorded). */
export function engagementOf(item: Readonly<Record<string, unknown>>): RecipientEngagement {
  const text = (name: string) => (typeof item[name] === 'string' ? (item[name] as string) : undefined);
  const number = (name: string) => (typeof item[name] === 'number' ? (item[name] as number) : 0);
  const delivery = text('delivery');
  const engagement: Record<string, unknown> = {
    version: number(ENGAGEMENT_VERSION_ATTRIBUTE),
    opens: number('opens'),
    machineOpens: number('machineOpens'),
    clicks: number('clicks'),
    machineClicks: number('machineClicks'),
    attributedOrders: number('attributedOrders'),
    attributedRevenue: number('attributedRevenue'),
  };
  if (delivery !== undefined && (DELIVERY_STATUSES as readonly string[]).includes(delivery)) engagement.delivery = delivery;
  for (const name of ENGAGEMENT_ATTRIBUTES) {
    if (name === 'delivery' || typeof EMPTY_ENGAGEMENT[name as keyof RecipientEngagement] === 'number') continue;
    const value = text(name);
    if (value !== undefined) engagement[name] = value;
  }
  return engagement as unknown as RecipientEngagement;
}
