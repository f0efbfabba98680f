/**
 * The send path's reads over dynalite: the suppression list read whole or key by key (whichever reads less, same
 * answer), and the customer with their recent timeline in one key range at send time.
 */
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Principal } from '../../shared/auth/roles';
import { addressHash } from '../../shared/domain/customers/address-hash';
import { campaignCommunicationItem } from '../../shared/domain/sending/campaign-communication';
import { readSendTimeCustomer } from '../../shared/domain/sending/send-time-customer';
import { addManualSuppression, suppressedAmong } from '../../shared/domain/suppression/suppression-repository';
import { documentClient } from '../../shared/store/dynamo';
import { CUSTOMER_CHILD_KINDS, keys } from '../../shared/store/keys';
import { startEmulators, type TestEmulators } from '../support/emulators';
import { newCustomer, newTenant } from './pipeline-support';

let stack: TestEmulators;
let owner: Principal;
/** Commands the document client sent, by name, while a test recorded them. */
let commands: string[] = [];

beforeAll(async () => {
  stack = await startEmulators();
  documentClient.middlewareStack.add(
    (next, context) => async (args) => {
      commands.push(String(context.commandName));
      return next(args);
    },
    { step: 'initialize', name: 'sendReadsTestRecorder' },
  );
  owner = await newTenant('Reads Jewellers');
});

afterEach(() => {
  commands = [];
});

afterAll(async () => {
  documentClient.middlewareStack.remove('sendReadsTestRecorder');
  await stack?.stop();
});

describe('suppressedAmong', () => {
  const listed = Array.from({ length: 20 }, (_, i) => `listed${i}@reads.example`);

  beforeAll(async () => {
    for (const address of listed) await addManualSuppression(owner, { channel: 'email', address });
    // The same address on the other channel's list does not suppress email.
    await addManualSuppression(owner, { channel: 'sms', address: '+61400000001' });
  });

  const hashes = (addresses: string[]) => new Set(addresses.map((address) => addressHash(owner.tenantId, 'email', address)));

  it('reads the whole list when it is short next to the addresses asked about', async () => {
    const asked = [...listed.slice(0, 3), 'Listed4@Reads.example ', 'free1@reads.example', 'free2@reads.example', '+61400000001'];
    commands = [];
    const found = await suppressedAmong(owner.tenantId, 'email', asked);
    expect(found).toEqual(hashes([...listed.slice(0, 3), 'listed4@reads.example']));
    expect(commands).toEqual(['QueryCommand']);
  });

  it('looks each address up when the list is long next to them, with the same answer', async () => {
    commands = [];
    const found = await suppressedAmong(owner.tenantId, 'email', [listed[7] as string, 'free@reads.example']);
    expect(found).toEqual(hashes([listed[7] as string]));
    // 20 entries are more than 8 per address for 2 addresses: a query that stops early, then the keys.
    expect(commands).toEqual(['QueryCommand', 'BatchGetItemCommand']);
  });

  it('asks nothing for no addresses', async () => {
    commands = [];
    expect(await suppressedAmong(owner.tenantId, 'email', [])).toEqual(new Set());
    expect(commands).toEqual([]);
  });
});

describe('readSendTimeCustomer', () => {
  const day = 24 * 3600_000;
  const now = Date.parse('2026-11-20T10:00:00.000Z');
  const since = new Date(now - 7 * day);

  async function mailed(customerId: string, campaignId: string, daysAgo: number, fields: { purpose?: 'marketing' | 'service'; status?: 'sent' | 'failed' } = {}) {
    const at = new Date(now - daysAgo * day).toISOString();
    await documentClient.send(
      new PutCommand({
        TableName: stack.tableName,
        Item: campaignCommunicationItem({
          tenantId: owner.tenantId,
          customerId,
          campaignId,
          purpose: fields.purpose ?? 'marketing',
          frozenAt: at,
          claimedAt: at,
          status: fields.status ?? 'sent',
          at,
        }),
      }),
    );
  }

  it('returns the customer and counts the marketing that reached them in the window, in one query', async () => {
    const customerId = await newCustomer(owner, { email: 'window@reads.example', consent: { email: { marketing: 'granted' } } });
    await mailed(customerId, 'old', 9);
    await mailed(customerId, 'inside1', 6);
    await mailed(customerId, 'inside2', 1);
    await mailed(customerId, 'service', 2, { purpose: 'service' });
    await mailed(customerId, 'bounced', 3, { status: 'failed' });
    await mailed(customerId, 'this', 0.5);
    commands = [];
    const read = await readSendTimeCustomer(owner.tenantId, customerId, { since, excludeCampaignId: 'this' });
    expect(read.customer?.customerId).toBe(customerId);
    expect(read.customer?.email).toBe('window@reads.example');
    expect(read.recentMarketingSends).toBe(2);
    expect(commands).toEqual(['QueryCommand']);
  });

  it('gets the customer alone when no window is asked for (service messages)', async () => {
    const customerId = await newCustomer(owner, { email: 'service@reads.example' });
    await mailed(customerId, 'inside', 1);
    commands = [];
    const read = await readSendTimeCustomer(owner.tenantId, customerId);
    expect(read).toMatchObject({ customer: { customerId }, recentMarketingSends: 0 });
    expect(commands).toEqual(['GetItemCommand']);
  });

  it('reads no customer for an id that has none (erased and gone, or never there)', async () => {
    const read = await readSendTimeCustomer(owner.tenantId, 'c_missing', { since, excludeCampaignId: 'x' });
    expect(read).toEqual({ customer: undefined, recentMarketingSends: 0 });
  });
});

describe('the customer partition layout the send-time range relies on', () => {
  const range = keys.customerWithTimelineSince('t1', 'c1', '2026-01-01T00:00:00.000Z');

  it('holds only the timeline and the consent history between the timeline and the customer item', () => {
    const sample = (kind: string) => `${kind}#2026-06-01T00:00:00.000Z#x`;
    const inRange = CUSTOMER_CHILD_KINDS.filter((kind) => sample(kind) >= 'COMM#' && sample(kind) < range.to);
    expect(inRange.sort()).toEqual(['COMM', 'CONSENT']);
    for (const other of [keys.purchaseAttribution('t1', 'c1', 'p1').sk, keys.importFingerprint('t1', 'c1', 'purchase', 'r1').sk]) {
      expect(other >= range.from && other <= range.to).toBe(false);
    }
  });

  it('starts at the window and ends at the customer item', () => {
    expect(range.pk).toBe(keys.customer('t1', 'c1').pk);
    expect(range.to).toBe(keys.customer('t1', 'c1').sk);
    expect(keys.customerTimed('t1', 'c1', 'COMM', '2025-12-31T23:59:59.999Z', 'a').sk < range.from).toBe(true);
    expect(keys.customerTimed('t1', 'c1', 'COMM', '2026-01-01T00:00:00.001Z', 'a').sk > range.from).toBe(true);
  });
});
