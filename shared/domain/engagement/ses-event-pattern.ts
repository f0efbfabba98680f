/**
 * The SES events the engagement loop consumes, as EventBridge delivers them (`detail-type` per event type). The CDK
 * app's rule and the local SES event simulator both use this list; SES's own opens and clicks are not among them
 * (Facet tracks those itself, and SES tracking is off).
 */
export const SES_EVENT_DETAIL_TYPES = {
  Send: 'Email Sent',
  Delivery: 'Email Delivered',
  Bounce: 'Email Bounced',
  Complaint: 'Email Complaint Received',
  Reject: 'Email Rejected',
  DeliveryDelay: 'Email Delivery Delayed',
  'Rendering Failure': 'Email Rendering Failed',
} as const;

export type ConsumedSesEventType = keyof typeof SES_EVENT_DETAIL_TYPES;

export const SES_EVENT_PATTERN = { source: ['aws.ses'], detailType: Object.values(SES_EVENT_DETAIL_TYPES) } as const;
