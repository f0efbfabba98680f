/**
 * What travels on the send queues. A send job names one recipient and nothing else: the worker reads the recipient,
 * the customer and the frozen content from the table, so a message delivered twice, late or after a redrive is just a
 * question the table answers ("is this recipient still queued?").
 */
import { z } from 'zod';

const id = z.string().min(1).max(64);

export const sendJobSchema = z.object({
  v: z.literal(1),
  kind: z.literal('campaign'),
  tenantId: id,
  campaignId: id,
  customerId: id,
  purpose: z.enum(['marketing', 'service']),
  /** When the recipient was frozen (its timeline entry's "queued" time); saves the worker a read of the record. */
  frozenAt: z.iso.datetime(),
  /** The timeline entry's kind: a campaign, a direct send's origin (bulk, one_to_one, test), or an automation's message. */
  communicationKind: z.enum(['campaign', 'bulk', 'one_to_one', 'test', 'automation']).default('campaign'),
});
/** A send job as producers write it (fields with defaults may be left out). */
export type SendJob = z.input<typeof sendJobSchema>;
/** A send job as the worker reads it (defaults applied). */
export type ParsedSendJob = z.output<typeof sendJobSchema>;

/** A step of a campaign's dispatch (freeze a chunk, top up the queue window, watch for completion). */
export const dispatchMessageSchema = z.object({
  v: z.literal(1),
  tenantId: id,
  campaignId: id,
  /** The dispatch state's step this message continues from; any other step means the message is stale. */
  step: z.number().int().min(0),
});
export type DispatchMessage = z.infer<typeof dispatchMessageSchema>;
