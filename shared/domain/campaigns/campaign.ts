/**
 * The campaign as the domain sees it, and the pure changes made to it: creation, edits, copies and status changes with
 * the timestamps they stamp. Storage (./campaign-repository.ts) and the API view (./campaign-view.ts) map from this.
 */
import type { CampaignChannel, CampaignContent, CampaignCreate, CampaignPatch, CampaignRecipients, CampaignSchedule } from './campaign-schema';
import { contentChannelProblem } from './campaign-schema';
import type { CampaignState, CampaignStatus } from './state-machine';
import { EDITABLE_STATUSES, INITIAL_CAMPAIGN_STATE } from './state-machine';

/** Whether the send pipeline has taken over a campaign that entered `sending` (see ./send-port.ts). */
export type SendHandover = 'pending' | 'done';

export interface Campaign {
  readonly campaignId: string;
  readonly tenantId: string;
  readonly name: string;
  readonly description?: string;
  readonly channel: CampaignChannel;
  readonly content: CampaignContent;
  readonly recipients: CampaignRecipients;
  /** The planned send time; once scheduled its time zone is always filled in. */
  readonly schedule?: CampaignSchedule;
  readonly status: CampaignStatus;
  readonly scheduleVersion: number;
  /** The instant the current schedule fires (status `scheduled` only). */
  readonly scheduledFor?: string;
  readonly handover?: SendHandover;
  readonly createdBy: string;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly startedAt?: string;
  readonly pausedAt?: string;
  readonly completedAt?: string;
  readonly cancelledAt?: string;
  /** Bumped on every write; writes are conditional on the revision they read (optimistic concurrency). */
  readonly revision: number;
}

export function newCampaign(
  input: CampaignCreate,
  ids: { tenantId: string; campaignId: string; createdBy: string },
  now: Date,
): Campaign {
  const at = now.toISOString();
  return {
    ...ids,
    name: input.name,
    ...(input.description ? { description: input.description } : {}),
    channel: input.channel,
    content: input.content,
    recipients: input.recipients,
    ...(input.schedule ? { schedule: input.schedule } : {}),
    ...INITIAL_CAMPAIGN_STATE,
    createdAt: at,
    updatedAt: at,
    revision: 1,
  };
}

/** A new draft with the source's message and audience; its status, schedule and history start afresh. */
export function copyCampaign(source: Campaign, ids: { campaignId: string; createdBy: string }, now: Date): Campaign {
  return newCampaign(
    {
      name: copyName(source.name),
      ...(source.description ? { description: source.description } : {}),
      channel: source.channel,
      content: source.content,
      recipients: source.recipients,
    },
    { tenantId: source.tenantId, ...ids },
    now,
  );
}

const NAME_LIMIT = 120;
const COPY_SUFFIX = ' (copy)';

export function copyName(name: string): string {
  return name.length + COPY_SUFFIX.length <= NAME_LIMIT ? `${name}${COPY_SUFFIX}` : `${name.slice(0, NAME_LIMIT - COPY_SUFFIX.length)}${COPY_SUFFIX}`;
}

export type PatchOutcome =
  | { ok: true; campaign: Campaign; changed: string[] }
  | { ok: false; kind: 'not_editable'; currentStatus: CampaignStatus }
  | { ok: false; kind: 'reschedule_needed' }
  | { ok: false; kind: 'sms_unavailable' }
  | { ok: false; kind: 'invalid'; path: string; message: string };

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/**
 * Applies an edit. Only drafts and scheduled campaigns change; a scheduled campaign's time moves through
 * `POST .../schedule` (which replaces the Scheduler schedule), not through an edit, and it cannot become an SMS while
 * SMS cannot be sent. A patch that changes nothing
 * reports no changed fields and the caller writes nothing.
 */
export function patchCampaign(campaign: Campaign, patch: CampaignPatch, now: Date): PatchOutcome {
  if (!EDITABLE_STATUSES.includes(campaign.status)) return { ok: false, kind: 'not_editable', currentStatus: campaign.status };
  const next: Record<string, unknown> = { ...campaign };
  const changed: string[] = [];
  for (const field of ['name', 'description', 'channel', 'content', 'recipients', 'schedule'] as const) {
    const value = patch[field];
    if (value === undefined || same(value, campaign[field])) continue;
    if (value === null && campaign[field] === undefined) continue;
    if (value === null) delete next[field];
    else next[field] = value;
    changed.push(field);
  }
  const edited = next as unknown as Campaign;
  if (campaign.status === 'scheduled') {
    if (changed.includes('schedule')) return { ok: false, kind: 'reschedule_needed' };
    if (edited.channel === 'sms') return { ok: false, kind: 'sms_unavailable' };
  }
  const problem = contentChannelProblem(edited.channel, edited.content);
  if (problem) return { ok: false, kind: 'invalid', path: changed.includes('content') ? 'body.content' : 'body.channel', message: problem };
  if (changed.length === 0) return { ok: true, campaign, changed };
  return { ok: true, campaign: { ...edited, updatedAt: now.toISOString() }, changed };
}

export const stateOf = (campaign: Campaign): CampaignState => ({
  status: campaign.status,
  scheduleVersion: campaign.scheduleVersion,
});

/** Timestamps a status change stamps; leaving `scheduled` forgets when the old schedule would have fired. */
export function withState(campaign: Campaign, state: CampaignState, now: Date): Campaign {
  const at = now.toISOString();
  const { scheduledFor: _forgotten, ...rest } = campaign;
  const base: Campaign = { ...(state.status === 'scheduled' ? campaign : rest), ...state, updatedAt: at };
  switch (state.status) {
    case 'sending':
      return campaign.status === 'paused' ? { ...base, handover: 'pending' } : { ...base, startedAt: at, handover: 'pending' };
    case 'paused':
      return { ...base, pausedAt: at };
    case 'sent':
      return { ...base, completedAt: at };
    case 'cancelled':
      return { ...base, cancelledAt: at };
    default:
      return base;
  }
}
