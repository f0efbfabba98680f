import { describe, expect, it } from 'vitest';
import { at, customer, evaluate, matching } from './book-fixtures';

const SYDNEY = 'Australia/Sydney';
const AUCKLAND = 'Pacific/Auckland';
const LOS_ANGELES = 'America/Los_Angeles';

const born = (month: number, day: number, year?: number) => customer({ birthday: { month, day, ...(year === undefined ? {} : { year }) } });

describe('birthday', () => {
  it('"today" is the tenant\'s today, east of UTC', async () => {
    // 00:30 on 15 March in Auckland is still 14 March in UTC.
    const fifteenth = born(3, 15);
    const fourteenth = born(3, 14);
    expect(await matching({ type: 'birthday', when: 'today' }, [fifteenth, fourteenth], at('2025-03-15T00:30', AUCKLAND))).toEqual([
      fifteenth.customerId,
    ]);
  });

  it('"today" is the tenant\'s today, west of UTC', async () => {
    // 20:00 on 14 March in Los Angeles is already 15 March in UTC.
    const fifteenth = born(3, 15);
    const fourteenth = born(3, 14);
    expect(await matching({ type: 'birthday', when: 'today' }, [fifteenth, fourteenth], at('2025-03-14T20:00', LOS_ANGELES))).toEqual([
      fourteenth.customerId,
    ]);
  });

  it('a 29 February birthday falls on 28 February in other years, and on the 29th in leap years', async () => {
    const leapling = born(2, 29, 2000);
    const feb28 = born(2, 28);
    const book = [leapling, feb28];
    expect(await matching({ type: 'birthday', when: 'today' }, book, at('2025-02-28T09:00', SYDNEY))).toEqual([leapling.customerId, feb28.customerId]);
    expect(await matching({ type: 'birthday', when: 'today' }, book, at('2024-02-28T09:00', SYDNEY))).toEqual([feb28.customerId]);
    expect(await matching({ type: 'birthday', when: 'today' }, book, at('2024-02-29T09:00', SYDNEY))).toEqual([leapling.customerId]);
    expect(await matching({ type: 'birthday', when: 'today' }, book, at('2025-03-01T09:00', SYDNEY))).toEqual([]);
  });

  it('"next N days" includes today and the Nth day, across the year end', async () => {
    const today = born(12, 28);
    const lastDay = born(1, 4);
    const dayAfter = born(1, 5);
    const yesterday = born(12, 27);
    const result = await matching({ type: 'birthday', when: 'next_days', days: 7 }, [today, lastDay, dayAfter, yesterday], at('2025-12-28T09:00', SYDNEY));
    expect(result).toEqual([today.customerId, lastDay.customerId]);
  });

  it('"next N days" over the end of February in a common year takes 29 February along with the 28th', async () => {
    const leapling = born(2, 29);
    const march1 = born(3, 1);
    expect(await matching({ type: 'birthday', when: 'next_days', days: 3 }, [leapling, march1], at('2025-02-26T09:00', SYDNEY))).toEqual([
      leapling.customerId,
      march1.customerId,
    ]);
  });

  it('"this month" and a named month compare the month in the tenant time zone', async () => {
    const march = born(3, 31);
    const april = born(4, 1);
    const nobirthday = customer();
    const book = [march, april, nobirthday];
    // 1 April 08:00 in Sydney is still 31 March in UTC.
    expect(await matching({ type: 'birthday', when: 'this_month' }, book, at('2025-04-01T08:00', SYDNEY))).toEqual([april.customerId]);
    expect(await matching({ type: 'birthday', when: 'month', month: 3 }, book, at('2025-04-01T08:00', SYDNEY))).toEqual([march.customerId]);
  });

  it('explains with the date as a jeweller reads it', async () => {
    const result = await evaluate({ type: 'birthday', when: 'this_month' }, [born(6, 2, 1980)], at('2025-06-10T09:00', SYDNEY));
    expect(result.matches[0]?.why[0]?.detail).toBe('birthday 2 June 1980');
  });
});

describe('anniversary', () => {
  it('takes the same options on the anniversary day and month', async () => {
    const today = customer({ anniversary: { month: 6, day: 10, year: 2001 } });
    const later = customer({ anniversary: { month: 6, day: 20 } });
    const book = [today, later];
    const context = at('2025-06-10T09:00', SYDNEY);
    expect(await matching({ type: 'anniversary', when: 'today' }, book, context)).toEqual([today.customerId]);
    expect(await matching({ type: 'anniversary', when: 'next_days', days: 10 }, book, context)).toEqual([today.customerId, later.customerId]);
    expect(await matching({ type: 'anniversary', when: 'this_month' }, book, context)).toHaveLength(2);
    expect(await matching({ type: 'anniversary', when: 'month', month: 7 }, book, context)).toEqual([]);
  });
});

describe('wedding', () => {
  const context = at('2025-06-10T09:00', SYDNEY);
  const marriedToday = customer({ weddingDate: '2025-06-10' });
  const marryingSoon = customer({ weddingDate: '2025-06-25' });
  const tenYears = customer({ weddingDate: '2015-06-10' });
  const leapWedding = customer({ weddingDate: '2020-02-29' });
  const book = [marriedToday, marryingSoon, tenYears, leapWedding];

  it('"married today" is the wedding date itself being today', async () => {
    expect(await matching({ type: 'wedding', when: 'today' }, book, context)).toEqual([marriedToday.customerId]);
    expect(await matching({ type: 'wedding', when: 'next_days', days: 15 }, book, context)).toEqual([
      marriedToday.customerId,
      marryingSoon.customerId,
    ]);
    expect(await matching({ type: 'wedding', when: 'this_month' }, book, context)).toEqual([marriedToday.customerId, marryingSoon.customerId]);
  });

  it('an anniversary is a later year\'s return of the date, never the wedding day itself', async () => {
    expect(await matching({ type: 'wedding', anniversary: true, when: 'today' }, book, context)).toEqual([tenYears.customerId]);
    expect(await matching({ type: 'wedding', anniversary: true, when: 'this_month' }, book, context)).toEqual([tenYears.customerId]);
    expect(await matching({ type: 'wedding', anniversary: true, when: 'month', month: 6 }, book, context)).toEqual([tenYears.customerId]);
  });

  it('a 29 February wedding has its anniversary on 28 February in common years', async () => {
    expect(await matching({ type: 'wedding', anniversary: true, when: 'today' }, book, at('2025-02-28T09:00', SYDNEY))).toEqual([
      leapWedding.customerId,
    ]);
    expect(await matching({ type: 'wedding', anniversary: true, when: 'today' }, book, at('2020-02-29T09:00', SYDNEY))).toEqual([]);
  });
});

describe('age', () => {
  it('counts whole years in the tenant time zone and ignores birthdays without a year', async () => {
    const turning35 = born(6, 15, 1990);
    const noYear = born(6, 15);
    // 01:00 on 15 June in Sydney is still 14 June in UTC: in Sydney the customer is already 35.
    const context = at('2025-06-15T01:00', SYDNEY);
    expect(await matching({ type: 'age', min: 35 }, [turning35, noYear], context)).toEqual([turning35.customerId]);
    expect(await matching({ type: 'age', max: 34 }, [turning35, noYear], context)).toEqual([]);
    expect(await matching({ not: { type: 'age', min: 1 } }, [turning35, noYear], context)).toEqual([noYear.customerId]);
  });

  it('a 29 February birthday adds a year on 28 February in common years', async () => {
    const leapling = born(2, 29, 2000);
    expect(await matching({ type: 'age', min: 25, max: 25 }, [leapling], at('2025-02-28T09:00', SYDNEY))).toHaveLength(1);
    expect(await matching({ type: 'age', min: 25, max: 25 }, [leapling], at('2025-02-27T09:00', SYDNEY))).toHaveLength(0);
    expect(await matching({ type: 'age', min: 24, max: 24 }, [leapling], at('2024-02-28T09:00', SYDNEY))).toHaveLength(0);
    expect(await matching({ type: 'age', min: 24, max: 24 }, [leapling], at('2024-02-29T09:00', SYDNEY))).toHaveLength(1);
  });

  it('brackets are inclusive at both ends', async () => {
    const thirty = born(1, 1, 1995);
    const forty = born(1, 1, 1985);
    const fortyOne = born(1, 1, 1984);
    expect(await matching({ type: 'age', min: 30, max: 40 }, [thirty, forty, fortyOne], at('2025-06-01T09:00', SYDNEY))).toEqual([
      thirty.customerId,
      forty.customerId,
    ]);
  });
});
