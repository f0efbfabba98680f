/**
 * `npm run bench:segments`: what a segment count costs, end to end.
 *
 * Builds books of synthetic customers with aggregates (the predicate micro-benchmark's generator,
 * scripts/bench-segment-predicate.ts), then prints, for its composite rule (a percentile VIP step and a ranked
 * best-customers step, among others):
 *  1. predicate throughput: customers a second the compiled rule decides on one core (spend distribution given);
 *  2. the count through the in-memory store adapter (the book held as the table holds it, raw items decoded page by
 *     page as the DynamoDB reader decodes them) next to just reading the same customers from it;
 *  3. the count through DynamoDB (dynalite, the local emulator, in this process) next to just reading the same
 *     customers with the same queries, and the read units per 1,000 customers from ConsumedCapacity (dynalite reports
 *     it for book-index queries too), checked against read units computed from the index items' sizes;
 *  4. the client-side cost of a DynamoDB page (decoding the raw items), which bounds what one Lambda reads
 *     a second in AWS, for the synchronous limit's reasoning.
 * Prints measurements; asserts nothing.
 *
 *   npm run bench:segments [-- --memory 10000,100000 --dynamo 10000,50000 --rounds 2]   (0 skips a part)
 */
import { DynamoDBClient, QueryCommand as RawQueryCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { availableParallelism, loadavg } from 'node:os';
import { startLocalDynamo } from '../local/dynamo/local-dynamo';
import { ensureTable } from '../local/dynamo/ensure-table';
import { batchPutItems } from '../local/seed/batch-write';
import { setAwsTestCredentials } from '../test/support/emulators';
import { bookCustomerFromWire } from '../shared/domain/segments/book-customer';
import { dynamoBookReader, emptyReadStats, memoryStoredBookReader, projectionOf, streamBook, type BookShardReader } from '../shared/domain/segments/book-reader';
import type { SegmentPlan } from '../shared/domain/segments/compile-rule';
import { collectSpendDistribution } from '../shared/domain/segments/evaluate-stream';
import { SegmentRun } from '../shared/domain/segments/segment-run';
import { evaluateBook, evaluationAttributes, SPEND_ATTRIBUTES } from '../shared/domain/segments/segment-evaluation';
import { indexKeys, keys } from '../shared/store/keys';
import { BOOK_PROJECTION, BOOK_SHARDS, INDEXES } from '../shared/store/table-definition';
import { buildBook, COMPOSITE_RULE, CONTEXT, plan, type StoredBookCustomer } from './bench-segment-predicate';

const args = new Map<string, string>();
for (let i = 2; i < process.argv.length; i += 2) args.set(String(process.argv[i]).replace(/^--/, ''), String(process.argv[i + 1]));
const sizes = (list: string) => list.split(',').map(Number).filter((n) => n > 0);
const MEMORY_SIZES = sizes(args.get('memory') ?? '10000,100000');
const DYNAMO_SIZES = sizes(args.get('dynamo') ?? '10000,50000');
/** Rounds through dynalite (default 2 up to 10k customers, 1 above: dynalite reads a few thousand a second). */
const DYNAMO_ROUNDS = args.has('rounds') ? Number(args.get('rounds')) : undefined;

interface Timing<T> {
  ms: number;
  cpuMs: number;
  value: T;
}

async function best<T>(rounds: number, body: () => Promise<T> | T): Promise<Timing<T>> {
  let timing: Timing<T> | undefined;
  for (let i = 0; i < rounds; i += 1) {
    const cpu = process.cpuUsage();
    const started = performance.now();
    const value = await body();
    const ms = performance.now() - started;
    const used = process.cpuUsage(cpu);
    if (timing === undefined || ms < timing.ms) timing = { ms, cpuMs: (used.user + used.system) / 1000, value };
  }
  return timing as Timing<T>;
}

const rate = (n: number, ms: number) => `${Math.round((n / ms) * 1000).toLocaleString('en')}/s`;
const fmt = (n: number, digits = 0) => n.toLocaleString('en', { maximumFractionDigits: digits, minimumFractionDigits: digits });
const row = (label: string, timing: Timing<unknown>, customers: number, note = '') =>
  console.log(`  ${label.padEnd(46)}${fmt(timing.ms, 1).padStart(10)} ms  ${rate(customers, timing.ms).padStart(12)}  ${note}`);

/** Reads the book exactly as a count of `plan` does (same passes, same attributes), evaluating nothing. */
async function readAlone(reader: BookShardReader, compiled: SegmentPlan) {
  const stats = emptyReadStats();
  let touched = 0;
  const passes = compiled.needs.spendDistribution ? [SPEND_ATTRIBUTES, evaluationAttributes(compiled, false)] : [evaluationAttributes(compiled, false)];
  for (const attributes of passes) {
    for await (const page of streamBook(reader, { attributes, stats })) touched += page.length;
  }
  return { stats, touched };
}

// ---------------------------------------------------------------------------------------------------------------------
// 1 and 2: in memory

async function inMemory(size: number) {
  const built = performance.now();
  const { customers, stored } = buildBook(size);
  console.log(`\n${fmt(size)} customers in memory (built in ${fmt(performance.now() - built)} ms)`);
  const compiled = plan(COMPOSITE_RULE);
  const pages = async function* () {
    for (let i = 0; i < customers.length; i += 1_000) yield customers.slice(i, i + 1_000);
  };
  const distribution = await collectSpendDistribution(pages, { passes: 0, pagesRead: 0, customersRead: 0 });
  const predicate = await best(3, () => {
    const run = new SegmentRun(compiled, { ...CONTEXT, spendDistribution: distribution });
    for (const customer of customers) run.offer(customer);
    return run.finish();
  });
  row('predicate (vip + top-N + 2 more branches)', predicate, size, `(${rate(size, predicate.cpuMs)} per CPU second) matches ${fmt(predicate.value.count)}`);

  const reader = memoryStoredBookReader(
    stored.map((customer) => marshall(customer, { removeUndefinedValues: true, convertClassInstanceToMap: false })),
    { pageSize: 400 },
  );
  const read = await best(3, () => readAlone(reader, compiled));
  const count = await best(3, () => evaluateBook({ reader }, { plan: compiled, context: CONTEXT }));
  row('in-memory store: read alone (2 passes)', read, read.value.touched, '(raw items projected and decoded page by page)');
  row('in-memory store: count (2 passes)', count, count.value.cost.customersRead, `count ${fmt(count.value.result.count)}, ${(count.ms / read.ms).toFixed(2)}x the read alone`);
}

// ---------------------------------------------------------------------------------------------------------------------
// 3 and 4: DynamoDB (dynalite)

/** A synthetic customer as the table holds it: base keys, book index keys, the projected attributes. */
function customerItem(tenantId: string, customer: StoredBookCustomer, i: number): Record<string, unknown> {
  return {
    ...keys.customer(tenantId, customer.customerId),
    ...indexKeys.book(tenantId, customer.customerId),
    type: 'Customer',
    tenantId,
    ...customer,
    email: `customer${i}@example.com`,
    phone: `+6141${String(i).padStart(7, '0')}`,
    addressLine: `${1 + (i % 300)} George Street`,
    postcode: String(2000 + (i % 900)),
    notes: 'Not projected: absent from the book index, so it costs no index read units.',
    version: 1,
    createdAt: '2021-05-01T00:00:00.000Z',
    updatedAt: '2025-11-01T00:00:00.000Z',
  };
}

/** DynamoDB's item size (names and values; numbers about half their digits) - documented rules, approximated. */
function attributeSize(value: unknown): number {
  if (value === null || value === undefined || typeof value === 'boolean') return 1;
  if (typeof value === 'number') return Math.ceil(String(Math.abs(value)).replace(/^0\.|\./, '').replace(/^0+/, '').length / 2) + 1;
  if (typeof value === 'string') return Buffer.byteLength(value);
  if (Array.isArray(value)) return 3 + value.reduce((sum: number, item) => sum + 1 + attributeSize(item), 0);
  return 3 + Object.entries(value as Record<string, unknown>).reduce((sum, [name, item]) => sum + 1 + Buffer.byteLength(name) + attributeSize(item), 0);
}

/** The book index item: projected attributes plus the table's and the index's keys, plus the index's 100 bytes. */
function indexItemSize(item: Record<string, unknown>): number {
  const names = [...BOOK_PROJECTION, 'pk', 'sk', 'gsi1pk', 'gsi1sk'];
  return 100 + names.reduce((sum, name) => (item[name] === undefined ? sum : sum + Buffer.byteLength(name) + attributeSize(item[name])), 0);
}

/** Read units a pass over these index items costs: per 1 MB page, the sum of sizes rounded up to 4 KB, halved (eventually consistent). */
function computedPassUnits(items: readonly Record<string, unknown>[]): number {
  const byShard = new Map<string, number[]>();
  for (const item of items) {
    const shard = String(item.gsi1pk);
    const sizes = byShard.get(shard) ?? [];
    sizes.push(indexItemSize(item));
    byShard.set(shard, sizes);
  }
  let units = 0;
  for (const sizes of byShard.values()) {
    let page = 0;
    for (const size of sizes) {
      page += size;
      if (page >= 1024 * 1024) {
        units += Math.ceil(page / 4096) / 2;
        page = 0;
      }
    }
    if (page > 0) units += Math.ceil(page / 4096) / 2;
  }
  return units;
}

async function throughDynamo(size: number, tableName: string, endpoint: string) {
  const tenantId = `BENCH${size}`;
  const { stored } = buildBook(size);
  const items = stored.map((customer, i) => customerItem(tenantId, customer, i));
  const sizes = items.map(indexItemSize);
  const averageSize = sizes.reduce((a, b) => a + b, 0) / sizes.length;
  console.log(`\n${fmt(size)} customers through DynamoDB (dynalite): book index items ${fmt(averageSize)} bytes on average, largest ${fmt(Math.max(...sizes))}`);

  const load = await best(1, () => batchPutItems(tableName, items, { concurrency: 8 }));
  row('load (BatchWriteItem, 8 in parallel)', load, size);

  const compiled = plan(COMPOSITE_RULE);
  const reader = dynamoBookReader(tenantId);
  const rounds = DYNAMO_ROUNDS ?? (size <= 10_000 ? 2 : 1);
  // Interleaved, so a burst of load on a shared machine hits both alike.
  let read: Timing<Awaited<ReturnType<typeof readAlone>>> | undefined;
  let count: Timing<Awaited<ReturnType<typeof evaluateBook>>> | undefined;
  for (let round = 0; round < rounds; round += 1) {
    const readRound = await best(1, () => readAlone(reader, compiled));
    const countRound = await best(1, () => evaluateBook({ reader }, { plan: compiled, context: CONTEXT }));
    if (read === undefined || readRound.ms < read.ms) read = readRound;
    if (count === undefined || countRound.ms < count.ms) count = countRound;
  }
  if (read === undefined || count === undefined) return;
  row('DynamoDB: read alone (2 passes, 16 shards)', read, read.value.touched);
  row('DynamoDB: count (2 passes, 16 shards)', count, count.value.cost.customersRead, `count ${fmt(count.value.result.count)}, ${(count.ms / read.ms).toFixed(2)}x the read alone`);

  const reported = count.value.cost.readUnits;
  const computed = 2 * computedPassUnits(items);
  console.log(
    `  read units: ${fmt(reported, 1)} reported by ConsumedCapacity for the count (2 passes), ${fmt(computed, 1)} computed from item sizes;` +
      ` ${fmt((reported / size) * 1000, 1)} per 1,000 customers counted (${fmt((reported / 2 / size) * 1000, 1)} per pass)`,
  );

  // 4: the client's share of reading a page: decoding the raw items into book customers, per pass.
  for (const [pass, attributes] of [
    ['spend distribution pass', SPEND_ATTRIBUTES],
    ['evaluation pass', evaluationAttributes(compiled, false)],
  ] as const) {
    const wire = await wirePages(tenantId, tableName, endpoint, attributes);
    const shaping = await best(3, () => {
      let n = 0;
      for (const page of wire) for (const item of page) n += bookCustomerFromWire(item).customerId.length > 0 ? 1 : 0;
      return n;
    });
    row(`client: decode, ${pass}`, shaping, size, `(${rate(size, shaping.cpuMs)} per CPU second)`);
  }
}

/** The raw Query responses (wire format) of one pass, to time the client's work on them alone. */
async function wirePages(tenantId: string, tableName: string, endpoint: string, attributes: readonly string[]) {
  const raw = new DynamoDBClient({ endpoint });
  const projection = projectionOf(attributes);
  const wire: Record<string, AttributeValue>[][] = [];
  for (let shard = 0; shard < BOOK_SHARDS; shard += 1) {
    let startKey: Record<string, AttributeValue> | undefined;
    do {
      const page = await raw.send(
        new RawQueryCommand({
          TableName: tableName,
          IndexName: INDEXES.book.indexName,
          KeyConditionExpression: '#pk = :pk',
          ExpressionAttributeNames: { '#pk': INDEXES.book.partitionKey, ...projection.names },
          ExpressionAttributeValues: { ':pk': { S: indexKeys.bookShard(tenantId, shard).gsi1pk } },
          ProjectionExpression: projection.expression,
          ...(startKey ? { ExclusiveStartKey: startKey } : {}),
        }),
      );
      wire.push(page.Items ?? []);
      startKey = page.LastEvaluatedKey;
    } while (startKey);
  }
  raw.destroy();
  return wire;
}

async function main() {
  console.log(`Segment bench: Node ${process.version}, ${availableParallelism()} cores, load average ${loadavg()[0]?.toFixed(2)}; best of 3 in memory, of 2 through dynalite (1 above 10k)`);
  for (const size of MEMORY_SIZES) await inMemory(size);
  if (DYNAMO_SIZES.length === 0) return;

  setAwsTestCredentials();
  const dynamo = await startLocalDynamo();
  process.env.AWS_ENDPOINT_URL_DYNAMODB = dynamo.endpoint;
  const tableName = 'facet-bench';
  process.env.TABLE_NAME = tableName;
  const admin = new DynamoDBClient({ endpoint: dynamo.endpoint });
  await ensureTable(admin, tableName);
  admin.destroy();
  try {
    for (const size of DYNAMO_SIZES) await throughDynamo(size, tableName, dynamo.endpoint);
  } finally {
    await dynamo.stop();
  }
}

await main();
process.exit(0);
