/**
 * Reading a tenant's book for the segment engine: the book index (gsi1) holds each tenant's customers in BOOK_SHARDS
 * partitions, and a pass over the book queries all of them in parallel, a page (up to 1 MB) at a time, never a Scan.
 * Pages are handed on as they arrive, so the book is never held: at most one page per shard is in memory.
 *
 * Adapters share one interface (`BookShardReader`), so the engine, the bench and the tests stream the same way:
 * DynamoDB (`dynamoBookReader`), a book held in memory as the table holds it (`memoryStoredBookReader`), and shaped
 * customers held in memory (`memoryBookReader`).
 *
 * Every pass is resumable: a shard's position is the opaque cursor of its last page read (`ShardCursors`), which an
 * asynchronous job checkpoints between invocations.
 */
import { QueryCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
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

/** Entries sharded like the index (same shard function, id order within a shard) and read a page at a time. */
function memoryShards<T>(entries: readonly T[], idOf: (entry: T) => string, options: MemoryBookOptions) {
  const shards = options.shards ?? BOOK_SHARDS;
  const pageSize = Math.max(1, options.pageSize ?? 400);
  const byShard: { id: string; entry: T }[][] = Array.from({ length: shards }, () => []);
  for (const entry of entries) {
    const id = idOf(entry);
    byShard[shardOf(id, shards)]?.push({ id, entry });
  }
  for (const shard of byShard) shard.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return {
    shards,
    page(shard: number, start: ShardCursor | undefined): { entries: T[]; next: ShardCursor | null } {
      const list = byShard[shard] ?? [];
      const from = typeof start?.index === 'number' ? start.index : 0;
      const to = Math.min(list.length, from + pageSize);
      return { entries: list.slice(from, to).map((held) => held.entry), next: to < list.length ? { index: to } : null };
    },
  };
}

/**
 * A book held in memory as shaped customers, sharded and paged like the index, for tests and the automation runner's
 * in-memory port. Pages hand on the given customers: nothing is copied or decoded.
 */
export function memoryBookReader(customers: readonly BookCustomer[], options: MemoryBookOptions = {}): BookShardReader {
  const book = memoryShards(customers, (customer) => customer.customerId, options);
  return {
    shards: book.shards,
    async readPage(shard, start) {
      const { entries, next } = book.page(shard, start);
      return { customers: entries, next, readUnits: 0 };
    },
  };
}

/**
 * A book held in memory as the table holds it: raw book-index items (DynamoDB's wire format), sharded and paged like
 * the index, each page projected to the pass's attributes and decoded when read (`bookCustomerFromWire`), as the
 * DynamoDB reader decodes a Query's page. A pass over it costs what the client does with the pages, without the network.
 */
export function memoryStoredBookReader(items: readonly Record<string, AttributeValue>[], options: MemoryBookOptions = {}): BookShardReader {
  const book = memoryShards(items, (item) => item.customerId?.S ?? '', options);
  return {
    shards: book.shards,
    async readPage(shard, start, attributes) {
      const { entries, next } = book.page(shard, start);
      const page = attributes === undefined ? entries : entries.map((item) => projectItem(item, attributes));
      return { customers: page.map(bookCustomerFromWire), next, readUnits: 0 };
    },
  };
}

/** What a ProjectionExpression of these paths returns of an item (`agg.totalSpent`: that field of the `agg` map). */
function projectItem(item: Record<string, AttributeValue>, paths: AttributePaths): Record<string, AttributeValue> {
  const projected: Record<string, AttributeValue> = {};
  for (const path of paths) {
    const [name, field, ...deeper] = path.split('.') as [string, string | undefined, ...string[]];
    const value = item[name];
    if (value === undefined) continue;
    // Deeper paths are not used by any rule; reading the whole attribute for one would only read more.
    if (field === undefined || deeper.length > 0) projected[name] = value;
    else if (value.M?.[field] !== undefined) {
      const map = (projected[name]?.M ?? {}) as Record<string, AttributeValue>;
      map[field] = value.M[field];
      projected[name] = { M: map };
    }
  }
  return projected;
}
