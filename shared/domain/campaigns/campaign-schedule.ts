/**
 * How a scheduled campaign meets EventBridge Scheduler: one one-time schedule per schedule version, named after it, so
 * a retried request finds its schedule already there instead of creating a second one, and the dispatcher can tell a
 * firing of a replaced schedule (older version) from the current one.
 */
import { z } from 'zod';
import type { OneTimeSchedule } from '../../adapters/scheduler/one-time-schedules';

/** What the dispatcher receives from a firing. */
export const dispatchInputSchema = z.object({
  tenantId: z.string().min(1),
  campaignId: z.string().min(1),
  scheduleVersion: z.number().int().min(1),
});
export type DispatchInput = z.infer<typeof dispatchInputSchema>;

/** `cmp-{campaignId}-v{version}`: within the 64 characters Scheduler allows for any 26-character id. */
export const campaignScheduleName = (campaignId: string, scheduleVersion: number) => `cmp-${campaignId}-v${scheduleVersion}`;

export function campaignDispatchSchedule(options: {
  tenantId: string;
  campaignId: string;
  scheduleVersion: number;
  at: string;
  timeZone: string;
  dispatcherArn: string;
}): OneTimeSchedule {
  const input: DispatchInput = {
    tenantId: options.tenantId,
    campaignId: options.campaignId,
    scheduleVersion: options.scheduleVersion,
  };
  return {
    name: campaignScheduleName(options.campaignId, options.scheduleVersion),
    at: options.at,
    timeZone: options.timeZone,
    targetArn: options.dispatcherArn,
    input,
    description: `Campaign ${options.campaignId}, schedule version ${options.scheduleVersion}`,
  };
}
