/**
 * The runner's hold on a tenant (`keys.automationPass`): one invocation at a time reads a tenant's book for its
 * date-based automations (an overlapping invocation skips the tenant rather than reading the book twice; the claims
 * would make a second reading harmless, only wasteful), and a pass that ran out of time leaves where it stopped (the
 * window it evaluated and every book shard's cursor), which the next invocation resumes.
 *
 * The lease expires on its own (`leaseUntil`, epoch ms), so a crashed invocation holds the tenant only until then.
 */
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { env } from '../../../config/env';
import { documentClient } from '../../../store/dynamo';
import { keys } from '../../../store/keys';
import { isConditionFailure } from '../../../store/unit-of-work';
import type { ShardCursors } from '../../segments/book-reader';
import type { RunCounts } from './run-store';

/** A date-based pass over a tenant's book that stopped part-way. */
export interface PassCheckpoint {
  readonly passId: string;
  /** The pass's clock: the resumed part evaluates the same windows as of the same instant. */
  readonly now: string;
  readonly scheduledAt: string;
  readonly clockOverride: boolean;
  readonly automations: readonly { automationId: string; from: string; to: string; dueAt: string | null }[];
  readonly cursors: ShardCursors;
  /** What the part(s) before did, per automation: the run record of the pass adds it up. */
  readonly counts: Readonly<Record<string, RunCounts>>;
}

type StoredCursor = { start: true } | { done: true } | { at: Record<string, unknown> };

const encodeCursors = (cursors: ShardCursors): string =>
  JSON.stringify(cursors.map((cursor): StoredCursor => (cursor === undefined ? { start: true } : cursor === null ? { done: true } : { at: cursor })));

const decodeCursors = (text: string): ShardCursors =>
  (JSON.parse(text) as StoredCursor[]).map((cursor) => ('at' in cursor ? cursor.at : 'done' in cursor ? null : undefined));

export type LeaseResult = { acquired: true; resume: PassCheckpoint | undefined } | { acquired: false };

/** Takes the tenant until `leaseUntil` (epoch ms) unless another invocation holds it; answers what to resume. */
export async function acquirePassLease(tenantId: string, holder: string, wallNow: number, leaseUntil: number): Promise<LeaseResult> {
  try {
    const result = await documentClient.send(
      new UpdateCommand({
        TableName: env.tableName(),
        Key: keys.automationPass(tenantId),
        UpdateExpression: 'SET #type = :type, leaseUntil = :until, holder = :holder',
        ConditionExpression: 'attribute_not_exists(leaseUntil) OR leaseUntil < :now',
        ExpressionAttributeNames: { '#type': 'type' },
        ExpressionAttributeValues: { ':type': 'AutomationPass', ':until': leaseUntil, ':holder': holder, ':now': wallNow },
        ReturnValues: 'ALL_OLD',
      }),
    );
    const old = result.Attributes as { checkpoint?: Omit<PassCheckpoint, 'cursors'> & { cursors: string } } | undefined;
    const checkpoint = old?.checkpoint;
    return { acquired: true, resume: checkpoint ? { ...checkpoint, cursors: decodeCursors(checkpoint.cursors) } : undefined };
  } catch (error) {
    if (isConditionFailure(error)) return { acquired: false };
    throw error;
  }
}

/** Gives the tenant back, leaving a checkpoint to resume (or clearing it when the pass finished). */
export async function releasePassLease(tenantId: string, holder: string, checkpoint: PassCheckpoint | undefined): Promise<void> {
  try {
    await documentClient.send(
      new UpdateCommand({
        TableName: env.tableName(),
        Key: keys.automationPass(tenantId),
        UpdateExpression: checkpoint ? 'SET checkpoint = :checkpoint REMOVE leaseUntil, holder' : 'REMOVE leaseUntil, holder, checkpoint',
        ConditionExpression: 'holder = :holder',
        ExpressionAttributeValues: {
          ':holder': holder,
          ...(checkpoint ? { ':checkpoint': { ...checkpoint, cursors: encodeCursors(checkpoint.cursors) } } : {}),
        },
      }),
    );
  } catch (error) {
    // The lease expired and another invocation took the tenant over: its pass is the one that counts.
    if (!isConditionFailure(error)) throw error;
  }
}
