/**
 * Freezing: each customer the audience matched gets one recipient record, `queued` or `skipped` with the gate that
 * closed (./gates.ts), written only if it does not exist yet. A step redone after a crash, a second dispatcher run or
 * a resumed campaign therefore finds the same records and counts nothing twice: counters move only for records this
 * call created.
 *
 * Gate data is read in bulk where DynamoDB allows it: the suppression list by BatchGetItem (100 keys a call). The
 * frequency cap is not applied here but by the send worker just before its claim (./send-recipient.ts): only there
 * does it see the emails other campaigns sent between this freeze and the send, so overlapping campaigns cannot
 * together exceed it (the same one timeline query per recipient, moved to where it is exact).
 */
import { BatchGetCommand } from '@aws-sdk/lib-dynamodb';
import { env } from '../../config/env';
import { documentClient } from '../../store/dynamo';
import { keys } from '../../store/keys';
import { SKIP_COUNTERS } from '../campaigns/campaign-counters';
import { addressHash } from '../customers/address-hash';
import type { ConsentState } from '../customers/consent';
import { closedGate, needsLookups, type MessagePurpose } from './gates';
import type { CampaignRecipient } from './recipient';
import { freezeRecipient } from './recipient-store';
import type { CounterDeltas } from './send-counters';

export interface FreezeCandidate {
  readonly customerId: string;
  readonly email?: string | undefined;
  readonly consent: ConsentState;
}

export interface FreezeContext {
  readonly tenantId: string;
  readonly campaignId: string;
  readonly purpose: MessagePurpose;
  readonly now: Date;
}

export interface FreezeTally {
  created: number;
  queued: number;
  skipped: number;
  existing: number;
}

const BATCH_GET_LIMIT = 100;
/** Writes and queries in flight while freezing: under the SDK client's 50 sockets, which one Lambda shares. */
const CONCURRENCY = 48;

async function inParallel<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next] as T;
      next += 1;
      await work(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/** Address hashes of `addresses` that are on the tenant's suppression list. */
export async function suppressedHashes(tenantId: string, addresses: readonly string[]): Promise<Set<string>> {
  const hashes = [...new Set(addresses.map((address) => addressHash(tenantId, 'email', address)))];
  const found = new Set<string>();
  const tableName = env.tableName();
  for (let i = 0; i < hashes.length; i += BATCH_GET_LIMIT) {
    let pending: Record<string, unknown>[] = hashes.slice(i, i + BATCH_GET_LIMIT).map((hash) => ({ ...keys.suppression(tenantId, 'email', hash) }));
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt > 6) throw new Error('Suppression lookups stayed unprocessed');
      if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 25 * 2 ** attempt));
      const result = await documentClient.send(
        new BatchGetCommand({ RequestItems: { [tableName]: { Keys: pending, ProjectionExpression: 'addressHash' } } }),
      );
      for (const item of result.Responses?.[tableName] ?? []) found.add(String(item.addressHash));
      pending = (result.UnprocessedKeys?.[tableName]?.Keys ?? []) as Record<string, unknown>[];
    }
  }
  return found;
}

export async function freezeCandidates(context: FreezeContext, candidates: readonly FreezeCandidate[], counters: CounterDeltas): Promise<FreezeTally> {
  const tally: FreezeTally = { created: 0, queued: 0, skipped: 0, existing: 0 };
  if (candidates.length === 0) return tally;
  const { tenantId, campaignId, purpose, now } = context;
  const looked = candidates.filter((c) => needsLookups({ channel: 'email', purpose, consent: c.consent, address: c.email }));
  const suppressed = await suppressedHashes(tenantId, looked.map((c) => c.email!));
  const frozenAt = now.toISOString();
  await inParallel(candidates, CONCURRENCY, async (c) => {
    const gate = closedGate({
      channel: 'email',
      purpose,
      consent: c.consent,
      address: c.email,
      suppressed: c.email !== undefined && suppressed.has(addressHash(tenantId, 'email', c.email)),
    });
    const recipient: CampaignRecipient = {
      tenantId,
      campaignId,
      customerId: c.customerId,
      frozenAt,
      ...(gate === undefined ? { status: 'queued' } : { status: 'skipped', skipReason: gate, reason: gate, finishedAt: frozenAt }),
    };
    if ((await freezeRecipient(recipient)) === 'exists') {
      tally.existing += 1;
      return;
    }
    tally.created += 1;
    counters.add(tenantId, campaignId, 'recipients');
    if (gate === undefined) tally.queued += 1;
    else {
      tally.skipped += 1;
      counters.add(tenantId, campaignId, SKIP_COUNTERS[gate]);
    }
  });
  return tally;
}
