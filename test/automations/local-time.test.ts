import { describe, expect, it } from 'vitest';
import {
  addDays,
  addMonths,
  dateInYear,
  endOfLocalDay,
  localDateOf,
  localHourInstant,
  localHourOf,
  startOfLocalDay,
} from '../../shared/domain/automations/local-time';

const at = (date: string, hour: number, zone: string) => new Date(localHourInstant(date, hour, zone)).toISOString();

describe('localHourInstant: the send hour is local wall time', () => {
  it('is the plain offset on an ordinary day, east and west of UTC', () => {
    expect(at('2026-03-14', 10, 'Australia/Sydney')).toBe('2026-03-13T23:00:00.000Z'); // AEDT +11: the previous UTC day
    expect(at('2026-07-14', 10, 'Australia/Sydney')).toBe('2026-07-14T00:00:00.000Z'); // AEST +10
    expect(at('2026-03-14', 10, 'America/Los_Angeles')).toBe('2026-03-14T17:00:00.000Z'); // PDT -7
    expect(at('2026-03-14', 22, 'Pacific/Auckland')).toBe('2026-03-14T09:00:00.000Z'); // NZDT +13
    expect(at('2026-03-14', 23, 'Pacific/Honolulu')).toBe('2026-03-15T09:00:00.000Z'); // -10: the next UTC day
  });

  describe('a skipped hour (clocks spring forward) sends at the first instant after the gap', () => {
    it.each([
      ['Australia/Sydney', '2025-10-05', 2, '2025-10-04T16:00:00.000Z'], // 02:00 AEST → 03:00 AEDT
      ['America/New_York', '2025-03-09', 2, '2025-03-09T07:00:00.000Z'], // 02:00 EST → 03:00 EDT
      ['Europe/London', '2025-03-30', 1, '2025-03-30T01:00:00.000Z'], // 01:00 GMT → 02:00 BST
    ])('%s on %s at %i:00', (zone, date, hour, expected) => {
      expect(at(date, hour, zone)).toBe(expected);
      expect(localHourOf(expected, zone)).toBe(hour + 1);
      // The hour before the gap is unaffected, the one after is an hour later than the gap's end.
      expect(localHourInstant(date, hour + 1, zone)).toBe(Date.parse(expected));
      expect(localHourInstant(date, hour - 1, zone)).toBe(Date.parse(expected) - 3_600_000);
    });
  });

  describe('a repeated hour (clocks go back) sends once, at the first of its two instants', () => {
    it.each([
      ['Australia/Sydney', '2025-04-06', 2, '2025-04-05T15:00:00.000Z'], // 02:00 AEDT, not 02:00 AEST (16:00Z)
      ['America/New_York', '2025-11-02', 1, '2025-11-02T05:00:00.000Z'], // 01:00 EDT, not 01:00 EST (06:00Z)
      ['Europe/London', '2025-10-26', 1, '2025-10-26T00:00:00.000Z'], // 01:00 BST, not 01:00 GMT (01:00Z)
    ])('%s on %s at %i:00', (zone, date, hour, expected) => {
      expect(at(date, hour, zone)).toBe(expected);
      expect(localHourOf(expected, zone)).toBe(hour);
      expect(localDateOf(expected, zone)).toBe(date);
    });
  });

  it('keeps the wall hour on both sides of a DST change (10:00 stays 10:00 local)', () => {
    for (const zone of ['Australia/Sydney', 'America/New_York', 'Europe/London']) {
      for (let day = 0; day < 400; day += 1) {
        const date = addDays('2025-01-01', day);
        const instant = localHourInstant(date, 10, zone);
        expect(localHourOf(instant, zone)).toBe(10);
        expect(localDateOf(instant, zone)).toBe(date);
      }
    }
  });

  it('has 23- and 25-hour days where the clocks change', () => {
    const length = (date: string, zone: string) => (endOfLocalDay(date, zone) - startOfLocalDay(date, zone)) / 3_600_000;
    expect(length('2025-10-05', 'Australia/Sydney')).toBe(23);
    expect(length('2025-04-06', 'Australia/Sydney')).toBe(25);
    expect(length('2025-03-09', 'America/New_York')).toBe(23);
    expect(length('2025-11-02', 'America/New_York')).toBe(25);
    expect(length('2025-06-01', 'Europe/London')).toBe(24);
  });

  it('handles half-hour DST shifts (Lord Howe Island: 02:00 → 02:30 in spring, 02:00 → 01:30 in autumn)', () => {
    const zone = 'Australia/Lord_Howe';
    const spring = localHourInstant('2025-10-05', 2, zone);
    expect(new Date(spring).toISOString()).toBe('2025-10-04T15:30:00.000Z'); // the jump: 02:30 LHDT (+11)
    expect(localHourOf(spring, zone)).toBe(2);
    // In autumn 01:30-01:59 repeats; 01:00 and 02:00 each happen once.
    expect(new Date(localHourInstant('2025-04-06', 1, zone)).toISOString()).toBe('2025-04-05T14:00:00.000Z'); // 01:00 LHDT
    expect(new Date(localHourInstant('2025-04-06', 2, zone)).toISOString()).toBe('2025-04-05T15:30:00.000Z'); // 02:00 LHST (+10:30)
  });

  it('starts a day whose midnight is skipped at the end of the gap', () => {
    // America/Santiago springs forward at 00:00 → 01:00 (first Sunday of September 2025).
    expect(localHourOf(startOfLocalDay('2025-09-07', 'America/Santiago'), 'America/Santiago')).toBe(1);
    expect(localDateOf(startOfLocalDay('2025-09-07', 'America/Santiago'), 'America/Santiago')).toBe('2025-09-07');
  });
});

describe('calendar arithmetic', () => {
  it('celebrates 29 February on 28 February in years without one', () => {
    expect(dateInYear(2024, 2, 29)).toBe('2024-02-29');
    expect(dateInYear(2025, 2, 29)).toBe('2025-02-28');
    expect(dateInYear(2100, 2, 29)).toBe('2100-02-28'); // not a leap year
    expect(dateInYear(2000, 2, 29)).toBe('2000-02-29'); // a leap year
  });

  it('adds days across month and year ends, and months clamping to the month end', () => {
    expect(addDays('2025-12-31', 1)).toBe('2026-01-01');
    expect(addDays('2024-03-01', -1)).toBe('2024-02-29');
    expect(addDays('2026-01-03', -7)).toBe('2025-12-27');
    expect(addMonths('2025-08-31', 6)).toBe('2026-02-28');
    expect(addMonths('2023-08-31', 6)).toBe('2024-02-29');
    expect(addMonths('2026-03-31', -1)).toBe('2026-02-28');
  });
});
