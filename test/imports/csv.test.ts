import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CsvSyntaxError, parseCsv, parseCsvRecords } from '../../shared/domain/imports/csv';

/** Writes fields the way a careful CSV writer does: quote when needed, double the quotes inside. */
function writeCsv(rows: string[][], newline: string): string {
  const quote = (value: string) => (/[",\r\n]/.test(value) || value === '' ? `"${value.replace(/"/g, '""')}"` : value);
  return rows.map((fields) => fields.map(quote).join(',')).join(newline) + newline;
}

describe('parseCsvRecords', () => {
  it('reads quoted fields with commas, escaped quotes and line breaks', () => {
    const text = 'id,note\r\n1,"Ring, 18ct ""halo"" style"\r\n2,"line one\nline two"\r\n';
    expect(parseCsvRecords(text)).toEqual([
      { row: 1, fields: ['id', 'note'] },
      { row: 2, fields: ['1', 'Ring, 18ct "halo" style'] },
      { row: 3, fields: ['2', 'line one\nline two'] },
    ]);
  });

  it('accepts LF, CRLF and CR line ends, with or without a final line break', () => {
    for (const text of ['a,b\n1,2', 'a,b\r\n1,2\r\n', 'a,b\r1,2\r']) {
      expect(parseCsvRecords(text).map((r) => r.fields)).toEqual([
        ['a', 'b'],
        ['1', '2'],
      ]);
    }
  });

  it('drops a UTF-8 byte-order mark so the first column name is clean', () => {
    expect(parseCsvRecords('\uFEFFexternal_id,email\n')[0]!.fields).toEqual(['external_id', 'email']);
  });

  it('keeps empty fields, including a trailing one and an empty quoted one', () => {
    expect(parseCsvRecords('a,,"",\n')[0]!.fields).toEqual(['a', '', '', '']);
  });

  it('keeps a bare quote inside an unquoted field as written', () => {
    expect(parseCsvRecords('7" chain,x\n')[0]!.fields).toEqual(['7" chain', 'x']);
  });

  it('refuses an unclosed quote and text after a closing quote, naming the row', () => {
    expect(() => parseCsvRecords('a\n"open\n')).toThrow(new CsvSyntaxError(2, 'a quoted field is never closed'));
    expect(() => parseCsvRecords('a,b\n1,"x"y\n')).toThrowError(/Row 2: a quoted field must end/);
  });

  it('reads back whatever a careful writer wrote (property)', () => {
    const field = fc.string({ unit: fc.constantFrom('a', 'Z', ' ', ',', '"', '\n', '\r', 'é', '💎', '1') });
    const table = fc.integer({ min: 1, max: 5 }).chain((width) => fc.array(fc.array(field, { minLength: width, maxLength: width }), { minLength: 1, maxLength: 8 }));
    fc.assert(
      fc.property(table, fc.constantFrom('\n', '\r\n'), (rows, newline) => {
        expect(parseCsvRecords(writeCsv(rows, newline)).map((r) => r.fields)).toEqual(rows);
      }),
    );
  });
});

describe('parseCsv', () => {
  it('numbers data rows as a spreadsheet does: header is row 1, blank lines keep their number', () => {
    const table = parseCsv(' external_id , email\n\nC1,a@example.com\n,\nC2,b@example.com\n');
    expect(table.header).toEqual(['external_id', 'email']);
    expect(table.records).toEqual([
      { row: 3, fields: ['C1', 'a@example.com'] },
      { row: 5, fields: ['C2', 'b@example.com'] },
    ]);
  });

  it('refuses a row whose field count differs from the header', () => {
    expect(() => parseCsv('a,b\n1,2\n3,4,\n')).toThrow(new CsvSyntaxError(3, 'expected 2 fields like the header, found 3'));
  });

  it('refuses an empty file', () => {
    expect(() => parseCsv('\uFEFF\n\n')).toThrowError(/empty/);
  });
});
