import { z } from 'zod';

/**
 * Domain events: what later features (automations, journeys, attribution) react to. They are written to the outbox in
 * the same transaction as the change that caused them, then published to the domain-events queue; consumers must be
 * idempotent on `eventId` (delivery is at least once).
 *
 * `source` says where the change came from: records that arrive through a bulk import carry `import`, and automations
 * never fire for them (a 2019 sale imported today must not send a post-purchase email).
 */
const base = {
  eventId: z.string(),
  tenantId: z.string(),
  customerId: z.string(),
  occurredAt: z.iso.datetime(),
  source: z.enum(['api', 'import', 'system']),
};

export const domainEventSchema = z.discriminatedUnion('type', [
  z.object({ ...base, type: z.literal('customer.created') }),
  z.object({
    ...base,
    type: z.literal('purchase.recorded'),
    purchaseId: z.string(),
    purchasedAt: z.iso.datetime(),
    amount: z.number().int(),
    departments: z.array(z.string()),
  }),
  z.object({
    ...base,
    type: z.literal('purchase.refunded'),
    purchaseId: z.string(),
    refundId: z.string(),
    amount: z.number().int(),
  }),
  z.object({
    ...base,
    type: z.literal('repair.status_changed'),
    repairId: z.string(),
    from: z.string().nullable(),
    to: z.string(),
  }),
  z.object({
    ...base,
    type: z.enum(['appointment.created', 'appointment.moved', 'appointment.cancelled']),
    appointmentId: z.string(),
    startsAt: z.iso.datetime(),
    previousStartsAt: z.iso.datetime().optional(),
  }),
  z.object({ ...base, type: z.literal('layby.created'), laybyId: z.string(), dueDate: z.iso.date() }),
  z.object({
    ...base,
    type: z.literal('layby.paid'),
    laybyId: z.string(),
    paymentId: z.string(),
    amount: z.number().int(),
    balance: z.number().int(),
  }),
  z.object({
    ...base,
    type: z.literal('consent.changed'),
    channel: z.enum(['email', 'sms']),
    purpose: z.enum(['marketing', 'service']),
    status: z.enum(['granted', 'withdrawn']),
  }),
  z.object({ ...base, type: z.literal('customer.erased') }),
]);

export type DomainEvent = z.infer<typeof domainEventSchema>;
export type DomainEventType = DomainEvent['type'];
/** An event before the outbox stamps its id. */
export type NewDomainEvent = DomainEvent extends infer E ? (E extends DomainEvent ? Omit<E, 'eventId'> : never) : never;
