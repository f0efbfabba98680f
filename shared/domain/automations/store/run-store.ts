/**
 * One record per runner pass over an automation (`keys.automationRun`), newest last in its partition, kept
 * RUN_RETENTION_DAYS: what `GET /v1/automations/{id}/runs` lists and where "last run" comes from.
 */
import { PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { env } from '../../../config/env';
import { documentClient } from '../../../store/dynamo';
import { keys } from '../../../store/keys';
import { decodeCursor, encodeCursor } from '../../../store/pagination';

export const RUN_RETENTION_DAYS = 35;

export interface RunCounts {
  /** Customers of the book read for this automation (0 when the pass had nothing new to look for). */
  customersRead: number;
  /** Occurrences found due in the window (date-based) or fired from the open list (event-based). */
  due: number;
  /** Handed to the send pipeline. */
  enqueued: number;
  /** Already claimed by an earlier or overlapping pass: nothing done. */
  alreadyHandled: number;
  /** Decided before sending, by reason (`not_in_audience`, `appointment_moved`, ...). */
  skipped: Record<string, number>;
  missed: number;
  failed: number;
  /** Marketing occurrences the reputation guard holds (claimed, handed over once the hold is acknowledged). */
  held: number;
  /** Pipeline outcomes copied onto occurrences by the sweeper in this pass. */
  settled: number;
}

export const emptyRunCounts = (): RunCounts => ({
  customersRead: 0,
  due: 0,
  enqueued: 0,
  alreadyHandled: 0,
  skipped: {},
  missed: 0,
  failed: 0,
  held: 0,
  settled: 0,
});

export interface AutomationRun {
  readonly passId: string;
  readonly automationId: string;
  /** When the schedule meant the pass to run (the scheduler's scheduled time; the clock for a manual run). */
  readonly scheduledAt: string;
  /** The earliest send moment this pass newly reached (a send hour that came), or null when none did. */
  readonly dueAt: string | null;
  readonly startedAt: string;
  readonly finishedAt: string;
  /**
   * When the record was written, by the wall clock. The list is ordered by it (and "last run" is the newest), so a
   * clock-override pass run "tomorrow" sorts where it really ran instead of ahead of every real pass until then.
   */
  readonly recordedAt: string;
  /** Seconds from `dueAt` (else `scheduledAt`) to the start: how late the automation's messages went out. */
  readonly latenessSeconds: number;
  /** The window of instants the pass looked at for date-based occurrences. */
  readonly window: { from: string; to: string } | null;
  /** The book was read for it in this pass (it is not when no send hour came and nothing changed). */
  readonly evaluated: boolean;
  /** Run through the clock override (`npm run automations:run -- --at ...`). */
  readonly clockOverride: boolean;
  readonly counts: RunCounts;
  readonly error?: string;
}

export async function putRun(tenantId: string, run: AutomationRun): Promise<void> {
  await documentClient.send(
    new PutCommand({
      TableName: env.tableName(),
      Item: {
        ...keys.automationRun(tenantId, run.automationId, run.recordedAt, run.passId),
        type: 'AutomationRun',
        ...run,
        expiresAt: Math.floor(Date.parse(run.recordedAt) / 1000) + RUN_RETENTION_DAYS * 24 * 3600,
      },
    }),
  );
}

function runFromItem(item: Record<string, unknown>): AutomationRun {
  const { pk: _pk, sk: _sk, type: _type, expiresAt: _expiresAt, ...run } = item;
  const stored = run as unknown as AutomationRun;
  // Records written before a count (or `recordedAt`) existed read it as 0 (as their key: the pass clock).
  return { ...stored, recordedAt: stored.recordedAt ?? stored.startedAt, counts: { ...emptyRunCounts(), ...stored.counts } };
}

/** Runs of an automation, newest first. */
export async function listRuns(
  tenantId: string,
  automationId: string,
  page: { limit: number; cursor?: string | undefined },
): Promise<{ items: AutomationRun[]; nextCursor: string | null }> {
  const { pk } = keys.automationRuns(tenantId, automationId);
  const startKey = decodeCursor(page.cursor, { attribute: 'pk', value: pk });
  const result = await documentClient.send(
    new QueryCommand({
      TableName: env.tableName(),
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': pk },
      ScanIndexForward: false,
      Limit: page.limit,
      ...(startKey ? { ExclusiveStartKey: startKey } : {}),
    }),
  );
  return { items: (result.Items ?? []).map(runFromItem), nextCursor: encodeCursor(result.LastEvaluatedKey) };
}

export async function lastRun(tenantId: string, automationId: string): Promise<AutomationRun | undefined> {
  return (await listRuns(tenantId, automationId, { limit: 1 })).items[0];
}
