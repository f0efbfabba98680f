/**
 * `npm run bench:automations [-- --customers 100000]`: one automation runner pass over a tenant with every automation
 * type switched on, and what it costs.
 *
 * The book is a synthetic one held in memory (the runner's in-memory book adapter, the same streaming code as over
 * DynamoDB): loading 100k customers into dynalite takes longer than the pass itself, and dynalite's read speed says
 * nothing about DynamoDB's. The read units the book pass would cost on DynamoDB are computed from the book items'
 * sizes, the way DynamoDB charges a Query (eventually consistent: 0.5 unit per 4 KB read). Everything else is real:
 * claims, hand-overs, run records and checkpoints are written to dynalite, send jobs go to local SQS, and every
 * DynamoDB call is metered (units by item kind; transactional writes cost double, as in DynamoDB). Event-based
 * automations get a day's worth of scheduled occurrences from synthetic domain events; their records are not in the
 * table, so the sender's re-read skips them (`record_missing`): the pass does the same reads and one write less each.
 *
 * Two passes are measured: the one at the send hour (the book is read once for all date-based automations) and the
 * next one 15 minutes later (nothing new can be due: the book is not read).
 */
import { parseArgs } from 'node:util';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { BookCustomer } from '../shared/domain/segments/book-customer';

type Plain = Record<string, unknown>;

const KIB = 1024;

/** The size DynamoDB bills for an item in AttributeValue form: attribute names plus values (approximately). */
function itemBytes(item: unknown): number {
  return Buffer.byteLength(JSON.stringify(item ?? {}), 'utf8');
}

function kindOf(pk: string, sk: string): string {
  if (pk.includes('#AUTOOCC#')) return sk.startsWith('REENTRY#') ? 'reentry history' : 'occurrence claim';
  if (pk.startsWith('AUTOOPEN#')) return 'open list';
  if (pk.includes('#AUTOSTATS#')) return 'daily counters';
  if (pk.includes('#AUTORUNS#')) return 'run record';
  if (pk === 'AUTOMATIONS#ENABLED') return 'enabled worklist';
  if (sk === 'AUTORUNNER') return 'tenant pass lease';
  if (pk.includes('#RCPT#')) return 'send recipient';
  if (pk.endsWith('#SEND')) return `send ${sk.toLowerCase()}`;
  if (sk.startsWith('CAMPAIGN#')) return 'send (campaign item)';
  if (sk.startsWith('AUTOMATION#')) return 'automation';
  if (sk === 'TENANT') return 'tenant settings';
  if (sk === 'CUSTOMER') return 'customer';
  return sk.split('#')[0] ?? 'other';
}

const text = (value: unknown): string =>
  typeof value === 'string' ? value : value && typeof value === 'object' && 'S' in value ? String((value as { S: unknown }).S) : '';

interface Meter {
  reads: Record<string, number>;
  writes: Record<string, number>;
  calls: number;
  on: boolean;
}

/** Read and write units of every call the runner makes, by the kind of item its key names. */
function meter(client: DynamoDBClient): Meter {
  const m: Meter = { reads: {}, writes: {}, calls: 0, on: false };
  const add = (table: Record<string, number>, kind: string, units: number) => (table[kind] = (table[kind] ?? 0) + units);
  client.middlewareStack.add(
    (next, context) => async (args) => {
      if (!m.on) return next(args);
      m.calls += 1;
      const command = String(context.commandName);
      const input = args.input as Plain;
      if (command === 'TransactWriteItemsCommand') {
        for (const entry of (input.TransactItems ?? []) as Plain[]) {
          const op = Object.values(entry)[0] as Plain;
          const key = (op.Item ?? op.Key ?? {}) as Plain;
          // Transactional writes cost two units per KB, whether the transaction commits or is cancelled.
          add(m.writes, kindOf(text(key.pk), text(key.sk)), 2 * Math.max(1, Math.ceil(itemBytes(op.Item ?? op.Key) / KIB)));
        }
        return next(args);
      }
      if (input.ReturnConsumedCapacity === undefined) input.ReturnConsumedCapacity = 'TOTAL';
      const values = (input.ExpressionAttributeValues ?? {}) as Plain;
      const key = (input.Key ?? input.Item ?? {}) as Plain;
      const kind = kindOf(text(key.pk) || text(values[':pk']), text(key.sk) || text(values[':prefix']) || text(values[':from']));
      const read = command === 'GetItemCommand' || command === 'QueryCommand';
      try {
        const result = await next(args);
        const consumed = Number(((result.output as unknown as Plain).ConsumedCapacity as Plain | undefined)?.CapacityUnits ?? 0);
        const minimum = read ? (input.ConsistentRead === true ? 1 : 0.5) : 1;
        add(read ? m.reads : m.writes, kind, Math.max(consumed, minimum));
        return result;
      } catch (error) {
        if ((error as { name?: string }).name === 'ConditionalCheckFailedException') add(m.writes, kind, 1);
        throw error;
      }
    },
    { step: 'initialize', name: 'benchAutomationsMeter', priority: 'low' },
  );
  return m;
}

/** A synthetic jewellery book: dates spread over the year, 70% buyers over three years, 60% with marketing consent. */
function syntheticBook(size: number, random: () => number, now: Date, bookCustomerFromItem: (item: Plain) => BookCustomer): BookCustomer[] {
  const pick = <T>(values: readonly T[]) => values[Math.floor(random() * values.length)] as T;
  const day = (yearFrom: number, years: number) => {
    const ms = Date.UTC(yearFrom, 0, 1) + Math.floor(random() * years * 365) * 86_400_000;
    return new Date(ms).toISOString().slice(0, 10);
  };
  const customers: BookCustomer[] = [];
  for (let i = 0; i < size; i++) {
    const buyer = random() < 0.7;
    const last = buyer ? new Date(now.getTime() - Math.floor(random() * 3 * 365 * 86_400_000)).toISOString() : null;
    const birthday = random() < 0.8 ? { month: 1 + Math.floor(random() * 12), day: 1 + Math.floor(random() * 28), ...(random() < 0.5 ? { year: 1950 + Math.floor(random() * 55) } : {}) } : undefined;
    const granted = { status: 'granted', at: '2024-01-01T00:00:00.000Z', source: 'pos' };
    customers.push(
      bookCustomerFromItem({
        customerId: `c${String(i).padStart(7, '0')}`,
        firstName: pick(['Ana', 'Ben', 'Chloe', 'Dev', 'Ema', 'Finn', 'Grace', 'Hugo']),
        lastName: pick(['Ng', 'Smith', 'Rossi', 'Kowalski', 'Okafor', 'Tanaka']),
        email: `c${i}@book.example`,
        city: pick(['Sydney', 'Melbourne', 'Brisbane', 'Perth']),
        tags: random() < 0.1 ? ['vip'] : [],
        status: 'active',
        erased: random() < 0.005,
        customerSince: day(2015, 10),
        ...(birthday ? { birthday } : {}),
        ...(random() < 0.3 ? { anniversary: { month: 1 + Math.floor(random() * 12), day: 1 + Math.floor(random() * 28), year: 1980 + Math.floor(random() * 40) } } : {}),
        ...(random() < 0.25 ? { weddingDate: day(1980, 40) } : {}),
        consent: { email: { marketing: random() < 0.6 ? granted : null, service: granted }, sms: { marketing: null, service: null } },
        agg: buyer
          ? { totalSpent: Math.floor(random() * 500_000), purchaseCount: 1 + Math.floor(random() * 8), firstPurchaseAt: day(2015, 8) + 'T02:00:00.000Z', lastPurchaseAt: last }
          : { totalSpent: 0, purchaseCount: 0 },
      }),
    );
  }
  return customers;
}

const round = (n: number) => Math.round(n * 10) / 10;
const table = (units: Record<string, number>) =>
  Object.entries(units)
    .sort((a, b) => b[1] - a[1])
    .map(([kind, n]) => `    ${kind.padEnd(24)} ${round(n)}`)
    .join('\n');

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { customers: { type: 'string', default: '100000' } } });
  const size = Number(values.customers);
  process.env.SIGNING_KEY ??= 'bench-signing-key-0123456789abcdefghijklmnop';
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
  process.env.POWERTOOLS_LOG_LEVEL ??= 'ERROR';

  const { startEmulators } = await import('../test/support/emulators');
  const stack = await startEmulators({ sqs: true, ses: true });
  try {
    const { dynamoClient } = await import('../shared/store/dynamo');
    const { createTenant } = await import('../shared/domain/tenants/tenant-repository');
    const { createAutomation } = await import('../shared/domain/automations/automation-service');
    const { automationDefinitionSchema } = await import('../shared/domain/automations/automation-schema');
    const { runPass } = await import('../shared/domain/automations/runner');
    const { reactToBookEvent } = await import('../shared/domain/automations/reaction-service');
    const { memoryBookPort } = await import('../shared/domain/automations/store/book-port');
    const { bookCustomerFromItem } = await import('../shared/domain/segments/book-customer');
    const { mulberry32 } = await import('../local/seed/prng');
    const { BOOK_PROJECTION } = await import('../shared/store/table-definition');
    const { indexKeys } = await import('../shared/store/keys');
    const { marshall } = await import('@aws-sdk/util-dynamodb');

    // 10:30 on 10 June in Sydney: the default send hour (10:00) has just come.
    const passAt = new Date('2026-06-10T00:30:00.000Z');
    // Switched on the same morning, before the send hour: the pass sends today's occurrences, no backlog.
    const switchedOn = new Date('2026-06-09T20:00:00.000Z');
    const random = mulberry32(7);
    const tenant = await createTenant({ name: 'Bench Jewels', owner: { name: 'Owner', email: 'owner@bench.example' } });
    const owner = { tenantId: tenant.tenantId, staffId: tenant.ownerStaffId, role: 'owner' as const };

    const built = Date.now();
    const book = syntheticBook(size, random, passAt, bookCustomerFromItem);
    const port = memoryBookPort(book);
    const bookBytes = book.reduce((sum, customer) => {
      const projected = Object.fromEntries(BOOK_PROJECTION.filter((a) => a in customer).map((a) => [a, (customer as Plain)[a]]));
      return sum + itemBytes(marshall({ ...projected, ...indexKeys.book(tenant.tenantId, customer.customerId), pk: 'x', sk: 'CUSTOMER' }, { removeUndefinedValues: true }));
    }, 0);
    process.stderr.write(`book of ${size} customers built in ${Date.now() - built} ms\n`);

    const definitions = [
      { type: 'birthday', name: 'Birthday' },
      { type: 'anniversary', name: 'Anniversary', audience: { rule: { type: 'tags', tags: ['vip'], match: 'any' } } },
      { type: 'wedding_anniversary', name: 'Wedding anniversary', timing: { daysBefore: 7 } },
      { type: 'reengagement', name: 'We miss you' },
      { type: 'seasonal', name: "Father's Day", timing: { date: 'fathers_day', daysBefore: 14 } },
      { type: 'custom_date', name: 'Customer since', timing: { field: 'customer_since' } },
      { type: 'repair_ready', name: 'Repair ready' },
      { type: 'post_purchase', name: 'Thank you', timing: { daysAfter: 3 } },
      { type: 'appointment_reminder', name: 'Appointment reminder' },
      { type: 'layby_overdue', name: 'Lay-by overdue' },
    ];
    for (const definition of definitions) await createAutomation(owner, automationDefinitionSchema.parse({ ...definition, enabled: true }), switchedOn);

    // A day's events, a few days back, whose occurrences fall due in this pass.
    const eventsFor = Math.max(10, Math.round(size / 500));
    for (let i = 0; i < eventsFor; i++) {
      const customerId = book[i]!.customerId;
      const base = { eventId: `bench-${i}`, tenantId: tenant.tenantId, customerId, source: 'api' as const };
      const event =
        i % 3 === 0
          ? { ...base, type: 'purchase.recorded' as const, purchaseId: `p${i}`, purchasedAt: '2026-06-07T01:00:00.000Z', occurredAt: '2026-06-07T01:00:00.000Z', amount: 50_000, departments: ['rings'] }
          : i % 3 === 1
            ? { ...base, type: 'appointment.created' as const, appointmentId: `a${i}`, startsAt: '2026-06-11T00:10:00.000Z', occurredAt: '2026-06-01T01:00:00.000Z' }
            : { ...base, type: 'layby.created' as const, laybyId: `l${i}`, dueDate: '2026-06-09', occurredAt: '2026-05-01T01:00:00.000Z' };
      await reactToBookEvent(event, { now: () => new Date(event.occurredAt), book: () => port });
    }

    // The pure part alone: every customer against every date-based automation (prefilter, then occurrences).
    const { occurrencePrefilter } = await import('../shared/domain/automations/prefilter-service');
    const { dueOccurrences } = await import('../shared/domain/automations/occurrences');
    const { passWindow } = await import('../shared/domain/automations/catch-up');
    const { allAutomations } = await import('../shared/domain/automations/store/automation-store');
    const { tenantClockOf } = await import('../shared/domain/automations/handover-service');
    const { loadTenantSettings } = await import('../shared/domain/tenants/tenant-repository');
    const clock = tenantClockOf(await loadTenantSettings(tenant.tenantId));
    const dateBased = (await allAutomations(tenant.tenantId)).filter((stored) => !['repair_ready', 'post_purchase', 'appointment_reminder', 'layby_overdue'].includes(stored.automation.type));
    const windows = dateBased.map((stored) => passWindow({ automation: stored.automation, lastCompleted: undefined, now: passAt, timeZone: clock.timeZone })!);
    const timeEngine = (withPrefilter: boolean) => {
      const cpu = process.cpuUsage();
      const filters = dateBased.map((stored, i) => (withPrefilter ? occurrencePrefilter(stored.automation, clock, windows[i]!) : () => true));
      let found = 0;
      for (const customer of book) {
        for (let i = 0; i < dateBased.length; i++) {
          if (filters[i]!(customer)) found += dueOccurrences(dateBased[i]!.automation, customer, clock, windows[i]!).length;
        }
      }
      const used = process.cpuUsage(cpu);
      return { found, cpuMs: Math.round((used.user + used.system) / 1000) };
    };
    const engine = timeEngine(true);
    const unfiltered = timeEngine(false);

    const m = meter(dynamoClient);
    const pass = async (now: Date) => {
      m.reads = {};
      m.writes = {};
      m.calls = 0;
      m.on = true;
      const cpu = process.cpuUsage();
      const started = Date.now();
      const report = await runPass({
        now,
        scheduledAt: now,
        clockOverride: false,
        deadlineMs: Date.now() + 14 * 60_000,
        leaseUntilMs: Date.now() + 15 * 60_000,
        book: () => port,
      });
      const wall = Date.now() - started;
      const used = process.cpuUsage(cpu);
      m.on = false;
      return { report, wall, cpuMs: Math.round((used.user + used.system) / 1000), reads: { ...m.reads }, writes: { ...m.writes }, calls: m.calls };
    };

    const first = await pass(passAt);
    const second = await pass(new Date(passAt.getTime() + 15 * 60_000));
    const sum = (units: Record<string, number>) => round(Object.values(units).reduce((a, b) => a + b, 0));
    const bookReadUnits = round((bookBytes / (4 * KIB)) * 0.5);

    const lines = [
      '',
      `bench:automations — ${size.toLocaleString('en')} customers, ${definitions.length} automations on (every type), ${eventsFor} event-based occurrences due`,
      '',
      `Pass at the send hour (${passAt.toISOString()}):`,
      `  wall ${first.wall} ms, CPU ${first.cpuMs} ms; customers read ${first.report.totals.customersRead.toLocaleString('en')} (once, for all date-based automations)`,
      `  occurrences due ${first.report.totals.due}, messages enqueued ${first.report.totals.enqueued}, missed ${first.report.totals.missed}, skipped ${JSON.stringify(first.report.totals.skipped)}`,
      `  DynamoDB calls ${first.calls}; write units ${sum(first.writes)}; read units ${sum(first.reads)} (+ ${bookReadUnits} for the book pass on DynamoDB, from ${(bookBytes / 1e6).toFixed(1)} MB of book index items)`,
      `  write units by item:\n${table(first.writes)}`,
      `  read units by item:\n${table(first.reads)}`,
      `  of which the pure part (every customer against the ${dateBased.length} date-based automations): CPU ${engine.cpuMs} ms with the prefilter, ${unfiltered.cpuMs} ms without (${engine.found} = ${unfiltered.found} occurrences)`,
      `  per message enqueued: ${first.report.totals.enqueued ? round(sum(first.writes) / first.report.totals.enqueued) : '-'} write units (claim, hand-over with the send's items, counters)`,
      '',
      `Next pass, 15 minutes later (nothing new due, book not read):`,
      `  wall ${second.wall} ms, CPU ${second.cpuMs} ms; customers read ${second.report.totals.customersRead}; DynamoDB calls ${second.calls}; write units ${sum(second.writes)}; read units ${sum(second.reads)}`,
      '',
    ];
    process.stdout.write(lines.join('\n'));
  } finally {
    await stack.stop();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`bench:automations: ${(error as Error).stack ?? String(error)}\n`);
    process.exit(1);
  },
);
