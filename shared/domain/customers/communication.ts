import { z } from 'zod';
import { consentChannelSchema } from './consent';

/**
 * One outbound message on a customer's timeline (`keys.customerTimed(t, c, 'COMM', at, id)`): written by the send
 * pipeline when a message is queued, then updated as provider events arrive (delivered, opened, bounced, ...). The
 * timeline is read newest first. Until sending exists a customer's timeline is empty.
 */
export const COMMUNICATION_KINDS = ['campaign', 'bulk', 'one_to_one', 'automation', 'journey', 'test', 'system'] as const;
export const COMMUNICATION_STATUSES = [
  'queued',
  'sent',
  'delivered',
  'opened',
  'clicked',
  'bounced',
  'complained',
  'failed',
  'unknown',
  'skipped',
  'cancelled',
] as const;

export const communicationKindSchema = z.enum(COMMUNICATION_KINDS);
export const communicationStatusSchema = z.enum(COMMUNICATION_STATUSES);

export const communicationSchema = z
  .object({
    id: z.string(),
    kind: communicationKindSchema,
    channel: consentChannelSchema,
    /** Email subject, or an SMS's first line. Personal data: removed when the customer is erased. */
    subject: z.string().max(300).optional().describe('Email subject or the first line of an SMS'),
    campaignId: z.string().optional(),
    automationId: z.string().optional(),
    journeyId: z.string().optional(),
    status: communicationStatusSchema.describe('Latest status'),
    statusHistory: z
      .array(z.object({ status: communicationStatusSchema, at: z.iso.datetime() }))
      .describe('Every status the message went through, oldest first'),
    /** Why a message was skipped or failed (no consent, suppressed, frequency cap, provider error...). */
    reason: z.string().max(200).optional(),
    providerMessageId: z.string().optional().describe('SES message id (or the SMS provider id)'),
    createdAt: z.iso.datetime(),
  })
  .meta({ id: 'Communication' });

export type Communication = z.infer<typeof communicationSchema>;
export type CommunicationKind = z.infer<typeof communicationKindSchema>;
export type CommunicationStatus = z.infer<typeof communicationStatusSchema>;
