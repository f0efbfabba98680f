/**
 * One business operation on a customer's records = one transaction: the record items, the customer's recomputed
 * aggregates (under the customer's version guard, through the customer book's `mutateCustomer`), the domain event in
 * the outbox and the audit entry.
 *
 * Why the customer is read first ("pinned"): aggregates recomputed from the customer's records are only right if no
 * record changed between reading the records and writing the customer. Every record write bumps the customer's
 * version, so reading the customer before the records and insisting, at write time, that its version is still the one
 * pinned closes that gap: a write that slipped in between makes this attempt start over with fresh reads. Concurrent
 * writers therefore never lose each other's update.
 */
import type { DomainEvent } from '../../events/domain-events';
import { problems } from '../../http/problem';
import type { EventPublisher, UnitOfWork } from '../../store/unit-of-work';
import type { CustomerAggregates } from '../customers/aggregates';
import type { CustomerItem } from '../customers/customer-item';
import { AlsoConditionFailed, loadCustomer, mutateCustomer } from '../customers/customer-repository';

/** What an operation decided after reading: either write (aggregates + other writes) or answer without writing. */
export type RecordWritePlan<R> =
  | { write: true; agg: CustomerAggregates; writes: (uow: UnitOfWork) => void; result: R }
  | { write: false; result: R };

export interface RecordWriteOptions<R> {
  tenantId: string;
  customerId: string;
  publisher: EventPublisher | undefined;
  /**
   * Reads what the operation needs and decides; runs once per attempt with the freshly read customer. Throw a
   * ProblemError to refuse (404, 409, 422). Must not write anything itself.
   */
  plan: (customer: CustomerItem) => Promise<RecordWritePlan<R>>;
  /** Default 10: enough for a burst of writers on one customer; beyond it the caller gets a 409 to retry. */
  maxAttempts?: number;
}

export interface RecordWriteResult<R> {
  result: R;
  events: readonly DomainEvent[];
  written: boolean;
}

class CustomerChangedSinceRead extends Error {}

export const DEFAULT_RECORD_WRITE_ATTEMPTS = 10;

export async function writeCustomerRecords<R>(options: RecordWriteOptions<R>): Promise<RecordWriteResult<R>> {
  const attempts = options.maxAttempts ?? DEFAULT_RECORD_WRITE_ATTEMPTS;
  for (let attempt = 1; ; attempt++) {
    const pinned = await loadCustomer(options.tenantId, options.customerId);
    const decided = await options.plan(pinned);
    if (!decided.write) return { result: decided.result, events: [], written: false };
    try {
      const { events } = await mutateCustomer({
        tenantId: options.tenantId,
        customerId: options.customerId,
        publisher: options.publisher,
        apply: (customer) => {
          if (customer.version !== pinned.version) throw new CustomerChangedSinceRead();
          return { set: { agg: decided.agg } };
        },
        also: (uow) => decided.writes(uow),
      });
      return { result: decided.result, events, written: true };
    } catch (error) {
      // A record's own guard (its version, an external id claimed meanwhile) failing is also a race: the next
      // attempt's reads see the winner's write and decide again (e.g. "already refunded", "duplicate").
      const raced = error instanceof CustomerChangedSinceRead || error instanceof AlsoConditionFailed;
      if (!raced) throw error;
      if (attempt >= attempts) {
        throw problems.conflict("The customer's records were changed by several people at once; please try again.");
      }
      await pause(attempt);
    }
  }
}

/** Short jittered pause so racing writers do not collide again in lockstep. */
function pause(attempt: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.random() * 10 * Math.min(attempt, 6)));
}
