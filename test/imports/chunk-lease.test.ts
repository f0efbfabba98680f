import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Principal } from '../../shared/auth/roles';
import { claimChunk, createImportJob, loadChunkProgress, saveChunkProgress } from '../../shared/domain/imports/import-store';
import { processImportChunk } from '../../shared/domain/imports/process-chunk';
import { createTenant } from '../../shared/domain/tenants/tenant-repository';
import { logger } from '../../shared/observability/logger';
import { startEmulators, type TestEmulators } from '../support/emulators';

let stack: TestEmulators;
let owner: Principal;

beforeAll(async () => {
  logger.setLogLevel('CRITICAL');
  stack = await startEmulators();
  const tenant = await createTenant({ name: 'Lease', owner: { name: 'O', email: 'o@example.com' } });
  owner = { tenantId: tenant.tenantId, staffId: tenant.ownerStaffId, role: 'owner' };
});
afterAll(async () => {
  await stack?.stop();
});

async function newJob(importId: string, units = 3) {
  await createImportJob(
    owner,
    {
      importId,
      tenantId: owner.tenantId,
      kind: 'customers',
      format: 'json',
      totalRows: units,
      chunkCount: 1,
      createdAt: new Date().toISOString(),
      createdBy: owner.staffId,
    },
    [{ chunk: 0, rows: units }],
  );
}

const zero = { processed: 0, created: 0, updated: 0, unchanged: 0, failed: 0 };

describe('chunk leases', () => {
  it('lets one worker hold a chunk, hands it over once the lease is over, and resumes at the checkpoint', async () => {
    await newJob('lease-1');
    const now = Date.now();
    expect(await claimChunk(owner.tenantId, 'lease-1', 0, now, 1_000)).toMatchObject({ claimed: true, checkpoint: { nextIndex: 0 } });
    expect(await claimChunk(owner.tenantId, 'lease-1', 0, now + 10, 1_000)).toEqual({ claimed: false, state: 'processing' });

    await saveChunkProgress(owner.tenantId, 'lease-1', 0, { ...zero, nextIndex: 2, processed: 2, created: 2 }, { leaseUntil: now + 1_000 });
    expect(await claimChunk(owner.tenantId, 'lease-1', 0, now + 2_000, 1_000)).toEqual({
      claimed: true,
      checkpoint: { ...zero, nextIndex: 2, processed: 2, created: 2 },
    });

    await saveChunkProgress(owner.tenantId, 'lease-1', 0, { ...zero, nextIndex: 3, processed: 3, created: 3 }, { state: 'done' });
    expect(await claimChunk(owner.tenantId, 'lease-1', 0, now + 60_000, 1_000)).toEqual({ claimed: false, state: 'done' });
    expect(await loadChunkProgress(owner.tenantId, 'lease-1')).toEqual([{ chunk: 0, rows: 3, state: 'done', ...zero, processed: 3, created: 3 }]);
  });

  it('lets a failed chunk be taken again (a message redriven from the DLQ)', async () => {
    await newJob('lease-2');
    await claimChunk(owner.tenantId, 'lease-2', 0, Date.now(), 1_000);
    await saveChunkProgress(owner.tenantId, 'lease-2', 0, { ...zero, nextIndex: 1, processed: 1 }, { state: 'failed', reason: 'boom' });
    expect(await claimChunk(owner.tenantId, 'lease-2', 0, Date.now(), 1_000)).toMatchObject({ claimed: true, checkpoint: { nextIndex: 1 } });
  });

  it('a worker taking over a dead worker’s chunk processes only the records after its checkpoint', async () => {
    await newJob('lease-3');
    const units = [1, 2, 3].map((n) => ({ row: n, record: { externalId: `L3-${n}`, lastName: `Lease ${n}` } }));
    const message = {
      tenantId: owner.tenantId,
      importId: 'lease-3',
      kind: 'customers' as const,
      format: 'json' as const,
      chunk: 0,
      actor: owner,
      units,
    };
    // The first worker claimed the chunk, checkpointed after one record it counted, then died.
    const start = Date.now();
    await claimChunk(owner.tenantId, 'lease-3', 0, start, 150_000);
    await saveChunkProgress(owner.tenantId, 'lease-3', 0, { ...zero, nextIndex: 1, processed: 1, created: 1 }, { leaseUntil: start + 150_000 });

    const early = await processImportChunk(message, { receiveCount: 2, maxReceives: 3 });
    expect(early).toEqual({ outcome: 'skipped', state: 'processing' });

    const later = await processImportChunk(message, { receiveCount: 2, maxReceives: 3, now: () => new Date(start + 200_000) });
    expect(later).toEqual({ outcome: 'done', checkpoint: { ...zero, nextIndex: 3, processed: 3, created: 3 } });
  });
});
