import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  occurrenceAfter,
  occurrenceOnOrAfter,
  parseScheduleExpression,
  type ScheduleExpression,
  type ScheduleTiming,
} from '../../local/scheduler/expressions';
import { dayMatches } from '../../local/scheduler/cron';
import { instantsOfWallTime, wallTimeOf } from '../../local/scheduler/wall-clock';

function parse(text: string): ScheduleExpression {
  const parsed = parseScheduleExpression(text);
  if (!parsed.ok) throw new Error(`${text}: ${parsed.reason}`);
  return parsed.expression;
}

const utc = (iso: string) => new Date(iso);

function timing(timeZone: string, extra: Partial<ScheduleTiming> = {}): ScheduleTiming {
  return { timeZone, rateAnchor: utc('2000-01-01T00:00:00Z'), ...extra };
}

/** The first `count` occurrences at or after `from`, as ISO strings. */
function occurrences(text: string, from: string, schedule: ScheduleTiming, count: number): string[] {
  const expression = parse(text);
  const found: string[] = [];
  let next = occurrenceOnOrAfter(expression, utc(from), schedule);
  while (next && found.length < count) {
    found.push(next.toISOString());
    next = occurrenceAfter(expression, next, schedule);
  }
  return found;
}

describe('parseScheduleExpression', () => {
  it.each([
    'at(2025-01-01T10:00:00)',
    'at(2024-02-29T23:59:59)',
    'rate(1 minute)',
    'rate(5 minutes)',
    'rate(1 hour)',
    'rate(12 hours)',
    'rate(1 day)',
    'rate(7 days)',
    'cron(0 10 * * ? *)',
    'cron(0/15 * * * ? *)',
    'cron(*/5 8-17 ? * MON-FRI *)',
    'cron(0 9 ? * mon,wed,fri *)',
    'cron(0 5 L * ? *)',
    'cron(0 5 LW * ? *)',
    'cron(0 9 15W * ? *)',
    'cron(0 9 ? * 6L *)',
    'cron(0 9 ? * FRIL *)',
    'cron(0 9 ? * 2#1 *)',
    'cron(0 9 ? * L *)',
    'cron(0 0 1 JAN,JUL ? 2026-2030)',
    'cron(0 0 1/10 * ? 2025/2)',
    'cron(0 0 1 * ? 2199)',
  ])('accepts %s', (text) => {
    expect(parseScheduleExpression(text)).toMatchObject({ ok: true });
  });

  it.each([
    ['at(2025-02-29T10:00:00)', 'not a valid date'],
    ['at(2024-04-31T10:00:00)', 'not a valid date'],
    ['at(2025-01-01T24:00:00)', 'not a valid date'],
    ['at(2025-01-01 10:00:00)', 'yyyy-mm-ddThh:mm:ss'],
    ['at(2025-01-01T10:00:00Z)', 'yyyy-mm-ddThh:mm:ss'],
    ['rate(0 minutes)', 'positive'],
    ['rate(1 hours)', 'singular'],
    ['rate(5 hour)', 'singular'],
    ['rate(2 weeks)', 'minute(s), hour(s) or day(s)'],
    ['rate(-1 minutes)', 'minute(s), hour(s) or day(s)'],
    ['cron(0 10 * * ?)', 'expected 6 fields'],
    ['cron(0 10 * * * *)', 'exactly one of day-of-month and day-of-week'],
    ['cron(0 10 ? * ? *)', 'exactly one of day-of-month and day-of-week'],
    ['cron(60 10 * * ? *)', 'minutes: 60 is outside 0-59'],
    ['cron(0 24 * * ? *)', 'hours: 24 is outside 0-23'],
    ['cron(0 0 32 * ? *)', 'day-of-month: 32 is outside 1-31'],
    ['cron(0 0 1 13 ? *)', 'month: 13 is outside 1-12'],
    ['cron(0 0 ? * 8 *)', 'day-of-week: 8 is outside 1-7'],
    ['cron(0 0 1 * ? 2200)', 'year: 2200 is outside 1970-2199'],
    ['cron(0 22-2 * * ? *)', 'wrapping range'],
    ['cron(0 0 ? * FRI-MON *)', 'wrapping range'],
    ['cron(0 0 L-2 * ? *)', 'not supported'],
    ['cron(0 0 1,L * ? *)', 'not supported'],
    ['cron(0 0 ? * 1/2 *)', "'/' is not allowed"],
    ['cron(0 0 ? * 2#6 *)', 'must be 1-5'],
    ['cron(? 0 * * ? *)', "only allowed in the day fields"],
    ['cron(0/0 * * * ? *)', 'positive integer'],
    ['every day at ten', 'expected at(...), rate(...) or cron(...)'],
  ])('refuses %s', (text, reason) => {
    const parsed = parseScheduleExpression(text);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.reason).toContain(reason);
  });
});

describe('at()', () => {
  it('is a wall time in the schedule time zone, standard and daylight time alike (Australia/Sydney)', () => {
    expect(occurrences('at(2025-06-15T09:00:00)', '2025-01-01T00:00:00Z', timing('Australia/Sydney'), 5)).toEqual([
      '2025-06-14T23:00:00.000Z', // AEST, UTC+10
    ]);
    expect(occurrences('at(2026-01-15T09:00:00)', '2025-01-01T00:00:00Z', timing('Australia/Sydney'), 5)).toEqual([
      '2026-01-14T22:00:00.000Z', // AEDT, UTC+11
    ]);
  });

  it('has no occurrence once its instant has passed, and ignores StartDate and EndDate', () => {
    const expression = parse('at(2025-06-15T09:00:00)');
    const window = timing('UTC', { startDate: utc('2030-01-01T00:00:00Z'), endDate: utc('2020-01-01T00:00:00Z') });
    expect(occurrenceOnOrAfter(expression, utc('2025-06-15T09:00:00Z'), window)?.toISOString()).toBe(
      '2025-06-15T09:00:00.000Z',
    );
    expect(occurrenceOnOrAfter(expression, utc('2025-06-15T09:00:00.001Z'), window)).toBeUndefined();
  });

  it('reads a wall time skipped by spring-forward with the offset before the jump', () => {
    // Sydney 2025-10-05 02:00 AEST -> 03:00 AEDT; New York 2024-03-10 02:00 EST -> 03:00 EDT.
    expect(occurrences('at(2025-10-05T02:30:00)', '2025-01-01T00:00:00Z', timing('Australia/Sydney'), 1)).toEqual([
      '2025-10-04T16:30:00.000Z', // 03:30 AEDT
    ]);
    expect(occurrences('at(2024-03-10T02:30:00)', '2024-01-01T00:00:00Z', timing('America/New_York'), 1)).toEqual([
      '2024-03-10T07:30:00.000Z', // 03:30 EDT
    ]);
  });

  it('means the first instant of a wall time repeated by fall-back', () => {
    // Sydney 2025-04-06 03:00 AEDT -> 02:00 AEST; New York 2024-11-03 02:00 EDT -> 01:00 EST.
    expect(occurrences('at(2025-04-06T02:30:00)', '2025-01-01T00:00:00Z', timing('Australia/Sydney'), 1)).toEqual([
      '2025-04-05T15:30:00.000Z', // 02:30 AEDT, not 02:30 AEST
    ]);
    expect(occurrences('at(2024-11-03T01:30:00)', '2024-01-01T00:00:00Z', timing('America/New_York'), 1)).toEqual([
      '2024-11-03T05:30:00.000Z', // 01:30 EDT, not 01:30 EST
    ]);
  });
});

describe('rate()', () => {
  it('occurs at the anchor and every period after it', () => {
    const schedule = timing('UTC', { rateAnchor: utc('2025-03-01T10:00:30Z') });
    expect(occurrences('rate(5 minutes)', '2025-03-01T09:00:00Z', schedule, 3)).toEqual([
      '2025-03-01T10:00:30.000Z',
      '2025-03-01T10:05:30.000Z',
      '2025-03-01T10:10:30.000Z',
    ]);
    expect(occurrences('rate(5 minutes)', '2025-03-01T10:05:31Z', schedule, 1)).toEqual(['2025-03-01T10:10:30.000Z']);
  });

  it('starts at StartDate when given and stops at EndDate', () => {
    const schedule = timing('UTC', {
      rateAnchor: utc('2025-03-01T00:00:00Z'),
      startDate: utc('2025-03-02T06:00:00Z'),
      endDate: utc('2025-03-02T08:00:00Z'),
    });
    expect(occurrences('rate(1 hour)', '2025-03-01T00:00:00Z', schedule, 10)).toEqual([
      '2025-03-02T06:00:00.000Z',
      '2025-03-02T07:00:00.000Z',
      '2025-03-02T08:00:00.000Z',
    ]);
  });

  it('counts a day as 24 hours across a DST change, whatever the time zone', () => {
    // Anchored at 09:00 AEST the day before Sydney springs forward: the next day it fires at 10:00 AEDT.
    const schedule = timing('Australia/Sydney', { rateAnchor: utc('2025-10-03T23:00:00Z') });
    expect(occurrences('rate(1 day)', '2025-10-01T00:00:00Z', schedule, 3)).toEqual([
      '2025-10-03T23:00:00.000Z',
      '2025-10-04T23:00:00.000Z',
      '2025-10-05T23:00:00.000Z',
    ]);
  });
});

describe('cron() in a time zone through DST', () => {
  it('keeps the local hour across spring-forward and fall-back (America/New_York)', () => {
    expect(occurrences('cron(0 9 * * ? *)', '2024-03-09T00:00:00Z', timing('America/New_York'), 2)).toEqual([
      '2024-03-09T14:00:00.000Z', // 09:00 EST
      '2024-03-10T13:00:00.000Z', // 09:00 EDT
    ]);
    expect(occurrences('cron(0 9 * * ? *)', '2024-11-02T00:00:00Z', timing('America/New_York'), 2)).toEqual([
      '2024-11-02T13:00:00.000Z',
      '2024-11-03T14:00:00.000Z',
    ]);
  });

  it('skips a wall time that does not exist on the spring-forward day (America/New_York)', () => {
    expect(occurrences('cron(30 2 * * ? *)', '2024-03-09T00:00:00Z', timing('America/New_York'), 2)).toEqual([
      '2024-03-09T07:30:00.000Z', // 02:30 EST
      '2024-03-11T06:30:00.000Z', // 02:30 EDT; none on the 10th
    ]);
  });

  it('fires a repeated wall time only once on the fall-back day (America/New_York)', () => {
    expect(occurrences('cron(30 1 * * ? *)', '2024-11-02T00:00:00Z', timing('America/New_York'), 3)).toEqual([
      '2024-11-02T05:30:00.000Z', // 01:30 EDT
      '2024-11-03T05:30:00.000Z', // 01:30 EDT; not again at 01:30 EST
      '2024-11-04T06:30:00.000Z', // 01:30 EST
    ]);
  });

  it('does not repeat the minutes of the repeated hour (America/New_York, every 15 minutes)', () => {
    expect(occurrences('cron(0/15 * * * ? *)', '2024-11-03T05:00:00Z', timing('America/New_York'), 6)).toEqual([
      '2024-11-03T05:00:00.000Z', // 01:00 EDT
      '2024-11-03T05:15:00.000Z',
      '2024-11-03T05:30:00.000Z',
      '2024-11-03T05:45:00.000Z', // 01:45 EDT; the EST pass through 01:xx is not repeated
      '2024-11-03T07:00:00.000Z', // 02:00 EST
      '2024-11-03T07:15:00.000Z',
    ]);
  });

  it('finds the next occurrence from inside the repeated hour', () => {
    // 06:20Z is 01:20 EST, the second pass: the 01:30 wall time already happened at 05:30Z.
    expect(occurrences('cron(30 1,2 * * ? *)', '2024-11-03T06:20:00Z', timing('America/New_York'), 1)).toEqual([
      '2024-11-03T07:30:00.000Z', // 02:30 EST
    ]);
  });

  it('skips the missing hour and fires the repeated one once (Australia/Sydney)', () => {
    expect(occurrences('cron(30 2 * * ? *)', '2025-10-03T00:00:00Z', timing('Australia/Sydney'), 2)).toEqual([
      '2025-10-03T16:30:00.000Z', // 02:30 AEST on the 4th
      '2025-10-05T15:30:00.000Z', // 02:30 AEDT on the 6th; the 5th has no 02:30
    ]);
    expect(occurrences('cron(30 2 * * ? *)', '2025-04-04T00:00:00Z', timing('Australia/Sydney'), 3)).toEqual([
      '2025-04-04T15:30:00.000Z', // 02:30 AEDT on the 5th
      '2025-04-05T15:30:00.000Z', // 02:30 AEDT on the 6th, once
      '2025-04-06T16:30:00.000Z', // 02:30 AEST on the 7th
    ]);
    expect(occurrences('cron(0/30 * * * ? *)', '2025-10-04T15:00:00Z', timing('Australia/Sydney'), 3)).toEqual([
      '2025-10-04T15:00:00.000Z', // 01:00 AEST
      '2025-10-04T15:30:00.000Z', // 01:30 AEST
      '2025-10-04T16:00:00.000Z', // 03:00 AEDT
    ]);
  });

  it('runs a weekday schedule from Friday to Monday in local time', () => {
    // Friday 2025-06-13 18:00 in Sydney is 08:00Z; the next weekday 09:00 is Monday the 16th.
    expect(occurrences('cron(0 9 ? * MON-FRI *)', '2025-06-13T08:00:00Z', timing('Australia/Sydney'), 1)).toEqual([
      '2025-06-15T23:00:00.000Z',
    ]);
  });
});

describe('cron() month ends, leap years and special days', () => {
  it('L is the last day of each month, leap February included', () => {
    expect(occurrences('cron(0 12 L * ? *)', '2024-01-31T12:00:01Z', timing('UTC'), 3)).toEqual([
      '2024-02-29T12:00:00.000Z',
      '2024-03-31T12:00:00.000Z',
      '2024-04-30T12:00:00.000Z',
    ]);
    expect(occurrences('cron(0 12 L 2 ? *)', '2025-01-01T00:00:00Z', timing('UTC'), 2)).toEqual([
      '2025-02-28T12:00:00.000Z',
      '2026-02-28T12:00:00.000Z',
    ]);
  });

  it('L is the last local day of the month in the schedule time zone', () => {
    // 09:00 on 29 Feb 2024 in Sydney (AEDT) is still 28 Feb in UTC.
    expect(occurrences('cron(0 9 L * ? *)', '2024-02-01T00:00:00Z', timing('Australia/Sydney'), 1)).toEqual([
      '2024-02-28T22:00:00.000Z',
    ]);
  });

  it('29 February only occurs in leap years', () => {
    expect(occurrences('cron(0 0 29 2 ? *)', '2025-01-01T00:00:00Z', timing('UTC'), 2)).toEqual([
      '2028-02-29T00:00:00.000Z',
      '2032-02-29T00:00:00.000Z',
    ]);
  });

  it('the 31st skips months that have none', () => {
    expect(occurrences('cron(0 0 31 * ? *)', '2025-04-01T00:00:00Z', timing('UTC'), 3)).toEqual([
      '2025-05-31T00:00:00.000Z',
      '2025-07-31T00:00:00.000Z',
      '2025-08-31T00:00:00.000Z',
    ]);
  });

  it('LW is the last weekday of the month', () => {
    // 31 May 2025 is a Saturday; 31 August 2025 a Sunday; 30 September 2025 a Tuesday.
    expect(occurrences('cron(0 8 LW * ? *)', '2025-05-01T00:00:00Z', timing('UTC'), 5)).toEqual([
      '2025-05-30T08:00:00.000Z',
      '2025-06-30T08:00:00.000Z',
      '2025-07-31T08:00:00.000Z',
      '2025-08-29T08:00:00.000Z',
      '2025-09-30T08:00:00.000Z',
    ]);
  });

  it('nW is the weekday nearest to day n within the month', () => {
    // 15 June 2025 is a Sunday -> Monday 16th; 1 February 2025 is a Saturday -> Monday 3rd (not 31 January).
    expect(occurrences('cron(0 8 15W 6 ? *)', '2025-01-01T00:00:00Z', timing('UTC'), 1)).toEqual([
      '2025-06-16T08:00:00.000Z',
    ]);
    expect(occurrences('cron(0 8 1W 2 ? *)', '2025-01-01T00:00:00Z', timing('UTC'), 1)).toEqual([
      '2025-02-03T08:00:00.000Z',
    ]);
    // 31 August 2025 is a Sunday -> Friday 29th (not 1 September); 30-day months have no 31W.
    expect(occurrences('cron(0 8 31W * ? *)', '2025-08-01T00:00:00Z', timing('UTC'), 2)).toEqual([
      '2025-08-29T08:00:00.000Z',
      '2025-10-31T08:00:00.000Z',
    ]);
  });

  it('nL is the last n-day of the month and n#k the k-th', () => {
    expect(occurrences('cron(0 8 ? * 6L *)', '2025-02-01T00:00:00Z', timing('UTC'), 2)).toEqual([
      '2025-02-28T08:00:00.000Z',
      '2025-03-28T08:00:00.000Z',
    ]);
    expect(occurrences('cron(0 8 ? * MON#1 *)', '2025-08-05T00:00:00Z', timing('UTC'), 2)).toEqual([
      '2025-09-01T08:00:00.000Z',
      '2025-10-06T08:00:00.000Z',
    ]);
    // No fifth Monday in February 2026; the next is in March 2026 (30th).
    expect(occurrences('cron(0 8 ? * 2#5 *)', '2026-02-01T00:00:00Z', timing('UTC'), 1)).toEqual([
      '2026-03-30T08:00:00.000Z',
    ]);
  });

  it('honours the year field, StartDate and EndDate', () => {
    expect(occurrences('cron(0 0 1 1 ? 2020)', '2025-01-01T00:00:00Z', timing('UTC'), 1)).toEqual([]);
    expect(occurrences('cron(0 0 1 1 ? 2027,2029)', '2025-06-01T00:00:00Z', timing('UTC'), 3)).toEqual([
      '2027-01-01T00:00:00.000Z',
      '2029-01-01T00:00:00.000Z',
    ]);
    const window = timing('UTC', { startDate: utc('2025-01-03T12:00:00Z'), endDate: utc('2025-01-05T00:00:00Z') });
    expect(occurrences('cron(0 0 * * ? *)', '2025-01-01T00:00:00Z', window, 5)).toEqual([
      '2025-01-04T00:00:00.000Z',
      '2025-01-05T00:00:00.000Z',
    ]);
  });
});

describe('cron() agrees with a minute-by-minute scan of real time', () => {
  const zones = ['UTC', 'Australia/Sydney', 'America/New_York', 'Europe/London', 'Asia/Kolkata', 'Australia/Lord_Howe'];
  // Instants near each zone's DST transitions, where a search over wall time is most likely to go wrong.
  const transitions: ReadonlyArray<readonly [string, string]> = [
    ['America/New_York', '2024-11-03T04:00:00Z'],
    ['America/New_York', '2024-03-10T05:00:00Z'],
    ['Australia/Sydney', '2025-10-04T14:00:00Z'],
    ['Australia/Sydney', '2025-04-05T14:00:00Z'],
    ['Europe/London', '2025-03-30T00:00:00Z'],
    ['Europe/London', '2025-10-26T00:00:00Z'],
    ['Australia/Lord_Howe', '2025-10-04T14:30:00Z'],
    ['Australia/Lord_Howe', '2025-04-05T14:00:00Z'],
  ];
  const zoneAndFrom = fc.oneof(
    fc.tuple(
      fc.constantFrom(...zones),
      fc.integer({ min: utc('2024-01-01T00:00:00Z').getTime(), max: utc('2026-12-31T00:00:00Z').getTime() }),
    ),
    fc
      .tuple(fc.constantFrom(...transitions), fc.integer({ min: -3 * 3_600_000, max: 3 * 3_600_000 }))
      .map(([[zone, iso], offset]) => [zone, utc(iso).getTime() + offset] as const),
  );
  // Biased towards the small hours, where transitions happen.
  const hour = fc.oneof(fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 3 }));
  const hourSet = fc.uniqueArray(hour, { minLength: 1, maxLength: 4 });
  const minuteSet = fc.uniqueArray(fc.integer({ min: 0, max: 59 }), { minLength: 1, maxLength: 4 });

  it('finds exactly the first matching minute at or after "from"', () => {
    fc.assert(
      fc.property(zoneAndFrom, minuteSet, hourSet, ([timeZone, fromMs], minutes, hours) => {
        const text = `cron(${minutes.join(',')} ${hours.join(',')} * * ? *)`;
        const expression = parse(text);
        if (expression.kind !== 'cron') throw new Error('expected cron');
        const found = occurrenceOnOrAfter(expression, new Date(fromMs), timing(timeZone));
        // Real time, minute by minute: a minute fires if its wall time matches and this is that wall time's first instant.
        const horizon = fromMs + 50 * 3_600_000;
        let expected: number | undefined;
        for (let t = Math.ceil(fromMs / 60_000) * 60_000; t <= horizon && expected === undefined; t += 60_000) {
          const wall = wallTimeOf(new Date(t), timeZone);
          if (!minutes.includes(wall.minute) || !hours.includes(wall.hour)) continue;
          if (!dayMatches(expression.fields.day, wall.year, wall.month, wall.day)) continue;
          if (instantsOfWallTime(wall, timeZone)[0]?.getTime() === t) expected = t;
        }
        expect(found?.getTime()).toBe(expected);
      }),
      { numRuns: 150 },
    );
  });
});
