import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The laptop's stand-in for the Secrets Manager signing key (unsubscribe and tracking links): generated on first start
 * and kept in `<stateDir>/signing-key`, so links in mail already in the viewer keep working after a restart. Functions
 * get it as SIGNING_KEY (shared/domain/unsubscribe/signing-key.ts picks the adapter from the environment).
 */
export function localSigningKey(stateDir: string): string {
  const file = join(stateDir, 'signing-key');
  if (existsSync(file)) {
    const key = readFileSync(file, 'utf8').trim();
    if (key.length >= 32) return key;
  }
  mkdirSync(stateDir, { recursive: true });
  const key = randomBytes(32).toString('hex');
  writeFileSync(file, `${key}\n`, { mode: 0o600 });
  return key;
}
