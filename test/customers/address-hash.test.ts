import { createHmac } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { addressHash, DEV_SUPPRESSION_SALT, normaliseAddress, suppressionSalt } from '../../shared/domain/customers/address-hash';

describe('address hash', () => {
  afterEach(() => {
    delete process.env.SUPPRESSION_SALT;
  });

  it('is HMAC-SHA-256 of tenantId:normalised address under the salt', () => {
    const expected = createHmac('sha256', 'salt').update('T1:alice@example.com').digest('hex');
    expect(addressHash('T1', 'email', '  Alice@Example.COM ', 'salt')).toBe(expected);
  });

  it('treats case and surrounding spaces of an email as the same address', () => {
    expect(addressHash('T1', 'email', 'Alice@Example.com')).toBe(addressHash('T1', 'email', 'alice@example.com '));
  });

  it('differs per tenant, so one tenant list reveals nothing about another', () => {
    expect(addressHash('T1', 'email', 'a@example.com')).not.toBe(addressHash('T2', 'email', 'a@example.com'));
  });

  it('normalises phone numbers to + and digits', () => {
    expect(normaliseAddress('sms', '+61 (412) 345-678')).toBe('+61412345678');
    expect(addressHash('T1', 'sms', '+61 412 345 678')).toBe(addressHash('T1', 'sms', '+61412345678'));
  });

  it('uses SUPPRESSION_SALT when set, the fixed dev salt otherwise', () => {
    expect(suppressionSalt()).toBe(DEV_SUPPRESSION_SALT);
    const dev = addressHash('T1', 'email', 'a@example.com');
    process.env.SUPPRESSION_SALT = 'prod-secret';
    expect(suppressionSalt()).toBe('prod-secret');
    expect(addressHash('T1', 'email', 'a@example.com')).not.toBe(dev);
    expect(addressHash('T1', 'email', 'a@example.com')).toBe(addressHash('T1', 'email', 'a@example.com', 'prod-secret'));
  });
});
