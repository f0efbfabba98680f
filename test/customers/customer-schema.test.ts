import { describe, expect, it } from 'vitest';
import { formatPath } from '../../shared/http/problem';
import { customerCreateSchema, customerPatchSchema } from '../../shared/domain/customers/customer-schema';

function errorsOf(schema: typeof customerCreateSchema | typeof customerPatchSchema, input: unknown) {
  const result = schema.safeParse(input);
  if (result.success) return [];
  return result.error.issues.map((issue) => ({ path: formatPath(issue.path), message: issue.message }));
}

describe('customer create schema', () => {
  it('accepts a minimal customer and fills defaults', () => {
    const parsed = customerCreateSchema.parse({ lastName: 'Nguyen' });
    expect(parsed).toMatchObject({ firstName: '', lastName: 'Nguyen', tags: [], categories: [], status: 'active', loyalty: { member: false } });
    expect(parsed.customerSince).toBeUndefined();
  });

  it('requires a first or a last name', () => {
    expect(errorsOf(customerCreateSchema, { firstName: '  ' })).toEqual([{ path: 'lastName', message: 'Enter a first name or a last name' }]);
  });

  it('stores phone numbers as E.164 and rejects numbers that are not', () => {
    expect(customerCreateSchema.parse({ lastName: 'A', phone: '+61 412 345 678' }).phone).toBe('+61412345678');
    expect(customerCreateSchema.parse({ lastName: 'A', phone: '+1 (415) 555-0100' }).phone).toBe('+14155550100');
    for (const bad of ['0412 345 678', '+0412345678', '+61 412', '+6141234567890123', '+61-abc-345']) {
      expect(errorsOf(customerCreateSchema, { lastName: 'A', phone: bad }), bad).toEqual([
        { path: 'phone', message: 'Enter the phone number in international format, e.g. +61412345678' },
      ]);
    }
  });

  it('rejects a birthday on 30 February and accepts 29 February without a year', () => {
    expect(errorsOf(customerCreateSchema, { lastName: 'A', birthday: { month: 2, day: 30 } })).toEqual([
      { path: 'birthday.day', message: 'Day does not exist in that month' },
    ]);
    expect(errorsOf(customerCreateSchema, { lastName: 'A', birthday: { month: 2, day: 29 } })).toEqual([]);
    expect(errorsOf(customerCreateSchema, { lastName: 'A', birthday: { month: 2, day: 29, year: 1990 } })).toHaveLength(1);
    expect(errorsOf(customerCreateSchema, { lastName: 'A', anniversary: { month: 4, day: 31 } })[0]?.path).toBe('anniversary.day');
  });

  it('wants a full ISO date for the wedding date', () => {
    expect(errorsOf(customerCreateSchema, { lastName: 'A', weddingDate: '2019-06-15' })).toEqual([]);
    expect(errorsOf(customerCreateSchema, { lastName: 'A', weddingDate: '15/06/2019' })[0]?.path).toBe('weddingDate');
    expect(errorsOf(customerCreateSchema, { lastName: 'A', weddingDate: '2019-02-30' })[0]?.path).toBe('weddingDate');
  });

  it('lower-cases and de-duplicates tags, lower-cases email', () => {
    const parsed = customerCreateSchema.parse({ lastName: 'A', tags: ['VIP', ' vip ', 'Bridal'], email: ' Ann@Example.COM ' });
    expect(parsed.tags).toEqual(['vip', 'bridal']);
    expect(parsed.email).toBe('ann@example.com');
  });

  it('names the path of nested errors and unknown fields', () => {
    const errors = errorsOf(customerCreateSchema, {
      lastName: 'A',
      email: 'not-an-email',
      status: 'vip',
      address: { city: 'Sydney', country: 'Australia' },
      consent: { email: { marketing: 'yes' } },
      loyalty: { member: 'yes' },
      birthDay: { month: 1, day: 1 },
    });
    const paths = errors.map((e) => e.path).sort();
    expect(paths).toEqual(['', 'address.country', 'consent.email.marketing', 'email', 'loyalty.member', 'status'].sort());
    expect(errors.find((e) => e.path === '')?.message).toContain('birthDay');
  });
});

describe('customer patch schema', () => {
  it('defaults nothing, so a patch naming one field leaves the others alone', () => {
    expect(customerPatchSchema.parse({ notes: 'x' })).toEqual({ notes: 'x' });
    expect(customerPatchSchema.parse({})).toEqual({});
  });

  it('accepts null to clear optional fields but not names', () => {
    expect(customerPatchSchema.parse({ email: null, phone: null, birthday: null })).toEqual({ email: null, phone: null, birthday: null });
    expect(errorsOf(customerPatchSchema, { lastName: null })[0]?.path).toBe('lastName');
  });

  it('refuses consent changes (they go through PUT /consent)', () => {
    expect(errorsOf(customerPatchSchema, { consent: { email: { marketing: 'granted' } } })).toHaveLength(1);
  });
});
