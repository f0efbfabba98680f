/**
 * Status changes with effects outside the table: scheduling (EventBridge Scheduler), the commands of the state machine
 * and the dispatcher's entry. Order of effects, so that a crash between any two steps is safe:
 *   1. the campaign is written first, conditionally (new status, new schedule version);
 *   2. then the new schedule is created (named after its version: a retried request finds it there);
 *   3. then the replaced schedule is deleted.
 * A schedule left behind by a crash fires with a version that is no longer current and the dispatcher ignores it; a
 * schedule missing after a crash between 1 and 2 is created by sending the same schedule request again.
 */
import type { OneTimeSchedules } from '../../adapters/scheduler/one-time-schedules';
import { auditItem } from '../../audit/audit-entry';
import type { Principal } from '../../auth/roles';
import { ProblemError, problems } from '../../http/problem';
import { logger } from '../../observability/logger';
import { loadTenantSettings } from '../tenants/tenant-repository';
import { stateOf, withState, type Campaign } from './campaign';
import { mutateCampaign } from './campaign-mutation';
import { smsUnavailable, statusConflict } from './campaign-problems';
import { stageCampaignRewrite } from './campaign-repository';
import { campaignDispatchSchedule, campaignScheduleName, type DispatchInput } from './campaign-schedule';
import type { CampaignSchedule } from './campaign-schema';
import { stageTemplateCheck, templateUnavailable } from './content-checks';
import { instantOf } from './schedule-time';
import { stageSegmentUsage } from './segment-usage';
import { handOverToPipeline } from './send-handover';
import type { CampaignSendPort } from './send-port';
import { FINAL_STATUSES, transition, type CampaignCommand, type CampaignStatus } from './state-machine';

export interface LifecycleDeps {
  readonly schedules: OneTimeSchedules;
  readonly sendPort: CampaignSendPort | undefined;
  /** ARN of the dispatcher function, the target of every campaign schedule. */
  readonly dispatcherArn: () => string;
  readonly now: () => Date;
}

export type SystemActor = { tenantId: string; staffId: 'system'; role: 'system' };
/** A staff member, or the system (the dispatcher, the pipeline's reconciler completing a send, the reputation guard pausing one). */
export type CampaignActor = Principal | SystemActor;

export const systemActor = (tenantId: string): SystemActor => ({ tenantId, staffId: 'system', role: 'system' });

/** The stored campaign after a write: one revision on from the one read. */
const written = (campaign: Campaign, readRevision: number): Campaign => ({ ...campaign, revision: readRevision + 1 });

function statusAudit(actor: CampaignActor, campaignId: string, from: CampaignStatus, to: CampaignStatus, at: string, detail?: string) {
  return auditItem(
    actor,
    {
      action: to === 'sending' && from !== 'paused' ? 'sent' : 'updated',
      entity: 'campaign',
      entityId: campaignId,
      fields: ['status'],
      detail: `${from} → ${to}${detail ? `, ${detail}` : ''}`,
    },
    at,
  );
}

/** A schedule that is no longer wanted; failing to delete it is harmless (its firing is stale), so it is only logged. */
async function retireSchedule(deps: LifecycleDeps, campaignId: string, scheduleVersion: number): Promise<void> {
  try {
    await deps.schedules.delete(campaignScheduleName(campaignId, scheduleVersion));
  } catch (error) {
    logger.warn('replaced campaign schedule not deleted; its firing will be ignored', {
      campaignId,
      scheduleVersion,
      error: error as Error,
    });
  }
}

export interface ScheduleRequest {
  readonly at?: string | undefined;
  readonly timeZone?: string | undefined;
}

/**
 * Puts a draft on the calendar, or moves a scheduled campaign (a new schedule version each time). Without `at` the
 * campaign's planned time is used; without `timeZone`, the tenant's. Asking again for the time it is already scheduled
 * at changes nothing and makes sure its schedule exists.
 */
export async function scheduleCampaign(
  actor: Principal,
  campaignId: string,
  request: ScheduleRequest | undefined,
  deps: LifecycleDeps,
): Promise<Campaign> {
  const now = deps.now();
  const settings = await loadTenantSettings(actor.tenantId);
  const { campaign, schedule, replacedVersion } = await mutateCampaign(actor.tenantId, campaignId, (loaded) => {
    const current = loaded.campaign;
    if (current.channel === 'sms') throw smsUnavailable();
    const schedule = requestedSchedule(current, request, settings.timeZone);
    const fireAt = instantOf(schedule.at, schedule.timeZone);
    if (fireAt.getTime() <= now.getTime()) {
      throw problems.unprocessable('Choose a time in the future.', {
        errors: [{ path: request?.at === undefined ? 'schedule.at' : 'body.at', message: `${schedule.at} in ${schedule.timeZone} has passed` }],
      });
    }
    if (current.status === 'scheduled' && current.schedule?.at === schedule.at && current.schedule.timeZone === schedule.timeZone) {
      return { kind: 'unchanged', result: { campaign: current, schedule, replacedVersion: undefined } };
    }
    const result = transition(stateOf(current), { type: 'schedule' });
    if (!result.ok) throw statusConflict('schedule', result.currentStatus);
    const next: Campaign = { ...withState(current, result.state, now), schedule, scheduledFor: fireAt.toISOString() };
    let template: number | undefined;
    return {
      kind: 'write',
      stage: (uow) => {
        stageCampaignRewrite(uow, loaded, next);
        template = stageTemplateCheck(uow, next.tenantId, next.channel, next.content);
        const detail = `for ${schedule.at} ${schedule.timeZone}, schedule version ${next.scheduleVersion}`;
        uow.put(statusAudit(actor, campaignId, current.status, next.status, next.updatedAt, detail));
      },
      explainFailure: (failed) =>
        template !== undefined && failed.includes(template) ? templateUnavailable(next.channel, 'content.templateId') : undefined,
      result: {
        campaign: written(next, current.revision),
        schedule,
        replacedVersion: current.status === 'scheduled' ? current.scheduleVersion : undefined,
      },
    };
  });

  const { at, timeZone } = schedule;
  try {
    await deps.schedules.create(
      campaignDispatchSchedule({
        tenantId: campaign.tenantId,
        campaignId,
        scheduleVersion: campaign.scheduleVersion,
        at,
        timeZone,
        dispatcherArn: deps.dispatcherArn(),
      }),
    );
  } catch (error) {
    logger.error('campaign schedule could not be created', { campaignId, scheduleVersion: campaign.scheduleVersion, error: error as Error });
    throw new ProblemError(503, 'Service unavailable', 'The campaign could not be put on the calendar. Send the same request again.');
  }
  if (replacedVersion !== undefined) await retireSchedule(deps, campaignId, replacedVersion);
  logger.info('campaign scheduled', { campaignId, scheduleVersion: campaign.scheduleVersion });
  return campaign;
}

function requestedSchedule(
  campaign: Campaign,
  request: ScheduleRequest | undefined,
  tenantTimeZone: string,
): Required<CampaignSchedule> {
  const at = request?.at ?? campaign.schedule?.at;
  if (at === undefined) {
    throw problems.unprocessable('Choose when to send it.', {
      errors: [{ path: 'body.at', message: 'Enter a local date and time such as 2025-02-14T10:00' }],
    });
  }
  // A new time without a zone is in the tenant's zone; re-using the planned time keeps the zone planned with it.
  const plannedZone = request?.at === undefined ? campaign.schedule?.timeZone : undefined;
  return { at, timeZone: request?.timeZone ?? plannedZone ?? tenantTimeZone };
}

export type CampaignStatusCommand = Exclude<CampaignCommand, { type: 'schedule' } | { type: 'dispatch' }>;

/**
 * Unschedule, send now, cancel, pause, resume, complete: the state machine decides, the write is conditional, then
 * the schedule the campaign left is deleted and a campaign that entered `sending` is handed to the pipeline. A
 * hand-over that fails is logged, not answered as an error: the campaign is sending, its hand-over stays pending for
 * the pipeline's reconciler.
 */
export async function runCampaignCommand(
  actor: CampaignActor,
  campaignId: string,
  command: CampaignStatusCommand,
  deps: LifecycleDeps,
): Promise<Campaign> {
  const now = deps.now();
  const { campaign, leftVersion } = await mutateCampaign(actor.tenantId, campaignId, (loaded) => {
    const current = loaded.campaign;
    if (command.type === 'send' && current.channel === 'sms') throw smsUnavailable();
    const result = transition(stateOf(current), command);
    if (!result.ok) throw statusConflict(command.type, result.currentStatus);
    const next = withState(current, result.state, now);
    let template: number | undefined;
    return {
      kind: 'write',
      stage: (uow) => {
        stageCampaignRewrite(uow, loaded, next);
        if (command.type === 'send') template = stageTemplateCheck(uow, next.tenantId, next.channel, next.content);
        if (FINAL_STATUSES.includes(next.status)) stageSegmentUsage(uow, next, current.recipients, undefined, next.updatedAt);
        uow.put(statusAudit(actor, campaignId, current.status, next.status, next.updatedAt));
      },
      explainFailure: (failed) =>
        template !== undefined && failed.includes(template) ? templateUnavailable(next.channel, 'content.templateId') : undefined,
      result: {
        campaign: written(next, current.revision),
        leftVersion: current.status === 'scheduled' ? current.scheduleVersion : undefined,
      },
    };
  });
  if (leftVersion !== undefined) await retireSchedule(deps, campaignId, leftVersion);
  if (campaign.status === 'sending') {
    try {
      await handOverToPipeline(deps.sendPort, campaign);
    } catch (error) {
      logger.error('campaign hand-over to the send pipeline failed; it stays pending', { campaignId, error: error as Error });
    }
  }
  return campaign;
}

export type DispatchOutcome =
  /** Moved scheduled → sending by this firing and handed over. */
  | 'started'
  /** A retried firing of the schedule that started the campaign, whose hand-over had not completed: handed over now. */
  | 'handover_retried'
  /** Nothing to do: a replaced, unscheduled, cancelled, already dispatched or duplicate firing. */
  | 'ignored'
  | 'not_found';

/**
 * The dispatcher's entry: scheduled → sending only if the firing's schedule version is the campaign's current one.
 * A hand-over failure is thrown, so Scheduler retries the firing and the retry hands over again.
 */
export async function dispatchScheduledCampaign(input: DispatchInput, deps: LifecycleDeps): Promise<DispatchOutcome> {
  const now = deps.now();
  type Step = { kind: 'started' | 'handover_retried' | 'ignored'; status: CampaignStatus };
  let outcome: Step;
  try {
    outcome = await mutateCampaign<Step>(input.tenantId, input.campaignId, (loaded) => {
      const current = loaded.campaign;
      const result = transition(stateOf(current), { type: 'dispatch', scheduleVersion: input.scheduleVersion });
      if (!result.ok) {
        const unfinishedHandover =
          current.status === 'sending' && current.scheduleVersion === input.scheduleVersion && current.handover === 'pending';
        return { kind: 'unchanged', result: { kind: unfinishedHandover ? 'handover_retried' : 'ignored', status: current.status } };
      }
      const next = withState(current, result.state, now);
      return {
        kind: 'write',
        stage: (uow) => {
          stageCampaignRewrite(uow, loaded, next);
          const detail = `schedule version ${input.scheduleVersion} fired`;
          uow.put(statusAudit(systemActor(input.tenantId), input.campaignId, current.status, next.status, next.updatedAt, detail));
        },
        result: { kind: 'started', status: next.status },
      };
    });
  } catch (error) {
    if (error instanceof ProblemError && error.status === 404) return 'not_found';
    throw error;
  }
  if (outcome.kind === 'ignored') return 'ignored';
  await handOverToPipeline(deps.sendPort, input);
  return outcome.kind;
}
