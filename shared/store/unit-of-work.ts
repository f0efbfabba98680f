import { TransactWriteCommand, type TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import type { NewDomainEvent, DomainEvent } from '../events/domain-events';
import { newId } from '../ids';
import { logger } from '../observability/logger';
import { documentClient } from './dynamo';
import { keys } from './keys';
import { env } from '../config/env';

export type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/** Port through which committed events leave the process (SQS in AWS and locally); see shared/events/publisher.ts. */
export interface EventPublisher {
  publish(events: readonly DomainEvent[]): Promise<void>;
}

/** DynamoDB's limit for one TransactWriteItems call. */
export const MAX_TRANSACTION_ITEMS = 100;

/**
 * Collects the writes of one business operation and commits them all-or-nothing, together with the outbox records of
 * the domain events it emits. Publishing happens after the commit; if the process dies in between, the outbox sweeper
 * publishes the events later, so none is lost (consumers dedupe on eventId).
 */
export class UnitOfWork {
  private readonly items: TransactItem[] = [];
  private readonly events: DomainEvent[] = [];

  constructor(
    private readonly publisher: EventPublisher | undefined,
    private readonly tableName: string = env.tableName(),
  ) {}

  put(item: Record<string, unknown>, condition?: Condition): this {
    this.items.push({ Put: { TableName: this.tableName, Item: item, ...conditionParts(condition) } });
    return this;
  }

  update(
    key: { pk: string; sk: string },
    update: { expression: string; names?: Record<string, string>; values?: Record<string, unknown> },
    condition?: Condition,
  ): this {
    const names = { ...update.names, ...condition?.names };
    const values = { ...update.values, ...condition?.values };
    this.items.push({
      Update: {
        TableName: this.tableName,
        Key: key,
        UpdateExpression: update.expression,
        ...(condition ? { ConditionExpression: condition.expression } : {}),
        ...(Object.keys(names).length ? { ExpressionAttributeNames: names } : {}),
        ...(Object.keys(values).length ? { ExpressionAttributeValues: values } : {}),
      },
    });
    return this;
  }

  delete(key: { pk: string; sk: string }, condition?: Condition): this {
    this.items.push({ Delete: { TableName: this.tableName, Key: key, ...conditionParts(condition) } });
    return this;
  }

  check(key: { pk: string; sk: string }, condition: Condition): this {
    this.items.push({ ConditionCheck: { TableName: this.tableName, Key: key, ...conditionParts(condition) } as never });
    return this;
  }

  /** Records a domain event in the outbox as part of this transaction; returns it with its id. */
  emit(event: NewDomainEvent): DomainEvent {
    const stamped = { ...event, eventId: newId() } as DomainEvent;
    const key = keys.outbox(stamped.eventId, stamped.occurredAt);
    this.items.push({ Put: { TableName: this.tableName, Item: { ...key, type: 'OutboxEvent', event: stamped } } });
    this.events.push(stamped);
    return stamped;
  }

  get size(): number {
    return this.items.length;
  }

  async commit(): Promise<readonly DomainEvent[]> {
    if (this.items.length === 0) return [];
    if (this.items.length > MAX_TRANSACTION_ITEMS) {
      throw new Error(`A unit of work has ${this.items.length} writes; DynamoDB allows ${MAX_TRANSACTION_ITEMS}.`);
    }
    await documentClient.send(new TransactWriteCommand({ TransactItems: this.items }));
    if (this.events.length > 0 && this.publisher) {
      try {
        await this.publisher.publish(this.events);
      } catch (error) {
        // Committed in the outbox already: the sweeper publishes it. Losing the request would be worse than a delay.
        logger.warn('event publish deferred to the outbox sweeper', { error: error as Error, count: this.events.length });
      }
    }
    return this.events;
  }
}

export interface Condition {
  expression: string;
  names?: Record<string, string>;
  values?: Record<string, unknown>;
}

function conditionParts(condition: Condition | undefined) {
  if (!condition) return {};
  return {
    ConditionExpression: condition.expression,
    ...(condition.names ? { ExpressionAttributeNames: condition.names } : {}),
    ...(condition.values ? { ExpressionAttributeValues: condition.values } : {}),
  };
}

/** True when a write (or any write of a transaction) failed its condition: the guard did its job. */
export function isConditionFailure(error: unknown): boolean {
  const name = (error as { name?: string } | undefined)?.name;
  if (name === 'ConditionalCheckFailedException') return true;
  if (name === 'TransactionCanceledException') {
    const reasons = (error as { CancellationReasons?: { Code?: string }[] }).CancellationReasons ?? [];
    return reasons.some((r) => r.Code === 'ConditionalCheckFailed');
  }
  return false;
}

/** Which items of a cancelled transaction failed their condition (by position), for precise 409 messages. */
export function failedConditionIndexes(error: unknown): number[] {
  const reasons = (error as { CancellationReasons?: { Code?: string }[] } | undefined)?.CancellationReasons ?? [];
  return reasons.flatMap((r, i) => (r.Code === 'ConditionalCheckFailed' ? [i] : []));
}
