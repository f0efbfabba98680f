import type { ImportUnit } from './import-kinds';

/** Records per chunk: one SQS message, processed by one worker invocation well inside its 120 s timeout. */
export const CHUNK_UNITS = 200;

/**
 * Splits the units of an import into chunks of at most `maxUnits`. A purchase or lay-by is one unit with all its line
 * rows, so a record never straddles two chunks.
 */
export function chunkUnits(units: readonly ImportUnit[], maxUnits = CHUNK_UNITS): ImportUnit[][] {
  const chunks: ImportUnit[][] = [];
  for (let i = 0; i < units.length; i += maxUnits) chunks.push(units.slice(i, i + maxUnits));
  return chunks;
}

/**
 * Splits a chunk's units into parts whose JSON stays under `maxBytes`, for storing a chunk too big for its SQS message
 * as table items (each under DynamoDB's 400 KB). A single unit larger than that is refused when the file is accepted.
 */
export function splitBySize(units: readonly ImportUnit[], maxBytes: number): ImportUnit[][] {
  const parts: ImportUnit[][] = [];
  let current: ImportUnit[] = [];
  let size = 2;
  for (const unit of units) {
    const unitSize = unitBytes(unit) + 1;
    if (current.length > 0 && size + unitSize > maxBytes) {
      parts.push(current);
      current = [];
      size = 2;
    }
    current.push(unit);
    size += unitSize;
  }
  if (current.length > 0) parts.push(current);
  return parts;
}

export const unitBytes = (unit: ImportUnit) => Buffer.byteLength(JSON.stringify(unit), 'utf8');
