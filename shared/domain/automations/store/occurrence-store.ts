/**
 * Occurrence claims in the table (`keys.automationOccurrence`): one item per occurrence key holding its status in the
 * outcome state machine (../outcomes.ts). Every change is one transaction conditional on the state and `retries` it
 * moves from (or on the item not existing yet), so of two writers racing for the same occurrence (overlapping runner
 * passes, a replayed domain event, the sweeper and a late runner) exactly one wins and the other learns it lost.
 *
 * The same transaction keeps two companions current:
 *  - the open list (`keys.openOccurrence`): an occurrence that is scheduled, claimed, enqueued or sending is listed by
 *    its due instant; reaching a terminal state removes it. The runner fires scheduled ones from it and the sweeper
 *    finds the ones a crash left behind, so nothing that was claimed can be forgotten;
 *  - the automation's daily outcome counters (`keys.automationDayStats`), added to when an outcome is final: the
 *    API's 30-day counts are a query of at most 31 small items.
 */
import { GetCommand, UpdateCommand, paginateQuery } from '@aws-sdk/lib-dynamodb';
import { env } from '../../../config/env';
import { documentClient } from '../../../store/dynamo';
import { keys, OPEN_OCCURRENCE_SHARDS } from '../../../store/keys';
import { isConditionFailure, UnitOfWork } from '../../../store/unit-of-work';
import type { Occurrence } from '../occurrence';
import { isTerminal, transition, type OutcomeEvent, type OutcomeStatus } from '../outcomes';

/** Claims outlive every window that could compute the same key again (a year of yearly dates, replayed events). */
const CLAIM_RETENTION_SECONDS = 400 * 24 * 3600;
/** Daily counters are read for 30 days; kept a little longer. */
const STATS_RETENTION_SECONDS = 40 * 24 * 3600;

export interface OccurrenceRecord {
  readonly tenantId: string;
  readonly occurrence: Occurrence;
  readonly status: OutcomeStatus;
  /** The pipeline send that carries the message, once handed over. */
  readonly sendId?: string;
  readonly createdAt: string;
  /** The last status change (the sweeper measures staleness from it). */
  readonly changedAt: string;
}

/** The occurrence key after `{automationId}/`: the claim's sort key. */
export const occurrencePartOf = (occurrence: Pick<Occurrence, 'occurrenceKey' | 'automationId'>) =>
  occurrence.occurrenceKey.slice(occurrence.automationId.length + 1);

const claimKey = (tenantId: string, occurrence: Pick<Occurrence, 'automationId' | 'customerId' | 'occurrenceKey'>) =>
  keys.automationOccurrence(tenantId, occurrence.automationId, occurrence.customerId, occurrencePartOf(occurrence));

const openKey = (tenantId: string, occurrence: Pick<Occurrence, 'occurrenceKey' | 'dueAt'>) =>
  keys.openOccurrence(occurrence.occurrenceKey, tenantId, occurrence.dueAt);

function recordFromItem(item: Record<string, unknown>): OccurrenceRecord {
  const status: OutcomeStatus = { state: item.state as OutcomeStatus['state'], retries: Number(item.retries ?? 0) };
  if (typeof item.reason === 'string') status.reason = item.reason;
  if (typeof item.detail === 'string') status.detail = item.detail;
  if (typeof item.messageId === 'string') status.messageId = item.messageId;
  if (typeof item.heldSince === 'string') status.heldSince = item.heldSince;
  return {
    tenantId: String(item.tenantId),
    occurrence: item.occurrence as Occurrence,
    status,
    ...(typeof item.sendId === 'string' ? { sendId: item.sendId } : {}),
    createdAt: String(item.createdAt),
    changedAt: String(item.changedAt),
  };
}

export async function loadOccurrence(
  tenantId: string,
  occurrence: Pick<Occurrence, 'automationId' | 'customerId' | 'occurrenceKey'>,
): Promise<OccurrenceRecord | undefined> {
  const { Item } = await documentClient.send(
    new GetCommand({ TableName: env.tableName(), Key: claimKey(tenantId, occurrence), ConsistentRead: true }),
  );
  return Item ? recordFromItem(Item) : undefined;
}

/** The counter attribute an outcome adds to: `sent`, `failed`, `unknown`, `skipped#no_consent`, `missed#runner_gap`. */
export function statsField(status: OutcomeStatus): string {
  return status.state === 'skipped' || status.state === 'missed' ? `${status.state}#${status.reason ?? 'other'}` : status.state;
}

export interface TransitionWrite {
  /** Also set on the claim (the send id when handing over). */
  readonly sendId?: string;
  /** The tenant's local day of the change: the daily counter a final outcome adds to. */
  readonly localDate: string;
  readonly now: Date;
  /** Further writes that must commit with the transition (the pipeline send's items, re-entry history). */
  readonly alongside?: (uow: UnitOfWork) => void;
}

export type TransitionResult = { ok: true; record: OccurrenceRecord } | { ok: false; current: OccurrenceRecord | undefined };

/** The status after a series of events, or undefined when one of them does not apply. */
function statusAfter(current: OutcomeStatus | undefined, events: readonly OutcomeEvent[]): OutcomeStatus | undefined {
  let status = current;
  for (const event of events) {
    const next = transition(status, event);
    if (!next.ok) return undefined;
    status = next.status;
  }
  return status;
}

/**
 * Applies an event (or a series: `start_send` then `sent` when the pipeline reports a message it sent) to an
 * occurrence whose current record was just read (`current`; undefined when it has none), as one conditional
 * transaction. `ok: false` when the events do not apply to the current state, or when another writer changed it since
 * it was read (then `current` is re-read).
 */
export async function applyOccurrenceEvent(
  tenantId: string,
  occurrence: Occurrence,
  current: OccurrenceRecord | undefined,
  event: OutcomeEvent | readonly OutcomeEvent[],
  write: TransitionWrite,
): Promise<TransitionResult> {
  const status = statusAfter(current?.status, Array.isArray(event) ? event : [event as OutcomeEvent]);
  if (status === undefined) return { ok: false, current };
  const at = write.now.toISOString();
  const record: OccurrenceRecord = {
    tenantId,
    occurrence: current?.occurrence ?? occurrence,
    status,
    ...((write.sendId ?? current?.sendId) ? { sendId: (write.sendId ?? current?.sendId) as string } : {}),
    createdAt: current?.createdAt ?? at,
    changedAt: at,
  };
  const uow = new UnitOfWork(undefined);
  const expiresAt = Math.floor(Date.parse(record.occurrence.validUntil) / 1000) + CLAIM_RETENTION_SECONDS;
  uow.put(
    {
      ...claimKey(tenantId, record.occurrence),
      type: 'AutomationOccurrence',
      tenantId,
      automationId: record.occurrence.automationId,
      customerId: record.occurrence.customerId,
      occurrenceKey: record.occurrence.occurrenceKey,
      occurrence: record.occurrence,
      ...status,
      ...(record.sendId ? { sendId: record.sendId } : {}),
      createdAt: record.createdAt,
      changedAt: at,
      expiresAt,
    },
    current === undefined
      ? { expression: 'attribute_not_exists(pk)' }
      : {
          expression: '#state = :fromState AND retries = :fromRetries',
          names: { '#state': 'state' },
          values: { ':fromState': current.status.state, ':fromRetries': current.status.retries },
        },
  );
  const wasOpen = current !== undefined && !isTerminal(current.status.state);
  const isOpen = !isTerminal(status.state);
  const open = openKey(tenantId, record.occurrence);
  if (isOpen && !wasOpen) {
    uow.put({
      ...open,
      type: 'OpenAutomationOccurrence',
      tenantId,
      automationId: record.occurrence.automationId,
      customerId: record.occurrence.customerId,
      part: occurrencePartOf(record.occurrence),
      expiresAt,
    });
  }
  if (!isOpen && wasOpen) uow.delete(open);
  if (!isOpen) {
    uow.update(keys.automationDayStats(tenantId, record.occurrence.automationId, write.localDate), {
      expression: 'ADD #field :one SET expiresAt = if_not_exists(expiresAt, :expires)',
      names: { '#field': statsField(status) },
      values: { ':one': 1, ':expires': Math.floor(write.now.getTime() / 1000) + STATS_RETENTION_SECONDS },
    });
  }
  write.alongside?.(uow);
  try {
    await uow.commit();
    return { ok: true, record };
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
    return { ok: false, current: await loadOccurrence(tenantId, record.occurrence) };
  }
}

/**
 * Marks a claimed occurrence as held by the reputation guard (`heldSince`, kept from the first hold). Not a
 * transition: state, `retries` and `changedAt` stay, so the sweeper keeps finding it idle and takes it again each
 * pass. Conditional on the state and round just read; false when another writer moved it meanwhile.
 */
export async function markHeld(tenantId: string, record: OccurrenceRecord, now: Date): Promise<boolean> {
  if (record.status.state !== 'claimed') return false;
  try {
    await documentClient.send(
      new UpdateCommand({
        TableName: env.tableName(),
        Key: claimKey(tenantId, record.occurrence),
        UpdateExpression: 'SET heldSince = if_not_exists(heldSince, :at)',
        ConditionExpression: '#state = :claimed AND retries = :retries',
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: { ':at': now.toISOString(), ':claimed': 'claimed', ':retries': record.status.retries },
      }),
    );
    return true;
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
    return false;
  }
}

/** A reference to an unfinished occurrence, from the open list. */
export interface OpenOccurrenceRef {
  readonly tenantId: string;
  readonly automationId: string;
  readonly customerId: string;
  /** The occurrence key after `{automationId}/`. */
  readonly part: string;
  readonly dueAt: string;
}

/** Unfinished occurrences due before `until`, every shard, oldest first within a shard. */
export async function* openOccurrencesDueBefore(until: Date): AsyncGenerator<OpenOccurrenceRef> {
  const bound = `${until.toISOString()}#\uffff`;
  for (let shard = 0; shard < OPEN_OCCURRENCE_SHARDS; shard++) {
    const { pk } = keys.openOccurrenceShard(shard);
    const pages = paginateQuery(
      { client: documentClient },
      {
        TableName: env.tableName(),
        KeyConditionExpression: 'pk = :pk AND sk <= :bound',
        ExpressionAttributeValues: { ':pk': pk, ':bound': bound },
      },
    );
    for await (const page of pages) {
      for (const item of page.Items ?? []) {
        yield {
          tenantId: String(item.tenantId),
          automationId: String(item.automationId),
          customerId: String(item.customerId),
          part: String(item.part),
          dueAt: String(item.sk).split('#')[0] as string,
        };
      }
    }
  }
}

export async function loadOpenOccurrence(ref: OpenOccurrenceRef): Promise<OccurrenceRecord | undefined> {
  const { Item } = await documentClient.send(
    new GetCommand({
      TableName: env.tableName(),
      Key: keys.automationOccurrence(ref.tenantId, ref.automationId, ref.customerId, ref.part),
      ConsistentRead: true,
    }),
  );
  return Item ? recordFromItem(Item) : undefined;
}

/** Outcome counters of an automation per local day, from `fromDate` on. */
export async function readDailyStats(tenantId: string, automationId: string, fromDate: string): Promise<Map<string, Record<string, number>>> {
  const { pk } = keys.automationStats(tenantId, automationId);
  const byDay = new Map<string, Record<string, number>>();
  const pages = paginateQuery(
    { client: documentClient },
    {
      TableName: env.tableName(),
      KeyConditionExpression: 'pk = :pk AND sk >= :from',
      ExpressionAttributeValues: { ':pk': pk, ':from': fromDate },
    },
  );
  for await (const page of pages) {
    for (const item of page.Items ?? []) {
      const counts: Record<string, number> = {};
      for (const [name, value] of Object.entries(item)) {
        if (['pk', 'sk', 'expiresAt'].includes(name) || typeof value !== 'number') continue;
        counts[name] = value;
      }
      byDay.set(String(item.sk), counts);
    }
  }
  return byDay;
}

/** Unfinished occurrences of one automation due in [from, to) (previews of event-based automations). */
export async function openOccurrencesOfAutomation(tenantId: string, automationId: string, from: Date, to: Date): Promise<OpenOccurrenceRef[]> {
  const found: OpenOccurrenceRef[] = [];
  for (let shard = 0; shard < OPEN_OCCURRENCE_SHARDS; shard++) {
    const { pk } = keys.openOccurrenceShard(shard);
    const pages = paginateQuery(
      { client: documentClient },
      {
        TableName: env.tableName(),
        KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
        FilterExpression: 'tenantId = :tenantId AND automationId = :automationId',
        ExpressionAttributeValues: {
          ':pk': pk,
          ':from': from.toISOString(),
          ':to': new Date(to.getTime() - 1).toISOString() + '#\uffff',
          ':tenantId': tenantId,
          ':automationId': automationId,
        },
      },
    );
    for await (const page of pages) {
      for (const item of page.Items ?? []) {
        found.push({
          tenantId,
          automationId,
          customerId: String(item.customerId),
          part: String(item.part),
          dueAt: String(item.sk).split('#')[0] as string,
        });
      }
    }
  }
  return found.sort((a, b) => (a.dueAt < b.dueAt ? -1 : a.dueAt > b.dueAt ? 1 : 0));
}
