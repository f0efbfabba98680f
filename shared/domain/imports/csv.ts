/**
 * A small RFC 4180 CSV reader: comma-separated fields, fields quoted with `"` may hold commas, line breaks and `""`
 * (an escaped quote); records end with CRLF, LF or a lone CR; a UTF-8 byte-order mark (what Excel writes) is dropped.
 *
 * Records are numbered the way a spreadsheet numbers rows: the header is record 1, the first data row record 2, and a
 * blank line still takes a number (it is skipped, not renumbered), so "row 7" in an import error is row 7 in Excel.
 * (A quoted field spanning two lines counts as one record, as a spreadsheet shows it.)
 */
export interface CsvRecord {
  /** 1-based record number in the file, the header being 1. */
  row: number;
  fields: string[];
}

export interface CsvTable {
  header: string[];
  records: CsvRecord[];
}

/** The text is not well-formed CSV; `row` is the record where the problem is. */
export class CsvSyntaxError extends Error {
  constructor(
    readonly row: number,
    readonly reason: string,
  ) {
    super(`Row ${row}: ${reason}`);
    this.name = 'CsvSyntaxError';
  }
}

const QUOTE = '"';
const COMMA = ',';
const CR = '\r';
const LF = '\n';

/** Every record of the text, blank lines included (as a single empty field). */
export function parseCsvRecords(input: string): CsvRecord[] {
  const text = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
  const records: CsvRecord[] = [];
  let fields: string[] = [];
  let field = '';
  let row = 1;
  let i = 0;
  // Whether the current field started with a quote and that quoted section has closed.
  let quotedFieldClosed = false;

  const endField = () => {
    fields.push(field);
    field = '';
    quotedFieldClosed = false;
  };
  const endRecord = () => {
    endField();
    records.push({ row, fields });
    fields = [];
    row += 1;
  };

  while (i < text.length) {
    const char = text[i]!;
    if (quotedFieldClosed && char !== COMMA && char !== CR && char !== LF) {
      throw new CsvSyntaxError(row, 'a quoted field must end at a comma or the end of the line');
    }
    if (char === QUOTE && field === '' && !quotedFieldClosed) {
      // Quoted field: read up to the closing quote, turning "" into ".
      const start = row;
      i += 1;
      for (;;) {
        const close = text.indexOf(QUOTE, i);
        if (close === -1) throw new CsvSyntaxError(start, 'a quoted field is never closed');
        field += text.slice(i, close);
        if (text[close + 1] === QUOTE) {
          field += QUOTE;
          i = close + 2;
          continue;
        }
        i = close + 1;
        break;
      }
      quotedFieldClosed = true;
      continue;
    }
    if (char === COMMA) {
      endField();
      i += 1;
    } else if (char === CR || char === LF) {
      endRecord();
      i += char === CR && text[i + 1] === LF ? 2 : 1;
    } else {
      // A bare quote inside an unquoted field is kept as written (`5" bracelet`), as spreadsheets do.
      field += char;
      i += 1;
    }
  }
  // The last record may or may not end with a line break.
  if (field !== '' || fields.length > 0 || quotedFieldClosed) endRecord();
  return records;
}

const isBlank = (record: CsvRecord) => record.fields.every((value) => value.trim() === '');

/**
 * The header and the non-blank data records. Every data record must have as many fields as the header (a trailing
 * empty field is the usual sign of a stray comma, so that is an error too rather than a silent shift of columns).
 */
export function parseCsv(input: string): CsvTable {
  const all = parseCsvRecords(input);
  const headerRecord = all.find((record) => !isBlank(record));
  if (!headerRecord) throw new CsvSyntaxError(1, 'the file is empty; the first row must name the columns');
  const header = headerRecord.fields.map((name) => name.trim());
  const records = all.filter((record) => record.row > headerRecord.row && !isBlank(record));
  for (const record of records) {
    if (record.fields.length !== header.length) {
      throw new CsvSyntaxError(
        record.row,
        `expected ${header.length} fields like the header, found ${record.fields.length}`,
      );
    }
  }
  return { header, records };
}
