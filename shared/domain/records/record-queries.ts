/**
 * Reads of a customer's records for the API. The customer is checked first so that a customer of another tenant (or an
 * erased one) is a 404 even where the record listing would merely be empty.
 */
import { problems } from '../../http/problem';
import { loadCustomer } from '../customers/customer-repository';
import { getRecord, listRecords, type RecordPage } from './record-store';
import type { RecordKind, RecordTypes } from './record-items';

const WHAT: Record<RecordKind, string> = { PURCHASE: 'Purchase', REPAIR: 'Repair', LAYBY: 'Lay-by', APPT: 'Appointment' };

export async function readCustomerRecord<K extends RecordKind>(
  tenantId: string,
  customerId: string,
  kind: K,
  id: string,
): Promise<RecordTypes[K]> {
  const [, record] = await Promise.all([loadCustomer(tenantId, customerId), getRecord(tenantId, customerId, kind, id)]);
  if (!record) throw problems.notFound(WHAT[kind]);
  return record;
}

export async function listCustomerRecords<K extends RecordKind>(
  tenantId: string,
  customerId: string,
  kind: K,
  page: { limit: number; cursor?: string | undefined },
): Promise<RecordPage<RecordTypes[K]>> {
  const [, records] = await Promise.all([loadCustomer(tenantId, customerId), listRecords(tenantId, customerId, kind, page)]);
  return records;
}
