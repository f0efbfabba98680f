import type { Reaction } from '../../events/reactions';
import { logger } from '../../observability/logger';
import { deleteFingerprints } from './import-fingerprints';

/**
 * When a customer is erased, the import fingerprints under them go too: they are hashes of personal data that no
 * longer exists. (The erasure also released the customer's external id, so a re-import of the same row creates a new
 * customer, whose marketing consent the suppression list keeps off.) Idempotent: deleting nothing is fine.
 */
export const forgetErasedFingerprints: Reaction<'customer.erased'> = {
  name: 'imports.forget-erased-fingerprints',
  on: ['customer.erased'],
  includeImported: true,
  async run(event) {
    const deleted = await deleteFingerprints(event.tenantId, event.customerId);
    if (deleted > 0) logger.info('import fingerprints of an erased customer deleted', { customerId: event.customerId, deleted });
  },
};
