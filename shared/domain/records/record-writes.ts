/** The writes a records operation adds to its unit of work, built the same way by every service. */
import type { UnitOfWork } from '../../store/unit-of-work';
import { externalIdGuardItem, recordIdOf, recordItem, type RecordKind, type RecordTypes } from './record-items';

/** A new record, refusing to overwrite one with the same id, plus the claim of its external id if it has one. */
export function putNewRecord<K extends RecordKind>(uow: UnitOfWork, tenantId: string, kind: K, record: RecordTypes[K]): void {
  uow.put(recordItem(tenantId, kind, record), { expression: 'attribute_not_exists(pk)' });
  if (record.externalId !== undefined) {
    uow.put(externalIdGuardItem(tenantId, kind, record.externalId, record.customerId, recordIdOf(kind, record)), {
      expression: 'attribute_not_exists(pk)',
    });
  }
}

/** The next version of a record, only if nobody wrote another version since `expectedVersion` was read. */
export function putRecordVersion<K extends RecordKind>(
  uow: UnitOfWork,
  tenantId: string,
  kind: K,
  record: RecordTypes[K],
  expectedVersion: number,
): void {
  uow.put(recordItem(tenantId, kind, record), {
    expression: 'version = :recordVersion',
    values: { ':recordVersion': expectedVersion },
  });
}
