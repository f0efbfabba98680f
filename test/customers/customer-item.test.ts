import { describe, expect, it } from 'vitest';
import { emptyAggregates } from '../../shared/domain/customers/aggregates';
import {
  applyCustomerChanges,
  changedAttributes,
  erasureChanges,
  newCustomerItem,
  patchToChanges,
  PROFILE_PII_ATTRIBUTES,
} from '../../shared/domain/customers/customer-item';
import { withdrawAll } from '../../shared/domain/customers/consent';
import { customerCreateSchema, customerPatchSchema } from '../../shared/domain/customers/customer-schema';
import { toCustomerView } from '../../shared/domain/customers/customer-view';
import { indexKeys, keys } from '../../shared/store/keys';
import { BOOK_PROJECTION } from '../../shared/store/table-definition';

const NOW = '2026-05-04T01:02:03.000Z';
const context = { customerId: 'C1', now: NOW, today: '2026-05-04', actorStaffId: 'S1' };

const full = customerCreateSchema.parse({
  firstName: 'Zoë',
  lastName: "Ó'Brien",
  email: 'zoe@example.com',
  phone: '+61412345678',
  address: { line1: '1 George St', line2: 'Level 2', city: 'Sydney', state: 'NSW', postcode: '2000', country: 'AU' },
  birthday: { month: 2, day: 29 },
  anniversary: { month: 6, day: 1, year: 2010 },
  weddingDate: '2010-06-01',
  tags: ['VIP'],
  categories: ['Bridal'],
  loyalty: { member: true, tier: 'gold', joinedAt: '2020-01-01' },
  externalId: 'POS-1',
  customerSince: '2015-03-01',
  notes: 'Prefers platinum',
  consent: { email: { marketing: 'granted' } },
});

describe('newCustomerItem', () => {
  const { item, consentTransitions } = newCustomerItem('T1', full, context);

  it('carries the table, book index and name index keys', () => {
    expect(item).toMatchObject(keys.customer('T1', 'C1'));
    expect(item).toMatchObject(indexKeys.book('T1', 'C1'));
    expect(item).toMatchObject(indexKeys.customerByName('T1', "Ó'Brien", 'Zoë', 'C1'));
    expect(item.gsi2sk).toBe("o'brien#zoe#C1");
    expect(item).toMatchObject({ type: 'Customer', version: 1, erased: false, agg: emptyAggregates(), createdAt: NOW, updatedAt: NOW });
  });

  it('has every book-projection attribute at top level', () => {
    for (const attribute of BOOK_PROJECTION) expect(item, attribute).toHaveProperty(attribute);
    expect(item).toMatchObject({ addressLine: '1 George St, Level 2', city: 'Sydney', postcode: '2000', cityKey: 'sydney', firstNameKey: 'zoe' });
  });

  it('starts with default service consent and the marketing consent given', () => {
    expect(item.consent.email.marketing).toMatchObject({ status: 'granted', source: 'staff', actorStaffId: 'S1' });
    expect(item.consent.sms.service).toMatchObject({ status: 'granted', source: 'default' });
    expect(consentTransitions).toHaveLength(3);
  });

  it('defaults customer-since to the given today', () => {
    const minimal = newCustomerItem('T1', customerCreateSchema.parse({ lastName: 'Lee' }), context).item;
    expect(minimal.customerSince).toBe('2026-05-04');
    expect(minimal.addressLine).toBeUndefined();
    expect(minimal.consent.email.marketing).toBeNull();
  });

  it('is pure: same input, same item', () => {
    expect(newCustomerItem('T1', full, context).item).toEqual(item);
  });
});

describe('applyCustomerChanges', () => {
  const { item } = newCustomerItem('T1', full, context);

  it('re-derives the name index key and projected address, and bumps the version', () => {
    const next = applyCustomerChanges(
      item,
      patchToChanges(customerPatchSchema.parse({ lastName: 'Smith', address: { city: 'Melbourne' } })),
      '2026-05-05T00:00:00.000Z',
    );
    expect(next.gsi2sk).toBe('smith#zoe#C1');
    expect(next).toMatchObject({ city: 'Melbourne', cityKey: 'melbourne', version: 2, updatedAt: '2026-05-05T00:00:00.000Z' });
    expect(next.addressLine).toBeUndefined();
    expect(next.postcode).toBeUndefined();
    expect(changedAttributes(item, next)).toEqual(['address', 'lastName']);
  });

  it('removes fields patched with null', () => {
    const next = applyCustomerChanges(item, patchToChanges(customerPatchSchema.parse({ email: null, notes: null })), NOW);
    expect(next.email).toBeUndefined();
    expect(next.notes).toBeUndefined();
    expect(changedAttributes(item, next)).toEqual(['email', 'notes']);
  });
});

describe('erasureChanges', () => {
  it('removes every personal attribute, leaves the aggregates and takes the customer out of the name index', () => {
    const { item } = newCustomerItem('T1', full, context);
    const withSpend = { ...item, agg: { ...item.agg, totalSpent: 12_345, purchaseCount: 2 } };
    const consent = withdrawAll(item.consent, { at: NOW, source: 'erasure' }).state;
    const erased = applyCustomerChanges(withSpend, erasureChanges(withSpend, consent, NOW), NOW);
    for (const attribute of PROFILE_PII_ATTRIBUTES) {
      if (attribute === 'firstName' || attribute === 'lastName') expect(erased[attribute]).toBe('');
      else expect(erased[attribute], attribute).toBeUndefined();
    }
    expect(erased).toMatchObject({ erased: true, erasedAt: NOW, tags: [], categories: [], agg: { totalSpent: 12_345 } });
    expect(erased.gsi2pk).toBeUndefined();
    expect(erased.gsi2sk).toBeUndefined();
    expect(erased.gsi1pk).toBe(item.gsi1pk);
    expect(JSON.stringify(erased)).not.toMatch(/Zo|Brien|example\.com|412345678|George|POS-1|platinum/);
  });
});

describe('toCustomerView', () => {
  it('shows unset optional fields as null and aggregates under readable names', () => {
    const { item } = newCustomerItem('T1', customerCreateSchema.parse({ lastName: 'Lee' }), context);
    const withMonth = {
      ...item,
      agg: {
        ...item.agg,
        months: { '2026-04': { t: { c: 1, s: 500, m: 500 }, d: { watches: { c: 1, s: 500, m: 500 } }, m: {}, dm: {} } },
        upcomingAppointments: ['2026-05-01T00:00:00.000Z', '2026-06-01T00:00:00.000Z'],
      },
    };
    const view = toCustomerView(withMonth, new Date(NOW));
    expect(view).toMatchObject({ email: null, phone: null, address: null, birthday: null, notes: null, externalId: null });
    expect(view.aggregates.monthlySpend['2026-04']).toEqual({
      total: { count: 1, sum: 500, max: 500 },
      byDepartment: { watches: { count: 1, sum: 500, max: 500 } },
      byMetal: {},
      byDepartmentAndMetal: {},
    });
    // The appointment on 1 May has passed by 4 May: the next one is read at request time.
    expect(view.aggregates.nextAppointmentAt).toBe('2026-06-01T00:00:00.000Z');
    expect(view).not.toHaveProperty('pk');
    expect(view).not.toHaveProperty('agg');
  });
});
