/**
 * Meters for the send bench, as SDK middleware on the module-level clients every handler shares in this process:
 *  - DynamoDB: asks every call for its ConsumedCapacity (dynalite computes it from item sizes, as DynamoDB does),
 *    charges a read that found nothing the minimum DynamoDB charges (0.5 unit eventually consistent, 1 strongly; dynalite
 *    reports 0), counts a write refused by its condition as one write unit (DynamoDB charges it; dynalite reports nothing), a
 *    transaction's writes twice (transactional writes cost double; the local transaction shim reports nothing), and
 *    files everything under the item kind its key names. Index writes are counted from the written items' index keys
 *    (dynalite does not count them); the pipeline's items carry none.
 *  - SQS: counts requests by operation.
 * Background work of the local runtime that is not the send (the TTL sweeper's scans, the outbox sweeper) is left out.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { SQSClient } from '@aws-sdk/client-sqs';

type Plain = Record<string, unknown>;

const text = (value: unknown): string => {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object' && 'S' in value) return String((value as { S: unknown }).S);
  return '';
};

/** The kind of item a key names (see shared/store/keys.ts for the layout). */
export function kindOf(pk: string, sk: string, index?: string): string {
  if (index) return `${index} index (${index === 'gsi1' ? 'book' : 'lookup'})`;
  if (pk.includes('#RCPT#')) return 'recipient';
  if (sk.startsWith('COMM#')) return 'timeline entry (COMM)';
  if (pk.includes('#COUNT#')) return 'campaign counters';
  if (pk.endsWith('#SEND')) return `send ${sk.toLowerCase()}`;
  if (pk === 'SENDS#ACTIVE') return 'active sends';
  if (pk.endsWith('#SUPP')) return 'suppression';
  if (sk === 'CUSTOMER') return 'customer';
  if (sk.startsWith('CAMPAIGN#')) return 'campaign';
  if (sk === 'TENANT') return 'tenant settings';
  if (pk.startsWith('OUTBOX#')) return 'outbox';
  if (pk.includes('#AUDIT#')) return 'audit';
  return 'other';
}

const BACKGROUND = new Set(['outbox', 'scan']);
const READS = new Set(['GetItemCommand', 'QueryCommand', 'BatchGetItemCommand', 'ScanCommand', 'TransactGetItemsCommand']);

export interface DynamoMeter {
  stop(): void;
  /** Calls by item kind and operation, e.g. `campaign GetItem`. */
  calls(): Record<string, number>;
  writeUnits(): { total: number; index: number; byKind: Record<string, number> };
  readUnits(): { total: number; byKind: Record<string, number> };
}

interface Call {
  kinds: string[];
  read: boolean;
}

function describeCall(command: string, input: Plain): Call {
  const read = READS.has(command);
  if (command === 'ScanCommand') return { kinds: ['scan'], read };
  if (command === 'QueryCommand') {
    const values = (input.ExpressionAttributeValues ?? {}) as Plain;
    const pk = text(values[':pk']);
    const from = text(values[':from'] ?? values[':low'] ?? values[':prefix'] ?? values[':kind']);
    // The send worker's one range over a customer's recent timeline and the customer item (send-time-customer.ts).
    if (text(values[':to']) === 'CUSTOMER') return { kinds: ['customer + recent timeline'], read };
    return { kinds: [kindOf(pk, from, input.IndexName as string | undefined)], read };
  }
  if (command === 'BatchGetItemCommand' || command === 'BatchWriteItemCommand') {
    const tables = Object.values((input.RequestItems ?? {}) as Record<string, unknown>);
    const kinds = tables.flatMap((entry) => {
      if (Array.isArray(entry)) {
        return entry.map((request: Plain) => {
          const item = ((request.PutRequest as Plain | undefined)?.Item ?? (request.DeleteRequest as Plain | undefined)?.Key ?? {}) as Plain;
          return kindOf(text(item.pk), text(item.sk));
        });
      }
      const keys = ((entry as Plain).Keys ?? []) as Plain[];
      return keys.map((key) => kindOf(text(key.pk), text(key.sk)));
    });
    return { kinds, read };
  }
  if (command === 'TransactWriteItemsCommand') {
    const items = (input.TransactItems ?? []) as Plain[];
    return {
      kinds: items.map((entry) => {
        const op = Object.values(entry)[0] as Plain;
        const key = (op.Key ?? op.Item ?? {}) as Plain;
        return kindOf(text(key.pk), text(key.sk));
      }),
      read,
    };
  }
  const key = (input.Key ?? input.Item ?? {}) as Plain;
  return { kinds: [kindOf(text(key.pk), text(key.sk))], read };
}

export function meterDynamo(client: DynamoDBClient): DynamoMeter {
  let on = true;
  const reads: Record<string, number> = {};
  const calls: Record<string, number> = {};
  const writes: Record<string, number> = {};
  let indexWrites = 0;
  const add = (table: Record<string, number>, kind: string, units: number) => (table[kind] = (table[kind] ?? 0) + units);
  const name = `benchMeter${Math.random()}`;

  client.middlewareStack.add(
    (next, context) => async (args) => {
      const command = String(context.commandName);
      const input = args.input as Plain;
      if (!on) return next(args);
      if (command !== 'TransactWriteItemsCommand' && input.ReturnConsumedCapacity === undefined) input.ReturnConsumedCapacity = 'TOTAL';
      const call = describeCall(command, input);
      for (const kind of new Set(call.kinds)) add(calls, `${kind} ${command.replace(/Command$/, '')}`, 1);
      const item = (input.Item ?? {}) as Plain;
      if ('gsi1pk' in item || 'gsi2pk' in item) indexWrites += 1;
      try {
        const result = await next(args);
        const output = result.output as unknown as Plain;
        if (command === 'TransactWriteItemsCommand') {
          call.kinds.forEach((kind) => add(writes, kind, 2));
          return result;
        }
        const consumed = output.ConsumedCapacity;
        const units = Array.isArray(consumed)
          ? consumed.reduce((sum: number, c: Plain) => sum + Number(c.CapacityUnits ?? 0), 0)
          : Number((consumed as Plain | undefined)?.CapacityUnits ?? 0);
        // DynamoDB's minimum per item asked for (a missing item or an empty query still costs it).
        const minimum = call.read ? call.kinds.length * (input.ConsistentRead === true ? 1 : 0.5) : 0;
        const share = Math.max(units, minimum) / Math.max(1, call.kinds.length);
        for (const kind of call.kinds) add(call.read ? reads : writes, kind, share);
        return result;
      } catch (error) {
        const errorName = (error as { name?: string }).name;
        if (errorName === 'ConditionalCheckFailedException') add(writes, call.kinds[0] ?? 'other', 1);
        throw error;
      }
    },
    { step: 'initialize', name, priority: 'low' },
  );

  const summed = (table: Record<string, number>) => {
    const byKind = Object.fromEntries(Object.entries(table).filter(([kind]) => !BACKGROUND.has(kind)));
    return { total: Object.values(byKind).reduce((sum, units) => sum + units, 0), byKind };
  };
  return {
    stop: () => {
      on = false;
    },
    calls: () => ({ ...calls }),
    writeUnits: () => ({ ...summed(writes), index: indexWrites }),
    readUnits: () => summed(reads),
  };
}

export interface SqsMeter {
  stop(): void;
  requests(): number;
  describe(): string;
}

export function meterSqs(client: SQSClient): SqsMeter {
  let on = true;
  const counts: Record<string, number> = {};
  client.middlewareStack.add(
    (next, context) => async (args) => {
      if (on) counts[String(context.commandName).replace(/Command$/, '')] = (counts[String(context.commandName).replace(/Command$/, '')] ?? 0) + 1;
      return next(args);
    },
    { step: 'initialize', name: `benchSqsMeter${Math.random()}` },
  );
  return {
    stop: () => {
      on = false;
    },
    requests: () => Object.values(counts).reduce((sum, n) => sum + n, 0),
    describe: () => Object.entries(counts).map(([op, n]) => `${op} ${n}`).join(', '),
  };
}
