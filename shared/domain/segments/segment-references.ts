/**
 * Campaigns and automations refer to a saved segment by `segmentId`. Each use is an item under the segment
 * (`keys.segmentReference`) plus a per-kind counter on the segment item, both written in the same transaction as the
 * campaign or automation change that starts or stops using it. Deleting a segment is conditional on both counters
 * being zero (./segment-repository.ts), so a segment cannot disappear under a campaign that was saved at the same
 * moment: DynamoDB serialises the two transactions on the segment item and one of them fails its condition.
 *
 * System segments are never deleted, so they keep reference items (who uses them) without a counter.
 *
 * Usage, in the owner's unit of work:
 *   addSegmentReference(uow, { tenantId, segmentId, kind: 'campaign', ownerId: campaignId });
 *   // moving a campaign to another segment: removeSegmentReference(old) + addSegmentReference(new), same uow.
 * If the commit fails a condition, the segment was deleted meanwhile or the reference already existed: read the
 * segment again (`segmentExists`) to tell which.
 */
import { keys, type SegmentReferenceKind } from '../../store/keys';
import type { UnitOfWork } from '../../store/unit-of-work';
import { isSystemSegmentId, SYSTEM_SEGMENT_IDS } from './system-segments';
import { getSegmentItem } from './segment-repository';
import { itemsWithPrefix } from '../../store/items-with-prefix';

export interface SegmentReference {
  tenantId: string;
  segmentId: string;
  kind: SegmentReferenceKind;
  /** The campaign's or automation's id. */
  ownerId: string;
}

const COUNTER: Record<SegmentReferenceKind, string> = { campaign: 'campaignRefs', automation: 'automationRefs' };

/** The 409 a delete of a segment in use answers. */
export const SEGMENT_IN_USE: Record<SegmentReferenceKind, string> = {
  campaign: 'Cannot delete a segment in use by a campaign',
  automation: 'Cannot delete a segment in use by an automation',
};

/** Stages "this owner uses this segment": the reference item, and the segment's counter for a saved segment. */
export function addSegmentReference(uow: UnitOfWork, reference: SegmentReference, at: string = new Date().toISOString()): void {
  const { tenantId, segmentId, kind, ownerId } = reference;
  uow.put(
    { ...keys.segmentReference(tenantId, segmentId, kind, ownerId), type: 'SegmentReference', tenantId, segmentId, kind, ownerId, createdAt: at },
    { expression: 'attribute_not_exists(pk)' },
  );
  if (isSystemSegmentId(segmentId)) return;
  uow.update(
    keys.tenantEntity(tenantId, 'SEGMENT', segmentId),
    { expression: 'ADD #counter :one', names: { '#counter': COUNTER[kind] }, values: { ':one': 1 } },
    { expression: 'attribute_exists(pk)' },
  );
}

/** Stages "this owner no longer uses this segment" (the owner was deleted, or now uses another segment). */
export function removeSegmentReference(uow: UnitOfWork, reference: SegmentReference): void {
  const { tenantId, segmentId, kind, ownerId } = reference;
  uow.delete(keys.segmentReference(tenantId, segmentId, kind, ownerId), { expression: 'attribute_exists(pk)' });
  if (isSystemSegmentId(segmentId)) return;
  uow.update(
    keys.tenantEntity(tenantId, 'SEGMENT', segmentId),
    { expression: 'ADD #counter :minusOne', names: { '#counter': COUNTER[kind] }, values: { ':minusOne': -1 } },
    { expression: 'attribute_exists(pk) AND #counter > :zero', names: { '#counter': COUNTER[kind] }, values: { ':zero': 0 } },
  );
}

/** Whether a segment id can be referred to in this tenant: a system segment, or a saved segment that exists. */
export async function segmentExists(tenantId: string, segmentId: string): Promise<boolean> {
  if (isSystemSegmentId(segmentId)) return SYSTEM_SEGMENT_IDS.includes(segmentId);
  return (await getSegmentItem(tenantId, segmentId)) !== undefined;
}

/** Who uses a segment (for the segment's view and for messages). */
export async function listSegmentReferences(tenantId: string, segmentId: string): Promise<SegmentReference[]> {
  const items = await itemsWithPrefix(keys.segmentReferences(tenantId, segmentId));
  return items.map((item) => ({ tenantId, segmentId, kind: item.kind as SegmentReferenceKind, ownerId: String(item.ownerId) }));
}
