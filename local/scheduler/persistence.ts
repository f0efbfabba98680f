import { appendFileSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { PendingDelivery, PersistedState, StoredGroup, StoredSchedule } from './model';

/**
 * The scheduler's state file (`.local/data/scheduler.json` in the local stack), as JSON Lines: a snapshot line, then
 * one line per change, appended synchronously before the API answers or a target is called (write-through, and
 * cheap however many schedules exist). Opening the file replays it and compacts it back to a single snapshot, as
 * does a journal that has grown long. A last line cut short by a crash mid-append is dropped; anything else that does
 * not parse stops the start rather than silently losing schedules.
 */
export type StateChange =
  | { readonly put: 'group'; readonly group: StoredGroup }
  | { readonly delete: 'group'; readonly name: string }
  | { readonly put: 'schedule'; readonly schedule: StoredSchedule }
  | { readonly delete: 'schedule'; readonly groupName: string; readonly name: string }
  | { readonly put: 'delivery'; readonly delivery: PendingDelivery }
  | { readonly delete: 'delivery'; readonly deliveryId: string };

export interface StateJournal {
  record(changes: readonly StateChange[], snapshot: () => PersistedState): void;
}

const COMPACT_AFTER_CHANGES = 5_000;

export const scheduleKey = (groupName: string, name: string) => `${groupName}/${name}`;

/** Applies changes to maps keyed like SchedulerState keys them. */
export function applyChange(
  maps: {
    groups: Map<string, StoredGroup>;
    schedules: Map<string, StoredSchedule>;
    deliveries: Map<string, PendingDelivery>;
  },
  change: StateChange,
): void {
  if ('put' in change) {
    if (change.put === 'group') maps.groups.set(change.group.name, change.group);
    else if (change.put === 'schedule') {
      maps.schedules.set(scheduleKey(change.schedule.groupName, change.schedule.name), change.schedule);
    }
    else maps.deliveries.set(change.delivery.deliveryId, change.delivery);
    return;
  }
  if (change.delete === 'group') maps.groups.delete(change.name);
  else if (change.delete === 'schedule') maps.schedules.delete(scheduleKey(change.groupName, change.name));
  else maps.deliveries.delete(change.deliveryId);
}

function notOurs(file: string): Error {
  return new Error(`${file} is not a local scheduler state file (version 1); remove it to start empty`);
}

function replay(file: string): PersistedState | undefined {
  if (!existsSync(file)) return undefined;
  const lines = readFileSync(file, 'utf8').split('\n');
  if (lines.at(-1) === '') lines.pop();
  const [first, ...rest] = lines;
  if (first === undefined) return undefined;
  let snapshot: PersistedState | undefined;
  try {
    snapshot = (JSON.parse(first) as { snapshot?: PersistedState }).snapshot;
  } catch {
    throw notOurs(file);
  }
  if (snapshot?.version !== 1) throw notOurs(file);
  const maps = {
    groups: new Map(snapshot.groups.map((group) => [group.name, group])),
    schedules: new Map(snapshot.schedules.map((schedule) => [scheduleKey(schedule.groupName, schedule.name), schedule])),
    deliveries: new Map(snapshot.deliveries.map((delivery) => [delivery.deliveryId, delivery])),
  };
  rest.forEach((line, index) => {
    let change: StateChange;
    try {
      change = (JSON.parse(line) as { change: StateChange }).change;
    } catch (error) {
      if (index === rest.length - 1) return; // a crash cut the last append short: that change never completed
      throw new Error(`${file}: line ${index + 2} is corrupt: ${(error as Error).message}`);
    }
    applyChange(maps, change);
  });
  return {
    version: 1,
    groups: [...maps.groups.values()],
    schedules: [...maps.schedules.values()],
    deliveries: [...maps.deliveries.values()],
  };
}

function writeSnapshot(file: string, state: PersistedState): void {
  mkdirSync(dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify({ snapshot: state })}\n`);
  renameSync(temporary, file);
}

/** Reads the state file (compacting it) and returns the state with a journal that appends to it. */
export function openStateFile(file: string): { initial: PersistedState | undefined; journal: StateJournal } {
  const initial = replay(file);
  if (initial) writeSnapshot(file, initial);
  let changesSinceSnapshot = 0;
  let hasSnapshot = initial !== undefined;
  return {
    initial,
    journal: {
      record(changes, snapshot) {
        if (changes.length === 0) return;
        changesSinceSnapshot += changes.length;
        if (!hasSnapshot || changesSinceSnapshot > COMPACT_AFTER_CHANGES) {
          writeSnapshot(file, snapshot());
          hasSnapshot = true;
          changesSinceSnapshot = 0;
          return;
        }
        appendFileSync(file, changes.map((change) => `${JSON.stringify({ change })}\n`).join(''));
      },
    },
  };
}

export const memoryJournal: StateJournal = { record: () => undefined };
