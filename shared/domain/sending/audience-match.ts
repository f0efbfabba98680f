/**
 * Who of the book the audience matches, for freezing: a slice of the book (plain rules, resumable through per-shard
 * cursors), the whole book in one go (ranked and percentile rules compare customers with the whole book), or the
 * hand-picked list read by id. Each match comes with what the gates need (address, consent), read in the same pass.
 */
import { BatchGetCommand } from '@aws-sdk/lib-dynamodb';
import { env } from '../../config/env';
import { documentClient } from '../../store/dynamo';
import { keys } from '../../store/keys';
import { emptyConsentState, type ConsentState } from '../customers/consent';
import type { BookCustomer } from '../segments/book-customer';
import { bookFinished, dynamoBookReader, emptyReadStats, streamBook } from '../segments/book-reader';
import { evaluateStream } from '../segments/evaluate-stream';
import { dynamoPurchaseReader } from '../segments/purchase-reader';
import { evaluationAttributes } from '../segments/segment-evaluation';
import type { EvaluationContext } from '../segments/segment-run';
import type { Audience } from './audience';
import { decodeFreezeCursors, encodeFreezeCursors } from './dispatch-state';
import type { FreezeCandidate } from './freeze';

/** What the book index must give besides the rule's own attributes: the address and the consent the gates read. */
const GATE_ATTRIBUTES = ['customerId', 'email', 'consent', 'erased'] as const;

function candidateOf(customer: Pick<BookCustomer, 'customerId' | 'email' | 'consent'>): FreezeCandidate {
  return { customerId: customer.customerId, email: customer.email, consent: customer.consent };
}

/** A hand-picked list: the customers that exist and are not erased (ids of others simply match nobody). */
async function manualCandidates(tenantId: string, customerIds: readonly string[]): Promise<FreezeCandidate[]> {
  const tableName = env.tableName();
  const found: FreezeCandidate[] = [];
  for (let i = 0; i < customerIds.length; i += 100) {
    let pending: Record<string, unknown>[] = customerIds.slice(i, i + 100).map((id) => ({ ...keys.customer(tenantId, id) }));
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt > 6) throw new Error('Customer reads stayed unprocessed');
      if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 25 * 2 ** attempt));
      const result = await documentClient.send(
        new BatchGetCommand({
          RequestItems: { [tableName]: { Keys: pending, ProjectionExpression: 'customerId, email, consent, erased', ConsistentRead: true } },
        }),
      );
      for (const item of result.Responses?.[tableName] ?? []) {
        if (item.erased === true) continue;
        found.push({
          customerId: String(item.customerId),
          email: typeof item.email === 'string' ? item.email : undefined,
          consent: (item.consent as ConsentState | undefined) ?? emptyConsentState(),
        });
      }
      pending = (result.UnprocessedKeys?.[tableName]?.Keys ?? []) as Record<string, unknown>[];
    }
  }
  return found;
}

export interface SliceLimits {
  /** Where each book shard resumes (the dispatch checkpoint's encoding); absent: from the start. */
  readonly freezeCursors: string | undefined;
  /** Stop reading new pages after this long ... */
  readonly budgetMs: number;
  /** ... or after this many customers. */
  readonly maxCustomers: number;
}

export interface MatchedSlice {
  readonly candidates: FreezeCandidate[];
  /** Where the next slice resumes (stream mode). */
  readonly freezeCursors?: string;
  /** The audience is fully matched. */
  readonly finished: boolean;
}

export async function matchAudienceSlice(tenantId: string, audience: Audience, context: EvaluationContext, limits: SliceLimits): Promise<MatchedSlice> {
  if (audience.mode === 'manual') return { candidates: await manualCandidates(tenantId, audience.customerIds), finished: true };
  const { plan } = audience;
  const reader = dynamoBookReader(tenantId);
  const attributes = [...new Set<string>([...evaluationAttributes(plan, false), ...GATE_ATTRIBUTES])];
  const matched: FreezeCandidate[] = [];
  const runOptions = { idLimit: 0, onMatch: (customer: BookCustomer) => matched.push(candidateOf(customer)), purchases: dynamoPurchaseReader(tenantId) };
  if (audience.mode === 'whole') {
    await evaluateStream(plan, () => streamBook(reader, { attributes }), context, runOptions);
    return { candidates: matched, finished: true };
  }
  const cursors = decodeFreezeCursors(limits.freezeCursors, reader.shards);
  const stats = emptyReadStats();
  const deadline = Date.now() + limits.budgetMs;
  const pages = streamBook(reader, {
    attributes,
    cursors,
    stats,
    shouldStop: () => Date.now() > deadline || stats.customers >= limits.maxCustomers,
  });
  await evaluateStream(plan, pages, context, runOptions);
  return { candidates: matched, freezeCursors: encodeFreezeCursors(cursors), finished: bookFinished(cursors) };
}
