import type { ErrorReason } from '../../error-reason.js';
import { DEFAULT_TIME_ZONE, todayIn } from '../../time.js';
import { isEmptyRow, text, Unreadable, type Cell, type Grid } from './cells.js';
import {
  columnLetter,
  columnTitle,
  HEADER_LOOKUP,
  MAX_ROWS,
  normalizeHeader,
  REQUIRED_COLUMNS,
  type ColumnKey,
} from './columns.js';
import { readCsv } from './csv.js';
import { readRows, type DataRow } from './rows.js';
import type { FileProblem, ParsedClassList } from './types.js';
import { isOldExcel, isXlsx, readXlsx } from './xlsx.js';

const fail = (reason: ErrorReason, message: string): ParsedClassList => ({
  rows: [],
  fileProblems: [{ reason, message }],
});

/** The file's cells, or why it cannot be read: told apart by content, not by name. */
async function readGrid(file: Buffer, filename: string): Promise<Grid | ParsedClassList> {
  try {
    if (isXlsx(file)) return await readXlsx(file);
    if (isOldExcel(file) || /\.(xls|xlsx|ods|numbers)$/i.test(filename)) {
      return fail(
        'UNREADABLE_FILE',
        `${filename} is not an .xlsx or .csv file; save it as .xlsx (Excel workbook) or .csv`,
      );
    }
    return readCsv(file);
  } catch (e) {
    if (e instanceof Unreadable) {
      return fail('UNREADABLE_FILE', `${filename} could not be read as .xlsx or .csv`);
    }
    throw e;
  }
}

/** The first non-empty row is the header; the non-empty rows after it are the pupils. */
function splitHeader(grid: Grid): { header: Cell[]; dataRows: DataRow[] } | null {
  const headerIndex = grid.findIndex((r) => !isEmptyRow(r));
  if (headerIndex < 0) return null;
  const dataRows = grid
    .map((cells, i) => ({ cells, rowNumber: i + 1 }))
    .slice(headerIndex + 1)
    .filter((r) => !isEmptyRow(r.cells));
  return { header: grid[headerIndex], dataRows };
}

/** Which column holds each known field; unnamed, unknown and repeated columns are problems. */
function mapColumns(header: Cell[], dataRows: DataRow[], problems: FileProblem[]) {
  const columnOf = new Map<ColumnKey, number>();
  const width = Math.max(header.length, ...dataRows.map((r) => r.cells.length));
  for (let i = 0; i < width; i++) {
    const title = text(header[i]);
    if (!title) {
      if (dataRows.some((r) => text(r.cells[i]) !== '')) {
        const column = columnLetter(i);
        const message = `Column ${column} has values but no header`;
        problems.push({ reason: 'UNNAMED_COLUMN', message, column });
      }
      continue;
    }
    const key = HEADER_LOOKUP.get(normalizeHeader(title));
    if (!key) {
      problems.push({
        reason: 'UNKNOWN_COLUMN',
        message: `Unknown column "${title}"`,
        column: title,
      });
    } else if (columnOf.has(key)) {
      const message = `Column "${title}" appears more than once`;
      problems.push({ reason: 'DUPLICATE_COLUMN', message, column: title });
    } else {
      columnOf.set(key, i);
    }
  }
  return columnOf;
}

/**
 * The problems that make the whole file unusable: a required column missing, no pupils, too many.
 * Returns whether there was one.
 */
function checkUsable(columnOf: Map<ColumnKey, number>, rowCount: number, problems: FileProblem[]) {
  const missing = REQUIRED_COLUMNS.filter((k) => !columnOf.has(k));
  for (const k of missing) {
    const column = columnTitle(k);
    problems.push({
      reason: 'MISSING_COLUMN',
      message: `Required column "${column}" is missing`,
      column,
    });
  }
  if (rowCount === 0) {
    problems.push({ reason: 'EMPTY_FILE', message: 'The file has no pupils' });
  }
  if (rowCount > MAX_ROWS) {
    problems.push({
      reason: 'TOO_MANY_ROWS',
      message: `The file has ${rowCount} pupils; at most ${MAX_ROWS} can be imported at once`,
    });
  }
  return missing.length === 0 && rowCount > 0 && rowCount <= MAX_ROWS;
}

/**
 * Reads a class list from .xlsx or .csv (told apart by content; CSV in UTF-8 or Windows-1251,
 * separated by `;`, `,` or tabs). `opts.today` (yyyy-mm-dd) is what birth dates are checked
 * against: a pupil is 4 to 20 years old. The import gives the school's today from the Clock; the
 * default, today in a new school's time zone, is for reading a file with no school behind it.
 */
export async function parseClassList(
  file: Buffer,
  filename: string,
  opts: { today?: string } = {},
): Promise<ParsedClassList> {
  const today = opts.today ?? todayIn(DEFAULT_TIME_ZONE);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(today)) throw new TypeError(`today must be yyyy-mm-dd`);
  const grid = await readGrid(file, filename);
  if (!Array.isArray(grid)) return grid;
  const table = splitHeader(grid);
  if (!table) return fail('EMPTY_FILE', 'The file is empty');
  const fileProblems: FileProblem[] = [];
  const columnOf = mapColumns(table.header, table.dataRows, fileProblems);
  if (!checkUsable(columnOf, table.dataRows.length, fileProblems)) {
    return { rows: [], fileProblems };
  }
  return { rows: readRows(table.dataRows, columnOf, today), fileProblems };
}
