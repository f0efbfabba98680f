/**
 * The Input of every recurring schedule the app declares. EventBridge Scheduler replaces the `<aws.scheduler.*>`
 * keywords on each firing, so the handler learns which schedule fired and for which time (lateness, catch-up).
 * CDK-free on purpose: the local scheduler can fire recurring schedules with exactly this payload.
 */
export function recurringScheduleInput(scheduleName: string): string {
  return JSON.stringify({
    schedule: scheduleName,
    scheduleArn: '<aws.scheduler.schedule-arn>',
    scheduledTime: '<aws.scheduler.scheduled-time>',
    executionId: '<aws.scheduler.execution-id>',
    attemptNumber: '<aws.scheduler.attempt-number>',
  });
}
