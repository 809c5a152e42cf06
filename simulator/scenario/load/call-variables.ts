/**
 * Per-call variables of a load scenario from a CSV file (as SIPp's `-inf` injection file): the
 * first row names the columns, each call takes the next row in order and the rows start over at
 * the end. Fields are separated by commas and may be quoted ("a, b", "" for a quote, RFC 4180).
 * A bad row is refused with its file:row:column and why, and nothing runs.
 */
import type { ConfigIssue } from '../../config/index.js';

export interface CallVariables {
  readonly file: string;
  readonly names: readonly string[];
  readonly rows: readonly (readonly string[])[];
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** The rows of `text`, or the problems with their row and column (1-based). */
export function parseCallVariables(text: string, file: string): CallVariables | ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const lines = text.replace(/\r\n/g, '\n').split('\n');
  if (lines.at(-1) === '') lines.pop();
  const parsed = lines.map((line, i) => splitRow(line, file, i + 1, issues));
  const names = parsed[0] ?? [];
  if (names.length === 0) issues.push({ file, line: 1, column: 1, message: 'the first row names the columns, e.g. caller,number' });
  names.forEach((n, c) => {
    if (!NAME.test(n)) issues.push({ file, line: 1, column: columnOf(lines[0]!, c), message: `column name ${JSON.stringify(n)}: letters, digits and _, not starting with a digit` });
  });
  const rows: string[][] = [];
  parsed.slice(1).forEach((fields, i) => {
    const row = i + 2;
    if (fields === undefined) return;
    if (fields.length === 1 && fields[0] === '') return issues.push({ file, line: row, column: 1, message: 'an empty row' });
    if (fields.length !== names.length) return issues.push({ file, line: row, column: 1, message: `${fields.length} fields, the header names ${names.length} (${names.join(', ')})` });
    rows.push(fields);
  });
  if (parsed.length < 2 && issues.length === 0) issues.push({ file, line: 1, column: 1, message: 'no rows after the header' });
  return issues.length > 0 ? issues : { file, names, rows };
}

function splitRow(line: string, file: string, row: number, issues: ConfigIssue[]): string[] | undefined {
  const fields: string[] = [];
  let i = 0;
  for (;;) {
    let field = '';
    if (line[i] === '"') {
      const open = i;
      i++;
      for (;;) {
        if (i >= line.length) {
          issues.push({ file, line: row, column: open + 1, message: 'a quote that is not closed' });
          return undefined;
        }
        if (line[i] === '"' && line[i + 1] === '"') {
          field += '"';
          i += 2;
        } else if (line[i] === '"') {
          i++;
          break;
        } else {
          field += line[i++];
        }
      }
      if (i < line.length && line[i] !== ',') {
        issues.push({ file, line: row, column: i + 1, message: 'text after a closing quote (a comma was expected)' });
        return undefined;
      }
    } else {
      while (i < line.length && line[i] !== ',') field += line[i++];
    }
    fields.push(field.trim());
    if (i >= line.length) return fields;
    i++;
  }
}

/** The 1-based column where field `index` of `line` starts. */
function columnOf(line: string, index: number): number {
  let at = 0;
  for (let f = 0; f < index; f++) at = line.indexOf(',', at) + 1;
  return at + 1;
}
