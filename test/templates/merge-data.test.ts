import { describe, expect, it } from 'vitest';
import { newCustomerItem } from '../../shared/domain/customers/customer-item';
import { customerCreateSchema } from '../../shared/domain/customers/customer-schema';
import { anniversaryYears, mergeScope } from '../../shared/domain/templates/merge-data';
import { nextOccurrence } from '../../shared/domain/templates/merge-values';
import { PREVIEW_SEND_FIELDS, SAMPLE_CUSTOMER } from '../../shared/domain/templates/sample-data';
import { localeForCountry, tenantFormat, formatMoney } from '../../shared/domain/templates/tenant-format';
import { closestVariable, TEMPLATE_VARIABLES, variablesWithoutValue } from '../../shared/domain/templates/variables';

const FORMAT = tenantFormat({ timeZone: 'Australia/Sydney', country: 'AU', currency: 'AUD' });
const STORE = { name: 'Aurora', postalAddress: '1 George St', storePhone: '+61 2 9000 0000' };
const NOW = new Date('2026-03-01T00:00:00Z');

function valueAt(scope: object, path: string): unknown {
  return path.split('.').reduce<unknown>((value, key) => (value as Record<string, unknown> | undefined)?.[key], scope);
}

/** Every path of plain values in the scope (merge values and lists are leaves). */
function leafPaths(value: object, prefix = ''): string[] {
  return Object.entries(value).flatMap(([key, child]) => {
    const path = prefix ? `${prefix}.${key}` : key;
    const isGroup = child !== null && typeof child === 'object' && Object.getPrototypeOf(child) === Object.prototype;
    return isGroup ? leafPaths(child as object, path) : [path];
  });
}

describe('catalogue and merge data agree', () => {
  const scope = mergeScope(
    { customer: SAMPLE_CUSTOMER, store: STORE, send: PREVIEW_SEND_FIELDS, automation: { anniversaryYears: 10 } },
    { format: FORMAT, now: NOW },
  );

  it('every catalogue variable has a value for the sample customer', () => {
    for (const variable of TEMPLATE_VARIABLES) expect(valueAt(scope, variable.path), variable.path).not.toBeUndefined();
  });

  it('the merge data holds no value the catalogue does not document', () => {
    expect(leafPaths(scope).sort()).toEqual(TEMPLATE_VARIABLES.map((variable) => variable.path).sort());
  });

  it('catalogue paths are unique', () => {
    const paths = TEMPLATE_VARIABLES.map((variable) => variable.path);
    expect(new Set(paths).size).toBe(paths.length);
  });
});

describe('mergeScope from a stored customer', () => {
  const { item } = newCustomerItem(
    'T1',
    customerCreateSchema.parse({ firstName: 'Zoë', lastName: '', address: { city: '' }, loyalty: { member: false } }),
    { customerId: 'C1', now: NOW.toISOString(), today: '2026-03-01' },
  );
  const scope = mergeScope({ customer: item, store: { name: 'Aurora' } }, { format: FORMAT, now: NOW });

  it('builds full_name from the names present and leaves missing fields undefined', () => {
    expect(scope.customer.full_name).toBe('Zoë');
    expect(scope.customer.city).toBeUndefined();
    expect(scope.customer.birthday).toBeUndefined();
    expect(scope.customer.last_purchase_date).toBeUndefined();
    expect(scope.customer.total_spent).toBe(0);
    expect(scope.store).toEqual({ name: 'Aurora', address: undefined, phone: undefined });
    expect(scope.unsubscribe_url).toBeUndefined();
  });
});

describe('nextOccurrence', () => {
  it('is today when the day is today, else the next one', () => {
    expect(nextOccurrence(3, 1, '2026-03-01')).toBe('2026-03-01');
    expect(nextOccurrence(2, 28, '2026-03-01')).toBe('2027-02-28');
    expect(nextOccurrence(12, 31, '2026-03-01')).toBe('2026-12-31');
  });

  it('29 February falls on 28 February outside leap years', () => {
    expect(nextOccurrence(2, 29, '2026-01-10')).toBe('2026-02-28');
    expect(nextOccurrence(2, 29, '2027-03-01')).toBe('2028-02-29');
  });
});

describe('anniversaryYears', () => {
  it('counts years at the coming anniversary, from the anniversary year or else the wedding date', () => {
    expect(anniversaryYears({ anniversary: { month: 10, day: 2, year: 2015 } }, '2026-03-01')).toBe(11);
    expect(anniversaryYears({ anniversary: { month: 1, day: 2, year: 2015 } }, '2026-03-01')).toBe(12);
    expect(anniversaryYears({ anniversary: { month: 10, day: 2 }, weddingDate: '2016-10-02' }, '2026-03-01')).toBe(10);
    expect(anniversaryYears({ anniversary: { month: 10, day: 2 } }, '2026-03-01')).toBeUndefined();
  });
});

describe('variablesWithoutValue and closestVariable', () => {
  it('automation-only variables have no value in campaigns', () => {
    expect(variablesWithoutValue(['customer.first_name', 'anniversary_years'], 'campaign')).toEqual(['anniversary_years']);
    expect(variablesWithoutValue(['customer.first_name', 'anniversary_years'], 'automation')).toEqual([]);
  });

  it('suggests only close names', () => {
    expect(closestVariable('customer.firstname')).toBe('customer.first_name');
    expect(closestVariable('store.nmae')).toBe('store.name');
    expect(closestVariable('weather')).toBeUndefined();
  });
});

describe('tenant format', () => {
  it('derives the locale from the country', () => {
    expect(localeForCountry('AU')).toBe('en-AU');
    expect(localeForCountry('us')).toBe('en-US');
    expect(localeForCountry('FR')).toBe('fr-FR');
    expect(localeForCountry('IN')).toBe('en-IN');
    expect(localeForCountry('ZZ')).toMatch(/^[a-z]{2,3}(-ZZ)?$/);
  });

  it('formats money in the currency of the tenant, with its minor units', () => {
    expect(formatMoney(123_450, { locale: 'en-AU', currency: 'AUD' })).toBe('$1,234.50');
    expect(formatMoney(123_450, { locale: 'en-US', currency: 'AUD' })).toBe('A$1,234.50');
    expect(formatMoney(-500, { locale: 'en-GB', currency: 'GBP' })).toBe('-£5.00');
    expect(formatMoney(1_234, { locale: 'en-BH', currency: 'BHD' })).toMatch(/1\.234/);
  });
});
