/**
 * A table as CSV: UTF-8 with a byte-order mark (so that Excel opens Vietnamese text as UTF-8), RFC 4180 (CRLF
 * line ends; fields holding a comma, a quote or a line break quoted, quotes doubled), a header row, then the rows.
 * Empty cells are empty fields; shares are fractions (0.25), not percents; numbers are never grouped.
 */
import { stringify } from 'csv-stringify/sync';
import type { Cell, Table } from './table';

export const CSV_CONTENT_TYPE = 'text/csv; charset=utf-8; header=present';

/**
 * A text cell that a spreadsheet would read as a formula (=, +, -, @, or a tab or carriage return first) gets a
 * leading apostrophe, as OWASP advises against CSV injection. Unit names and labels never start so; numbers are
 * written as numbers and untouched.
 */
function neutralize(cell: Cell): Cell {
  return typeof cell === 'string' && /^[=+\-@\t\r]/.test(cell) ? `'${cell}` : cell;
}

export function toCsv(table: Table): Buffer {
  const body = stringify([table.headers, ...table.rows].map((row) => row.map(neutralize)), {
    bom: true,
    record_delimiter: 'windows',
    // csv-stringify quotes a field holding the whole record delimiter (CRLF) but not a lone CR or LF: RFC 4180 wants both quoted.
    quoted_match: /[\r\n]/,
  });
  return Buffer.from(body, 'utf8');
}
