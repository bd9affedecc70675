import ExcelJS from 'exceljs';
import { isEmptyRow, text, Unreadable, type Cell, type Grid } from './cells.js';
import { HEADER_LOOKUP, normalizeHeader } from './columns.js';

/** Reading a class list from an Excel workbook (.xlsx). */

export const isXlsx = (b: Buffer) => b.length >= 4 && b.readUInt32BE(0) === 0x504b0304; // "PK\3\4"
export const isOldExcel = (b: Buffer) => b.length >= 8 && b.readUInt32BE(0) === 0xd0cf11e0; // OLE2 .xls

function cellValue(v: unknown): Cell {
  if (v == null) return null;
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
  if (v instanceof Date) return v;
  if (typeof v === 'object') {
    const o = v as Record<string, unknown>;
    if (Array.isArray(o.richText)) {
      return (o.richText as { text?: unknown }[]).map((r) => String(r.text ?? '')).join('');
    }
    if ('result' in o) return cellValue(o.result); // a formula
    if ('text' in o) return cellValue(o.text); // a hyperlink, e.g. an e-mail Excel linked
    if ('error' in o) return null;
  }
  return null;
}

function sheetGrid(ws: ExcelJS.Worksheet): Grid {
  const grid: Grid = [];
  ws.eachRow({ includeEmpty: true }, (row, rowNumber) => {
    const values = row.values as unknown[];
    const cells: Cell[] = [];
    for (let c = 1; c < values.length; c++) cells.push(cellValue(values[c]));
    grid[rowNumber - 1] = cells;
  });
  for (let i = 0; i < grid.length; i++) grid[i] ??= [];
  return grid;
}

const namesKnownColumn = (g: Grid) => {
  const header = g.find((r) => !isEmptyRow(r)) ?? [];
  return header.some((c) => HEADER_LOOKUP.has(normalizeHeader(text(c))));
};

export async function readXlsx(file: Buffer): Promise<Grid> {
  const wb = new ExcelJS.Workbook();
  try {
    await wb.xlsx.load(file as unknown as ArrayBuffer); // exceljs declares its own Buffer type
  } catch {
    throw new Unreadable();
  }
  const grids = wb.worksheets.map(sheetGrid);
  // The class list is the first sheet whose header names a known column; else the first sheet.
  return grids.find(namesKnownColumn) ?? grids[0] ?? [];
}
