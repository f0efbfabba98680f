import type { Reaction } from '../../events/reactions';
import { attributeRecordedPurchase } from './attribution-service';

/**
 * Revenue attribution as a domain-event reaction (registered by functions/queue/domain-events.ts). Imported purchases
 * are history and are never attributed (the registry leaves them out: `includeImported` is not set). Idempotent on the
 * purchase, not just the event: the attribution marker is written once per purchase.
 */
export const attributePurchaseReaction: Reaction<'purchase.recorded'> = {
  name: 'engagement.attribute-purchase',
  on: ['purchase.recorded'],
  run: async (event) => {
    await attributeRecordedPurchase(event);
  },
};
