import { emptyAggregates } from '../customers/aggregates';
import type { MergeCustomer, SendFields } from './merge-data';

/**
 * The built-in customer a preview renders for when no customer is chosen, and that validation renders with on save.
 * Every catalogue field has a value, and the surname has an apostrophe, so a preview shows escaping at work.
 */
export const SAMPLE_CUSTOMER: MergeCustomer = {
  firstName: 'Charlotte',
  lastName: "O'Brien",
  email: 'charlotte.obrien@example.com',
  phone: '+61412345678',
  address: { line1: '12 Harbour Street', city: 'Sydney', state: 'NSW', postcode: '2000', country: 'AU' },
  birthday: { month: 3, day: 14, year: 1988 },
  anniversary: { month: 10, day: 2, year: 2015 },
  weddingDate: '2015-10-02',
  customerSince: '2012-05-05',
  loyalty: { member: true, tier: 'Gold' },
  tags: ['vip', 'bridal'],
  agg: {
    ...emptyAggregates(),
    totalSpent: 1_245_000,
    purchaseCount: 7,
    firstPurchaseAt: '2012-05-05T01:30:00.000Z',
    lastPurchaseAt: '2024-11-20T03:15:00.000Z',
    largestPurchase: 850_000,
  },
};

/**
 * Per-send fields in previews and test renders: a link on a reserved domain that visibly is not a real unsubscribe
 * link (the real one is signed per recipient when the message is sent).
 */
export const PREVIEW_SEND_FIELDS: SendFields = { unsubscribeUrl: 'https://unsubscribe.example/preview' };
