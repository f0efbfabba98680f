/**
 * Errors in the Scheduler API's wire form: the HTTP status and `x-amzn-errortype` name the SDK maps to its exception
 * classes (ResourceNotFoundException, ConflictException, ValidationException, ...), with a `Message` body.
 */
export type SchedulerErrorType =
  | 'ValidationException'
  | 'ResourceNotFoundException'
  | 'ConflictException'
  | 'InternalServerException'
  | 'UnknownOperationException';

const STATUS: Record<SchedulerErrorType, number> = {
  ValidationException: 400,
  ResourceNotFoundException: 404,
  ConflictException: 409,
  InternalServerException: 500,
  UnknownOperationException: 404,
};

export class SchedulerApiError extends Error {
  readonly status: number;

  constructor(
    readonly type: SchedulerErrorType,
    message: string,
  ) {
    super(message);
    this.status = STATUS[type];
  }
}

export const apiErrors = {
  validation: (message: string) => new SchedulerApiError('ValidationException', message),
  scheduleNotFound: (name: string, group: string) =>
    new SchedulerApiError('ResourceNotFoundException', `Schedule ${name} does not exist in group ${group}.`),
  groupNotFound: (group: string) =>
    new SchedulerApiError('ResourceNotFoundException', `Schedule group ${group} does not exist.`),
  resourceNotFound: (arn: string) => new SchedulerApiError('ResourceNotFoundException', `Resource ${arn} does not exist.`),
  scheduleExists: (name: string, group: string) =>
    new SchedulerApiError('ConflictException', `Schedule ${name} already exists in group ${group}.`),
  groupExists: (group: string) => new SchedulerApiError('ConflictException', `Schedule group ${group} already exists.`),
};
