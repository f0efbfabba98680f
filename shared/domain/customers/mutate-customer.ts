import type { DomainEvent } from '../../events/domain-events';
import { problems } from '../../http/problem';
import { failedConditionIndexes, isConditionFailure, UnitOfWork, type EventPublisher } from '../../store/unit-of-work';
import { applyCustomerChanges, type CustomerChanges, type CustomerItem } from './customer-item';
import { loadCustomer, putCustomerVersion } from './customer-store';
import { addGuardWrites, type GuardWrite } from './uniqueness';

/**
 * Read-modify-write of a customer item under optimistic concurrency, together with other writes in one transaction.
 *
 * Every write that touches a customer (profile edits, consent, and the records that keep `agg` current: purchases,
 * refunds, repairs, lay-bys, appointments) goes through here, so two concurrent writers can never lose each other's
 * update: each writes the customer conditional on the version it read; the loser of a race re-reads and re-applies.
 *
 * Usage (records engineer):
 * ```ts
 * const { after } = await mutateCustomer({
 *   tenantId, customerId, publisher,
 *   apply: (customer) => ({ set: { agg: addPurchase(customer.agg, purchase) } }),
 *   also: (uow, { before, after }) => {
 *     uow.put(purchaseItem, { expression: 'attribute_not_exists(pk)' });
 *     uow.put(auditItem(principal, { action: 'created', entity: 'purchase', entityId: purchase.purchaseId }));
 *     uow.emit({ type: 'purchase.recorded', ... });
 *   },
 * });
 * ```
 * Rules:
 *  - `apply` and `also` may run several times (once per attempt, each time with the freshly read customer); keep them
 *    free of side effects other than on the `uow` they are given. Throw a ProblemError from `apply` to refuse (e.g. 409).
 *  - `apply` returns only what changes; derived attributes (index keys, `version`, `updatedAt`) are recomputed here.
 *    Returning `null` means "nothing to do": nothing is written, `also` is not called, and `after` is `before`.
 *    Setting a key to `undefined` removes the attribute. Changing `email` or `externalId` also moves their uniqueness
 *    guards in the same transaction.
 *  - A missing or erased customer is a 404 (tenant-scoped by key, so another tenant's id is a 404 too).
 *  - When one of the writes added by `also` fails its own condition, the transaction is cancelled and this throws
 *    `AlsoConditionFailed` with the positions, among `also`'s writes, that failed (e.g. a purchase external id that
 *    already exists). A taken email or external id of the customer itself is a 409 problem.
 *  - After `maxAttempts` lost races it gives up with a 409 problem.
 */
export interface MutateCustomerOptions {
  tenantId: string;
  customerId: string;
  /** Publishes the events emitted in `also` after the commit (the outbox covers a crash in between). */
  publisher: EventPublisher | undefined;
  apply: (customer: CustomerItem) => CustomerMutation | null;
  also?: (uow: UnitOfWork, customer: { before: CustomerItem; after: CustomerItem }) => void;
  /** Default 5. */
  maxAttempts?: number;
  /** Clock for `updatedAt` (tests). */
  now?: () => Date;
}

export interface CustomerMutation {
  set: CustomerChanges;
}

export interface MutateCustomerResult {
  before: CustomerItem;
  after: CustomerItem;
  events: readonly DomainEvent[];
}

/** A write added by `also` failed its condition; `indexes` are positions among `also`'s writes (0 = its first). */
export class AlsoConditionFailed extends Error {
  constructor(
    readonly indexes: number[],
    override readonly cause: unknown,
  ) {
    super(`A write of the operation failed its condition (positions ${indexes.join(', ')})`);
    this.name = 'AlsoConditionFailed';
  }
}

/**
 * Each round of a race has one winner, so N writers racing on one customer need up to N rounds; 10 covers a burst of
 * concurrent staff edits plus import and event writers on the same customer, with the jittered backoff below.
 */
export const DEFAULT_MUTATE_ATTEMPTS = 10;

export async function mutateCustomer(options: MutateCustomerOptions): Promise<MutateCustomerResult> {
  const attempts = options.maxAttempts ?? DEFAULT_MUTATE_ATTEMPTS;
  const clock = options.now ?? (() => new Date());
  for (let attempt = 1; ; attempt++) {
    const before = await loadCustomer(options.tenantId, options.customerId);
    const mutation = options.apply(before);
    if (mutation === null) return { before, after: before, events: [] };
    const after = applyCustomerChanges(before, mutation.set, clock().toISOString());

    const uow = new UnitOfWork(options.publisher);
    putCustomerVersion(uow, after, before.version);
    const guards = addGuardWrites(uow, before, after);
    const alsoStart = uow.size;
    options.also?.(uow, { before, after });

    try {
      const events = await uow.commit();
      return { before, after, events };
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      const failed = failedConditionIndexes(error);
      // No reasons (a plain conditional failure) or the customer's own write: someone else wrote this customer first.
      const lostRace = failed.length === 0 || failed.includes(0);
      if (!lostRace) {
        throwIfGuardTaken(failed, guards);
        const alsoFailed = failed.filter((i) => i >= alsoStart).map((i) => i - alsoStart);
        throw new AlsoConditionFailed(alsoFailed, error);
      }
      if (attempt >= attempts) {
        throw problems.conflict('The customer was changed by several people at once; please try again.');
      }
      await backoff(attempt);
    }
  }
}

/** A claim of the customer's email or external id was refused: another customer of the tenant holds the value. */
export function throwIfGuardTaken(failedIndexes: readonly number[], guards: readonly GuardWrite[]): void {
  const taken = guards.filter((g) => failedIndexes.includes(g.index));
  if (taken.length === 0) return;
  throw problems.conflict(
    taken.map((g) => (g.field === 'email' ? 'Another customer already has this email address.' : 'Another customer already has this external id.')).join(' '),
    { errors: taken.map((g) => ({ path: `body.${g.field}`, message: 'Already used by another customer' })) },
  );
}

/** Short jittered pause so racing writers do not collide again in lockstep. */
function backoff(attempt: number): Promise<void> {
  const ms = Math.random() * Math.min(400, 20 * 2 ** attempt);
  return new Promise((resolve) => setTimeout(resolve, ms));
}
