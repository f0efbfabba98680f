/**
 * Freezing: each customer the audience matched gets one recipient record, `queued` or `skipped` with the gate that
 * closed (./gates.ts), written only if it does not exist yet. A step redone after a crash, a second dispatcher run or
 * a resumed campaign therefore finds the same records and counts nothing twice: counters move only for records this
 * call created.
 *
 * Gate data is read in bulk: the suppression list once per slice, whole or key by key, whichever reads less
 * (`suppressedAmong`). The frequency cap is not applied here but by the send worker just before its claim
 * (./send-recipient.ts): only there does it see the emails other campaigns sent between this freeze and the send, so
 * overlapping campaigns cannot together exceed it.
 */
import { SKIP_COUNTERS } from '../campaigns/campaign-counters';
import { addressHash } from '../customers/address-hash';
import type { ConsentState } from '../customers/consent';
import { closedGate, needsLookups, type MessagePurpose } from './gates';
import type { CampaignRecipient } from './recipient';
import { freezeRecipient } from './recipient-store';
import { suppressedAmong } from '../suppression/suppression-repository';
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

export async function freezeCandidates(context: FreezeContext, candidates: readonly FreezeCandidate[], counters: CounterDeltas): Promise<FreezeTally> {
  const tally: FreezeTally = { created: 0, queued: 0, skipped: 0, existing: 0 };
  if (candidates.length === 0) return tally;
  const { tenantId, campaignId, purpose, now } = context;
  const looked = candidates.filter((c) => needsLookups({ channel: 'email', purpose, consent: c.consent, address: c.email }));
  const suppressed = await suppressedAmong(tenantId, 'email', looked.map((c) => c.email!));
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
