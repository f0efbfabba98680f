/**
 * Reading a tenant's book for the segment engine: the book index (gsi1) holds each tenant's customers in BOOK_SHARDS
 * partitions, and a pass over the book queries all of them in parallel, a page (up to 1 MB) at a time, never a Scan.
 * Pages are handed on as they arrive, so the book is never held: at most one page per shard is in memory.
 *
 * Two adapters share one interface (`BookShardReader`), so the engine, the bench and the tests stream the same way:
 * DynamoDB (`dynamoBookReader`), and an in-memory book (`memoryBookReader`).
 *
 * Every pass is resumable: a shard's position is the opaque cursor of its last page read (`ShardCursors`), which an
 * asynchronous job checkpoints between invocations.
 */
import { QueryCommand } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { env } from '../../config/env';
import { dynamoClient } from '../../store/dynamo';
import { indexKeys, shardOf } from '../../store/keys';
import { BOOK_SHARDS, INDEXES } from '../../store/table-definition';
import { bookCustomerFromWire, type BookCustomer } from './book-customer';
import type { BookPages } from './evaluate-stream';

/** Where a shard's next page starts: the DynamoDB LastEvaluatedKey (plain JSON), or the in-memory position. */
export type ShardCursor = Record<string, unknown>;

/** Per shard: undefined = not started, a cursor = resume there, null = read to the end. */
export type ShardCursors = (ShardCursor | null | undefined)[];

export interface BookPage {
  customers: BookCustomer[];
  /** Where the shard continues; null at its end. */
  next: ShardCursor | null;
  /** Read capacity the page consumed (DynamoDB's ConsumedCapacity; 0 in memory). */
  readUnits: number;
}

/**
 * Attributes to read, as paths of the book projection (`agg.totalSpent` reads one field of the aggregates). Reading
 * fewer attributes does not lower read units (DynamoDB charges by the size of the index item), but it shrinks what is
 * sent and unmarshalled, which is most of a pass's time.
 */
export type AttributePaths = readonly string[];

export interface BookShardReader {
  readonly shards: number;
  readPage(shard: number, start: ShardCursor | undefined, attributes: AttributePaths | undefined): Promise<BookPage>;
}

export interface BookReadStats {
  readUnits: number;
  pages: number;
  customers: number;
}

export const emptyReadStats = (): BookReadStats => ({ readUnits: 0, pages: 0, customers: 0 });

export interface StreamBookOptions {
  /** Attribute paths to read (default: the whole projection). */
  attributes?: AttributePaths;
  /** Resume positions; updated in place as pages are handed on (default: every shard from its start). */
  cursors?: ShardCursors;
  /** Asked before each query: once true, no new query starts and the pages in flight are still handed on. */
  shouldStop?: () => boolean;
  /** Summed as pages arrive. */
  stats?: BookReadStats;
  /** Queries in flight at once (default: every shard). */
  concurrency?: number;
}

/**
 * One pass over the book as pages, in whatever order the shards answer. Each shard's next query starts as soon as its
 * previous page arrives, so reading overlaps with evaluating. A page's cursor is recorded when the page is handed on;
 * a consumer that evaluates a page before asking for the next one can therefore checkpoint `cursors` at any point
 * between pages.
 */
export async function* streamBook(reader: BookShardReader, options: StreamBookOptions = {}): AsyncGenerator<BookCustomer[]> {
  const cursors = options.cursors ?? Array.from({ length: reader.shards }, () => undefined);
  const stats = options.stats;
  const waiting = cursors.flatMap((cursor, shard) => (cursor === null ? [] : [shard]));
  const inFlight = new Map<number, Promise<{ shard: number; page: BookPage }>>();
  const limit = Math.max(1, options.concurrency ?? reader.shards);
  const stopped = () => options.shouldStop?.() === true;

  const start = (shard: number) => {
    const request = reader.readPage(shard, cursors[shard] ?? undefined, options.attributes).then((page) => ({ shard, page }));
    // A consumer that stops early leaves queries behind: their failures must not surface as unhandled rejections.
    request.catch(() => undefined);
    inFlight.set(shard, request);
  };
  const fill = () => {
    while (inFlight.size < limit && waiting.length > 0 && !stopped()) start(waiting.shift() as number);
  };

  fill();
  while (inFlight.size > 0) {
    const { shard, page } = await Promise.race(inFlight.values());
    inFlight.delete(shard);
    cursors[shard] = page.next;
    if (page.next !== null) waiting.push(shard);
    if (stats) {
      stats.readUnits += page.readUnits;
      stats.pages += 1;
      stats.customers += page.customers.length;
    }
    fill();
    yield page.customers;
  }
}

/** Whether every shard has been read to its end. */
export const bookFinished = (cursors: ShardCursors) => cursors.every((cursor) => cursor === null);

/**
 * A book as the engine's `BookPages` (each call is a new pass from the start), summing what every pass read into
 * `stats`. `attributes` is read at each pass, so a caller can narrow it between passes.
 */
export function bookPages(reader: BookShardReader, stats: BookReadStats, attributes?: () => AttributePaths | undefined): BookPages {
  return () => {
    const paths = attributes?.();
    return streamBook(reader, { stats, ...(paths ? { attributes: paths } : {}) });
  };
}

// ---------------------------------------------------------------------------------------------------------------------
// DynamoDB

export interface DynamoBookOptions {
  tableName?: string;
  /** Items per query (default: as many as fit in DynamoDB's 1 MB page). */
  pageSize?: number;
}

/**
 * The tenant's book index partitions, queried page by page with ReturnConsumedCapacity. Items are decoded from the
 * wire format by `bookCustomerFromWire` (the monthly buckets straight into columns), so this uses the plain client,
 * not the document client; cursors stay plain JSON (unmarshalled keys), as checkpoints store them.
 */
export function dynamoBookReader(tenantId: string, options: DynamoBookOptions = {}): BookShardReader {
  const tableName = options.tableName ?? env.tableName();
  return {
    shards: BOOK_SHARDS,
    async readPage(shard, start, attributes) {
      const projection = attributes === undefined ? undefined : projectionOf(attributes);
      const result = await dynamoClient.send(
        new QueryCommand({
          TableName: tableName,
          IndexName: INDEXES.book.indexName,
          KeyConditionExpression: '#pk = :pk',
          ExpressionAttributeNames: { '#pk': INDEXES.book.partitionKey, ...projection?.names },
          ExpressionAttributeValues: { ':pk': { S: indexKeys.bookShard(tenantId, shard).gsi1pk } },
          ...(projection ? { ProjectionExpression: projection.expression } : {}),
          ...(start ? { ExclusiveStartKey: marshall(start) } : {}),
          ...(options.pageSize ? { Limit: options.pageSize } : {}),
          ReturnConsumedCapacity: 'TOTAL',
        }),
      );
      return {
        customers: (result.Items ?? []).map(bookCustomerFromWire),
        next: result.LastEvaluatedKey === undefined ? null : unmarshall(result.LastEvaluatedKey),
        readUnits: result.ConsumedCapacity?.CapacityUnits ?? 0,
      };
    },
  };
}

/** `['customerId', 'agg.totalSpent']` -> `#p0, #p1.#p2` with its names. */
export function projectionOf(paths: AttributePaths): { expression: string; names: Record<string, string> } {
  const names: Record<string, string> = {};
  const aliasOf = new Map<string, string>();
  const alias = (name: string) => {
    let existing = aliasOf.get(name);
    if (existing === undefined) {
      existing = `#p${aliasOf.size}`;
      aliasOf.set(name, existing);
      names[existing] = name;
    }
    return existing;
  };
  const expression = [...new Set(paths)].map((path) => path.split('.').map(alias).join('.')).join(', ');
  return { expression, names };
}

// ---------------------------------------------------------------------------------------------------------------------
// In memory

export interface MemoryBookOptions {
  shards?: number;
  /** Customers per page (default 400, about what a 1 MB DynamoDB page of book items holds). */
  pageSize?: number;
}

/**
 * A book held in memory, sharded and paged like the index (same shard function, customers in id order within a
 * shard), for tests and the bench. Pages are slices of the given customers: nothing is copied.
 */
export function memoryBookReader(customers: readonly BookCustomer[], options: MemoryBookOptions = {}): BookShardReader {
  const shards = options.shards ?? BOOK_SHARDS;
  const pageSize = Math.max(1, options.pageSize ?? 400);
  const byShard: BookCustomer[][] = Array.from({ length: shards }, () => []);
  for (const customer of customers) byShard[shardOf(customer.customerId, shards)]?.push(customer);
  for (const shard of byShard) shard.sort((a, b) => (a.customerId < b.customerId ? -1 : a.customerId > b.customerId ? 1 : 0));
  return {
    shards,
    async readPage(shard, start) {
      const list = byShard[shard] ?? [];
      const from = typeof start?.index === 'number' ? start.index : 0;
      const to = Math.min(list.length, from + pageSize);
      return { customers: list.slice(from, to), next: to < list.length ? { index: to } : null, readUnits: 0 };
    },
  };
}
