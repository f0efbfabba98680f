/**
 * What the sending routes take and answer: a bulk send (a message and an audience, no saved campaign), a one-to-one
 * message to one customer, a campaign's test send, and the state of a direct send.
 */
import { z } from 'zod';
import { campaignMetricsSchema } from '../campaigns/campaign-metrics';
import { campaignRecipientsSchema, inlineEmailContentSchema } from '../campaigns/campaign-schema';
import { campaignStatusSchema } from '../campaigns/campaign-view';
import { DIRECT_SEND_ORIGINS } from './send-origin';

const entityId = z.string().min(1).max(64);
const emailFields = inlineEmailContentSchema.shape;

export const bulkSendSchema = z
  .strictObject({
    subject: emailFields.subject,
    html: emailFields.html,
    text: emailFields.text,
    preheader: emailFields.preheader,
    recipients: campaignRecipientsSchema,
  })
  .meta({ id: 'BulkSend', description: 'A one-off email (Liquid, checked like a template) to an audience decided now' });
export type BulkSend = z.output<typeof bulkSendSchema>;

export const oneToOneSchema = z
  .strictObject({
    subject: emailFields.subject,
    html: emailFields.html,
    text: emailFields.text,
    preheader: emailFields.preheader,
    purpose: z
      .enum(['marketing', 'service'])
      .default('marketing')
      .describe('`service` for a message about their own business with the store (a repair, an order); needs service consent'),
  })
  .meta({ id: 'OneToOneMessage', description: 'An email (Liquid, checked like a template) to one customer' });
export type OneToOne = z.output<typeof oneToOneSchema>;

export const testSendSchema = z
  .strictObject({
    staffId: entityId.optional().describe("A staff member of the tenant: the test goes to their address (with a sample customer's data)"),
    customerId: entityId.optional().describe('A customer of the tenant: rendered with their data, checked by the send gates'),
  })
  .refine((to) => to.staffId === undefined || to.customerId === undefined, { message: 'Choose a staff member or a customer, not both', path: ['customerId'] })
  .meta({ id: 'TestSendRequest', description: 'Who receives the test; neither: the caller. Never an arbitrary address.' });
export type TestSendRequest = z.output<typeof testSendSchema>;

export const testSendResultSchema = z
  .object({
    to: z.object({ kind: z.enum(['staff', 'customer']), id: z.string() }),
    subject: z.string().describe('The subject, prefixed "[Test] ": rendered when sent to staff, its Liquid source when to a customer'),
    status: z.enum(['sent', 'sending']).describe('`sent`: to staff, sent now; `sending`: to a customer, through the send pipeline'),
    sendId: z.string().optional().describe('To a customer: the direct send carrying the test (`GET /v1/sends/{sendId}`)'),
    messageId: z.string().optional().describe('To staff: the SES message id'),
  })
  .meta({ id: 'TestSendResult' });
export type TestSendResult = z.infer<typeof testSendResultSchema>;

export const directSendSchema = z
  .object({
    sendId: z.string(),
    origin: z.enum(DIRECT_SEND_ORIGINS),
    subject: z.string(),
    status: campaignStatusSchema.describe('`sending`, then `sent` once every recipient is done'),
    createdBy: z.string(),
    createdAt: z.iso.datetime(),
    completedAt: z.iso.datetime().optional(),
    testOf: z.string().optional().describe('A test send: the campaign it tests'),
    metrics: campaignMetricsSchema,
  })
  .meta({ id: 'DirectSend' });
export type DirectSendView = z.infer<typeof directSendSchema>;
