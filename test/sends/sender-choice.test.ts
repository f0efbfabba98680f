/** The pure parts of sender identities: who mail is from, the DKIM records, which domains can be registered. */
import { describe, expect, it } from 'vitest';
import { dkimRecords } from '../../shared/domain/sender-identity/dkim-records';
import { chooseSender } from '../../shared/domain/sender-identity/sender-choice';
import { newSenderIdentity, statusOf, withSesState } from '../../shared/domain/sender-identity/sender-identity';
import { domainProblem, normaliseDomain } from '../../shared/domain/sender-identity/sending-domain';

const PLATFORM = 'no-reply@mail.facet.example';
const store = { name: "O'Brien & Daughters", defaultSender: { name: 'Siobhan', email: 'siobhan@obrien.example' } };

describe('chooseSender', () => {
  it("uses the platform's address with the store's name and the store's address as Reply-To until verified", () => {
    for (const identity of [undefined, { domain: 'obrien.example', status: 'pending' as const }, { domain: 'obrien.example', status: 'failed' as const }]) {
      expect(chooseSender(store, identity, PLATFORM)).toEqual({
        fromAddress: PLATFORM,
        displayName: "O'Brien & Daughters",
        replyTo: ['siobhan@obrien.example'],
        ownDomain: false,
      });
    }
  });

  it('has no Reply-To when the store has no address', () => {
    expect(chooseSender({ name: 'Kiwi Gold' }, undefined, PLATFORM).replyTo).toEqual([]);
  });

  it("sends from the store's sender once its domain (or a parent domain) is verified", () => {
    expect(chooseSender(store, { domain: 'obrien.example', status: 'verified' }, PLATFORM)).toEqual({
      fromAddress: 'siobhan@obrien.example',
      displayName: 'Siobhan',
      replyTo: [],
      ownDomain: true,
    });
    const atSubdomain = { ...store, defaultSender: { name: 'Shop', email: 'shop@mail.obrien.example' } };
    expect(chooseSender(atSubdomain, { domain: 'obrien.example', status: 'verified' }, PLATFORM).fromAddress).toBe('shop@mail.obrien.example');
  });

  it("sends from no-reply at the verified domain when the store's address is elsewhere, replies to the store", () => {
    expect(chooseSender(store, { domain: 'obrien-jewellery.example', status: 'verified' }, PLATFORM)).toEqual({
      fromAddress: 'no-reply@obrien-jewellery.example',
      displayName: 'Siobhan',
      replyTo: ['siobhan@obrien.example'],
      ownDomain: true,
    });
    // "notobrien.example" is not at "obrien.example".
    const lookalike = { ...store, defaultSender: { name: 'X', email: 'x@notobrien.example' } };
    expect(chooseSender(lookalike, { domain: 'obrien.example', status: 'verified' }, PLATFORM).fromAddress).toBe('no-reply@obrien.example');
  });
});

describe('dkimRecords', () => {
  it('makes one CNAME per token into the hosted zone', () => {
    expect(dkimRecords('obrien.example', ['abc', 'def'], 'dkim.example.net')).toEqual([
      { type: 'CNAME', name: 'abc._domainkey.obrien.example', value: 'abc.dkim.example.net' },
      { type: 'CNAME', name: 'def._domainkey.obrien.example', value: 'def.dkim.example.net' },
    ]);
    expect(dkimRecords('obrien.example', ['abc'])[0]!.value).toBe('abc.dkim.amazonses.com');
  });
});

describe('identity status', () => {
  const pending = { verifiedForSending: false, dkimStatus: 'PENDING', dkimTokens: ['a', 'b', 'c'] };
  it('maps what SES says', () => {
    expect(statusOf(pending)).toBe('pending');
    expect(statusOf({ ...pending, dkimStatus: 'TEMPORARY_FAILURE' })).toBe('pending');
    expect(statusOf({ ...pending, dkimStatus: 'FAILED' })).toBe('failed');
    expect(statusOf({ ...pending, verifiedForSending: true, dkimStatus: 'SUCCESS' })).toBe('verified');
  });

  it('stamps the first verification only, and keeps tokens SES did not repeat', () => {
    const created = newSenderIdentity({ tenantId: 't', domain: 'd.example', createdBy: 's' }, pending, new Date('2030-01-01T00:00:00Z'));
    expect(created.verifiedAt).toBeUndefined();
    const verified = withSesState(created, { verifiedForSending: true, dkimStatus: 'SUCCESS', dkimTokens: [] }, new Date('2030-01-02T00:00:00Z'));
    expect(verified).toMatchObject({ status: 'verified', verifiedAt: '2030-01-02T00:00:00.000Z', dkimTokens: ['a', 'b', 'c'] });
    const later = withSesState(verified, { verifiedForSending: true, dkimStatus: 'SUCCESS', dkimTokens: ['a', 'b', 'c'] }, new Date('2030-01-03T00:00:00Z'));
    expect(later.verifiedAt).toBe('2030-01-02T00:00:00.000Z');
    expect(later.checkedAt).toBe('2030-01-03T00:00:00.000Z');
  });
});

describe('sending domains', () => {
  it('normalises case and a final dot', () => {
    expect(normaliseDomain(' Shop.Example.COM. ')).toBe('shop.example.com');
  });
  it('accepts domains and refuses the rest', () => {
    expect(domainProblem('shop.example.com', 'mail.facet.example')).toBeUndefined();
    expect(domainProblem('xn--bcher-kva.example', 'mail.facet.example')).toBeUndefined();
    expect(domainProblem('a@b.example', 'mail.facet.example')).toMatch(/domain only/);
    expect(domainProblem('localhost', 'mail.facet.example')).toBeDefined();
    expect(domainProblem('a..b', 'mail.facet.example')).toBeDefined();
    expect(domainProblem(`${'a'.repeat(64)}.example`, 'mail.facet.example')).toBeDefined();
    expect(domainProblem('mail.facet.example', 'mail.facet.example')).toMatch(/platform/);
  });
});
