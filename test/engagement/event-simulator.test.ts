/**
 * The local SES event simulator in front of aws-ses-v2-local: what each mailbox-simulator address produces, the
 * EventBridge shape, duplication and reordering for tests, retries of a failing target, and the proxy leaving the
 * emulator (mail viewer, `/store`) reachable.
 */
import { SendEmailCommand, SESv2Client } from '@aws-sdk/client-sesv2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  eventBridgeTargets,
  simulatedOutcome,
  startSesEventSimulator,
  type DeliveryBehaviour,
  type SesEventBridgeEvent,
  type SesEventSimulator,
} from '../../local/ses/event-simulator';
import { startLocalSes, type LocalSes } from '../../local/ses/ses-server';
import { readSesEvent } from '../../shared/domain/engagement/ses-event';
import { SES_EVENT_PATTERN } from '../../shared/domain/engagement/ses-event-pattern';
import { setAwsTestCredentials } from '../support/emulators';
import { sesEventBridgeEventSchema } from '../events/sample-event-shapes';

let ses: LocalSes;
const running: SesEventSimulator[] = [];

beforeAll(async () => {
  setAwsTestCredentials();
  ses = await startLocalSes({});
});

afterAll(async () => {
  for (const simulator of running) await simulator.stop();
  await ses?.stop();
});

async function simulator(
  options: { hold: true } | { deliver: (event: SesEventBridgeEvent) => Promise<void>; behaviour?: DeliveryBehaviour },
): Promise<SesEventSimulator> {
  const started = await startSesEventSimulator({ upstream: ses.endpoint, ...options });
  running.push(started);
  return started;
}

async function sendTo(endpoint: string, to: string, configurationSet: string | null = 'facet-test'): Promise<string> {
  const client = new SESv2Client({ endpoint, region: 'us-east-1' });
  try {
    const { MessageId } = await client.send(
      new SendEmailCommand({
        FromEmailAddress: '"Aurora" <hello@aurora.example.com>',
        Destination: { ToAddresses: [to] },
        Content: { Simple: { Subject: { Data: 'Hello' }, Body: { Html: { Data: '<p>Hi</p>' } } } },
        EmailTags: [
          { Name: 'tenant', Value: 'T1' },
          { Name: 'campaign', Value: 'C1' },
          { Name: 'customer', Value: 'K1' },
        ],
        ...(configurationSet ? { ConfigurationSetName: configurationSet } : {}),
      }),
    );
    return MessageId!;
  } finally {
    client.destroy();
  }
}

const kinds = (events: readonly SesEventBridgeEvent[]) => events.map((event) => event.detail.eventType);

describe('SES event simulator', () => {
  it('knows the mailbox simulator addresses, +labels included', () => {
    expect(simulatedOutcome('bounce@simulator.amazonses.com')).toBe('bounce');
    expect(simulatedOutcome('Bounce+anne@Simulator.AmazonSES.com')).toBe('bounce');
    expect(simulatedOutcome('"Cal" <complaint+x@simulator.amazonses.com>')).toBe('complaint');
    expect(simulatedOutcome('suppressionlist@simulator.amazonses.com')).toBe('suppressed');
    expect(simulatedOutcome('ooto@simulator.amazonses.com')).toBe('delivery');
    expect(simulatedOutcome('bounce@aurora.example.com')).toBe('delivery');
  });

  it('publishes what SES would for each address, in the EventBridge shape the handler reads', async () => {
    const held = await simulator({ hold: true });
    const expectations: [string, string[]][] = [
      ['ann@aurora.example.com', ['Send', 'Delivery']],
      ['ooto+x@simulator.amazonses.com', ['Send', 'Delivery']],
      ['bounce+x@simulator.amazonses.com', ['Send', 'Bounce']],
      ['suppressionlist@simulator.amazonses.com', ['Send', 'Bounce']],
      ['complaint+x@simulator.amazonses.com', ['Send', 'Delivery', 'Complaint']],
    ];
    for (const [address, expected] of expectations) {
      const messageId = await sendTo(held.endpoint, address);
      const events = held.take();
      expect(kinds(events), address).toEqual(expected);
      for (const event of events) {
        sesEventBridgeEventSchema.parse(event);
        expect(readSesEvent(event)).toMatchObject({ kind: 'signal', message: { messageId, tenantId: 'T1', campaignId: 'C1', customerId: 'K1' } });
      }
    }
    const suppressed = (await sendTo(held.endpoint, 'suppressionlist@simulator.amazonses.com'), held.take()[1]!);
    expect(suppressed.detail.bounce).toMatchObject({ bounceType: 'Permanent', bounceSubType: 'OnAccountSuppressionList' });
  });

  it('publishes nothing for a send without a configuration set (as SES), and keeps the emulator reachable', async () => {
    const held = await simulator({ hold: true });
    await sendTo(held.endpoint, 'ann@aurora.example.com', null);
    expect(held.take()).toEqual([]);
    const store = (await (await fetch(`${held.endpoint}/store`)).json()) as { emails: unknown[] };
    expect(store.emails.length).toBeGreaterThan(0);
    expect((await fetch(`${held.endpoint}/`)).status).toBe(200);
  });

  it('duplicates and reorders deliveries on request, and retries a failing target', async () => {
    const delivered: SesEventBridgeEvent[] = [];
    let failuresLeft = 1;
    const duplicating = await simulator({
      behaviour: { copies: 2, jitterMs: 40, delayMs: () => 0, retryDelaysMs: [20] },
      deliver: async (event) => {
        if (event.detail.eventType === 'Complaint' && failuresLeft > 0) {
          failuresLeft -= 1;
          throw new Error('target unavailable');
        }
        delivered.push(event);
      },
    });
    await sendTo(duplicating.endpoint, 'complaint@simulator.amazonses.com');
    await duplicating.idle();
    expect(kinds(delivered).sort()).toEqual(['Complaint', 'Complaint', 'Delivery', 'Delivery', 'Send', 'Send']);
    expect(new Set(delivered.map((event) => event.id)).size).toBe(3);
  });

  it("routes events to the manifest's functions whose pattern matches", async () => {
    const invoked: string[] = [];
    const functions = [
      { id: 'email-events', trigger: { kind: 'eventbridge', description: '', pattern: SES_EVENT_PATTERN } },
      { id: 'other-events', trigger: { kind: 'eventbridge', description: '', pattern: { source: ['aws.s3'], detailType: ['Object Created'] } } },
      { id: 'api-hub', trigger: { kind: 'http' } },
    ];
    const held = await simulator({ hold: true });
    await sendTo(held.endpoint, 'ann@aurora.example.com');
    const deliver = eventBridgeTargets(functions, async (spec) => void invoked.push(spec.id));
    for (const event of held.take()) await deliver(event);
    expect(invoked).toEqual(['email-events', 'email-events']);
  });
});
