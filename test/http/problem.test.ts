import { describe, expect, it } from 'vitest';
import { ProblemError, problems } from '../../shared/http/problem';

describe('problem bodies (RFC 9457)', () => {
  it('keeps the HTTP status and title when an extension shares a member name', () => {
    const body = problems.conflict('Nothing is held.', { status: 'acknowledged', title: 'x', currentStatus: 'acknowledged' }).toBody('/v1/x');
    expect(body).toMatchObject({ status: 409, title: 'Conflict', detail: 'Nothing is held.', instance: '/v1/x', currentStatus: 'acknowledged' });
  });

  it('carries extensions next to the standard members', () => {
    const body = new ProblemError(422, 'Unprocessable', 'No.', { reason: 'sms' }).toBody();
    expect(body).toEqual({ type: expect.stringMatching(/unprocessable$/), title: 'Unprocessable', status: 422, detail: 'No.', reason: 'sms' });
  });
});
