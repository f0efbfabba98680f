import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fixedSigningKey, signingKeyProvider } from '../../shared/domain/unsubscribe/signing-key';
import { signUnsubscribeToken, unsubscribeUrl, verifyUnsubscribeToken, type UnsubscribeClaims } from '../../shared/domain/unsubscribe/unsubscribe-token';

const key = Buffer.from('k'.repeat(48));
const otherKey = Buffer.from('z'.repeat(48));
const claims: UnsubscribeClaims = { tenantId: '01TENANT', customerId: '01CUSTOMER', channel: 'email', campaignId: '01CAMPAIGN' };
const id = fc.stringMatching(/^[0-9A-Za-z_-]{1,30}$/);

describe('unsubscribe tokens', () => {
  it('round-trips the claims with the key that signed them', () => {
    fc.assert(
      fc.property(id, id, fc.constantFrom('email', 'sms'), fc.oneof(id, fc.constant('')), (tenantId, customerId, channel, campaignId) => {
        const token = signUnsubscribeToken({ tenantId, customerId, channel: channel as 'email', campaignId }, key);
        expect(verifyUnsubscribeToken(token, key)).toEqual({ tenantId, customerId, channel, campaignId });
        expect(token).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
      }),
    );
  });

  it('refuses a token signed with another key', () => {
    expect(verifyUnsubscribeToken(signUnsubscribeToken(claims, otherKey), key)).toBeUndefined();
  });

  it('refuses any change to the payload: it cannot be used for anyone else', () => {
    const token = signUnsubscribeToken(claims, key);
    const [, mac] = token.split('.');
    const forged = Buffer.from('u1|01TENANT|SOMEONE_ELSE|email|01CAMPAIGN').toString('base64url');
    expect(verifyUnsubscribeToken(`${forged}.${mac}`, key)).toBeUndefined();
    fc.assert(
      fc.property(fc.integer({ min: 0, max: token.length - 1 }), fc.constantFrom(...'ABCxyz019-_'), (at, character) => {
        fc.pre(token[at] !== character && token[at] !== '.');
        const altered = token.slice(0, at) + character + token.slice(at + 1);
        const verified = verifyUnsubscribeToken(altered, key);
        // Base64url's last character can carry unused bits: an alteration there may decode to the same bytes.
        if (verified) expect(verified).toEqual(claims);
      }),
    );
  });

  it('refuses garbage without throwing', () => {
    for (const garbage of ['', '.', 'abc', 'a.b.c', 'x'.repeat(500), '%%%.%%%']) expect(verifyUnsubscribeToken(garbage, key)).toBeUndefined();
  });

  it('builds the public URL under the API', () => {
    expect(unsubscribeUrl('https://api.example.com/', 'abc.def')).toBe('https://api.example.com/u/abc.def');
  });
});

describe('signing key provider', () => {
  it('is chosen by configuration: the key itself locally', async () => {
    const provider = signingKeyProvider({ SIGNING_KEY: 'a'.repeat(40) });
    expect((await provider.signingKey()).toString()).toBe('a'.repeat(40));
  });

  it('refuses to run without a key, or with a short one', () => {
    expect(() => signingKeyProvider({})).toThrow(/SIGNING_KEY/);
    expect(() => fixedSigningKey('short')).toThrow(/shorter/);
  });
});
