/**
 * The shapes AWS delivers to each kind of trigger, as zod schemas, to check the sample events in events/ against:
 * API Gateway HTTP API payload 2.0 (handlers and the REQUEST authorizer), SQS, and SES events via EventBridge.
 */
import { z } from 'zod';

const stringRecord = z.record(z.string(), z.string());

const httpContext = z.object({
  method: z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']),
  path: z.string().startsWith('/'),
  protocol: z.string(),
  sourceIp: z.string(),
  userAgent: z.string(),
});

const requestContext = z.object({
  accountId: z.string().regex(/^\d{12}$/),
  apiId: z.string().min(1),
  domainName: z.string(),
  domainPrefix: z.string(),
  http: httpContext,
  requestId: z.string().min(1),
  routeKey: z.string(),
  stage: z.string(),
  time: z.string(),
  timeEpoch: z.number().int(),
});

export const httpApiEventSchema = z.strictObject({
  version: z.literal('2.0'),
  routeKey: z.string().regex(/^(GET|POST|PUT|PATCH|DELETE) \//),
  rawPath: z.string().startsWith('/'),
  rawQueryString: z.string(),
  cookies: z.array(z.string()).optional(),
  headers: stringRecord,
  queryStringParameters: stringRecord.optional(),
  pathParameters: stringRecord.optional(),
  requestContext: requestContext.extend({
    authorizer: z.object({ lambda: z.record(z.string(), z.unknown()) }).optional(),
  }),
  body: z.string().optional(),
  isBase64Encoded: z.boolean(),
  stageVariables: stringRecord.optional(),
});
export type HttpApiEvent = z.infer<typeof httpApiEventSchema>;

export const authorizerRequestEventSchema = z.strictObject({
  version: z.literal('2.0'),
  type: z.literal('REQUEST'),
  routeArn: z.string().regex(/^arn:aws:execute-api:[a-z0-9-]+:\d{12}:[^/]+\/[^/]+\/[A-Z]+\//),
  identitySource: z.array(z.string()),
  routeKey: z.string(),
  rawPath: z.string(),
  rawQueryString: z.string(),
  cookies: z.array(z.string()),
  headers: stringRecord,
  queryStringParameters: stringRecord,
  requestContext,
  pathParameters: stringRecord,
  stageVariables: stringRecord,
});

const sqsRecordSchema = z.strictObject({
  messageId: z.string().min(1),
  receiptHandle: z.string().min(1),
  body: z.string(),
  attributes: z.object({
    ApproximateReceiveCount: z.string().regex(/^\d+$/),
    SentTimestamp: z.string().regex(/^\d+$/),
    SenderId: z.string(),
    ApproximateFirstReceiveTimestamp: z.string().regex(/^\d+$/),
  }),
  messageAttributes: z.record(
    z.string(),
    z.object({
      stringValue: z.string().optional(),
      stringListValues: z.array(z.string()),
      binaryListValues: z.array(z.string()),
      dataType: z.enum(['String', 'Number', 'Binary']),
    }),
  ),
  md5OfBody: z.string(),
  md5OfMessageAttributes: z.string().optional(),
  eventSource: z.literal('aws:sqs'),
  eventSourceARN: z.string().regex(/^arn:aws:sqs:[a-z0-9-]+:\d{12}:[\w-]+$/),
  awsRegion: z.string(),
});

export const sqsEventSchema = z.strictObject({ Records: z.array(sqsRecordSchema).min(1) });

/** SES event publishing through a configuration set's EventBridge destination (source `aws.ses`). */
export const SES_DETAIL_TYPES = {
  Send: 'Email Sent',
  Delivery: 'Email Delivered',
  Bounce: 'Email Bounced',
  Complaint: 'Email Complaint Received',
  Reject: 'Email Rejected',
  Open: 'Email Opened',
  Click: 'Email Clicked',
  DeliveryDelay: 'Email Delivery Delayed',
  'Rendering Failure': 'Email Rendering Failed',
  Subscription: 'Email Subscribed',
} as const;

export const sesEventBridgeEventSchema = z
  .strictObject({
    version: z.literal('0'),
    id: z.uuid(),
    'detail-type': z.enum(Object.values(SES_DETAIL_TYPES) as [string, ...string[]]),
    source: z.literal('aws.ses'),
    account: z.string().regex(/^\d{12}$/),
    time: z.iso.datetime(),
    region: z.string(),
    resources: z.array(z.string()),
    detail: z
      .object({
        eventType: z.enum(Object.keys(SES_DETAIL_TYPES) as [string, ...string[]]),
        mail: z.object({
          timestamp: z.iso.datetime(),
          source: z.string(),
          sendingAccountId: z.string(),
          messageId: z.string().min(1),
          destination: z.array(z.string()).min(1),
          tags: z.record(z.string(), z.array(z.string())),
        }),
      })
      .loose(),
  })
  .refine((event) => SES_DETAIL_TYPES[event.detail.eventType as keyof typeof SES_DETAIL_TYPES] === event['detail-type'], {
    message: 'detail-type does not match detail.eventType',
  })
  .refine((event) => {
    const section = event.detail.eventType === 'Rendering Failure' ? 'failure' : event.detail.eventType.charAt(0).toLowerCase() + event.detail.eventType.slice(1);
    return typeof (event.detail as Record<string, unknown>)[section] === 'object';
  }, { message: 'detail lacks the object of its event type (delivery, bounce, ...)' });
