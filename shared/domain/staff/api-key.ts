import { createHash, randomBytes } from 'node:crypto';

/** Recognisable prefix, so a leaked key is easy to spot in a log or a secret scanner. */
export const API_KEY_PREFIX = 'fct_';
const KEY_BYTES = 32;
/** `fct_` + 32 bytes in base64url (43 characters). */
const API_KEY_PATTERN = /^fct_[A-Za-z0-9_-]{43}$/;

export interface IssuedApiKey {
  /** The secret, shown to its holder once and never stored. */
  plain: string;
  /** SHA-256 of the secret (hex): the only form the table keeps. */
  hash: string;
  /** Last characters of the secret, so staff can tell their keys apart in a listing. */
  hint: string;
}

/**
 * A plain SHA-256 is enough here (no salt, no slow KDF): the key is 256 random bits, not a password, so there is
 * nothing to guess, and the authorizer must find it with one lookup by hash.
 */
export function hashApiKey(plain: string): string {
  return createHash('sha256').update(plain, 'utf8').digest('hex');
}

export function generateApiKey(): IssuedApiKey {
  const plain = API_KEY_PREFIX + randomBytes(KEY_BYTES).toString('base64url');
  return { plain, hash: hashApiKey(plain), hint: plain.slice(-4) };
}

/** Cheap shape check before touching the table: random strings in an Authorization header cost no read. */
export function looksLikeApiKey(value: string): boolean {
  return API_KEY_PATTERN.test(value);
}

/** The key from an `Authorization: Bearer <key>` header value, or undefined. */
export function bearerKey(authorization: string | undefined): string | undefined {
  if (!authorization) return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization.trim());
  return match?.[1];
}
