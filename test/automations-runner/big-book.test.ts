/**
 * A book too big for one invocation (here: every invocation already past its deadline, so each reads one page per
 * shard): the pass checkpoints its shard cursors under the tenant's lease, the next invocations resume with the same
 * clock and windows, and every customer is read once, every due occurrence handed over once. Its own file: the
 * deadline stops every tenant of a pass, so no other tenant may be on the worklist.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Principal } from '../../shared/auth/roles';
import { createAutomation } from '../../shared/domain/automations/automation-service';
import { automationDefinitionSchema, type AutomationDefinitionInput } from '../../shared/domain/automations/automation-schema';
import { runPass, type RunnerDeps } from '../../shared/domain/automations/runner';
import { memoryBookPort, type BookPort } from '../../shared/domain/automations/store/book-port';
import { loadOccurrence } from '../../shared/domain/automations/store/occurrence-store';
import { listRuns } from '../../shared/domain/automations/store/run-store';
import { bookCustomerFromItem, type BookCustomer } from '../../shared/domain/segments/book-customer';
import { startEmulators, type TestEmulators } from '../support/emulators';
import { newTenant } from '../sending/pipeline-support';

let stack: TestEmulators;
const books = new Map<string, BookPort>();

beforeAll(async () => {
  stack = await startEmulators({ sqs: true, ses: true });
});
afterAll(async () => stack?.stop());

const customer = (customerId: string, fields: Record<string, unknown> = {}): BookCustomer =>
  bookCustomerFromItem({ customerId, firstName: customerId, lastName: 'Test', email: `${customerId}@x.example`, ...fields });
const birthdayOn = (month: number, day: number) => ({ birthday: { month, day } });

function deps(now: string, overrides: Partial<RunnerDeps> = {}): RunnerDeps {
  return {
    now: new Date(now),
    scheduledAt: new Date(now),
    clockOverride: false,
    deadlineMs: Date.now() + 60_000,
    leaseUntilMs: Date.now() + 120_000,
    book: (tenantId) => books.get(tenantId) ?? memoryBookPort([]),
    ...overrides,
  };
}

async function automation(owner: Principal, input: AutomationDefinitionInput, enabledAt: string): Promise<string> {
  const stored = await createAutomation(owner, automationDefinitionSchema.parse({ enabled: true, ...input }), new Date(enabledAt));
  return stored.automation.automationId;
}

const stateOf = async (owner: Principal, automationId: string, customerId: string, part: string) =>
  (await loadOccurrence(owner.tenantId, { automationId, customerId, occurrenceKey: `${automationId}/${customerId}/${part}` }))?.status;

describe('a book too big for one invocation', () => {
  it('is read in checkpointed slices, resumed by the next invocations, each customer once', async () => {
    const owner = await newTenant('Big Book Jewels');
    const size = 3000;
    const book = Array.from({ length: size }, (_, i) => customer(`c${String(i).padStart(5, '0')}`, i % 30 === 0 ? birthdayOn(6, 10) : birthdayOn(1 + (i % 5), 1 + (i % 28))));
    books.set(owner.tenantId, memoryBookPort(book, { pageSize: 40 }));
    const id = await automation(owner, { type: 'birthday', name: 'Birthdays', timing: { sendHour: 9 } }, '2026-06-09T00:00:00Z');

    const reports = [];
    // Each invocation is already past its deadline: it reads one page per shard and checkpoints.
    for (let invocation = 0; invocation < 20; invocation++) {
      const report = await runPass(deps(`2026-06-10T00:${String(invocation).padStart(2, '0')}:00Z`, { deadlineMs: Date.now() - 1 }));
      reports.push(report);
      if (report.partialTenants === 0 && report.automations > 0) break;
    }
    expect(reports.length).toBeGreaterThan(2);
    expect(reports.slice(0, -1).every((report) => report.partialTenants === 1)).toBe(true);

    const runs = (await listRuns(owner.tenantId, id, { limit: 10 })).items;
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ evaluated: true, counts: { customersRead: size, due: size / 30, enqueued: size / 30, alreadyHandled: 0 } });
    // The resumed pass kept its clock: the first invocation's.
    expect(runs[0]!.startedAt).toBe('2026-06-10T00:00:00.000Z');
    for (const index of [0, 30, 2970]) {
      expect(await stateOf(owner, id, `c${String(index).padStart(5, '0')}`, 'birthday/2026')).toMatchObject({ state: 'enqueued' });
    }
  });
});

