import { z } from 'zod';
import { isoDate, isoDateTime, monthDay } from '../../api/common';
import { consentRequestSchema, consentStateSchema } from './consent';

/**
 * The customer as it crosses the API (and the bulk importer, which validates rows with the same create schema). The
 * stored item (./customer-item.ts) derives from these.
 */

export const CUSTOMER_STATUSES = ['active', 'inactive', 'deceased', 'do_not_contact'] as const;
export const customerStatusSchema = z
  .enum(CUSTOMER_STATUSES)
  .describe('`do_not_contact` and `deceased` customers are never sent marketing or service messages');
export type CustomerStatus = z.infer<typeof customerStatusSchema>;

/**
 * E.164: `+`, country code, subscriber number, 8 to 15 digits in all. Spaces, dots, hyphens and brackets that people
 * type are dropped first, so "+61 412 345 678" is stored as "+61412345678".
 */
export const E164 = /^\+[1-9]\d{7,14}$/;
export const phoneSchema = z
  .string()
  .transform((value) => value.replace(/[\s().-]/g, ''))
  .pipe(z.string().regex(E164, 'Enter the phone number in international format, e.g. +61412345678'));

export const emailSchema = z
  .string()
  .trim()
  .pipe(z.email('Enter a valid email address').max(254))
  .transform((value) => value.toLowerCase());

const text = (max: number) => z.string().trim().max(max);

export const postalAddressSchema = z
  .strictObject({
    line1: text(200).optional(),
    line2: text(200).optional(),
    city: text(100).optional(),
    state: text(100).optional(),
    postcode: text(20).optional(),
    country: z.string().trim().length(2).toUpperCase().optional().describe('ISO 3166-1 alpha-2'),
  })
  .meta({ id: 'PostalAddress' });
export type PostalAddress = z.infer<typeof postalAddressSchema>;

/** Tags are matched exactly by segment rules, so they are stored in one form: trimmed, lower case, no duplicates. */
export const tagsSchema = z
  .array(z.string().trim().toLowerCase().min(1, 'A tag cannot be empty').max(40))
  .max(50)
  .transform((tags) => [...new Set(tags)])
  .describe('Lower-cased and de-duplicated on the way in');

export const categoriesSchema = z
  .array(z.string().trim().min(1, 'A category cannot be empty').max(60))
  .max(30)
  .transform((categories) => [...new Set(categories)]);

export const loyaltySchema = z
  .strictObject({
    member: z.boolean(),
    tier: text(40).min(1).optional(),
    joinedAt: isoDate.optional(),
  })
  .meta({ id: 'Loyalty' });
export type Loyalty = z.infer<typeof loyaltySchema>;

const name = text(100);
const externalIdSchema = z
  .string()
  .trim()
  .min(1)
  .max(100)
  .describe("The POS's id for this customer; unique within the tenant (imports match on it)");

/** Fields a client may set, with their create-time optionality. */
const profileFields = {
  firstName: name.default(''),
  lastName: name.default(''),
  email: emailSchema.optional(),
  phone: phoneSchema.optional(),
  address: postalAddressSchema.optional(),
  birthday: monthDay.optional(),
  anniversary: monthDay.optional(),
  weddingDate: isoDate.optional().describe('Full date: "married today" means this date is today'),
  tags: tagsSchema.default([]),
  status: customerStatusSchema.default('active'),
  categories: categoriesSchema.default([]),
  loyalty: loyaltySchema.default({ member: false }),
  externalId: externalIdSchema.optional(),
  customerSince: isoDate.optional().describe("Date the customer joined according to the POS; defaults to today (tenant time zone)"),
  notes: text(4000).optional(),
};

const needsAName = (value: { firstName?: string | undefined; lastName?: string | undefined }) =>
  Boolean(value.firstName) || Boolean(value.lastName);
const nameMessage = { message: 'Enter a first name or a last name', path: ['lastName'] };

export const customerCreateSchema = z
  .strictObject({
    ...profileFields,
    consent: consentRequestSchema
      .optional()
      .describe('Marketing consent the customer gave; service consent is granted by default unless withdrawn here'),
  })
  .refine(needsAName, nameMessage)
  .meta({ id: 'CustomerCreate' });
export type CustomerCreate = z.output<typeof customerCreateSchema>;

/**
 * PATCH body: every field optional, nothing defaulted (a PATCH naming one field leaves the others alone), `null` clears
 * an optional field. Consent is changed through `PUT /consent` only, so its history cannot be bypassed.
 */
export const customerPatchSchema = z
  .strictObject({
    firstName: name.optional(),
    lastName: name.optional(),
    email: emailSchema.nullable().optional(),
    phone: phoneSchema.nullable().optional(),
    address: postalAddressSchema.nullable().optional(),
    birthday: monthDay.nullable().optional(),
    anniversary: monthDay.nullable().optional(),
    weddingDate: isoDate.nullable().optional(),
    tags: tagsSchema.optional(),
    status: customerStatusSchema.optional(),
    categories: categoriesSchema.optional(),
    loyalty: loyaltySchema.optional(),
    externalId: externalIdSchema.nullable().optional(),
    customerSince: isoDate.optional(),
    notes: text(4000).nullable().optional(),
  })
  .meta({ id: 'CustomerPatch' });
export type CustomerPatch = z.output<typeof customerPatchSchema>;

const statSchema = z.object({ count: z.number().int(), sum: z.number().int(), max: z.number().int() }).meta({ id: 'SpendStat' });

export const customerAggregatesSchema = z
  .object({
    totalSpent: z.number().int().describe('Lifetime spend net of refunds, minor units'),
    purchaseCount: z.number().int(),
    firstPurchaseAt: isoDateTime.nullable(),
    lastPurchaseAt: isoDateTime.nullable(),
    largestPurchase: z.number().int(),
    monthlySpend: z
      .record(
        z.string().describe('YYYY-MM in the tenant time zone'),
        z.object({
          total: statSchema,
          byDepartment: z.record(z.string(), statSchema),
          byMetal: z.record(z.string(), statSchema),
          byDepartmentAndMetal: z.record(z.string().describe('`department|metal`'), statSchema),
        }),
      )
      .describe('Spend per month: count of purchases, sum and largest amount, in total and by department and metal'),
    openLaybys: z.number().int(),
    earliestLaybyDue: isoDate.nullable().describe('Due date of the earliest lay-by with a balance (overdue when past)'),
    outstandingBalance: z.number().int(),
    repairsByStatus: z.record(z.string(), z.number().int()),
    nextAppointmentAt: isoDateTime.nullable(),
  })
  .meta({ id: 'CustomerAggregates' });

export const customerSchema = z
  .object({
    customerId: z.string(),
    firstName: z.string(),
    lastName: z.string(),
    email: z.string().nullable(),
    phone: z.string().nullable(),
    address: postalAddressSchema.nullable(),
    birthday: monthDay.nullable(),
    anniversary: monthDay.nullable(),
    weddingDate: isoDate.nullable(),
    tags: z.array(z.string()),
    status: customerStatusSchema,
    categories: z.array(z.string()),
    loyalty: loyaltySchema,
    externalId: z.string().nullable(),
    customerSince: isoDate,
    notes: z.string().nullable(),
    consent: consentStateSchema,
    aggregates: customerAggregatesSchema,
    version: z.number().int().describe('Increases on every change; send it back as `If-Match` to update only that version'),
    createdAt: isoDateTime,
    updatedAt: isoDateTime,
  })
  .meta({ id: 'Customer' });
export type CustomerView = z.infer<typeof customerSchema>;
