import { z } from 'zod';
import { defineRoute, type RouteContract } from '../../http/contract';
import {
  appointmentCancelSchema,
  appointmentCreateSchema,
  appointmentPatchSchema,
  appointmentSchema,
  customerRecordsSummarySchema,
  laybyCreateSchema,
  laybyPaymentCreateSchema,
  laybyPaymentResultSchema,
  laybySchema,
  purchaseCreateSchema,
  purchaseSchema,
  refundCreateSchema,
  refundResultSchema,
  repairCreateSchema,
  repairPatchSchema,
  repairSchema,
  repairStatusChangeSchema,
} from '../../domain/records/schemas';
import { page, pageQuery, problemResponses, problemSchema } from '../common';

/**
 * What is recorded against a customer: purchases (with line items by department and metal) and their refunds,
 * repairs, lay-bys and their payments, appointments. Every write keeps the customer's aggregates current in the same
 * transaction, so segment rules are answered from the customer item alone.
 */

const problem = (description: string) => ({ description, schema: problemSchema, contentType: 'application/problem+json' }) as const;
const conflict = problem('Conflicts with the current state (see `detail`)');
const duplicateExternalId = problem('Another record of the tenant already has this external id (`existingId` names it)');
const unprocessable = problem('More than is left to refund or to pay (`errors` names the field and the limit)');

const id = z.string().min(1).max(64);
const customerParams = z.object({ customerId: id });
const purchaseParams = z.object({ customerId: id, purchaseId: id });
const repairParams = z.object({ customerId: id, repairId: id });
const laybyParams = z.object({ customerId: id, laybyId: id });
const appointmentParams = z.object({ customerId: id, appointmentId: id });

const base = '/v1/customers/{customerId}';

// ---- purchases and refunds ----

export const recordPurchaseRoute = defineRoute({
  id: 'recordPurchase',
  method: 'POST',
  path: `${base}/purchases`,
  summary: 'Record a purchase',
  description:
    'A sale with its line items (department, metal, description, quantity, amount). The total is the sum of the lines. ' +
    "Departments and metals are normalised (`Engagement Rings` → `engagement_rings`). `externalId` is the POS's id and " +
    "unique within the tenant. The customer's aggregates (total spent, purchase count, first/last/largest purchase, monthly " +
    'buckets by department, metal and department × metal in the tenant time zone) change in the same transaction. ' +
    'Emits `purchase.recorded`.',
  tag: 'Purchases',
  auth: 'staff',
  writers: 'purchases',
  action: 'record purchases',
  params: customerParams,
  body: purchaseCreateSchema,
  responses: { 201: { description: 'The purchase as recorded', schema: purchaseSchema }, ...problemResponses, 409: duplicateExternalId },
});

export const listPurchasesRoute = defineRoute({
  id: 'listPurchases',
  method: 'GET',
  path: `${base}/purchases`,
  summary: "List a customer's purchases, newest first",
  description: 'Ordered by purchase date, newest first, with refunds and net amounts.',
  tag: 'Purchases',
  auth: 'staff',
  params: customerParams,
  query: pageQuery,
  responses: { 200: { description: 'One page of purchases', schema: page(purchaseSchema) }, ...problemResponses },
});

export const getPurchaseRoute = defineRoute({
  id: 'getPurchase',
  method: 'GET',
  path: `${base}/purchases/{purchaseId}`,
  summary: 'Read a purchase with its refunds',
  tag: 'Purchases',
  auth: 'staff',
  params: purchaseParams,
  responses: { 200: { description: 'The purchase', schema: purchaseSchema }, ...problemResponses },
});

export const refundPurchaseRoute = defineRoute({
  id: 'refundPurchase',
  method: 'POST',
  path: `${base}/purchases/{purchaseId}/refunds`,
  summary: 'Refund or return part or all of a purchase',
  description:
    'Either `lines` (amounts of given lines, e.g. the returned watch) or `amount` (spread over the lines in proportion to ' +
    'what is left of each). Never more than is left: 422 with the refundable amount; a fully refunded purchase is 409. ' +
    "The customer's purchase aggregates are recomputed: a fully refunded purchase no longer counts, and the largest, " +
    'first and last purchase are re-derived. Emits `purchase.refunded`.',
  tag: 'Purchases',
  auth: 'staff',
  writers: 'purchases',
  action: 'refund purchases',
  params: purchaseParams,
  body: refundCreateSchema,
  responses: {
    201: { description: 'The refund and the purchase after it', schema: refundResultSchema },
    ...problemResponses,
    409: conflict,
    422: unprocessable,
  },
});

// ---- repairs ----

export const createRepairRoute = defineRoute({
  id: 'createRepair',
  method: 'POST',
  path: `${base}/repairs`,
  summary: 'Take in a repair',
  description:
    'Starts in status `received`. Its workflow: received → in_progress → ready → collected, or cancelled from any state ' +
    'that is not final. Emits `repair.status_changed` (from null to received).',
  tag: 'Repairs',
  auth: 'staff',
  writers: 'repairs',
  action: 'record repairs',
  params: customerParams,
  body: repairCreateSchema,
  responses: { 201: { description: 'The repair', schema: repairSchema }, ...problemResponses, 409: duplicateExternalId },
});

export const listRepairsRoute = defineRoute({
  id: 'listRepairs',
  method: 'GET',
  path: `${base}/repairs`,
  summary: "List a customer's repairs, newest first",
  tag: 'Repairs',
  auth: 'staff',
  params: customerParams,
  query: pageQuery,
  responses: { 200: { description: 'One page of repairs', schema: page(repairSchema) }, ...problemResponses },
});

export const getRepairRoute = defineRoute({
  id: 'getRepair',
  method: 'GET',
  path: `${base}/repairs/{repairId}`,
  summary: 'Read a repair with its status history',
  tag: 'Repairs',
  auth: 'staff',
  params: repairParams,
  responses: { 200: { description: 'The repair', schema: repairSchema }, ...problemResponses },
});

export const updateRepairRoute = defineRoute({
  id: 'updateRepair',
  method: 'PATCH',
  path: `${base}/repairs/{repairId}`,
  summary: "Edit a repair's details",
  description: 'Description, promised date, estimate, notes; `null` clears. The status changes through `POST .../status`.',
  tag: 'Repairs',
  auth: 'staff',
  writers: 'repairs',
  action: 'edit repairs',
  params: repairParams,
  body: repairPatchSchema,
  responses: { 200: { description: 'The repair after the edit', schema: repairSchema }, ...problemResponses, 409: conflict },
});

export const changeRepairStatusRoute = defineRoute({
  id: 'changeRepairStatus',
  method: 'POST',
  path: `${base}/repairs/{repairId}/status`,
  summary: 'Move a repair to its next status',
  description:
    'received → in_progress → ready → collected, or cancelled from received, in_progress or ready. Any other move is 409 ' +
    'with `currentStatus` and `allowedStatuses`. Updates the customer\'s repair counts; emits `repair.status_changed` ' +
    '(e.g. `ready` triggers the "your repair is ready" message).',
  tag: 'Repairs',
  auth: 'staff',
  writers: 'repairs',
  action: 'change repair status',
  params: repairParams,
  body: repairStatusChangeSchema,
  responses: {
    200: { description: 'The repair in its new status', schema: repairSchema },
    ...problemResponses,
    409: problem('The workflow does not allow this move; `currentStatus` and `allowedStatuses` say what does'),
  },
});

// ---- lay-bys ----

export const createLaybyRoute = defineRoute({
  id: 'createLayby',
  method: 'POST',
  path: `${base}/laybys`,
  summary: 'Open a lay-by',
  description:
    'Items put aside against a deposit, with a due date for the balance. The customer\'s outstanding balance, open ' +
    'lay-bys and earliest unpaid due date change in the same transaction. Emits `layby.created`.',
  tag: 'Lay-bys',
  auth: 'staff',
  writers: 'laybys',
  action: 'record lay-bys',
  params: customerParams,
  body: laybyCreateSchema,
  responses: { 201: { description: 'The lay-by', schema: laybySchema }, ...problemResponses, 409: duplicateExternalId },
});

export const listLaybysRoute = defineRoute({
  id: 'listLaybys',
  method: 'GET',
  path: `${base}/laybys`,
  summary: "List a customer's lay-bys, newest first",
  description: '`overdue` is decided when read: the due day has passed in the tenant time zone and a balance is left.',
  tag: 'Lay-bys',
  auth: 'staff',
  params: customerParams,
  query: pageQuery,
  responses: { 200: { description: 'One page of lay-bys', schema: page(laybySchema) }, ...problemResponses },
});

export const getLaybyRoute = defineRoute({
  id: 'getLayby',
  method: 'GET',
  path: `${base}/laybys/{laybyId}`,
  summary: 'Read a lay-by with its payments and balance',
  tag: 'Lay-bys',
  auth: 'staff',
  params: laybyParams,
  responses: { 200: { description: 'The lay-by', schema: laybySchema }, ...problemResponses },
});

export const recordLaybyPaymentRoute = defineRoute({
  id: 'recordLaybyPayment',
  method: 'POST',
  path: `${base}/laybys/{laybyId}/payments`,
  summary: 'Record a lay-by payment',
  description:
    'Reduces the balance; never more than the balance (422), and a paid-up lay-by takes no more (409). At zero the ' +
    'lay-by is `paid`. Emits `layby.paid` with the balance after the payment.',
  tag: 'Lay-bys',
  auth: 'staff',
  writers: 'laybys',
  action: 'record lay-by payments',
  params: laybyParams,
  body: laybyPaymentCreateSchema,
  responses: {
    201: { description: 'The payment and the lay-by after it', schema: laybyPaymentResultSchema },
    ...problemResponses,
    409: conflict,
    422: unprocessable,
  },
});

// ---- appointments ----

export const createAppointmentRoute = defineRoute({
  id: 'createAppointment',
  method: 'POST',
  path: `${base}/appointments`,
  summary: 'Book an appointment',
  description: "Updates the customer's next appointment; emits `appointment.created` (reminders hang off it).",
  tag: 'Appointments',
  auth: 'staff',
  writers: 'appointments',
  action: 'book appointments',
  params: customerParams,
  body: appointmentCreateSchema,
  responses: { 201: { description: 'The appointment', schema: appointmentSchema }, ...problemResponses, 409: duplicateExternalId },
});

export const listAppointmentsRoute = defineRoute({
  id: 'listAppointments',
  method: 'GET',
  path: `${base}/appointments`,
  summary: "List a customer's appointments, most recently booked first",
  tag: 'Appointments',
  auth: 'staff',
  params: customerParams,
  query: pageQuery,
  responses: { 200: { description: 'One page of appointments', schema: page(appointmentSchema) }, ...problemResponses },
});

export const getAppointmentRoute = defineRoute({
  id: 'getAppointment',
  method: 'GET',
  path: `${base}/appointments/{appointmentId}`,
  summary: 'Read an appointment with its history',
  tag: 'Appointments',
  auth: 'staff',
  params: appointmentParams,
  responses: { 200: { description: 'The appointment', schema: appointmentSchema }, ...problemResponses },
});

export const updateAppointmentRoute = defineRoute({
  id: 'updateAppointment',
  method: 'PATCH',
  path: `${base}/appointments/{appointmentId}`,
  summary: 'Move or change an appointment',
  description:
    'A new `startsAt` moves it (emits `appointment.moved` with the previous start); other fields are edits. ' +
    'A cancelled appointment cannot change (409).',
  tag: 'Appointments',
  auth: 'staff',
  writers: 'appointments',
  action: 'change appointments',
  params: appointmentParams,
  body: appointmentPatchSchema,
  responses: { 200: { description: 'The appointment after the change', schema: appointmentSchema }, ...problemResponses, 409: conflict },
});

export const cancelAppointmentRoute = defineRoute({
  id: 'cancelAppointment',
  method: 'POST',
  path: `${base}/appointments/{appointmentId}/cancel`,
  summary: 'Cancel an appointment',
  description: "Kept with status `cancelled`; the optional reason is the last history entry's `note`; emits `appointment.cancelled`. Cancelling twice is 409.",
  tag: 'Appointments',
  auth: 'staff',
  writers: 'appointments',
  action: 'cancel appointments',
  params: appointmentParams,
  body: appointmentCancelSchema,
  responses: { 200: { description: 'The cancelled appointment', schema: appointmentSchema }, ...problemResponses, 409: conflict },
});

// ---- the customer's aggregates ----

export const getRecordsSummaryRoute = defineRoute({
  id: 'getCustomerRecordsSummary',
  method: 'GET',
  path: `${base}/aggregates`,
  summary: "Read a customer's aggregates and what they mean today",
  description:
    'What segment rules read: total spent, purchase count, first/last/largest purchase, monthly spend by department, ' +
    'metal and department × metal, lay-by balance and earliest due date, repair counts by status, next appointment. ' +
    'Plus the views that depend on today, decided now in the tenant time zone: an overdue lay-by, active repairs.',
  tag: 'Purchases',
  auth: 'staff',
  params: customerParams,
  responses: { 200: { description: 'The aggregates and their read-time views', schema: customerRecordsSummarySchema }, ...problemResponses },
});

export const recordRoutes: readonly RouteContract[] = [
  recordPurchaseRoute,
  listPurchasesRoute,
  getPurchaseRoute,
  refundPurchaseRoute,
  createRepairRoute,
  listRepairsRoute,
  getRepairRoute,
  updateRepairRoute,
  changeRepairStatusRoute,
  createLaybyRoute,
  listLaybysRoute,
  getLaybyRoute,
  recordLaybyPaymentRoute,
  createAppointmentRoute,
  listAppointmentsRoute,
  getAppointmentRoute,
  updateAppointmentRoute,
  cancelAppointmentRoute,
  getRecordsSummaryRoute,
];
