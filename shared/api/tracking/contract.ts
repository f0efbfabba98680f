import { z } from 'zod';
import { defineRoute } from '../../http/contract';
import { problemSchema } from '../common';

/**
 * Open and click tracking (public): the signed token in the path is the only credential and names the recipient, and
 * for a link the URL it leads to (shared/domain/engagement/tracking-token.ts). A forged or altered token is a 404 and
 * redirects nowhere: the redirect only ever goes to a URL that was in the message as sent.
 */
const TAG = 'Tracking';
const tokenParams = z.object({ token: z.string().min(20).max(4096).describe('Signed per recipient (and per link)') });
const notFound = { description: 'Not a valid tracking token', schema: problemSchema, contentType: 'application/problem+json' } as const;

export const openPixelRoute = defineRoute({
  id: 'trackOpen',
  method: 'GET',
  path: '/t/o/{token}',
  summary: 'Open pixel (1×1 transparent GIF)',
  description: 'Counts an open of the message (machine opens such as Apple Mail Privacy Protection are flagged, not counted as unique).',
  tag: TAG,
  auth: 'public',
  params: tokenParams,
  responses: { 200: { description: 'A 1×1 transparent GIF', contentType: 'image/gif' }, 404: notFound },
});

export const clickRoute = defineRoute({
  id: 'trackClick',
  method: 'GET',
  path: '/t/c/{token}',
  summary: 'Tracked link: counts the click and redirects to the link in the message',
  tag: TAG,
  auth: 'public',
  params: tokenParams,
  responses: { 302: { description: '`Location` is the URL of the link as it was in the message' }, 404: notFound },
});

export const trackingRoutes = [openPixelRoute, clickRoute] as const;
