import { mkdirSync, readFileSync, renameSync, writeFileSync, existsSync } from 'node:fs';
import { dirname } from 'node:path';
import type { PersistedState } from './model';

/**
 * The scheduler's state file (`.local/data/scheduler.json` in the local stack). Written whole on every change through
 * a temporary file and a rename, so a crash mid-write leaves the previous state rather than half a file.
 */
export function readStateFile(file: string): PersistedState | undefined {
  if (!existsSync(file)) return undefined;
  const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'));
  if (typeof parsed !== 'object' || parsed === null || (parsed as { version?: unknown }).version !== 1) {
    throw new Error(`${file} is not a local scheduler state file (version 1); remove it to start empty`);
  }
  return parsed as PersistedState;
}

export function writeStateFile(file: string, state: PersistedState): void {
  mkdirSync(dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(state, null, 2)}\n`);
  renameSync(temporary, file);
}
