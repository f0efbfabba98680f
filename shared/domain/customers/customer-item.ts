import type { z } from 'zod';
import type { monthDay } from '../../api/common';
import { indexKeys, keys, normaliseForSort } from '../../store/keys';
import { emptyAggregates, type CustomerAggregates } from './aggregates';
import { initialConsent, type ConsentState, type ConsentTransition } from './consent';
import type { CustomerCreate, CustomerPatch, CustomerStatus, Loyalty, PostalAddress } from './customer-schema';

/**
 * The stored customer item (`keys.customer`), and pure builders for it. The API, the demo seeder and the bulk importer
 * all build items here, so every customer carries the same derived attributes:
 *  - book index keys (gsi1) and, while not erased, name index keys (gsi2);
 *  - the BOOK_PROJECTION attributes at top level (`city`, `postcode`, `addressLine` copied from `address`), which
 *    segment rules read from the book index;
 *  - normalised search attributes (`firstNameKey`, `cityKey`) for case- and accent-insensitive list filters.
 * Optional fields are absent (not null) when unset.
 */
export type MonthDay = z.output<typeof monthDay>;

export interface CustomerItem {
  pk: string;
  sk: string;
  gsi1pk: string;
  gsi1sk: string;
  /** Absent once erased: an erased customer is no longer listed. */
  gsi2pk?: string;
  gsi2sk?: string;
  type: 'Customer';
  tenantId: string;
  customerId: string;
  firstName: string;
  lastName: string;
  email?: string;
  phone?: string;
  address?: PostalAddress;
  /** `line1, line2` of the address (book projection: free search on address). */
  addressLine?: string;
  city?: string;
  postcode?: string;
  firstNameKey?: string;
  cityKey?: string;
  birthday?: MonthDay;
  anniversary?: MonthDay;
  weddingDate?: string;
  tags: string[];
  status: CustomerStatus;
  categories: string[];
  loyalty: Loyalty;
  externalId?: string;
  customerSince: string;
  notes?: string;
  consent: ConsentState;
  agg: CustomerAggregates;
  erased: boolean;
  erasedAt?: string;
  /** Optimistic concurrency: every write is conditional on the version it read, and increments it. */
  version: number;
  createdAt: string;
  updatedAt: string;
}

/** Attributes derived from others; recomputed by `withDerivedAttributes`, never set directly. */
type DerivedAttribute =
  | 'pk'
  | 'sk'
  | 'gsi1pk'
  | 'gsi1sk'
  | 'gsi2pk'
  | 'gsi2sk'
  | 'type'
  | 'tenantId'
  | 'customerId'
  | 'addressLine'
  | 'city'
  | 'postcode'
  | 'firstNameKey'
  | 'cityKey'
  | 'version'
  | 'createdAt'
  | 'updatedAt';

/**
 * What a change may set on a customer. A key present with `undefined` removes the attribute (the document client drops
 * undefined values when the item is written back).
 */
export type CustomerChanges = Partial<Omit<CustomerItem, DerivedAttribute>>;

/** The profile attributes holding personal data: blanked on erasure, listed in exports. */
export const PROFILE_PII_ATTRIBUTES = [
  'firstName',
  'lastName',
  'email',
  'phone',
  'address',
  'addressLine',
  'city',
  'postcode',
  'firstNameKey',
  'cityKey',
  'birthday',
  'anniversary',
  'weddingDate',
  'notes',
  'externalId',
] as const;

function addressLineOf(address: PostalAddress | undefined): string | undefined {
  const line = [address?.line1, address?.line2].filter((part) => part !== undefined && part !== '').join(', ');
  return line === '' ? undefined : line;
}

const blankToUndefined = (value: string | undefined) => (value === undefined || value === '' ? undefined : value);

/**
 * Recomputes every derived attribute (index keys, projected address parts, search keys) from the profile. Pure; call it
 * on every item before writing it.
 */
export function withDerivedAttributes(item: Omit<CustomerItem, 'pk' | 'sk' | 'gsi1pk' | 'gsi1sk'> & Partial<CustomerItem>): CustomerItem {
  const city = blankToUndefined(item.address?.city);
  const firstNameKey = normaliseForSort(item.firstName);
  const names = item.erased ? {} : indexKeys.customerByName(item.tenantId, item.lastName, item.firstName, item.customerId);
  const {
    gsi2pk: _gsi2pk,
    gsi2sk: _gsi2sk,
    addressLine: _addressLine,
    city: _city,
    postcode: _postcode,
    firstNameKey: _firstNameKey,
    cityKey: _cityKey,
    ...rest
  } = item;
  return {
    ...rest,
    ...keys.customer(item.tenantId, item.customerId),
    ...indexKeys.book(item.tenantId, item.customerId),
    ...names,
    type: 'Customer',
    addressLine: addressLineOf(item.address),
    city,
    postcode: blankToUndefined(item.address?.postcode),
    firstNameKey: firstNameKey === '' ? undefined : firstNameKey,
    cityKey: city === undefined ? undefined : normaliseForSort(city),
  };
}

export interface NewCustomerContext {
  customerId: string;
  /** Creation time (ISO). */
  now: string;
  /** Today's date in the tenant's time zone: the default customer-since date. */
  today: string;
  /** Staff member creating the customer (absent for system imports). */
  actorStaffId?: string;
  consentSource?: 'staff' | 'import';
}

/**
 * A new customer item: version 1, empty aggregates, service consent granted by default, marketing consent as the
 * input says. Also returns the consent transitions, which the caller writes as history items.
 */
export function newCustomerItem(
  tenantId: string,
  input: CustomerCreate,
  context: NewCustomerContext,
): { item: CustomerItem; consentTransitions: ConsentTransition[] } {
  const { consent: consentRequest, customerSince, ...profile } = input;
  const consent = initialConsent(consentRequest, {
    at: context.now,
    ...(context.actorStaffId === undefined ? {} : { actorStaffId: context.actorStaffId }),
    ...(context.consentSource === undefined ? {} : { source: context.consentSource }),
  });
  const item = withDerivedAttributes({
    ...profile,
    type: 'Customer',
    tenantId,
    customerId: context.customerId,
    customerSince: customerSince ?? context.today,
    consent: consent.state,
    agg: emptyAggregates(),
    erased: false,
    version: 1,
    createdAt: context.now,
    updatedAt: context.now,
  });
  return { item, consentTransitions: consent.transitions };
}

/** Turns a PATCH body into changes: `null` clears (undefined removes the attribute on write). */
export function patchToChanges(patch: CustomerPatch): CustomerChanges {
  const changes: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(patch)) {
    if (value === undefined) continue;
    changes[field] = value === null ? undefined : value;
  }
  return changes as CustomerChanges;
}

/**
 * The next version of an item: changes applied, derived attributes recomputed, version incremented. Pure; the caller
 * writes it conditional on `current.version`.
 */
export function applyCustomerChanges(current: CustomerItem, changes: CustomerChanges, now: string): CustomerItem {
  return withDerivedAttributes({ ...current, ...changes, version: current.version + 1, updatedAt: now });
}

/** Names of the attributes whose value differs between two items (audit entries list names, never values). */
export function changedAttributes(before: CustomerItem, after: CustomerItem): string[] {
  const ignored = new Set(['version', 'updatedAt', 'gsi2sk', 'firstNameKey', 'cityKey', 'addressLine', 'city', 'postcode']);
  const names = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...names]
    .filter((name) => !ignored.has(name))
    .filter((name) => JSON.stringify(before[name as keyof CustomerItem]) !== JSON.stringify(after[name as keyof CustomerItem]))
    .sort();
}

/**
 * What erasure changes on a customer: every personal attribute removed, names blanked, `erased` set (which also takes
 * the customer out of the name index, see withDerivedAttributes). Aggregates, status and loyalty membership stay (they
 * describe purchases, not the person, and keep the tenant's totals right); tags and categories go, because staff type
 * them freely and they can name people.
 */
export function erasureChanges(current: CustomerItem, consent: ConsentState, now: string): CustomerChanges {
  const removed: Record<string, undefined> = {};
  for (const attribute of PROFILE_PII_ATTRIBUTES) removed[attribute] = undefined;
  return {
    ...(removed as CustomerChanges),
    firstName: '',
    lastName: '',
    tags: [],
    categories: [],
    loyalty: { member: current.loyalty.member, ...(current.loyalty.tier === undefined ? {} : { tier: current.loyalty.tier }) },
    consent,
    erased: true,
    erasedAt: now,
  };
}
