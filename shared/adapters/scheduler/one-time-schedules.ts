/**
 * The port business code uses for one-time schedules ("invoke this function with this input at this wall time"),
 * so the domain never sees the Scheduler SDK and tests can drive the real adapter against the local Scheduler.
 */
export interface OneTimeSchedule {
  /** Unique within the stage's schedule group; deterministic names make a retried create harmless. */
  readonly name: string;
  /** Wall time `yyyy-mm-ddThh:mm:ss` in `timeZone`. */
  readonly at: string;
  /** IANA zone the wall time is read in. */
  readonly timeZone: string;
  /** ARN of the Lambda function to invoke. */
  readonly targetArn: string;
  /** The event the function receives. */
  readonly input: Readonly<Record<string, unknown>>;
  readonly description?: string;
}

export interface OneTimeSchedules {
  /** Creates the schedule; an existing one of the same name (a retried request) is left as it is: `exists`. */
  create(schedule: OneTimeSchedule): Promise<'created' | 'exists'>;
  /** Deletes it; one already gone (fired and deleted after completion, or never created) answers `absent`. */
  delete(name: string): Promise<'deleted' | 'absent'>;
}
