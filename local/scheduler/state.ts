import { DEFAULT_GROUP, type PendingDelivery, type PersistedState, type StoredGroup, type StoredSchedule } from './model';

const scheduleKey = (groupName: string, name: string) => `${groupName}/${name}`;

/**
 * Everything the local scheduler knows, in memory, with write-through persistence: mutations mark the state dirty
 * and `commit()` hands the whole state to the writer (a file in the local stack, nothing in most tests).
 */
export class SchedulerState {
  private readonly groups = new Map<string, StoredGroup>();
  private readonly schedules = new Map<string, StoredSchedule>();
  private readonly deliveries = new Map<string, PendingDelivery>();
  private dirty = false;

  constructor(
    private readonly write: (state: PersistedState) => void,
    initial: PersistedState | undefined,
    defaultGroup: StoredGroup,
  ) {
    for (const group of initial?.groups ?? []) this.groups.set(group.name, group);
    for (const schedule of initial?.schedules ?? []) this.schedules.set(scheduleKey(schedule.groupName, schedule.name), schedule);
    for (const delivery of initial?.deliveries ?? []) this.deliveries.set(delivery.deliveryId, delivery);
    // The default group always exists, whatever the file says.
    if (!this.groups.has(DEFAULT_GROUP)) {
      this.groups.set(DEFAULT_GROUP, defaultGroup);
      this.dirty = true;
    }
  }

  group(name: string): StoredGroup | undefined {
    return this.groups.get(name);
  }

  allGroups(): StoredGroup[] {
    return [...this.groups.values()].sort((a, b) => a.name.localeCompare(b.name));
  }

  putGroup(group: StoredGroup): void {
    this.groups.set(group.name, group);
    this.dirty = true;
  }

  /** Deletes a group and every schedule in it. */
  deleteGroup(name: string): void {
    this.groups.delete(name);
    for (const schedule of this.allSchedules()) {
      if (schedule.groupName === name) this.schedules.delete(scheduleKey(schedule.groupName, schedule.name));
    }
    this.dirty = true;
  }

  schedule(groupName: string, name: string): StoredSchedule | undefined {
    return this.schedules.get(scheduleKey(groupName, name));
  }

  /** Ordered by group, then name: the order ListSchedules pages through. */
  allSchedules(): StoredSchedule[] {
    return [...this.schedules.values()].sort(
      (a, b) => a.groupName.localeCompare(b.groupName) || a.name.localeCompare(b.name),
    );
  }

  putSchedule(schedule: StoredSchedule): void {
    this.schedules.set(scheduleKey(schedule.groupName, schedule.name), schedule);
    this.dirty = true;
  }

  deleteSchedule(groupName: string, name: string): void {
    this.schedules.delete(scheduleKey(groupName, name));
    this.dirty = true;
  }

  allDeliveries(): PendingDelivery[] {
    return [...this.deliveries.values()];
  }

  putDelivery(delivery: PendingDelivery): void {
    this.deliveries.set(delivery.deliveryId, delivery);
    this.dirty = true;
  }

  deleteDelivery(deliveryId: string): void {
    this.deliveries.delete(deliveryId);
    this.dirty = true;
  }

  /** Persists the state if anything changed since the last commit. */
  commit(): void {
    if (!this.dirty) return;
    this.write({
      version: 1,
      groups: [...this.groups.values()],
      schedules: [...this.schedules.values()],
      deliveries: [...this.deliveries.values()],
    });
    this.dirty = false;
  }
}
