/**
 * Purchases, refunds, repairs, lay-bys and appointments as they cross the API (and the bulk importer, which validates
 * rows with the same create schemas). Money is always an integer in minor units; instants are normalised to UTC.
 */
import { z } from 'zod';
import { isoDate, isoDateTime, money, positiveMoney } from '../../api/common';
import { customerAggregatesSchema } from '../customers/customer-schema';
import { KNOWN_DEPARTMENTS, KNOWN_METALS, normaliseDepartment, normaliseMetal } from './catalogue';

/** Largest amount accepted on one line or record: 10 billion minor units keeps every sum an exact integer. */
export const MAX_AMOUNT = 10_000_000_000;
const amount = money.min(0).max(MAX_AMOUNT);
const payable = positiveMoney.max(MAX_AMOUNT);

const text = (max: number) => z.string().trim().max(max);
const utcInstant = isoDateTime.transform((value) => new Date(value).toISOString());

/** Clock skew between a POS and us that is tolerated; beyond it a sale "tomorrow" is a typo that would skew lapsed rules. */
const FUTURE_TOLERANCE_MS = 24 * 60 * 60 * 1000;
/** When something already happened (a sale, a refund, a payment): not in the future. */
const pastInstant = utcInstant.refine((value) => Date.parse(value) <= Date.now() + FUTURE_TOLERANCE_MS, {
  message: 'Cannot be in the future',
});

const externalId = (what: string) =>
  text(100).min(1).describe(`The POS's id for this ${what}; unique within the tenant (imports match on it)`);

export const departmentSchema = text(60)
  .min(1, 'Enter a department')
  .transform(normaliseDepartment)
  .pipe(z.string().min(1, 'Enter a department with letters or digits'))
  .describe(`Normalised to snake case (\`Engagement Rings\` → \`engagement_rings\`). Known: ${KNOWN_DEPARTMENTS.join(', ')}; others are kept as sent.`);

export const metalSchema = text(60)
  .transform(normaliseMetal)
  .describe(`Normalised to snake case; empty or absent is \`none\`. Known: ${KNOWN_METALS.join(', ')}; others are kept as sent.`);

// ---------------------------------------------------------------------------------------------------------------------
// Purchases and refunds

export const purchaseLineInputSchema = z
  .strictObject({
    department: departmentSchema,
    metal: metalSchema.default('none'),
    description: text(200).default(''),
    quantity: z.number().int().min(1).max(10_000).default(1),
    amount: amount.describe('What the customer paid for this line (all of its quantity), in minor units'),
  })
  .meta({ id: 'PurchaseLineInput' });

export const purchaseCreateSchema = z
  .strictObject({
    purchasedAt: pastInstant.optional().describe('When the sale happened; defaults to now. Months are counted in the tenant time zone'),
    externalId: externalId('purchase').optional(),
    storeLocation: text(100).min(1).optional(),
    lines: z.array(purchaseLineInputSchema).min(1, 'A purchase needs at least one line').max(100),
  })
  .refine((p) => p.lines.reduce((sum, l) => sum + l.amount, 0) > 0, {
    path: ['lines'],
    message: 'The lines must add up to more than zero',
  })
  .meta({ id: 'PurchaseCreate' });
export type PurchaseCreate = z.output<typeof purchaseCreateSchema>;

const refundLineInputSchema = z.strictObject({
  lineIndex: z.number().int().min(0).describe('Position of the line in the purchase, from 0'),
  amount: payable,
});

export const refundCreateSchema = z
  .strictObject({
    amount: payable.optional().describe('Refund this much, spread over the lines in proportion to what is left of each'),
    lines: z.array(refundLineInputSchema).min(1).max(100).optional().describe('Or refund these amounts of these lines'),
    reason: text(300).min(1, 'Enter a reason'),
    refundedAt: pastInstant.optional().describe('Defaults to now'),
  })
  .refine((r) => (r.amount === undefined) !== (r.lines === undefined), {
    path: ['amount'],
    message: 'Give either amount or lines',
  })
  .meta({ id: 'RefundCreate' });
export type RefundCreate = z.output<typeof refundCreateSchema>;

const meta = {
  createdAt: isoDateTime,
  createdBy: z.string().describe('Staff id, or `system`'),
  updatedAt: isoDateTime,
  source: z.enum(['api', 'import', 'system']),
};

export const refundSchema = z
  .object({
    refundId: z.string(),
    amount: money,
    lines: z.array(z.object({ lineIndex: z.number().int(), amount: money })).describe('How the refund splits over the lines'),
    reason: z.string(),
    refundedAt: isoDateTime,
    recordedAt: isoDateTime,
    recordedBy: z.string(),
  })
  .meta({ id: 'Refund' });

export const purchaseSchema = z
  .object({
    purchaseId: z.string(),
    customerId: z.string(),
    purchasedAt: isoDateTime,
    externalId: z.string().optional(),
    storeLocation: z.string().optional(),
    lines: z.array(
      z.object({
        department: z.string(),
        metal: z.string(),
        description: z.string(),
        quantity: z.number().int(),
        amount: money,
        refunded: money.describe('Refunded so far on this line'),
      }),
    ),
    total: money,
    refundedTotal: money,
    netTotal: money.describe('total - refundedTotal: what counts towards the customer aggregates'),
    refunds: z.array(refundSchema),
    ...meta,
  })
  .meta({ id: 'Purchase' });

export const refundResultSchema = z
  .object({ refund: refundSchema, purchase: purchaseSchema })
  .meta({ id: 'RefundResult' });

// ---------------------------------------------------------------------------------------------------------------------
// Repairs

export const REPAIR_TARGET_STATUSES = ['in_progress', 'ready', 'collected', 'cancelled'] as const;

export const repairCreateSchema = z
  .strictObject({
    itemDescription: text(300).min(1, 'Describe the item'),
    receivedAt: pastInstant.optional().describe('When the item came in; defaults to now'),
    promisedDate: isoDate.optional().describe('Day promised to the customer'),
    estimate: amount.optional().describe('Quoted price in minor units'),
    notes: text(2000).optional(),
    externalId: externalId('repair').optional(),
  })
  .meta({ id: 'RepairCreate' });
export type RepairCreate = z.output<typeof repairCreateSchema>;

export const repairPatchSchema = z
  .strictObject({
    itemDescription: text(300).min(1).optional(),
    promisedDate: isoDate.nullable().optional(),
    estimate: amount.nullable().optional(),
    notes: text(2000).nullable().optional(),
  })
  .refine((p) => Object.values(p).some((v) => v !== undefined), { message: 'Change at least one field' })
  .describe('`null` clears a field. The status changes through POST .../status')
  .meta({ id: 'RepairPatch' });
export type RepairPatch = z.output<typeof repairPatchSchema>;

export const repairStatusChangeSchema = z
  .strictObject({
    status: z.enum(REPAIR_TARGET_STATUSES),
    note: text(500).optional(),
  })
  .meta({ id: 'RepairStatusChange' });

export const repairSchema = z
  .object({
    repairId: z.string(),
    customerId: z.string(),
    itemDescription: z.string(),
    status: z.enum(['received', 'in_progress', 'ready', 'collected', 'cancelled']),
    receivedAt: isoDateTime,
    promisedDate: isoDate.optional(),
    estimate: money.optional(),
    notes: z.string().optional(),
    externalId: z.string().optional(),
    history: z.array(z.object({ status: z.string(), at: isoDateTime, by: z.string(), note: z.string().optional() })),
    ...meta,
  })
  .meta({ id: 'Repair' });

// ---------------------------------------------------------------------------------------------------------------------
// Lay-bys

export const laybyCreateSchema = z
  .strictObject({
    items: z
      .array(
        z.strictObject({
          description: text(200).min(1, 'Describe the item'),
          department: departmentSchema.optional(),
          metal: metalSchema.optional(),
          amount,
        }),
      )
      .min(1, 'A lay-by needs at least one item')
      .max(50),
    total: payable.optional().describe('Sum of the item amounts; checked when given'),
    deposit: amount.default(0).describe('Paid when the lay-by is opened'),
    dueDate: isoDate.describe('Day by which the balance must be paid (tenant time zone)'),
    openedAt: pastInstant.optional().describe('Defaults to now'),
    externalId: externalId('lay-by').optional(),
  })
  .superRefine((l, ctx) => {
    const sum = l.items.reduce((s, i) => s + i.amount, 0);
    if (sum <= 0) ctx.addIssue({ code: 'custom', path: ['items'], message: 'The items must add up to more than zero' });
    if (l.total !== undefined && l.total !== sum) {
      ctx.addIssue({ code: 'custom', path: ['total'], message: `The total must equal the sum of the items (${sum})` });
    }
    if (l.deposit > sum) ctx.addIssue({ code: 'custom', path: ['deposit'], message: 'The deposit cannot be more than the total' });
  })
  .meta({ id: 'LaybyCreate' });
export type LaybyCreate = z.output<typeof laybyCreateSchema>;

export const laybyPaymentCreateSchema = z
  .strictObject({
    amount: payable,
    paidAt: pastInstant.optional().describe('Defaults to now'),
    method: text(40).min(1).optional().describe('cash, card, transfer, ...'),
  })
  .meta({ id: 'LaybyPaymentCreate' });
export type LaybyPaymentCreate = z.output<typeof laybyPaymentCreateSchema>;

const laybyPaymentSchema = z
  .object({ paymentId: z.string(), amount: money, paidAt: isoDateTime, method: z.string().optional(), recordedBy: z.string() })
  .meta({ id: 'LaybyPayment' });

export const laybySchema = z
  .object({
    laybyId: z.string(),
    customerId: z.string(),
    items: z.array(z.object({ description: z.string(), department: z.string().optional(), metal: z.string().optional(), amount: money })),
    total: money,
    deposit: money,
    payments: z.array(laybyPaymentSchema),
    paid: money.describe('Deposit plus payments'),
    balance: money,
    status: z.enum(['open', 'paid']),
    dueDate: isoDate,
    overdue: z.boolean().describe('Decided when read: the due day has passed in the tenant time zone and a balance is left'),
    openedAt: isoDateTime,
    externalId: z.string().optional(),
    ...meta,
  })
  .meta({ id: 'Layby' });

export const laybyPaymentResultSchema = z
  .object({ payment: laybyPaymentSchema, layby: laybySchema })
  .meta({ id: 'LaybyPaymentResult' });

// ---------------------------------------------------------------------------------------------------------------------
// Appointments

const durationMinutes = z.number().int().min(5).max(12 * 60);

export const appointmentCreateSchema = z
  .strictObject({
    startsAt: utcInstant,
    durationMinutes: durationMinutes.default(30),
    purpose: text(120).min(1, 'Enter a purpose').describe('e.g. engagement ring consultation, ring sizing, valuation, repair pick-up'),
    staffId: text(64).min(1).optional().describe('Staff member the customer will see'),
    notes: text(2000).optional(),
    externalId: externalId('appointment').optional(),
  })
  .meta({ id: 'AppointmentCreate' });
export type AppointmentCreate = z.output<typeof appointmentCreateSchema>;

export const appointmentPatchSchema = z
  .strictObject({
    startsAt: utcInstant.optional(),
    durationMinutes: durationMinutes.optional(),
    purpose: text(120).min(1).optional(),
    staffId: text(64).min(1).nullable().optional(),
    notes: text(2000).nullable().optional(),
  })
  .refine((p) => Object.values(p).some((v) => v !== undefined), { message: 'Change at least one field' })
  .describe('Changing `startsAt` moves the appointment (event `appointment.moved`); `null` clears a field')
  .meta({ id: 'AppointmentPatch' });
export type AppointmentPatch = z.output<typeof appointmentPatchSchema>;

export const appointmentCancelSchema = z
  .strictObject({ reason: text(300).min(1).optional() })
  .optional()
  .meta({ id: 'AppointmentCancel' });

export const appointmentSchema = z
  .object({
    appointmentId: z.string(),
    customerId: z.string(),
    startsAt: isoDateTime,
    durationMinutes: z.number().int(),
    purpose: z.string(),
    staffId: z.string().optional(),
    notes: z.string().optional(),
    status: z.enum(['scheduled', 'cancelled']),
    externalId: z.string().optional(),
    history: z.array(
      z.object({
        kind: z.enum(['created', 'moved', 'updated', 'cancelled']),
        at: isoDateTime,
        by: z.string(),
        startsAt: isoDateTime,
        note: z.string().optional().describe("A cancellation's reason"),
      }),
    ),
    ...meta,
  })
  .meta({ id: 'Appointment' });

// ---------------------------------------------------------------------------------------------------------------------
// The customer's aggregates with their read-time views

export const customerRecordsSummarySchema = z
  .object({
    customerId: z.string(),
    aggregates: customerAggregatesSchema,
    asOf: isoDateTime.describe('The moment the read-time views were decided'),
    today: isoDate.describe('Today in the tenant time zone'),
    laybyOverdue: z.boolean().describe('An unpaid lay-by is past its due day'),
    activeRepairs: z.number().int().describe('Repairs received, in progress or ready'),
  })
  .meta({ id: 'CustomerRecordsSummary' });
