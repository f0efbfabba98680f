import { DEFAULT_GROUP, type PendingDelivery, type PersistedState, type StoredGroup, type StoredSchedule } from './model';
import { applyChange, scheduleKey, type StateChange, type StateJournal } from './persistence';

/**
 * Everything the local scheduler knows, in memory, with write-through persistence: mutations queue changes and
 * `commit()` hands them to the journal (the state file in the local stack, nothing in most tests) in one go.
 */
export class SchedulerState {
  private readonly maps = {
    groups: new Map<string, StoredGroup>(),
    schedules: new Map<string, StoredSchedule>(),
    deliveries: new Map<string, PendingDelivery>(),
  };
  private pending: StateChange[] = [];

  constructor(
    private readonly journal: StateJournal,
    initial: PersistedState | undefined,
    defaultGroup: StoredGroup,
  ) {
    for (const group of initial?.groups ?? []) this.maps.groups.set(group.name, group);
    for (const schedule of initial?.schedules ?? []) {
      this.maps.schedules.set(scheduleKey(schedule.groupName, schedule.name), schedule);
    }
    for (const delivery of initial?.deliveries ?? []) this.maps.deliveries.set(delivery.deliveryId, delivery);
    // The default group always exists, whatever the file says.
    if (!this.maps.groups.has(DEFAULT_GROUP)) this.change({ put: 'group', group: defaultGroup });
  }

  private change(change: StateChange): void {
    applyChange(this.maps, change);
    this.pending.push(change);
  }

  group(name: string): StoredGroup | undefined {
    return this.maps.groups.get(name);
  }

  allGroups(): StoredGroup[] {
    return [...this.maps.groups.values()].sort((a, b) => a.name.localeCompare(b.name));
  }

  putGroup(group: StoredGroup): void {
    this.change({ put: 'group', group });
  }

  /** Deletes a group and every schedule in it. */
  deleteGroup(name: string): void {
    for (const schedule of this.maps.schedules.values()) {
      if (schedule.groupName === name) this.deleteSchedule(schedule.groupName, schedule.name);
    }
    this.change({ delete: 'group', name });
  }

  schedule(groupName: string, name: string): StoredSchedule | undefined {
    return this.maps.schedules.get(scheduleKey(groupName, name));
  }

  /** Ordered by group, then name: the order ListSchedules pages through. */
  allSchedules(): StoredSchedule[] {
    return [...this.maps.schedules.values()].sort(
      (a, b) => a.groupName.localeCompare(b.groupName) || a.name.localeCompare(b.name),
    );
  }

  /** Enabled schedules due at `now`, earliest first. */
  dueSchedules(now: Date): StoredSchedule[] {
    const nowIso = now.toISOString();
    return [...this.maps.schedules.values()]
      .filter((schedule) => schedule.state === 'ENABLED' && schedule.nextFireAt !== null && schedule.nextFireAt <= nowIso)
      .sort((a, b) => (a.nextFireAt ?? '').localeCompare(b.nextFireAt ?? ''));
  }

  putSchedule(schedule: StoredSchedule): void {
    this.change({ put: 'schedule', schedule });
  }

  deleteSchedule(groupName: string, name: string): void {
    this.change({ delete: 'schedule', groupName, name });
  }

  allDeliveries(): PendingDelivery[] {
    return [...this.maps.deliveries.values()];
  }

  putDelivery(delivery: PendingDelivery): void {
    this.change({ put: 'delivery', delivery });
  }

  deleteDelivery(deliveryId: string): void {
    this.change({ delete: 'delivery', deliveryId });
  }

  snapshot(): PersistedState {
    return {
      version: 1,
      groups: [...this.maps.groups.values()],
      schedules: [...this.maps.schedules.values()],
      deliveries: [...this.maps.deliveries.values()],
    };
  }

  /** Persists the changes made since the last commit, all together. */
  commit(): void {
    const changes = this.pending;
    this.pending = [];
    this.journal.record(changes, () => this.snapshot());
  }
}
