import ExcelJS from 'exceljs';
import type { Lang } from '../../graphql/enums.js';
import { ReportUnit } from './report.model.js';
import {
  asOfLine,
  TEXTS,
  type CellValue,
  type DocumentColumn,
  type DocumentTable,
  type ReportDocument,
} from './report.document.js';

/**
 * A report as an Excel workbook: one sheet per table, each with the title lines (the school, the
 * report, what it shows, the data's currency), then a frozen header row and real number cells
 * with number formats (a percent is stored as a fraction, formatted `0.0%`).
 */

const NUMBER_FORMATS: Record<DocumentColumn['unit'], string | undefined> = {
  TEXT: undefined,
  [ReportUnit.COUNT]: '0',
  [ReportUnit.SCORE]: '0.00',
  [ReportUnit.PERCENT]: '0.0%',
};

const cellValue = (v: CellValue, unit: DocumentColumn['unit']) =>
  typeof v === 'number' && unit === ReportUnit.PERCENT ? Number((v / 100).toFixed(6)) : v;

/** Excel's rules for a sheet name: at most 31 characters, none of []:*?/\, unique. */
function sheetName(title: string | null, index: number, used: Set<string>): string {
  let name =
    (title ?? '')
      .replace(/[[\]:*?/\\]/g, ' ')
      .trim()
      .slice(0, 28) || `${index + 1}`;
  while (used.has(name.toLowerCase())) name = `${name.slice(0, 26)} ${index + 1}`;
  used.add(name.toLowerCase());
  return name;
}

function widths(table: DocumentTable): number[] {
  return table.columns.map((c, i) => {
    const longest = Math.max(
      c.label.length,
      ...[...table.rows, ...(table.total ? [table.total] : [])].map(
        (r) => String(r[i] ?? '').length,
      ),
    );
    return Math.min(Math.max(longest + 2, c.unit === 'TEXT' ? 12 : 8), 50);
  });
}

function addSheet(
  wb: ExcelJS.Workbook,
  doc: ReportDocument,
  table: DocumentTable,
  name: string,
  lang: Lang,
) {
  const ws = wb.addWorksheet(name);
  const titles = [
    doc.schoolName,
    doc.title,
    ...(table.title ? [table.title] : []),
    ...doc.lines,
    asOfLine(doc, lang),
  ];
  titles.forEach((text, i) => {
    const row = ws.addRow([text]);
    if (i < 2) row.font = { bold: true, size: i === 1 ? 13 : 11 };
  });
  ws.addRow([]);
  const header = ws.addRow(table.columns.map((c) => c.label));
  header.font = { bold: true };
  header.alignment = { wrapText: true, vertical: 'top' };
  header.eachCell((cell) => {
    cell.border = { bottom: { style: 'thin' } };
  });
  const put = (values: CellValue[]) => {
    const row = ws.addRow(values.map((v, i) => cellValue(v, table.columns[i].unit)));
    table.columns.forEach((c, i) => {
      const format = NUMBER_FORMATS[c.unit];
      if (format) row.getCell(i + 1).numFmt = format;
    });
    return row;
  };
  table.rows.forEach(put);
  if (table.rows.length === 0) ws.addRow([TEXTS[lang].empty]);
  if (table.total) put(table.total).font = { bold: true };
  widths(table).forEach((w, i) => {
    ws.getColumn(i + 1).width = w;
  });
  ws.views = [{ state: 'frozen', ySplit: header.number, xSplit: 0 }];
}

export async function renderXlsx(doc: ReportDocument, lang: Lang): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'Otmetka';
  wb.created = doc.generatedAt;
  const used = new Set<string>();
  doc.tables.forEach((table, i) =>
    addSheet(wb, doc, table, sheetName(table.title ?? doc.title, i, used), lang),
  );
  return Buffer.from(await wb.xlsx.writeBuffer());
}
