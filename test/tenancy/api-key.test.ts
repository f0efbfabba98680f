import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bearerKey, generateApiKey, hashApiKey, looksLikeApiKey } from '../../shared/domain/staff/api-key';

describe('API keys', () => {
  it('are fct_ + 32 random bytes in base64url, with the hash and hint derived from the secret', () => {
    const key = generateApiKey();
    expect(key.plain).toMatch(/^fct_[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(key.plain.slice(4), 'base64url')).toHaveLength(32);
    expect(key.hash).toBe(createHash('sha256').update(key.plain).digest('hex'));
    expect(key.hint).toBe(key.plain.slice(-4));
    expect(looksLikeApiKey(key.plain)).toBe(true);
  });

  it('never repeat', () => {
    const keys = new Set(Array.from({ length: 500 }, () => generateApiKey().plain));
    expect(keys.size).toBe(500);
  });

  it('hash deterministically to 64 hex characters, and different keys to different hashes', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (a, b) => {
        expect(hashApiKey(a)).toMatch(/^[0-9a-f]{64}$/);
        expect(hashApiKey(a)).toBe(hashApiKey(a));
        if (a !== b) expect(hashApiKey(a)).not.toBe(hashApiKey(b));
      }),
    );
  });

  it('reject strings of the wrong shape before any lookup', () => {
    expect(looksLikeApiKey('fct_short')).toBe(false);
    expect(looksLikeApiKey(`xyz_${'a'.repeat(43)}`)).toBe(false);
    expect(looksLikeApiKey(`fct_${'a'.repeat(42)}!`)).toBe(false);
  });

  it('are read from a Bearer Authorization header only', () => {
    expect(bearerKey('Bearer fct_abc')).toBe('fct_abc');
    expect(bearerKey('bearer   fct_abc  ')).toBe('fct_abc');
    expect(bearerKey('Basic dXNlcjpwYXNz')).toBeUndefined();
    expect(bearerKey('Bearer a b')).toBeUndefined();
    expect(bearerKey(undefined)).toBeUndefined();
    expect(bearerKey('')).toBeUndefined();
  });
});
