import { problems } from '../http/problem';

/**
 * Opaque cursors: the DynamoDB LastEvaluatedKey, base64url JSON. On the way back in, the cursor must belong to the
 * partition being queried, so a cursor cannot be used to start reading another tenant's partition.
 */
export function encodeCursor(lastKey: Record<string, unknown> | undefined): string | null {
  if (!lastKey) return null;
  return Buffer.from(JSON.stringify(lastKey), 'utf8').toString('base64url');
}

export function decodeCursor(
  cursor: string | undefined,
  expected: { attribute: string; value: string } | { attribute: string; prefix: string },
): Record<string, unknown> | undefined {
  if (cursor === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw problems.validation([{ path: 'query.cursor', message: 'Invalid cursor' }]);
  }
  const value = (parsed as Record<string, unknown> | null)?.[expected.attribute];
  const ok =
    typeof parsed === 'object' &&
    parsed !== null &&
    typeof value === 'string' &&
    ('value' in expected ? value === expected.value : value.startsWith(expected.prefix));
  if (!ok) throw problems.validation([{ path: 'query.cursor', message: 'Invalid cursor' }]);
  return parsed as Record<string, unknown>;
}
