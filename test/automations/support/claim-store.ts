/**
 * The claim table as an in-memory map with the semantics of DynamoDB conditional writes: a write names the transition
 * (./outcomes.ts) and succeeds only if the stored status allows it, atomically. Also keeps what the property tests
 * check afterwards: every status change with its time, and the messages "sent" to customers.
 */
import type { Occurrence } from '../../../shared/domain/automations/occurrence';
import { transition, type OutcomeEvent, type OutcomeStatus } from '../../../shared/domain/automations/outcomes';
import type { ReentryEntry } from '../../../shared/domain/automations/reentry';

export interface ClaimRecord {
  occurrence: Occurrence;
  status: OutcomeStatus;
  changedAt: number;
  history: { state: OutcomeStatus['state']; at: number }[];
}

export interface SentMessage {
  occurrenceKey: string;
  automationId: string;
  customerId: string;
  at: number;
}

export class ClaimStore {
  readonly records = new Map<string, ClaimRecord>();
  readonly messages: SentMessage[] = [];
  /** Re-entry history per automation and customer: the messages taken for sending, versioned for conditional writes. */
  readonly reentry = new Map<string, { entries: ReentryEntry[]; version: number }>();
  writes = 0;
  failedWrites = 0;

  /** A conditional write: applies `event` if the stored status allows it. */
  apply(occurrence: Occurrence, event: OutcomeEvent, now: number): boolean {
    this.writes += 1;
    const current = this.records.get(occurrence.occurrenceKey);
    const result = transition(current?.status, event);
    if (!result.ok) {
      this.failedWrites += 1;
      return false;
    }
    const history = [...(current?.history ?? []), { state: result.status.state, at: now }];
    this.records.set(occurrence.occurrenceKey, { occurrence: current?.occurrence ?? occurrence, status: result.status, changedAt: now, history });
    return true;
  }

  /**
   * `start_send` and the re-entry history in one transaction: both conditions hold (the status allows the transition,
   * the history is still the version read) or neither write happens.
   */
  takeForSending(occurrence: Occurrence, history: { key: string; entries: ReentryEntry[]; readVersion: number }, now: number): boolean {
    if ((this.reentry.get(history.key)?.version ?? 0) !== history.readVersion) {
      this.writes += 1;
      this.failedWrites += 1;
      return false;
    }
    if (!this.apply(occurrence, { type: 'start_send' }, now)) return false;
    this.reentry.set(history.key, { entries: history.entries, version: history.readVersion + 1 });
    return true;
  }

  /** Refreshes the record's last-change time without a transition (the sweeper re-enqueued it). */
  touch(key: string, now: number): void {
    const record = this.records.get(key);
    if (record) record.changedAt = now;
  }

  status(key: string): OutcomeStatus | undefined {
    return this.records.get(key)?.status;
  }
}
