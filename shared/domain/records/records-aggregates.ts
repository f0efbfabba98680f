/**
 * A customer's complete aggregates recomputed from all of their records, in memory. The demo seeder (which builds a book
 * in memory and batch-writes it) and any repair job use this; it agrees with what the write path keeps incrementally.
 */
import { emptyAggregates, type CustomerAggregates } from '../customers/aggregates';
import { appointmentAggregates, type Appointment } from './appointment';
import { laybyAggregates, type Layby } from './layby';
import type { PurchaseFacts } from './purchase';
import { purchaseAggregates } from './purchase-aggregates';
import { repairCounts, type Repair } from './repair';

export interface CustomerRecords {
  purchases?: readonly PurchaseFacts[];
  repairs?: readonly Pick<Repair, 'status'>[];
  laybys?: readonly Pick<Layby, 'dueDate' | 'balance'>[];
  appointments?: readonly Pick<Appointment, 'startsAt' | 'status'>[];
}

export function aggregatesFromRecords(records: CustomerRecords, timeZone: string, now: Date): CustomerAggregates {
  return {
    ...emptyAggregates(),
    ...purchaseAggregates(records.purchases ?? [], timeZone),
    ...laybyAggregates(records.laybys ?? []),
    repairs: repairCounts(records.repairs ?? []),
    ...appointmentAggregates(records.appointments ?? [], now),
  };
}
