import type { RepairStatus } from '../../shared/domain/customers/aggregates';
import type { Appointment } from '../../shared/domain/records/appointment';
import { withLaybyPayment, type Layby } from '../../shared/domain/records/layby';
import { planRefund, withRefund, type Purchase, type PurchaseLine } from '../../shared/domain/records/purchase';
import { newAppointment, newLayby, newPurchase, newRefund, newRepair, type NewRecordContext } from '../../shared/domain/records/record-factories';
import type { SystemActor } from '../../shared/domain/records/record-meta';
import { withRepairStatus, type Repair } from '../../shared/domain/records/repair';
import {
  dayOffset,
  instantAt,
  notAfterAnchor,
  plusDays,
  shopHoursOn,
  type DemoClock,
} from './demo-clock';
import {
  APPOINTMENT_PURPOSES,
  DEPARTMENTS,
  METAL_LABEL,
  PAYMENT_METHODS,
  REFUND_REASONS,
  REPAIR_JOBS,
  STORE_LOCATIONS,
  type Department,
} from './demo-vocabulary';
import { seededId, type Random } from './prng';

/** Demo records are written as if imported from the shop's POS: `source: import`, so no automation fires for them. */
export const DEMO_ACTOR: SystemActor = { tenantId: 'demo', staffId: 'system', role: 'system' };

const context = (customerId: string, now: string): NewRecordContext => ({ customerId, actor: DEMO_ACTOR, source: 'import', now });

const capitalise = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

function purchaseLine(random: Random, department: Department): PurchaseLine {
  const metal = random.weighted(department.metals);
  const item = random.pick(department.items);
  const { low, high } = department.price;
  const dollars = Math.min(high, Math.max(low, ticketPrice(random, department)));
  // Shop prices end in 0, 5 or 9 dollars.
  const price = Math.max(low, Math.round(dollars / 10) * 10 - random.pick([0, 1, 5]));
  const quantity = department.department === 'charms' && random.chance(0.2) ? 2 : 1;
  return {
    department: department.department,
    metal,
    description: capitalise(METAL_LABEL[metal] ? `${METAL_LABEL[metal]} ${item}` : item),
    quantity,
    amount: price * 100 * quantity,
  };
}

/**
 * A ticket price drawn log-normally around the department's median (Box-Muller over two draws of the stream): prices
 * bunch around the typical sale with a long tail of big ones, as a jeweller's till roll does. A log-uniform draw over
 * the whole range put half of all buyers over $5,000 in one sale.
 */
function ticketPrice(random: Random, department: Department): number {
  const { median, spread } = department.price;
  const normal = Math.sqrt(-2 * Math.log(1 - random.next())) * Math.cos(2 * Math.PI * random.next());
  return Math.round(median * Math.exp(spread * normal));
}

const departmentsByWeight = DEPARTMENTS.map((d) => [d, d.weight] as const);
/** A repair charge is rung up on its own; other lines share a sale. */
const retailByWeight = departmentsByWeight.filter(([d]) => d.department !== 'repairs');
const departmentNamed = (name: string) => DEPARTMENTS.find((d) => d.department === name)!;

/** A purchase on a past day, with 1 to 3 lines; a purchase that includes a bridal line leans bridal. */
export function demoPurchase(random: Random, clock: DemoClock, customerId: string, purchasedAt: string, lead?: string): Purchase {
  const first = lead ? departmentNamed(lead) : random.weighted(departmentsByWeight);
  const lines = [purchaseLine(random, first)];
  const extra = random.weighted([[0, 70], [1, 22], [2, 8]] as const);
  for (let i = 0; i < extra; i++) {
    const department = first.department === 'engagement_rings' && i === 0 ? departmentNamed('wedding_bands') : random.weighted(retailByWeight);
    lines.push(purchaseLine(random, department));
  }
  const purchase = newPurchase(
    { purchasedAt, lines, storeLocation: random.weighted(STORE_LOCATIONS) },
    context(customerId, purchasedAt),
    seededId(random, Date.parse(purchasedAt)),
  );
  return random.chance(0.04) ? withDemoRefund(random, clock, purchase) : purchase;
}

/** Some purchases come back: all of it, or one line in full. */
function withDemoRefund(random: Random, clock: DemoClock, purchase: Purchase): Purchase {
  const refundedAt = plusDays(purchase.purchasedAt, random.int(1, 21));
  if (Date.parse(refundedAt) >= clock.anchorMs) return purchase;
  const lineIndex = random.int(0, purchase.lines.length - 1);
  const plan = random.chance(0.5)
    ? planRefund(purchase, { amount: purchase.total })
    : planRefund(purchase, { lines: [{ lineIndex, amount: purchase.lines[lineIndex]!.amount }] });
  if (!plan.ok || plan.amount === 0) return purchase;
  const refund = newRefund(plan, { reason: random.pick(REFUND_REASONS), refundedAt }, { actor: DEMO_ACTOR, now: refundedAt }, seededId(random, Date.parse(refundedAt)));
  return withRefund(purchase, refund, refundedAt);
}

/** The statuses a repair goes through to reach `status`, in order. */
const PATH: Record<RepairStatus, RepairStatus[]> = {
  received: [],
  in_progress: ['in_progress'],
  ready: ['in_progress', 'ready'],
  collected: ['in_progress', 'ready', 'collected'],
  cancelled: ['cancelled'],
};

/** A repair received `daysAgo` days ago that has since moved to `status`, with its history. */
export function demoRepair(random: Random, clock: DemoClock, customerId: string, daysAgo: number, status: RepairStatus): Repair {
  const receivedAt = shopHoursOn(random, dayOffset(clock, -daysAgo));
  let repair = newRepair(
    {
      itemDescription: random.pick(REPAIR_JOBS),
      receivedAt,
      promisedDate: dayOffset(clock, -daysAgo + random.int(5, 14)).iso,
      estimate: random.int(4, 45) * 1000,
    },
    context(customerId, receivedAt),
    'received',
    seededId(random, Date.parse(receivedAt)),
  );
  let at = receivedAt;
  for (const next of PATH[status]) {
    // Each step a little after the last, never after "now" (a repair ready today was made ready an hour ago).
    at = notAfterAnchor(clock, plusDays(at, next === 'in_progress' ? 1 : random.int(1, 6)));
    repair = withRepairStatus(repair, { status: next, at, by: 'system' });
  }
  return repair;
}

/** A repair's status follows its age: recent ones are still in the workshop, old ones were collected long ago. */
export function repairStatusForAge(random: Random, daysAgo: number): RepairStatus {
  if (daysAgo < 4) return random.weighted([['received', 70], ['in_progress', 30]] as const);
  if (daysAgo < 21) return random.weighted([['in_progress', 50], ['ready', 32], ['cancelled', 5], ['received', 13]] as const);
  // A few finished jobs wait weeks for their owner: the "ready for pick-up" reminders have someone to go to.
  return random.weighted([['collected', 89], ['ready', 3], ['cancelled', 8]] as const);
}

/**
 * A lay-by opened `openedDaysAgo` days ago, due `termDays` later. Instalments are paid monthly; `settled` lay-bys are
 * paid off, others keep a balance (overdue when the due day has passed).
 */
export function demoLayby(
  random: Random,
  clock: DemoClock,
  customerId: string,
  openedDaysAgo: number,
  termDays: number,
  settled: boolean,
): Layby {
  const openedAt = shopHoursOn(random, dayOffset(clock, -openedDaysAgo));
  const lead = random.pick(['engagement_rings', 'watches', 'diamonds', 'necklaces', 'pearls', 'earrings'] as const);
  const items = [purchaseLine(random, departmentNamed(lead))];
  if (random.chance(0.3)) items.push(purchaseLine(random, random.weighted(departmentsByWeight)));
  const total = items.reduce((sum, item) => sum + item.amount, 0);
  const deposit = Math.round((total * random.int(10, 25)) / 100 / 100) * 100;
  let layby = newLayby(
    {
      items: items.map(({ description, department, metal, amount }) => ({ description, department, metal, amount })),
      deposit,
      dueDate: dayOffset(clock, -openedDaysAgo + termDays).iso,
      openedAt,
    },
    context(customerId, openedAt),
    seededId(random, Date.parse(openedAt)),
  );
  const instalment = Math.max(100, Math.round((total - deposit) / 4 / 100) * 100);
  for (let month = 1; layby.balance > 0; month++) {
    const paidAt = plusDays(openedAt, month * 30);
    const dueMs = Date.parse(instantAt(dayOffset(clock, -openedDaysAgo + termDays), 17));
    if (Date.parse(paidAt) >= clock.anchorMs || Date.parse(paidAt) > dueMs) break;
    const amount = settled && Date.parse(plusDays(paidAt, 30)) > Math.min(dueMs, clock.anchorMs) ? layby.balance : Math.min(instalment, layby.balance);
    // An unsettled lay-by always keeps something owing.
    if (!settled && amount >= layby.balance) break;
    layby = withLaybyPayment(
      layby,
      { paymentId: seededId(random, Date.parse(paidAt)), amount, paidAt, method: random.pick(PAYMENT_METHODS), recordedBy: 'system' },
      paidAt,
    );
  }
  if (settled && layby.balance > 0) {
    const paidAt = notAfterAnchor(clock, plusDays(openedAt, Math.min(termDays, openedDaysAgo) - 1));
    layby = withLaybyPayment(
      layby,
      { paymentId: seededId(random, Date.parse(paidAt)), amount: layby.balance, paidAt, method: 'card', recordedBy: 'system' },
      paidAt,
    );
  }
  return layby;
}

/** An appointment `dayFromToday` days from the anchor day (negative: past), booked a few days before it. */
export function demoAppointment(
  random: Random,
  clock: DemoClock,
  customerId: string,
  dayFromToday: number,
  time?: { hour: number; minute: number },
): Appointment {
  const day = dayOffset(clock, dayFromToday);
  const startsAt = time ? instantAt(day, time.hour, time.minute) : instantAt(day, random.int(10, 16), random.pick([0, 30]));
  const bookedAt = notAfterAnchor(clock, shopHoursOn(random, dayOffset(clock, dayFromToday - random.int(2, 20))));
  const appointment = newAppointment(
    { startsAt, durationMinutes: random.pick([30, 45, 60]), purpose: random.pick(APPOINTMENT_PURPOSES) },
    context(customerId, bookedAt),
    seededId(random, Date.parse(bookedAt)),
  );
  if (time || !random.chance(dayFromToday < 0 ? 0.15 : 0.08)) return appointment;
  const cancelledAt = notAfterAnchor(clock, plusDays(bookedAt, 1));
  return {
    ...appointment,
    status: 'cancelled',
    history: [
      ...appointment.history,
      { kind: 'cancelled', at: cancelledAt, by: 'system', startsAt, note: random.pick(['Customer rescheduled', 'Unwell', 'Travelling']) },
    ],
    updatedAt: cancelledAt,
    version: appointment.version + 1,
  };
}
