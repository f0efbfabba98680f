import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  easterSunday,
  isSeasonalDateKept,
  SEASONAL_COUNTRIES,
  SEASONAL_DATES,
  seasonalDate,
} from '../../shared/domain/automations/seasonal-dates';

const weekday = (date: string) => new Date(`${date}T00:00:00Z`).getUTCDay();

describe('Easter Sunday (anonymous Gregorian algorithm)', () => {
  it.each([
    [1818, '1818-03-22'], // earliest possible
    [1943, '1943-04-25'], // latest possible
    [2000, '2000-04-23'],
    [2019, '2019-04-21'],
    [2024, '2024-03-31'],
    [2025, '2025-04-20'],
    [2026, '2026-04-05'],
    [2027, '2027-03-28'],
    [2038, '2038-04-25'],
  ])('%i: %s', (year, expected) => {
    expect(easterSunday(year)).toBe(expected);
  });

  it('is always a Sunday between 22 March and 25 April', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1583, max: 4099 }), (year) => {
        const easter = easterSunday(year);
        expect(weekday(easter)).toBe(0);
        expect(easter.slice(5) >= '03-22' && easter.slice(5) <= '04-25').toBe(true);
      }),
    );
  });
});

describe('seasonal dates by country', () => {
  it("Mother's Day: 2nd Sunday of May in AU, NZ, US, CA; Mothering Sunday (Easter − 3 weeks) in GB and IE", () => {
    for (const country of ['AU', 'NZ', 'US', 'CA']) {
      expect(seasonalDate('mothers_day', country, 2025)).toBe('2025-05-11');
      expect(seasonalDate('mothers_day', country, 2026)).toBe('2026-05-10');
    }
    expect(seasonalDate('mothers_day', 'GB', 2025)).toBe('2025-03-30');
    expect(seasonalDate('mothers_day', 'GB', 2026)).toBe('2026-03-15');
    expect(seasonalDate('mothers_day', 'IE', 2024)).toBe('2024-03-10');
  });

  it("Father's Day: 1st Sunday of September in AU and NZ, 3rd Sunday of June in US, CA, GB", () => {
    expect(seasonalDate('fathers_day', 'AU', 2025)).toBe('2025-09-07');
    expect(seasonalDate('fathers_day', 'NZ', 2026)).toBe('2026-09-06');
    expect(seasonalDate('fathers_day', 'US', 2025)).toBe('2025-06-15');
    expect(seasonalDate('fathers_day', 'CA', 2026)).toBe('2026-06-21');
    expect(seasonalDate('fathers_day', 'GB', 2024)).toBe('2024-06-16');
  });

  it("Valentine's Day, Christmas and Black Friday everywhere in the table", () => {
    for (const country of SEASONAL_COUNTRIES) {
      expect(seasonalDate('valentines_day', country, 2026)).toBe('2026-02-14');
      expect(seasonalDate('christmas', country, 2026)).toBe('2026-12-25');
      expect(seasonalDate('black_friday', country, 2025)).toBe('2025-11-28');
      expect(seasonalDate('black_friday', country, 2026)).toBe('2026-11-27');
    }
  });

  it('Boxing Day where it is kept, and not in the US', () => {
    for (const country of ['AU', 'NZ', 'GB', 'IE', 'CA']) expect(seasonalDate('boxing_day', country, 2026)).toBe('2026-12-26');
    expect(seasonalDate('boxing_day', 'US', 2026)).toBeUndefined();
    expect(isSeasonalDateKept('boxing_day', 'US')).toBe(false);
    expect(isSeasonalDateKept('boxing_day', 'au')).toBe(true);
  });

  it('has no dates for a country outside the table', () => {
    for (const name of SEASONAL_DATES) expect(seasonalDate(name, 'FR', 2026)).toBeUndefined();
  });

  it("keeps the weekday rules' weekdays in every year", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1900, max: 2200 }), fc.constantFrom(...SEASONAL_COUNTRIES), (year, country) => {
        expect(weekday(seasonalDate('mothers_day', country, year)!)).toBe(0);
        expect(weekday(seasonalDate('fathers_day', country, year)!)).toBe(0);
        const blackFriday = seasonalDate('black_friday', country, year)!;
        expect(weekday(blackFriday)).toBe(5);
        expect(blackFriday >= `${year}-11-23` && blackFriday <= `${year}-11-29`).toBe(true);
      }),
    );
  });
});
