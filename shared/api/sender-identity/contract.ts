import { z } from 'zod';
import { defineRoute } from '../../http/contract';
import { senderIdentitySchema } from '../../domain/sender-identity/identity-view';
import { sendingDomainSchema } from '../../domain/sender-identity/sending-domain';
import { problemResponses, problemSchema } from '../common';

/**
 * The tenant's sending domain (SES identity with Easy DKIM). Until it is verified, mail goes from the platform's
 * address with the store's name and the store's address as Reply-To. Owner or manager change it; everyone reads.
 */
const TAG = 'Sender identity';
const problem = (description: string) => ({ description, schema: problemSchema, contentType: 'application/problem+json' }) as const;

export const registerSenderIdentityRoute = defineRoute({
  id: 'registerSenderIdentity',
  method: 'POST',
  path: '/v1/sender-identity',
  summary: 'Register the sending domain',
  description:
    'Creates the SES identity with Easy DKIM and answers the three CNAME records to add to the DNS. Verification ' +
    'follows once SES finds them (up to 72 hours); `GET` shows the status. Registering the same domain again answers ' +
    'it as it is. Owner or manager.',
  tag: TAG,
  auth: 'staff',
  writers: 'settings',
  action: 'register the sending domain',
  body: z.strictObject({ domain: sendingDomainSchema }).meta({ id: 'SenderIdentityCreate' }),
  responses: {
    201: { description: 'Registered: add the DKIM records', schema: senderIdentitySchema },
    200: { description: 'This domain was registered already', schema: senderIdentitySchema },
    ...problemResponses,
    409: problem('Another domain is registered (remove it first), or another account holds this domain'),
  },
});

export const getSenderIdentityRoute = defineRoute({
  id: 'getSenderIdentity',
  method: 'GET',
  path: '/v1/sender-identity',
  summary: 'Read the sending domain and its verification status',
  description: 'Asks SES for the current status (DKIM and whether the domain can send).',
  tag: TAG,
  auth: 'staff',
  responses: { 200: { description: 'The sending domain', schema: senderIdentitySchema }, ...problemResponses },
});

export const deleteSenderIdentityRoute = defineRoute({
  id: 'deleteSenderIdentity',
  method: 'DELETE',
  path: '/v1/sender-identity',
  summary: 'Remove the sending domain',
  description: "Removes the SES identity; mail goes from the platform's address again. Owner or manager.",
  tag: TAG,
  auth: 'staff',
  writers: 'settings',
  action: 'remove the sending domain',
  responses: { 204: { description: 'Removed' }, ...problemResponses, 409: problem('The domain changed meanwhile') },
});

export const senderIdentityRoutes = [registerSenderIdentityRoute, getSenderIdentityRoute, deleteSenderIdentityRoute] as const;
