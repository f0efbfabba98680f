import { z } from 'zod';
import { defineRoute, type RouteContract } from '../../http/contract';
import { communicationSchema } from '../../domain/customers/communication';
import { consentChangeSchema, consentRequestSchema, consentStateSchema, CONSENT_CHANNELS } from '../../domain/customers/consent';
import { customerCreateSchema, customerPatchSchema, customerSchema } from '../../domain/customers/customer-schema';
import { isoDateTime, page, pageQuery, problemResponses, problemSchema } from '../common';

/** The customer book: customers, their consent, their outbound timeline, and GDPR export and erasure. */

const TAG = 'Customers';
const customerParams = z.object({ customerId: z.string().min(1).max(64) });
const problem = (description: string) => ({ description, schema: problemSchema, contentType: 'application/problem+json' }) as const;

export const listCustomersQuery = pageQuery
  .extend({
    q: z.string().trim().min(1).max(100).optional().describe('Surname prefix; "Surname, First" also narrows by first-name prefix'),
    firstName: z.string().trim().min(1).max(100).optional().describe('First-name prefix'),
    email: z.string().trim().min(3).max(254).optional().describe('Exact email address (case-insensitive)'),
    phone: z
      .string()
      .trim()
      .max(30)
      .refine((value) => value.replace(/\D/g, '').length >= 3, 'Enter at least 3 digits')
      .optional()
      .describe('Digits of the phone number; matches anywhere in the stored E.164 number'),
    city: z.string().trim().min(1).max(100).optional().describe('City prefix (case- and accent-insensitive)'),
    tag: z.string().trim().min(1).max(40).optional().describe('Exact tag (case-insensitive)'),
  })
  .meta({ id: 'CustomerListQuery' });

export const listCustomersRoute = defineRoute({
  id: 'listCustomers',
  method: 'GET',
  path: '/v1/customers',
  summary: 'List and search customers, by surname',
  description:
    'Customers ordered by surname then first name, a page at a time (`limit`, `cursor`). `q` searches by surname prefix ' +
    '(`Smith, Jo` for a first name within the surname); `email` finds the customer with that address; `firstName`, ' +
    '`phone`, `city` and `tag` filter the list. Filters combine (AND). A filtered page may hold fewer than `limit` ' +
    'customers, even none, while `nextCursor` is not null: each request examines a bounded slice of the book; keep ' +
    'following the cursor to search the rest.',
  tag: TAG,
  auth: 'staff',
  query: listCustomersQuery,
  responses: { 200: { description: 'A page of customers', schema: page(customerSchema).meta({ id: 'CustomerPage' }) }, ...problemResponses },
});

export const createCustomerRoute = defineRoute({
  id: 'createCustomer',
  method: 'POST',
  path: '/v1/customers',
  summary: 'Create a customer',
  description:
    'Owner, manager or salesperson. Email and `externalId` are unique within the tenant (409 when taken). Phone numbers ' +
    'are E.164 (`+61412345678`; spaces are removed). Tags are lower-cased. Service consent is granted by default on ' +
    'email and SMS; marketing consent only when `consent` grants it. `customerSince` defaults to today in the tenant time zone.',
  tag: TAG,
  auth: 'staff',
  writers: 'customers',
  action: 'create customers',
  body: customerCreateSchema,
  responses: {
    201: { description: 'Created; `ETag` carries the version', schema: customerSchema },
    ...problemResponses,
    409: problem('The email address or external id belongs to another customer'),
  },
});

export const getCustomerRoute = defineRoute({
  id: 'getCustomer',
  method: 'GET',
  path: '/v1/customers/{customerId}',
  summary: 'Read a customer, with aggregates and consent',
  description: 'The profile, current consent and the purchase, repair, lay-by and appointment aggregates. `ETag` carries the version.',
  tag: TAG,
  auth: 'staff',
  params: customerParams,
  responses: { 200: { description: 'The customer', schema: customerSchema }, ...problemResponses },
});

export const updateCustomerRoute = defineRoute({
  id: 'updateCustomer',
  method: 'PATCH',
  path: '/v1/customers/{customerId}',
  summary: 'Change a customer',
  description:
    'Only the fields sent change (`address`, `tags`, `categories` and `loyalty` are replaced as a whole); `null` clears ' +
    'an optional field; sending the current values changes nothing (same version). With `If-Match: "<version>"` the change applies only ' +
    'to that version (412 otherwise); without it, concurrent changes to different fields all land. Consent is changed ' +
    'with `PUT /v1/customers/{customerId}/consent`.',
  tag: TAG,
  auth: 'staff',
  writers: 'customers',
  action: 'change customers',
  params: customerParams,
  body: customerPatchSchema,
  headers: [{ name: 'If-Match', required: false, description: 'ETag (version) the change is based on' }],
  responses: {
    200: { description: 'The customer after the change', schema: customerSchema },
    ...problemResponses,
    409: problem('The email address or external id belongs to another customer'),
    412: problem('`If-Match` names a version that is no longer current'),
  },
});

export const deleteCustomerRoute = defineRoute({
  id: 'deleteCustomer',
  method: 'DELETE',
  path: '/v1/customers/{customerId}',
  summary: 'Delete a customer created by mistake',
  description:
    'Only a customer without history (no purchases, repairs, lay-bys, appointments or messages) can be deleted; others ' +
    'get 409: erase their personal data instead (`POST /v1/customers/{customerId}/erase`) or set their status to `inactive`.',
  tag: TAG,
  auth: 'staff',
  writers: 'customers',
  action: 'delete customers',
  params: customerParams,
  responses: { 204: { description: 'Deleted' }, ...problemResponses, 409: problem('The customer has history') },
});

export const consentResponseSchema = z.object({ consent: consentStateSchema }).meta({ id: 'CustomerConsent' });

export const changeConsentRoute = defineRoute({
  id: 'changeConsent',
  method: 'PUT',
  path: '/v1/customers/{customerId}/consent',
  summary: "Grant or withdraw a customer's consent",
  description:
    'Sets consent per channel (`email`, `sms`) and purpose (`marketing`, `service`), e.g. `{"email": {"marketing": ' +
    '"granted"}}`. Slots not named are unchanged; a slot already in the requested status is not recorded again. Each ' +
    'change is kept in the consent history with its time, source and the staff member who made it.',
  tag: TAG,
  auth: 'staff',
  writers: 'consent',
  action: 'change consent',
  params: customerParams,
  body: consentRequestSchema.refine((request) => CONSENT_CHANNELS.some((channel) => request[channel] !== undefined && Object.keys(request[channel]!).length > 0), {
    message: 'Name at least one channel and purpose, e.g. {"email": {"marketing": "granted"}}',
  }),
  responses: { 200: { description: 'Consent after the change', schema: consentResponseSchema }, ...problemResponses },
});

export const consentHistoryRoute = defineRoute({
  id: 'listConsentHistory',
  method: 'GET',
  path: '/v1/customers/{customerId}/consent/history',
  summary: "A customer's consent history, newest first",
  tag: TAG,
  auth: 'staff',
  params: customerParams,
  query: pageQuery,
  responses: { 200: { description: 'Consent changes', schema: page(consentChangeSchema).meta({ id: 'ConsentChangePage' }) }, ...problemResponses },
});

export const communicationsRoute = defineRoute({
  id: 'listCommunications',
  method: 'GET',
  path: '/v1/customers/{customerId}/communications',
  summary: "A customer's outbound messages, newest first",
  description: 'Campaign, automation, journey, one-to-one and system messages with their delivery status history.',
  tag: TAG,
  auth: 'staff',
  params: customerParams,
  query: pageQuery,
  responses: { 200: { description: 'Messages', schema: page(communicationSchema).meta({ id: 'CommunicationPage' }) }, ...problemResponses },
});

const exportRecords = z.array(z.record(z.string(), z.unknown()));
export const customerExportSchema = z
  .object({
    exportedAt: isoDateTime,
    customer: customerSchema,
    purchases: exportRecords,
    repairs: exportRecords,
    laybys: exportRecords,
    appointments: exportRecords,
    consentHistory: exportRecords,
    communications: exportRecords,
    other: exportRecords.describe('Records of kinds added after this export format'),
  })
  .meta({ id: 'CustomerExport' });

export const exportCustomerRoute = defineRoute({
  id: 'exportCustomer',
  method: 'GET',
  path: '/v1/customers/{customerId}/export',
  summary: 'Export everything stored about a customer (GDPR access)',
  description: 'Profile, consent and its history, purchases, repairs, lay-bys, appointments and messages. Owner or manager; audited.',
  tag: TAG,
  auth: 'staff',
  writers: 'privacy',
  action: 'export customer data',
  params: customerParams,
  responses: { 200: { description: 'The export', schema: customerExportSchema }, ...problemResponses },
});

export const erasureResultSchema = z
  .object({
    customerId: z.string(),
    erasedAt: isoDateTime,
    recordsScrubbed: z.number().int().describe('Records whose free text was blanked by this request'),
    suppressed: z.array(z.enum(CONSENT_CHANNELS)).describe('Channels whose address is now suppressed (kept only as a salted hash)'),
  })
  .meta({ id: 'ErasureResult' });

export const eraseCustomerRoute = defineRoute({
  id: 'eraseCustomer',
  method: 'POST',
  path: '/v1/customers/{customerId}/erase',
  summary: "Erase a customer's personal data (GDPR erasure)",
  description:
    'Removes the personal data from the profile and the free text from every record (purchases and totals stay, ' +
    'anonymous), withdraws all consent, and keeps a salted hash of the email address and phone number on the ' +
    'suppression list so a re-import cannot bring marketing back. The customer then reads as 404. Repeating the ' +
    'request is safe. Point-in-time recovery backups keep earlier data for up to 35 days. Owner or manager.',
  tag: TAG,
  auth: 'staff',
  writers: 'privacy',
  action: 'erase customers',
  params: customerParams,
  responses: { 200: { description: 'Erased', schema: erasureResultSchema }, ...problemResponses },
});

export const customerRoutes = [
  listCustomersRoute,
  createCustomerRoute,
  getCustomerRoute,
  updateCustomerRoute,
  deleteCustomerRoute,
  changeConsentRoute,
  consentHistoryRoute,
  communicationsRoute,
  exportCustomerRoute,
  eraseCustomerRoute,
] as const satisfies readonly RouteContract[];
