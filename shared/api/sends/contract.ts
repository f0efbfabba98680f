import { z } from 'zod';
import { defineRoute } from '../../http/contract';
import { idempotencyKeyHeader } from '../../http/idempotency-header';
import { bulkSendSchema, directSendSchema, oneToOneSchema } from '../../domain/direct-sends/direct-send-schema';
import { problemResponses, problemSchema } from '../common';

/**
 * Direct sends: a one-off bulk email and a one-to-one message, without a saved campaign. Both go through the send
 * pipeline like a campaign (consent, suppression and frequency cap checked per recipient, one email per customer,
 * unsubscribe link, recorded on each customer's timeline). Both take an `Idempotency-Key`.
 */
const TAG = 'Sends';
const problem = (description: string) => ({ description, schema: problemSchema, contentType: 'application/problem+json' }) as const;
const idempotencyProblems = {
  409: problem('A request with the same Idempotency-Key is still in progress'),
} as const;

export const bulkSendRoute = defineRoute({
  id: 'sendBulk',
  method: 'POST',
  path: '/v1/sends/bulk',
  summary: 'Send a one-off email to an audience',
  description:
    'Subject and body are Liquid, checked like a template (400 naming field, line and column). Recipients are decided ' +
    'now, like a campaign\'s: everyone, a segment, a rule, tags or a list of customers. Owner or manager.',
  tag: TAG,
  auth: 'staff',
  writers: 'marketing',
  action: 'send bulk email',
  body: bulkSendSchema,
  headers: [idempotencyKeyHeader],
  responses: {
    202: { description: 'Sending; `Location` names the send', schema: directSendSchema },
    ...problemResponses,
    ...idempotencyProblems,
    422: problem('The segment named does not exist, or the Idempotency-Key was used for another request'),
  },
});

export const oneToOneRoute = defineRoute({
  id: 'sendOneToOne',
  method: 'POST',
  path: '/v1/customers/{customerId}/messages',
  summary: 'Send an email to one customer',
  description:
    "Checked like any send: the customer's consent for the purpose, suppression and (for marketing) the frequency cap. " +
    'Owner, manager or salesperson.',
  tag: TAG,
  auth: 'staff',
  writers: 'customers',
  action: 'send messages to customers',
  params: z.object({ customerId: z.string().min(1).max(64) }),
  body: oneToOneSchema,
  headers: [idempotencyKeyHeader],
  responses: {
    202: { description: 'Sending; `Location` names the send', schema: directSendSchema },
    ...problemResponses,
    ...idempotencyProblems,
    422: problem('The Idempotency-Key was used for another request'),
  },
});

export const getDirectSendRoute = defineRoute({
  id: 'getDirectSend',
  method: 'GET',
  path: '/v1/sends/{sendId}',
  summary: 'Read a direct send and its metrics',
  description: 'Bulk sends, one-to-one messages and test sends to customers; recipients, skips by reason, sent, failed.',
  tag: TAG,
  auth: 'staff',
  params: z.object({ sendId: z.string().min(1).max(64) }),
  responses: { 200: { description: 'The send', schema: directSendSchema }, ...problemResponses },
});

export const sendRoutes = [bulkSendRoute, oneToOneRoute, getDirectSendRoute] as const;
