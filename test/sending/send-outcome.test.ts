import { describe, expect, it } from 'vitest';
import { classifySendError } from '../../shared/domain/sending/send-outcome';

const sdkError = (name: string, status: number, fault: 'client' | 'server') =>
  Object.assign(new Error(name), { name, $fault: fault, $metadata: { httpStatusCode: status } });

describe('classifySendError', () => {
  it('retries refusals that a later attempt can overcome', () => {
    expect(classifySendError(sdkError('TooManyRequestsException', 429, 'client')).kind).toBe('retry');
    expect(classifySendError(sdkError('LimitExceededException', 400, 'client')).kind).toBe('retry');
    expect(classifySendError(Object.assign(new Error('connect'), { code: 'ECONNREFUSED' })).kind).toBe('retry');
  });

  it('fails definite refusals with their name as the reason', () => {
    for (const name of ['MessageRejected', 'SendingPausedException', 'AccountSuspendedException', 'MailFromDomainNotVerifiedException', 'BadRequestException']) {
      expect(classifySendError(sdkError(name, 400, 'client'))).toEqual({ kind: 'reject', reason: name });
    }
  });

  it('treats anything without a clear answer as unknown, never retried', () => {
    expect(classifySendError(sdkError('InternalFailure', 500, 'server')).kind).toBe('unknown');
    expect(classifySendError(Object.assign(new Error('reset'), { code: 'ECONNRESET' })).kind).toBe('unknown');
    expect(classifySendError(Object.assign(new Error('timeout'), { name: 'TimeoutError' })).kind).toBe('unknown');
    expect(classifySendError('a string').kind).toBe('unknown');
  });
});
