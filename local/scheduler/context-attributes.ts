/**
 * EventBridge Scheduler's context attributes: keywords in a target's Input that the service replaces on every
 * invocation, so a target can learn which schedule fired, for which time, and which attempt this is.
 */
export interface InvocationContext {
  readonly scheduleArn: string;
  readonly scheduledTime: Date;
  readonly executionId: string;
  readonly attemptNumber: number;
}

/** `2022-03-22T18:59:43Z`: whole seconds, as the service writes it. */
export function formatScheduledTime(time: Date): string {
  return time.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function withContextAttributes(input: string, context: InvocationContext): string {
  const values: Record<string, string> = {
    'schedule-arn': context.scheduleArn,
    'scheduled-time': formatScheduledTime(context.scheduledTime),
    'execution-id': context.executionId,
    'attempt-number': String(context.attemptNumber),
  };
  return input.replace(/<aws\.scheduler\.([a-z-]+)>/g, (keyword, name: string) => values[name] ?? keyword);
}
