import { z } from 'zod';
import { defineRoute } from '../../http/contract';
import { problemSchema } from '../common';

/**
 * One-click unsubscribe (RFC 8058), public: the signed token in the path is the only credential. `POST` is what a
 * mailbox provider sends when the reader presses its "Unsubscribe" button (`List-Unsubscribe=One-Click` as a form
 * body); `GET` is the link in the email's footer, which only shows a page with a button that POSTs (link scanners
 * and prefetchers follow GETs, so a GET never changes anything).
 */
const TAG = 'Unsubscribe';
const tokenParams = z.object({ token: z.string().min(10).max(400).describe('Signed per recipient; works for that customer only') });
const html = (description: string) => ({ description, contentType: 'text/html' }) as const;
const notFound = { description: 'Not a valid unsubscribe link', schema: problemSchema, contentType: 'application/problem+json' } as const;

export const unsubscribePageRoute = defineRoute({
  id: 'getUnsubscribe',
  method: 'GET',
  path: '/u/{token}',
  summary: 'Unsubscribe confirmation page (changes nothing)',
  tag: TAG,
  auth: 'public',
  params: tokenParams,
  responses: { 200: html("A page in the store's name with a button that unsubscribes"), 404: notFound },
});

export const unsubscribeRoute = defineRoute({
  id: 'postUnsubscribe',
  method: 'POST',
  path: '/u/{token}',
  summary: 'Unsubscribe now (RFC 8058 one-click)',
  description:
    "Withdraws the customer's marketing consent on the link's channel (source `unsubscribe`); service messages are not " +
    'affected. Idempotent: a second POST changes nothing and answers the same.',
  tag: TAG,
  auth: 'public',
  params: tokenParams,
  // Mailbox providers send `List-Unsubscribe=One-Click` form-encoded; the confirmation page's button does the same.
  accepts: ['application/x-www-form-urlencoded', 'multipart/form-data', 'text/plain'],
  bodyLimitBytes: 4096,
  responses: { 200: html('Unsubscribed'), 404: notFound },
});

export const unsubscribeRoutes = [unsubscribePageRoute, unsubscribeRoute] as const;
