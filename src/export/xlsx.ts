/**
 * A table as an Excel workbook (exceljs): the table on the first sheet (bold header row, the header row and the
 * label columns frozen, counts as whole numbers with grouping, shares as percents with one decimal, widths from
 * the contents, totals bold), and an "about" sheet with the title and the parameters that reproduce it.
 */
import { Workbook, type Worksheet } from 'exceljs';
import { text, type Lang } from '../labels';
import type { Cell, ColumnKind, Table } from './table';

export const XLSX_CONTENT_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** Number formats by column kind (text: Excel's General, so years and codes stay as they are). */
export const NUMBER_FORMATS: Record<ColumnKind, string | undefined> = {
  text: undefined,
  integer: '#,##0',
  share: '0.0%',
};

/** Excel's sheet-name rules: at most 31 characters, none of : \ / ? * [ ]. */
export function sheetName(name: string): string {
  return name.replace(/[:\\/?*[\]]/g, ' ').slice(0, 31).trim() || 'Sheet1';
}

/** A cell's width in characters, as shown. */
function shownLength(cell: Cell, kind: ColumnKind): number {
  if (cell === null) return 0;
  if (typeof cell === 'string') return cell.length;
  if (kind === 'share') return 6; // 100.0%
  if (kind === 'integer') return cell.toLocaleString('en-US').length;
  return String(cell).length;
}

/** Widths from the contents (8–60 characters); long headers wrap rather than widen their column past 24. */
function widthOf(table: Table, column: number): number {
  const kind = table.kinds[column];
  const cells = Math.max(0, ...table.rows.map((row) => shownLength(row[column], kind)));
  const header = Math.min(table.headers[column].length, 24);
  return Math.min(60, Math.max(8, cells, header) + 2);
}

function writeTable(sheet: Worksheet, table: Table): void {
  sheet.columns = table.headers.map((header, i) => ({ header, key: `c${i}`, width: widthOf(table, i) }));
  const headerRow = sheet.getRow(1);
  headerRow.font = { bold: true };
  headerRow.alignment = { wrapText: true, vertical: 'top' };
  table.rows.forEach((cells, r) => {
    const row = sheet.addRow(cells.map((c) => (c === null ? undefined : c)));
    table.kinds.forEach((kind, i) => {
      const format = NUMBER_FORMATS[kind];
      if (format) row.getCell(i + 1).numFmt = format;
    });
    if (r >= table.rows.length - table.totalRows) row.font = { bold: true };
  });
}

export async function toXlsx(table: Table, about: { lang: Lang; params: Record<string, string> }): Promise<Buffer> {
  const book = new Workbook();
  book.creator = 'kiemtra';
  book.title = table.title;
  const sheet = book.addWorksheet(sheetName(table.sheetName), {
    views: [{ state: 'frozen', xSplit: table.labelColumns, ySplit: 1 }],
  });
  writeTable(sheet, table);

  const info = book.addWorksheet(sheetName(text('aboutSheet', about.lang)));
  info.columns = [{ width: 16 }, { width: 100 }];
  info.addRow([text('aboutTitle', about.lang), table.title]);
  info.addRow([text('aboutSource', about.lang), 'kiemtra']);
  info.addRow([text('aboutParameters', about.lang)]).font = { bold: true };
  for (const [name, value] of Object.entries(about.params)) info.addRow([name, value]);
  info.getColumn(1).font = { bold: true };
  return Buffer.from(await book.xlsx.writeBuffer());
}
