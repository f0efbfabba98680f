import { describe, expect, it } from 'vitest';
import { columnForPath } from '../../shared/domain/imports/csv-columns';
import { ImportFileInvalid, csvToUnits } from '../../shared/domain/imports/csv-to-units';
import { validateUnit } from '../../shared/domain/imports/validate-unit';

const sydney = { timeZone: 'Australia/Sydney', currency: 'AUD' };

describe('csvToUnits', () => {
  it('maps customer columns onto the API create body, leaving empty cells out', () => {
    const csv = [
      'External_ID,first_name,last_name,email,phone,city,birthday,anniversary,tags,loyalty_member,email_marketing',
      'C-1,Ada,Lovelace,ada@example.com,+61 412 345 678,Sydney,12-10,1835-07-08,vip; gold ,yes,granted',
      'C-2,,Byron,,,,,,,,',
    ].join('\r\n');
    const [ada, byron] = csvToUnits(csv, 'customers', sydney);
    expect(ada).toEqual({
      row: 2,
      record: {
        externalId: 'C-1',
        firstName: 'Ada',
        lastName: 'Lovelace',
        email: 'ada@example.com',
        phone: '+61 412 345 678',
        address: { city: 'Sydney' },
        birthday: { month: 12, day: 10 },
        anniversary: { year: 1835, month: 7, day: 8 },
        tags: ['vip', 'gold'],
        loyalty: { member: true },
        consent: { email: { marketing: 'granted' } },
      },
    });
    expect(byron).toEqual({ row: 3, record: { externalId: 'C-2', lastName: 'Byron' } });
  });

  it('groups purchase rows by purchase_external_id into one purchase with a line per row', () => {
    const csv = [
      'purchase_external_id,customer_external_id,purchased_at,department,metal,description,amount',
      'S-1,C-1,2019-05-03,Engagement Rings,Platinum,Solitaire,"4,500.00"',
      'S-2,C-2,2020-01-01T10:00:00+11:00,watches,,Watch,999',
      'S-1,C-1,,Wedding Bands,platinum,Band,1200.5',
    ].join('\n');
    const units = csvToUnits(csv, 'purchases', sydney);
    expect(units).toHaveLength(2);
    expect(units[0]).toEqual({
      row: 2,
      lineRows: [2, 4],
      record: {
        externalId: 'S-1',
        customerExternalId: 'C-1',
        // Midday in Sydney on that day.
        purchasedAt: '2019-05-03T02:00:00.000Z',
        lines: [
          { department: 'Engagement Rings', metal: 'Platinum', description: 'Solitaire', amount: 450000 },
          { department: 'Wedding Bands', metal: 'platinum', description: 'Band', amount: 120050 },
        ],
      },
    });
    expect(units[1]!.record.purchasedAt).toBe('2020-01-01T10:00:00+11:00');
  });

  it('keeps unreadable cells and disagreeing group rows as errors of their row', () => {
    const csv = [
      'purchase_external_id,customer_external_id,department,amount',
      'S-1,C-1,rings,12.345',
      'S-1,C-9,rings,10',
    ].join('\n');
    const [unit] = csvToUnits(csv, 'purchases', sydney);
    expect(unit!.cellErrors).toEqual([
      { row: 2, field: 'amount', message: 'Use at most 2 decimals for AUD' },
      { row: 3, field: 'customer_external_id', message: 'Differs from row 2, which has the same purchase_external_id' },
    ]);
  });

  it('refuses unknown, duplicate and missing required columns before queueing anything', () => {
    const attempt = () => csvToUnits('first_name,emial,first_name\nA,b,c\n', 'customers', sydney);
    expect(attempt).toThrow(ImportFileInvalid);
    try {
      attempt();
    } catch (error) {
      const messages = (error as ImportFileInvalid).errors.map((e) => e.message);
      expect(messages).toEqual([
        expect.stringContaining('Unknown column "emial"'),
        'Column "first_name" appears twice in row 1',
        'Row 1 must have a "external_id" column for a customers import',
      ]);
    }
  });

  it('reports malformed CSV as a file error with its row', () => {
    expect(() => csvToUnits('external_id\n"C-1\n', 'customers', sydney)).toThrowError(/Row 2: a quoted field is never closed/);
  });
});

describe('validateUnit', () => {
  it('reports every bad field of a CSV row by column, with the API schema messages', () => {
    const [unit] = csvToUnits('external_id,first_name,email,phone,birthday\nC-1,Ada,not-an-email,12345,13-45\n', 'customers', sydney);
    const result = validateUnit('customers', 'csv', unit!);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors.map((e) => [e.row, e.field])).toEqual([
      [2, 'email'],
      [2, 'phone'],
      [2, 'birthday'],
    ]);
    expect(result.errors[2]!.message).toMatch(/; /);
  });

  it('puts line errors on the line row of a grouped purchase and requires the external ids', () => {
    const csv = 'purchase_external_id,customer_external_id,department,amount\nS-1,,rings,10\nS-1,,,20\n';
    const [unit] = csvToUnits(csv, 'purchases', sydney);
    const result = validateUnit('purchases', 'csv', unit!);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors).toEqual(
      expect.arrayContaining([
        { row: 3, field: 'department', message: expect.any(String) },
        { row: 2, field: 'customer_external_id', message: expect.any(String) },
      ]),
    );
  });

  it('accepts JSON records in the API shape and names fields by JSON path', () => {
    const good = validateUnit('repairs', 'json', {
      row: 1,
      record: { externalId: 'R-1', customerExternalId: 'C-1', itemDescription: 'Ring resize', status: 'ready' },
    });
    expect(good).toMatchObject({ ok: true, value: { kind: 'repairs', externalId: 'R-1', customerExternalId: 'C-1', status: 'ready' } });

    const bad = validateUnit('purchases', 'json', {
      row: 4,
      record: { externalId: 'S-1', customerExternalId: 'C-1', lines: [{ department: 'rings', amount: -5 }] },
    });
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.errors).toContainEqual({ row: 4, field: 'lines[0].amount', message: expect.stringMatching(/>=0/) });
  });

  it('keeps a customer status as a customer field (only records have an import status)', () => {
    const result = validateUnit('customers', 'json', { row: 1, record: { externalId: 'C-1', lastName: 'X', status: 'inactive' } });
    expect(result).toMatchObject({ ok: true, value: { input: { status: 'inactive' }, provided: ['externalId', 'lastName', 'status'] } });
  });

  it('requires an external id on every record', () => {
    const result = validateUnit('customers', 'json', { row: 2, record: { lastName: 'X' } });
    expect(result).toMatchObject({ ok: false, errors: [{ row: 2, field: 'externalId' }] });
  });
});

describe('columnForPath', () => {
  it('finds the column of nested and line fields', () => {
    expect(columnForPath('customers', ['address', 'city'])?.column).toBe('city');
    expect(columnForPath('customers', ['loyalty', 'member'])?.column).toBe('loyalty_member');
    expect(columnForPath('purchases', ['lines', 3, 'amount'])?.column).toBe('amount');
    expect(columnForPath('customers', ['address'])).toBeUndefined();
  });
});

describe('the import README', () => {
  it('documents every CSV column of every kind', async () => {
    const { readFileSync } = await import('node:fs');
    const { CSV_LAYOUTS } = await import('../../shared/domain/imports/csv-columns');
    const readme = readFileSync(new URL('../../shared/domain/imports/README.md', import.meta.url), 'utf8');
    for (const [kind, layout] of Object.entries(CSV_LAYOUTS)) {
      const section = readme.split(`### ${kind}\n`)[1]?.split('\n### ')[0] ?? '';
      for (const column of layout.columns) expect(section, `${kind}.${column.column}`).toContain(`| \`${column.column}\` |`);
    }
  });
});
