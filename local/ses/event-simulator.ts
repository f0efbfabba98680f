/**
 * The SES event publishing of a configuration set with an EventBridge destination, on one machine. aws-ses-v2-local
 * accepts mail but publishes no events, and its `/store` keeps neither the message tags nor the configuration set, so
 * the simulator sits as a proxy in front of it (clients use the simulator's endpoint as AWS_ENDPOINT_URL_SESV2):
 * every request is forwarded untouched, and every SendEmail that SES accepted for a configuration set turns into the
 * events SES would publish, in the exact EventBridge shape (`source: "aws.ses"`, `detail-type`, `detail.mail` with
 * the tags), delivered to the same handler the CDK rule targets:
 *   - `Email Sent` at once, then for each destination
 *   - `bounce@simulator.amazonses.com`: `Email Bounced` (Permanent/General);
 *   - `suppressionlist@simulator.amazonses.com`: `Email Bounced` (Permanent/OnAccountSuppressionList);
 *   - `complaint@simulator.amazonses.com`: `Email Delivered`, then `Email Complaint Received` (abuse);
 *   - `ooto@simulator.amazonses.com` (an auto-reply, which publishes nothing more), `success@` and every other
 *     address: `Email Delivered`.
 * `+labels` are allowed (`bounce+anne@simulator.amazonses.com`), as in SES's mailbox simulator. The mail viewer and
 * `/store` answer through the proxy too.
 *
 * Like EventBridge and Lambda, delivery is asynchronous and at least once: a target that fails is retried (twice,
 * after 1 s and 2 s). For tests the simulator can delay, duplicate and reorder events (`behaviour`), or hold them all
 * (`hold: true`) for the test to deliver in any order it likes.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SES_EVENT_DETAIL_TYPES, type ConsumedSesEventType } from '../../shared/domain/engagement/ses-event-pattern';

export interface SesEventBridgeEvent {
  readonly version: '0';
  readonly id: string;
  readonly 'detail-type': string;
  readonly source: 'aws.ses';
  readonly account: string;
  readonly time: string;
  readonly region: string;
  readonly resources: readonly string[];
  readonly detail: { readonly eventType: ConsumedSesEventType; readonly mail: MailObject } & Record<string, unknown>;
}

interface MailObject {
  readonly timestamp: string;
  readonly source: string;
  readonly sendingAccountId: string;
  readonly messageId: string;
  readonly destination: readonly string[];
  readonly headersTruncated: false;
  readonly headers: readonly { name: string; value: string }[];
  readonly commonHeaders: { from: string[]; to: string[]; messageId: string; subject: string };
  readonly tags: Record<string, string[]>;
}

export interface DeliveryBehaviour {
  /** Milliseconds between SES accepting the message and the event's delivery (default: Send 50, outcomes 300, complaints 1,200). */
  readonly delayMs?: (event: SesEventBridgeEvent) => number;
  /** Each event is delivered this many times (at-least-once delivery); default 1. */
  readonly copies?: number;
  /** A random extra delay in [0, jitterMs) per delivery, so events may overtake each other; default 0. */
  readonly jitterMs?: number;
  readonly random?: () => number;
  /** Retries of a failed delivery and the wait before each (Lambda's asynchronous invocation: 2, after ~1 and ~2 minutes). */
  readonly retryDelaysMs?: readonly number[];
}

interface SimulatorBase {
  /** The SES endpoint to forward to (aws-ses-v2-local, or the identities shim in front of it). */
  readonly upstream: string;
  readonly port?: number;
  readonly accountId?: string;
  readonly region?: string;
  readonly log?: (line: string) => void;
}

export type SesEventSimulatorOptions = SimulatorBase &
  (
    | {
        /** The EventBridge rule's targets; a rejection is a failed invocation (retried). */
        readonly deliver: (event: SesEventBridgeEvent) => Promise<void>;
        readonly behaviour?: DeliveryBehaviour;
        readonly hold?: false;
      }
    /** Keep every event instead of delivering it (tests deliver them, in any order, with `take()`). */
    | { readonly hold: true; readonly deliver?: undefined; readonly behaviour?: undefined }
  );

export interface SesEventSimulator {
  /** Use as AWS_ENDPOINT_URL_SESV2. */
  readonly endpoint: string;
  /** Held events, oldest first, removed from the simulator (hold mode). */
  take(): SesEventBridgeEvent[];
  /** Resolves once every scheduled delivery (and its retries) has finished. */
  idle(): Promise<void>;
  stop(): Promise<void>;
}

const SIMULATOR_DOMAIN = 'simulator.amazonses.com';
const SEND_PATH = '/v2/email/outbound-emails';

/** What SES's mailbox simulator does with an address (the local part before any `+label`). */
export type SimulatedOutcome = 'delivery' | 'bounce' | 'suppressed' | 'complaint';

export function simulatedOutcome(address: string): SimulatedOutcome {
  const bare = /<([^>]+)>/.exec(address)?.[1] ?? address;
  const [local = '', domain = ''] = bare.trim().toLowerCase().split('@');
  if (domain !== SIMULATOR_DOMAIN) return 'delivery';
  switch (local.split('+')[0]) {
    case 'bounce':
      return 'bounce';
    case 'suppressionlist':
      return 'suppressed';
    case 'complaint':
      return 'complaint';
    default:
      return 'delivery';
  }
}

/** The part of the SES v2 SendEmail request the events describe. */
export interface AcceptedSend {
  readonly messageId: string;
  readonly from: string;
  readonly to: readonly string[];
  readonly subject: string;
  readonly headers: readonly { name: string; value: string }[];
  readonly tags: readonly { name: string; value: string }[];
  readonly configurationSetName: string;
  readonly acceptedAt: Date;
}

export function acceptedSendOf(request: unknown, response: unknown, acceptedAt: Date): AcceptedSend | undefined {
  const body = request as {
    ConfigurationSetName?: string;
    FromEmailAddress?: string;
    Destination?: { ToAddresses?: string[]; CcAddresses?: string[]; BccAddresses?: string[] };
    Content?: { Simple?: { Subject?: { Data?: string }; Headers?: { Name: string; Value: string }[] } };
    EmailTags?: { Name: string; Value: string }[];
  };
  const messageId = (response as { MessageId?: string } | undefined)?.MessageId;
  // SES publishes events only for sends that name a configuration set with an event destination.
  if (!messageId || !body?.ConfigurationSetName) return undefined;
  const destination = body.Destination ?? {};
  return {
    messageId,
    from: body.FromEmailAddress ?? '',
    to: [...(destination.ToAddresses ?? []), ...(destination.CcAddresses ?? []), ...(destination.BccAddresses ?? [])],
    subject: body.Content?.Simple?.Subject?.Data ?? '',
    headers: (body.Content?.Simple?.Headers ?? []).map((h) => ({ name: h.Name, value: h.Value })),
    tags: (body.EmailTags ?? []).map((t) => ({ name: t.Name, value: t.Value })),
    configurationSetName: body.ConfigurationSetName,
    acceptedAt,
  };
}

const after = (at: Date, ms: number) => new Date(at.getTime() + ms).toISOString();

/** The events SES publishes for an accepted send, in the order it publishes them. */
export function eventsForSend(send: AcceptedSend, where: { accountId: string; region: string }): SesEventBridgeEvent[] {
  const domain = /@([^>\s]+)>?\s*$/.exec(send.from)?.[1] ?? 'localhost';
  const mail: MailObject = {
    timestamp: send.acceptedAt.toISOString(),
    source: send.from,
    sendingAccountId: where.accountId,
    messageId: send.messageId,
    destination: send.to,
    headersTruncated: false,
    headers: [{ name: 'From', value: send.from }, { name: 'To', value: send.to.join(', ') }, { name: 'Subject', value: send.subject }, ...send.headers],
    commonHeaders: { from: [send.from], to: [...send.to], messageId: send.messageId, subject: send.subject },
    tags: {
      'ses:configuration-set': [send.configurationSetName],
      'ses:source-ip': ['127.0.0.1'],
      'ses:from-domain': [domain],
      'ses:caller-identity': ['local'],
      ...Object.fromEntries(send.tags.map((tag) => [tag.name, [tag.value]])),
    },
  };
  const event = (eventType: ConsumedSesEventType, time: string, section: Record<string, unknown>): SesEventBridgeEvent => ({
    version: '0',
    id: randomUUID(),
    'detail-type': SES_EVENT_DETAIL_TYPES[eventType],
    source: 'aws.ses',
    account: where.accountId,
    time: time.replace(/\.\d{3}Z$/, 'Z'),
    region: where.region,
    resources: [`arn:aws:ses:${where.region}:${where.accountId}:configuration-set/${send.configurationSetName}`],
    detail: { eventType, mail, ...section },
  });
  const deliveredAt = after(send.acceptedAt, 300);
  const delivery = (recipients: string[]) =>
    event('Delivery', deliveredAt, {
      delivery: { timestamp: deliveredAt, processingTimeMillis: 300, recipients, smtpResponse: '250 2.6.0 Message received', reportingMTA: 'local.simulator' },
    });
  const bounce = (address: string, subType: 'General' | 'OnAccountSuppressionList') =>
    event('Bounce', deliveredAt, {
      bounce: {
        bounceType: 'Permanent',
        bounceSubType: subType,
        bouncedRecipients: [{ emailAddress: address, action: 'failed', status: '5.1.1', diagnosticCode: subType === 'General' ? 'smtp; 550 5.1.1 user unknown' : 'Amazon SES did not send the message to this address because it is on the suppression list for your account.' }],
        timestamp: deliveredAt,
        feedbackId: randomUUID(),
        reportingMTA: 'dsn; local.simulator',
      },
    });

  const events = [event('Send', send.acceptedAt.toISOString(), { send: {} })];
  for (const address of send.to) {
    const outcome = simulatedOutcome(address);
    if (outcome === 'bounce') events.push(bounce(address, 'General'));
    else if (outcome === 'suppressed') events.push(bounce(address, 'OnAccountSuppressionList'));
    else events.push(delivery([address]));
    if (outcome === 'complaint') {
      const complainedAt = after(send.acceptedAt, 1200);
      events.push(
        event('Complaint', complainedAt, {
          complaint: { complainedRecipients: [{ emailAddress: address }], timestamp: complainedAt, feedbackId: randomUUID(), complaintFeedbackType: 'abuse', userAgent: 'local.simulator', arrivalDate: complainedAt },
        }),
      );
    }
  }
  return events;
}

const DEFAULT_DELAYS: Readonly<Record<ConsumedSesEventType, number>> = {
  Send: 50,
  Delivery: 300,
  Bounce: 300,
  DeliveryDelay: 300,
  Reject: 100,
  'Rendering Failure': 100,
  Complaint: 1200,
};

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

const parseJson = (bytes: Buffer): unknown => {
  try {
    return JSON.parse(bytes.toString('utf8'));
  } catch {
    return undefined;
  }
};

export async function startSesEventSimulator(options: SesEventSimulatorOptions): Promise<SesEventSimulator> {
  const where = { accountId: options.accountId ?? '000000000000', region: options.region ?? process.env.AWS_REGION ?? 'us-east-1' };
  const behaviour = options.behaviour ?? {};
  const target = options.hold ? undefined : options.deliver;
  const random = behaviour.random ?? Math.random;
  const retryDelays = behaviour.retryDelaysMs ?? [1_000, 2_000];
  const log = options.log ?? (() => undefined);
  const held: SesEventBridgeEvent[] = [];
  const inFlight = new Set<Promise<void>>();
  const timers = new Set<NodeJS.Timeout>();
  let stopped = false;

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        timers.delete(timer);
        resolve();
      }, ms);
      timers.add(timer);
    });

  const deliverWithRetries = async (deliver: (event: SesEventBridgeEvent) => Promise<void>, event: SesEventBridgeEvent, delayMs: number) => {
    await sleep(delayMs);
    for (let attempt = 0; !stopped; attempt++) {
      try {
        await deliver(event);
        return;
      } catch (error) {
        const wait = retryDelays[attempt];
        if (wait === undefined) {
          log(`[ses-events] ${event['detail-type']} ${event.detail.mail.messageId} dropped after ${attempt + 1} tries: ${(error as Error).message}`);
          return;
        }
        await sleep(wait);
      }
    }
  };

  const publish = (events: readonly SesEventBridgeEvent[]) => {
    if (!target) {
      held.push(...events);
      return;
    }
    for (const event of events) {
      for (let copy = 0; copy < (behaviour.copies ?? 1); copy++) {
        const delay = (behaviour.delayMs?.(event) ?? DEFAULT_DELAYS[event.detail.eventType]) + random() * (behaviour.jitterMs ?? 0);
        const run = deliverWithRetries(target, event, delay);
        inFlight.add(run);
        void run.finally(() => inFlight.delete(run));
      }
    }
  };

  const forward = async (request: IncomingMessage, response: ServerResponse) => {
    const body = await readBody(request);
    const headers = Object.fromEntries(
      Object.entries(request.headers).filter(([name, value]) => typeof value === 'string' && !['host', 'content-length', 'connection'].includes(name)),
    ) as Record<string, string>;
    const acceptedAt = new Date();
    const upstream = await fetch(`${options.upstream}${request.url ?? '/'}`, {
      method: request.method ?? 'GET',
      headers,
      ...(body.length > 0 && request.method !== 'GET' && request.method !== 'HEAD' ? { body } : {}),
    });
    const answer = Buffer.from(await upstream.arrayBuffer());
    const outHeaders: Record<string, string> = {};
    upstream.headers.forEach((value, name) => {
      if (!['content-length', 'connection', 'transfer-encoding', 'content-encoding', 'keep-alive'].includes(name)) outHeaders[name] = value;
    });
    response.writeHead(upstream.status, outHeaders);
    response.end(answer);
    if (request.method === 'POST' && request.url?.split('?')[0] === SEND_PATH && upstream.status === 200) {
      const send = acceptedSendOf(parseJson(body), parseJson(answer), acceptedAt);
      if (send) publish(eventsForSend(send, where));
    }
  };

  const server: Server = createServer((request, response) => {
    forward(request, response).catch((error: unknown) => {
      log(`[ses-events] proxy error: ${(error as Error).message}`);
      if (!response.headersSent) response.writeHead(502, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ message: 'SES emulator unreachable' }));
    });
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    endpoint: `http://127.0.0.1:${port}`,
    take: () => held.splice(0),
    idle: async () => {
      while (inFlight.size > 0) await Promise.all([...inFlight]);
    },
    stop: async () => {
      stopped = true;
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      await new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      });
    },
  };
}

/** The manifest's functions whose EventBridge pattern matches an event (source and detail-type), as Lambda targets. */
export function eventBridgeTargets<Spec extends { id: string; trigger: { kind: string } }>(
  functions: readonly Spec[],
  invoke: (spec: Spec, event: SesEventBridgeEvent) => Promise<unknown>,
): (event: SesEventBridgeEvent) => Promise<void> {
  const targets = functions.filter((spec) => spec.trigger.kind === 'eventbridge') as (Spec & {
    trigger: { kind: 'eventbridge'; pattern: { source: readonly string[]; detailType: readonly string[] } };
  })[];
  return async (event) => {
    const matching = targets.filter((spec) => spec.trigger.pattern.source.includes(event.source) && spec.trigger.pattern.detailType.includes(event['detail-type']));
    await Promise.all(matching.map((spec) => invoke(spec, event)));
  };
}
