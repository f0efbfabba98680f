import { createHash } from 'node:crypto';

/** JSON with object keys sorted at every level, so equal content always gives the same text. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/**
 * Content hash of a validated import record: the same row imported again has the same fingerprint and is a no-op. The
 * tenant id is mixed in so a hash says nothing across tenants.
 */
export function importFingerprint(tenantId: string, kind: string, validated: unknown): string {
  return createHash('sha256').update(`${tenantId}\n${kind}\n${canonicalJson(validated)}`).digest('base64url');
}
