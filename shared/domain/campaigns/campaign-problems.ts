/** The answers campaign rules give when they refuse, in one place so the routes and tests agree on them. */
import { problems, type ProblemError } from '../../http/problem';
import { COMMAND_VERBS, type CampaignCommandType, type CampaignStatus } from './state-machine';

/** 409 with the status that made the command impossible, as `currentStatus`. */
export const statusConflict = (command: CampaignCommandType | 'edit' | 'delete', currentStatus: CampaignStatus): ProblemError =>
  problems.conflict(
    `Cannot ${command === 'edit' || command === 'delete' ? command : COMMAND_VERBS[command]} a campaign that is ${currentStatus}.`,
    { currentStatus },
  );

export const SMS_UNAVAILABLE = 'SMS sending is not available yet';
export const smsUnavailable = (): ProblemError => problems.unprocessable(SMS_UNAVAILABLE);
