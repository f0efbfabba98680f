/**
 * SES event publishing through the configuration set's EventBridge destination (`source: "aws.ses"`), read into what
 * the engagement loop needs: which message (SES message id), whose (the message tags the send worker set: tenant,
 * campaign, customer), what happened (an EngagementSignal) and, for bounces and complaints, which addresses.
 * Pure. The schema accepts every SES event type; the ones Facet does not consume (SES's own open and click tracking is
 * off, subscriptions are not used) read as `ignored`.
 */
import { z } from 'zod';
import type { EngagementSignal } from './recipient-engagement';

const timestamp = z.string().min(1);

const recipientsWith = (field: 'emailAddress') => z.array(z.object({ [field]: z.string() }).loose()).default([]);

export const sesEventDetailSchema = z
  .object({
    eventType: z.string(),
    mail: z
      .object({
        timestamp,
        messageId: z.string().min(1),
        destination: z.array(z.string()).default([]),
        tags: z.record(z.string(), z.array(z.string())).default({}),
      })
      .loose(),
    delivery: z.object({ timestamp }).loose().optional(),
    bounce: z
      .object({
        bounceType: z.string(),
        bounceSubType: z.string().optional(),
        timestamp,
        bouncedRecipients: recipientsWith('emailAddress'),
      })
      .loose()
      .optional(),
    complaint: z
      .object({
        timestamp,
        complaintFeedbackType: z.string().optional(),
        complainedRecipients: recipientsWith('emailAddress'),
      })
      .loose()
      .optional(),
    deliveryDelay: z.object({ timestamp, delayType: z.string().optional() }).loose().optional(),
    reject: z.object({ reason: z.string().optional() }).loose().optional(),
    failure: z.object({ errorMessage: z.string().optional() }).loose().optional(),
  })
  .loose();

export const sesEventBridgeSchema = z
  .object({
    id: z.string(),
    source: z.literal('aws.ses'),
    'detail-type': z.string(),
    time: timestamp,
    detail: sesEventDetailSchema,
  })
  .loose();
export type SesEventBridgeEvent = z.input<typeof sesEventBridgeSchema>;

/** The message tags the send worker puts on every email (shared/domain/sending/compose-email.ts). */
export const MESSAGE_TAGS = { tenant: 'tenant', campaign: 'campaign', customer: 'customer' } as const;

export interface MessageRef {
  readonly messageId: string;
  readonly tenantId: string;
  readonly campaignId: string;
  readonly customerId: string;
}

export type ReadSesEvent =
  | {
      readonly kind: 'signal';
      readonly message: MessageRef;
      readonly signal: EngagementSignal;
      /** Addresses SES reports as hard-bounced or complaining (the suppression list takes them). */
      readonly addresses: readonly string[];
      /** SES's own words, for logs: bounce type and subtype, complaint feedback type, reject reason. */
      readonly detail?: string;
    }
  /** Not ours to act on: an event type Facet does not consume, or a message without our tags (a staff test email). */
  | { readonly kind: 'ignored'; readonly why: string; readonly messageId?: string };

function signalOf(detail: z.output<typeof sesEventDetailSchema>, eventTime: string): { signal: EngagementSignal; addresses: string[]; detail?: string } | undefined {
  switch (detail.eventType) {
    case 'Send':
      return { signal: { kind: 'send', at: detail.mail.timestamp }, addresses: [] };
    case 'Delivery':
      return { signal: { kind: 'delivery', at: detail.delivery?.timestamp ?? eventTime }, addresses: [] };
    case 'DeliveryDelay':
      return { signal: { kind: 'delay', at: detail.deliveryDelay?.timestamp ?? eventTime }, addresses: [], ...(detail.deliveryDelay?.delayType ? { detail: detail.deliveryDelay.delayType } : {}) };
    case 'Bounce': {
      const bounce = detail.bounce;
      if (!bounce) return undefined;
      // Only a permanent bounce says the address does not exist; transient and undetermined ones may deliver later.
      const permanent = bounce.bounceType === 'Permanent';
      return {
        signal: { kind: permanent ? 'hard_bounce' : 'soft_bounce', at: bounce.timestamp },
        addresses: permanent ? bounce.bouncedRecipients.map((r) => r.emailAddress as string) : [],
        detail: [bounce.bounceType, bounce.bounceSubType].filter(Boolean).join('/'),
      };
    }
    case 'Complaint': {
      const complaint = detail.complaint;
      if (!complaint) return undefined;
      return {
        signal: { kind: 'complaint', at: complaint.timestamp },
        addresses: complaint.complainedRecipients.map((r) => r.emailAddress as string),
        ...(complaint.complaintFeedbackType ? { detail: complaint.complaintFeedbackType } : {}),
      };
    }
    case 'Reject':
      return { signal: { kind: 'reject', at: eventTime }, addresses: [], ...(detail.reject?.reason ? { detail: detail.reject.reason } : {}) };
    case 'Rendering Failure':
      return { signal: { kind: 'rendering_failure', at: eventTime }, addresses: [] };
    default:
      return undefined;
  }
}

const firstTag = (tags: Record<string, string[]>, name: string) => tags[name]?.[0];

/** Reads one EventBridge event; throws a ZodError for something that is not an SES event at all. */
export function readSesEvent(event: unknown): ReadSesEvent {
  const parsed = sesEventBridgeSchema.parse(event);
  const { detail } = parsed;
  const messageId = detail.mail.messageId;
  const read = signalOf(detail, parsed.time);
  if (!read) return { kind: 'ignored', why: `event type ${detail.eventType}`, messageId };
  const tenantId = firstTag(detail.mail.tags, MESSAGE_TAGS.tenant);
  const campaignId = firstTag(detail.mail.tags, MESSAGE_TAGS.campaign);
  const customerId = firstTag(detail.mail.tags, MESSAGE_TAGS.customer);
  if (!tenantId || !campaignId || !customerId) return { kind: 'ignored', why: 'message without recipient tags', messageId };
  return {
    kind: 'signal',
    message: { messageId, tenantId, campaignId, customerId },
    signal: read.signal,
    // A bounce or complaint without its recipient list is about the message's only destination (one per send).
    addresses: (read.addresses.length === 0 && (read.signal.kind === 'hard_bounce' || read.signal.kind === 'complaint') ? detail.mail.destination : read.addresses).filter((address) =>
      address.includes('@'),
    ),
    ...(read.detail ? { detail: read.detail } : {}),
  };
}
