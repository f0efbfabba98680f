/**
 * What an SES error means for a recipient, decided from the error alone (pure):
 *  - `retry`: SES refused without sending (throttling, a quota reached, or the request never left this machine): the
 *    claim is released and the message comes back later through SQS;
 *  - `reject`: SES refused for good (message rejected, sending paused, account suspended, bad request...): the recipient
 *    is failed with the reason;
 *  - `unknown`: no answer that says whether the email left (timeout, connection reset, a 5xx): the recipient becomes
 *    `unknown` and is never retried, because retrying could send it twice.
 */
export type SendErrorKind = 'retry' | 'reject' | 'unknown';

export interface ClassifiedSendError {
  readonly kind: SendErrorKind;
  /** Short, id-free reason kept on the recipient (no address or message text). */
  readonly reason: string;
}

/** Refusals SES documents for SendEmail that a later attempt can overcome. */
const RETRIABLE = new Set(['TooManyRequestsException', 'ThrottlingException', 'LimitExceededException']);

/** Refusals that will not change by trying again. */
const REJECTIONS = new Set([
  'MessageRejected',
  'SendingPausedException',
  'AccountSuspendedException',
  'MailFromDomainNotVerifiedException',
  'BadRequestException',
  'NotFoundException',
  'ValidationException',
  'AccessDeniedException',
]);

/** Failures that happen before a request is on the wire: nothing can have been sent. */
const NOT_SENT_NETWORK_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ERR_INVALID_URL']);

interface ErrorLike {
  name?: unknown;
  code?: unknown;
  $fault?: unknown;
  $metadata?: { httpStatusCode?: unknown };
}

export function classifySendError(error: unknown): ClassifiedSendError {
  const e = (typeof error === 'object' && error !== null ? error : {}) as ErrorLike;
  const name = typeof e.name === 'string' ? e.name : 'Error';
  const status = typeof e.$metadata?.httpStatusCode === 'number' ? e.$metadata.httpStatusCode : undefined;
  const code = typeof e.code === 'string' ? e.code : undefined;

  if (RETRIABLE.has(name) || status === 429) return { kind: 'retry', reason: name === 'Error' ? 'throttled' : name };
  if (REJECTIONS.has(name)) return { kind: 'reject', reason: name };
  if (code !== undefined && NOT_SENT_NETWORK_CODES.has(code)) return { kind: 'retry', reason: code };
  if (e.$fault === 'client' && status !== undefined && status >= 400 && status < 500) return { kind: 'reject', reason: name };
  return { kind: 'unknown', reason: status !== undefined ? `${name} (HTTP ${status})` : (code ?? name) };
}
