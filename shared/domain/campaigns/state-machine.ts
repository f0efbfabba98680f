/**
 * The life of a campaign, as a pure function of (status, scheduleVersion) and a command. Everything that changes a
 * campaign's status goes through `transition`; the repository then writes the result conditionally on the state it
 * read, so two racing commands cannot both win.
 *
 * `scheduleVersion` names the schedule that may start the campaign: every `schedule` (first time or reschedule) takes
 * a new version, and a `dispatch` (the Scheduler firing) only succeeds with the current one, which is what turns a
 * late, duplicate, replaced or cancelled firing into a no-op.
 */
export const CAMPAIGN_STATUSES = ['draft', 'scheduled', 'sending', 'paused', 'sent', 'cancelled'] as const;
export type CampaignStatus = (typeof CAMPAIGN_STATUSES)[number];

export interface CampaignState {
  readonly status: CampaignStatus;
  readonly scheduleVersion: number;
}

export type CampaignCommand =
  | { readonly type: 'schedule' }
  | { readonly type: 'unschedule' }
  | { readonly type: 'send' }
  | { readonly type: 'cancel' }
  | { readonly type: 'pause' }
  | { readonly type: 'resume' }
  | { readonly type: 'complete' }
  | { readonly type: 'dispatch'; readonly scheduleVersion: number };

export type CampaignCommandType = CampaignCommand['type'];

/** Where each command may start from, and where it leads (`dispatch` also needs the current schedule version). */
export const TRANSITIONS: Readonly<Record<CampaignCommandType, { from: readonly CampaignStatus[]; to: CampaignStatus }>> = {
  schedule: { from: ['draft', 'scheduled'], to: 'scheduled' },
  unschedule: { from: ['scheduled'], to: 'draft' },
  send: { from: ['draft', 'scheduled'], to: 'sending' },
  cancel: { from: ['draft', 'scheduled', 'sending', 'paused'], to: 'cancelled' },
  pause: { from: ['sending'], to: 'paused' },
  resume: { from: ['paused'], to: 'sending' },
  complete: { from: ['sending'], to: 'sent' },
  dispatch: { from: ['scheduled'], to: 'sending' },
};

export type TransitionResult =
  | { readonly ok: true; readonly state: CampaignState }
  /** `stale`: a dispatch for a schedule version that is no longer the current one. */
  | { readonly ok: false; readonly reason: 'not_allowed' | 'stale'; readonly currentStatus: CampaignStatus };

export function transition(state: CampaignState, command: CampaignCommand): TransitionResult {
  const rule = TRANSITIONS[command.type];
  if (!rule.from.includes(state.status)) return { ok: false, reason: 'not_allowed', currentStatus: state.status };
  if (command.type === 'dispatch' && command.scheduleVersion !== state.scheduleVersion) {
    return { ok: false, reason: 'stale', currentStatus: state.status };
  }
  const scheduleVersion = command.type === 'schedule' ? state.scheduleVersion + 1 : state.scheduleVersion;
  return { ok: true, state: { status: rule.to, scheduleVersion } };
}

export const INITIAL_CAMPAIGN_STATE: CampaignState = { status: 'draft', scheduleVersion: 0 };

/** Statuses in which the campaign's content, recipients and details may still be edited. */
export const EDITABLE_STATUSES: readonly CampaignStatus[] = ['draft', 'scheduled'];

/** Statuses no command leaves. */
export const FINAL_STATUSES: readonly CampaignStatus[] = ['sent', 'cancelled'];

/** The verb of a command for messages: "Cannot pause a campaign that is draft". */
export const COMMAND_VERBS: Readonly<Record<CampaignCommandType, string>> = {
  schedule: 'schedule',
  unschedule: 'unschedule',
  send: 'send',
  cancel: 'cancel',
  pause: 'pause',
  resume: 'resume',
  complete: 'complete',
  dispatch: 'start',
};
