/**
 * A campaign whose recipients are a saved segment (`{ segmentId }`) holds a reference on it while the campaign can
 * still send (draft, scheduled, sending, paused), so the segment cannot be deleted under it (409 "Cannot delete a
 * segment in use by a campaign"). The reference is taken and released in the same transaction as the campaign change
 * (../segments/segment-references.ts); a sent or cancelled campaign no longer holds one.
 */
import { problems, type ProblemError } from '../../http/problem';
import type { UnitOfWork } from '../../store/unit-of-work';
import { addSegmentReference, segmentExists, removeSegmentReference } from '../segments/segment-references';
import type { CampaignRecipients } from './campaign-schema';

export const segmentIdOf = (recipients: CampaignRecipients | undefined): string | undefined =>
  recipients !== undefined && 'segmentId' in recipients ? recipients.segmentId : undefined;

export const segmentUnavailable = (path = 'body.recipients.segmentId'): ProblemError =>
  problems.unprocessable('Choose one of your segments.', { errors: [{ path, message: 'Segment not found' }] });

/** 422 unless the segment the recipients name can be referred to (a system segment, or a saved one of the tenant). */
export async function assertSegmentUsable(tenantId: string, recipients: CampaignRecipients | undefined): Promise<void> {
  const segmentId = segmentIdOf(recipients);
  if (segmentId !== undefined && !(await segmentExists(tenantId, segmentId))) throw segmentUnavailable();
}

/**
 * Stages the move of the campaign's reference from the segment of `before` to that of `after` (undefined: none).
 * Answers the positions of the staged writes whose failed condition means the new segment was deleted meanwhile.
 */
export function stageSegmentUsage(
  uow: UnitOfWork,
  owner: { tenantId: string; campaignId: string },
  before: CampaignRecipients | undefined,
  after: CampaignRecipients | undefined,
  at: string,
): number[] {
  const from = segmentIdOf(before);
  const to = segmentIdOf(after);
  if (from === to) return [];
  const reference = (segmentId: string) => ({ tenantId: owner.tenantId, segmentId, kind: 'campaign' as const, ownerId: owner.campaignId });
  if (from !== undefined) removeSegmentReference(uow, reference(from));
  if (to === undefined) return [];
  const first = uow.size;
  addSegmentReference(uow, reference(to), at);
  return Array.from({ length: uow.size - first }, (_, offset) => first + offset);
}
