import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addSegmentReference, listSegmentReferences, removeSegmentReference, segmentExists, type SegmentReference } from '../../shared/domain/segments/segment-references';
import { createTenant } from '../../shared/domain/tenants/tenant-repository';
import { logger } from '../../shared/observability/logger';
import { keys } from '../../shared/store/keys';
import { isConditionFailure, UnitOfWork } from '../../shared/store/unit-of-work';
import { startEmulators, type TestEmulators } from '../support/emulators';
import { segments, staff } from './segments-support';

let stack: TestEmulators;
let tenantId: string;

beforeAll(async () => {
  logger.setLogLevel('ERROR');
  stack = await startEmulators();
  tenantId = (await createTenant({ name: 'Refs Jeweller', owner: { name: 'O', email: 'o@example.com' } })).tenantId;
}, 60_000);

afterAll(async () => stack?.stop());

const owner = () => staff(tenantId);

async function newSegment(name: string): Promise<string> {
  const created = await segments(owner(), 'POST /v1/segments', { body: { name, rule: { type: 'lapsed' } } });
  expect(created.status).toBe(201);
  return created.body.segmentId as string;
}

/**
 * A stand-in for the campaign and automation services: they save their own item and register the segment they use in
 * the same transaction.
 */
async function saveOwner(reference: SegmentReference, change: 'use' | 'stop'): Promise<void> {
  const uow = new UnitOfWork(undefined);
  const kind = reference.kind === 'campaign' ? 'CAMPAIGN' : 'AUTOMATION';
  uow.put({ ...keys.tenantEntity(tenantId, kind, reference.ownerId), type: 'FakeOwner', segmentId: change === 'use' ? reference.segmentId : null });
  if (change === 'use') addSegmentReference(uow, reference);
  else removeSegmentReference(uow, reference);
  await uow.commit();
}

const remove = (segmentId: string) => segments(owner(), 'DELETE /v1/segments/{segmentId}', { params: { segmentId } });

describe('segment references', () => {
  it('block deleting a segment a campaign uses (409), until the campaign lets go', async () => {
    const segmentId = await newSegment('Used by a campaign');
    const reference: SegmentReference = { tenantId, segmentId, kind: 'campaign', ownerId: 'campaign-1' };
    await saveOwner(reference, 'use');

    const read = await segments(owner(), 'GET /v1/segments/{segmentId}', { params: { segmentId } });
    expect(read.body.usedBy).toEqual({ campaigns: 1, automations: 0 });
    expect(await listSegmentReferences(tenantId, segmentId)).toEqual([reference]);

    const refused = await remove(segmentId);
    expect(refused.status).toBe(409);
    expect(refused.headers['content-type']).toBe('application/problem+json');
    expect(refused.body.detail).toBe('Cannot delete a segment in use by a campaign');

    await saveOwner(reference, 'stop');
    expect(await listSegmentReferences(tenantId, segmentId)).toEqual([]);
    expect((await remove(segmentId)).status).toBe(204);
  });

  it('say when it is an automation that uses the segment', async () => {
    const segmentId = await newSegment('Used by an automation');
    await saveOwner({ tenantId, segmentId, kind: 'automation', ownerId: 'automation-1' }, 'use');
    const refused = await remove(segmentId);
    expect(refused.status).toBe(409);
    expect(refused.body.detail).toBe('Cannot delete a segment in use by an automation');
  });

  it('cannot be added to a segment that does not exist, nor twice for the same owner', async () => {
    expect(await segmentExists(tenantId, 'no-such-segment')).toBe(false);
    await expect(saveOwner({ tenantId, segmentId: 'no-such-segment', kind: 'campaign', ownerId: 'campaign-2' }, 'use')).rejects.toSatisfy(isConditionFailure);
    const segmentId = await newSegment('Twice');
    const reference: SegmentReference = { tenantId, segmentId, kind: 'campaign', ownerId: 'campaign-3' };
    await saveOwner(reference, 'use');
    await expect(saveOwner(reference, 'use')).rejects.toSatisfy(isConditionFailure);
    expect((await segments(owner(), 'GET /v1/segments/{segmentId}', { params: { segmentId } })).body.usedBy.campaigns).toBe(1);
  });

  it('let campaigns use system segments, which can never be deleted', async () => {
    expect(await segmentExists(tenantId, 'sys_vip')).toBe(true);
    expect(await segmentExists(tenantId, 'sys_nothing')).toBe(false);
    const reference: SegmentReference = { tenantId, segmentId: 'sys_vip', kind: 'campaign', ownerId: 'campaign-4' };
    await saveOwner(reference, 'use');
    expect(await listSegmentReferences(tenantId, 'sys_vip')).toEqual([reference]);
    await saveOwner(reference, 'stop');
    expect(await listSegmentReferences(tenantId, 'sys_vip')).toEqual([]);
  });

  it('and a delete racing a new reference: exactly one of them wins', async () => {
    for (let round = 0; round < 5; round += 1) {
      const segmentId = await newSegment(`Race ${round}`);
      const [deleted, referenced] = await Promise.allSettled([
        remove(segmentId),
        saveOwner({ tenantId, segmentId, kind: 'campaign', ownerId: `racer-${round}` }, 'use'),
      ]);
      const deleteWon = deleted.status === 'fulfilled' && deleted.value.status === 204;
      const referenceWon = referenced.status === 'fulfilled';
      expect(deleteWon !== referenceWon, `round ${round}`).toBe(true);
      if (!deleteWon) expect(deleted.status === 'fulfilled' && deleted.value.status).toBe(409);
    }
  });
});
