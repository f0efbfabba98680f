import { keys } from '../../store/keys';
import type { SuppressionEntry } from './suppression-entry';

/**
 * The table item of an entry. Writing it over an existing entry replaces that entry: erasure relies on this to drop
 * the plain address a bounce entry may have kept.
 */
export function suppressionItem(entry: SuppressionEntry) {
  const { address, note, ...rest } = entry;
  return {
    ...keys.suppression(entry.tenantId, entry.channel, entry.addressHash),
    type: 'Suppression',
    ...rest,
    ...(address === undefined || entry.reason === 'erased' ? {} : { address }),
    ...(note === undefined ? {} : { note }),
  };
}

export function suppressionEntryFromItem(item: Record<string, unknown>): SuppressionEntry {
  const { tenantId, channel, addressHash, address, reason, scope, createdAt, createdBy, note } =
    item as unknown as SuppressionEntry;
  return {
    tenantId,
    channel,
    addressHash,
    reason,
    scope,
    createdAt,
    createdBy,
    ...(address === undefined ? {} : { address }),
    ...(note === undefined ? {} : { note }),
  };
}

/** One line of history kept in the audit trail when an entry is removed (the item itself is deleted). */
export function removalDetail(entry: SuppressionEntry, removalReason: string): string {
  return `Removed ${entry.channel} suppression (${entry.reason}, since ${entry.createdAt}, added by ${entry.createdBy}). Reason: ${removalReason}`;
}
