/**
 * The sender's last look (../still-valid.ts): the current state of what an occurrence is about, read just before the
 * occurrence is handed to the pipeline: the repair, appointment, lay-by or purchase from the customer's partition,
 * or the customer (date-based occurrences) from the book port.
 */
import { getRecord } from '../../records/record-store';
import type { Occurrence } from '../occurrence';
import { recordToReread, type CurrentRecord } from '../still-valid';
import type { BookPort } from './book-port';

export async function readCurrentRecord(tenantId: string, occurrence: Pick<Occurrence, 'subject' | 'customerId'>, book: BookPort): Promise<CurrentRecord> {
  const target = recordToReread(occurrence);
  switch (target.kind) {
    case 'repair':
      return { kind: 'repair', record: await getRecord(tenantId, occurrence.customerId, 'REPAIR', target.id) };
    case 'appointment':
      return { kind: 'appointment', record: await getRecord(tenantId, occurrence.customerId, 'APPT', target.id) };
    case 'layby':
      return { kind: 'layby', record: await getRecord(tenantId, occurrence.customerId, 'LAYBY', target.id) };
    case 'purchase':
      return { kind: 'purchase', record: await getRecord(tenantId, occurrence.customerId, 'PURCHASE', target.id) };
    case 'customer':
      return { kind: 'customer', record: await book.customer(occurrence.customerId) };
  }
}
