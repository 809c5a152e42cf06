/**
 * CSV text as RFC 4180 defines it: fields separated by commas, records ended by CRLF, a field
 * holding a comma, a quote, CR or LF enclosed in quotes with its quotes doubled. The reader also
 * takes LF line ends, and names the row, line and column of anything malformed.
 */

/** One field, quoted when it has to be. */
export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/** One record, CRLF included. */
export function csvRecord(fields: readonly string[]): string {
  return `${fields.map(csvField).join(',')}\r\n`;
}

export interface CsvRow {
  /** 1-based; the header is row 1. */
  row: number;
  /** 1-based line the row starts on (a quoted field may hold line breaks). */
  line: number;
  fields: string[];
}

export class CsvError extends Error {
  override readonly name = 'CsvError';

  constructor(
    readonly source: string,
    readonly row: number,
    readonly line: number,
    readonly column: number,
    readonly reason: string,
  ) {
    super(`${source}: row ${row} (line ${line}), column ${column}: ${reason}`);
  }
}

/** Splits CSV text into rows of fields; `source` names it in errors. */
export function parseCsv(text: string, source = 'csv'): CsvRow[] {
  const rows: CsvRow[] = [];
  let fields: string[] = [];
  let field = '';
  let quoted = false;
  let afterQuote = false;
  let line = 1;
  let rowLine = 1;
  const fail = (reason: string): never => {
    throw new CsvError(source, rows.length + 1, rowLine, fields.length + 1, reason);
  };
  const endRow = (): void => {
    fields.push(field);
    rows.push({ row: rows.length + 1, line: rowLine, fields });
    fields = [];
    field = '';
    afterQuote = false;
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') {
        quoted = false;
        afterQuote = true;
      } else {
        if (c === '\n') line++;
        field += c;
      }
      continue;
    }
    if (c === ',') {
      fields.push(field);
      field = '';
      afterQuote = false;
    } else if (c === '\n' || (c === '\r' && text[i + 1] === '\n')) {
      if (c === '\r') i++;
      endRow();
      line++;
      rowLine = line;
    } else if (afterQuote) {
      fail(`${JSON.stringify(c)} after a closing quote`);
    } else if (c === '"') {
      if (field !== '') fail('a quote inside an unquoted field');
      quoted = true;
    } else {
      field += c;
    }
  }
  if (quoted) fail('a quoted field is never closed');
  if (field !== '' || fields.length > 0 || afterQuote) endRow();
  return rows;
}
