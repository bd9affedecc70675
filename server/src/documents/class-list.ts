import ExcelJS from 'exceljs';
import Papa from 'papaparse';
import { DEFAULT_TIME_ZONE, todayIn } from '../time.js';

/**
 * A class list as a school keeps it in a spreadsheet: one row per pupil, with up to two parents or
 * guardians. Parsing never throws on bad content: everything wrong is reported, by reason code, on
 * the file or on the row, so the person importing can fix the file and try again.
 */

export interface ImportedPerson {
  lastName: string;
  firstName: string;
  middleName: string | null;
  sex?: 'M' | 'F' | null;
  /** yyyy-mm-dd */
  birthDate?: string | null;
  address?: string | null;
  /** +7XXXXXXXXXX */
  phone: string | null;
  email: string | null;
}

export interface ImportedGuardian extends ImportedPerson {
  kind: 'mother' | 'father' | 'guardian';
}

/**
 * reason: REQUIRED, INVALID_NAME, INVALID_DATE, DATE_OUT_OF_RANGE, INVALID_SEX, INVALID_KIND,
 * INVALID_PHONE, INVALID_EMAIL, TOO_LONG, DUPLICATE_ROW, INCOMPLETE_GUARDIAN.
 * field: `lastName`, `birthDate`, `parent2.phone`…; `row` for DUPLICATE_ROW.
 */
export interface RowProblem {
  field: string;
  reason: string;
  message: string;
}

export interface ImportRow {
  /** As the person sees it in the file: the header is row 1. */
  rowNumber: number;
  /** A field with a problem is null (or, for a name, the text as it was typed). */
  pupil: ImportedPerson;
  /** Each parent with any cell filled in, whether or not it is complete. */
  guardians: ImportedGuardian[];
  problems: RowProblem[];
}

/**
 * reason: UNREADABLE_FILE, EMPTY_FILE, UNKNOWN_COLUMN, UNNAMED_COLUMN (values under no header),
 * DUPLICATE_COLUMN, MISSING_COLUMN, TOO_MANY_ROWS. `column` is the header the problem is about, as
 * written in the file (its letter for an unnamed one; for a missing column, as the template writes
 * it).
 */
export interface FileProblem {
  reason: string;
  message: string;
  column?: string;
}

export interface ParsedClassList {
  /** Empty when the file cannot be used at all (unreadable, empty, too long, a required column missing). */
  rows: ImportRow[];
  fileProblems: FileProblem[];
}

export const MAX_ROWS = 200;
const MIN_AGE = 4;
const MAX_AGE = 20;
const NAME_MAX = 100;
const EMAIL_MAX = 200;
const ADDRESS_MAX = 300;

// ---------------------------------------------------------------------------------------------
// Columns

type PersonField =
  'lastName' | 'firstName' | 'middleName' | 'sex' | 'birthDate' | 'address' | 'phone' | 'email';
type GuardianField = 'lastName' | 'firstName' | 'middleName' | 'kind' | 'phone' | 'email';
type ColumnKey = PersonField | `parent${1 | 2}.${GuardianField}`;

interface Column {
  key: ColumnKey;
  ru: string;
  en: string;
  aliases?: string[];
}

const PUPIL_COLUMNS: Column[] = [
  { key: 'lastName', ru: 'Фамилия', en: 'lastName' },
  { key: 'firstName', ru: 'Имя', en: 'firstName' },
  { key: 'middleName', ru: 'Отчество', en: 'middleName' },
  { key: 'sex', ru: 'Пол', en: 'sex' },
  { key: 'birthDate', ru: 'Дата рождения', en: 'birthDate' },
  { key: 'address', ru: 'Адрес', en: 'address' },
  { key: 'phone', ru: 'Телефон', en: 'phone' },
  { key: 'email', ru: 'Email', en: 'email', aliases: ['e-mail', 'Электронная почта'] },
];

const GUARDIAN_FIELDS: { field: GuardianField; ru: string; en: string }[] = [
  { field: 'lastName', ru: 'фамилия', en: 'LastName' },
  { field: 'firstName', ru: 'имя', en: 'FirstName' },
  { field: 'middleName', ru: 'отчество', en: 'MiddleName' },
  { field: 'kind', ru: 'кем приходится', en: 'Kind' },
  { field: 'phone', ru: 'телефон', en: 'Phone' },
  { field: 'email', ru: 'email', en: 'Email' },
];

const guardianColumns = (n: 1 | 2): Column[] =>
  GUARDIAN_FIELDS.map(({ field, ru, en }) => ({
    key: `parent${n}.${field}` as const,
    ru: `Родитель ${n}: ${ru}`,
    en: `parent${n}${en}`,
    aliases: field === 'email' ? [`Родитель ${n}: e-mail`] : [],
  }));

const COLUMNS: Column[] = [...PUPIL_COLUMNS, ...guardianColumns(1), ...guardianColumns(2)];
const REQUIRED_COLUMNS: ColumnKey[] = ['lastName', 'firstName'];

/** Case, spaces, «ё» and a trailing required-marker asterisk do not matter. */
const normalizeHeader = (s: string) =>
  s
    .replace(/\uFEFF/g, '')
    .toLowerCase()
    .replace(/ё/g, 'е')
    .replace(/\s+/g, '')
    .replace(/\*+$/, '');

const HEADER_LOOKUP = new Map<string, ColumnKey>(
  COLUMNS.flatMap((c) =>
    [c.ru, c.en, c.key, ...(c.aliases ?? [])].map((h) => [normalizeHeader(h), c.key] as const),
  ),
);

const columnTitle = (key: ColumnKey) => COLUMNS.find((c) => c.key === key)?.ru ?? key;

// ---------------------------------------------------------------------------------------------
// Reading the file into a grid of cells

type Cell = string | number | boolean | Date | null;
type Grid = Cell[][];

class Unreadable extends Error {}

const isXlsx = (b: Buffer) => b.length >= 4 && b.readUInt32BE(0) === 0x504b0304; // "PK\3\4"
const isOldExcel = (b: Buffer) => b.length >= 8 && b.readUInt32BE(0) === 0xd0cf11e0; // OLE2 .xls

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

async function readXlsx(file: Buffer): Promise<Grid> {
  const wb = new ExcelJS.Workbook();
  try {
    await wb.xlsx.load(file as unknown as ArrayBuffer); // exceljs declares its own Buffer type
  } catch {
    throw new Unreadable();
  }
  const grids = wb.worksheets.map((ws) => {
    const grid: Grid = [];
    ws.eachRow({ includeEmpty: true }, (row, rowNumber) => {
      const values = row.values as unknown[];
      const cells: Cell[] = [];
      for (let c = 1; c < values.length; c++) cells.push(cellValue(values[c]));
      grid[rowNumber - 1] = cells;
    });
    for (let i = 0; i < grid.length; i++) grid[i] ??= [];
    return grid;
  });
  // The class list is the first sheet whose header names a known column; else the first sheet.
  const known = grids.find((g) => {
    const header = g.find((r) => !isEmptyRow(r)) ?? [];
    return header.some((c) => HEADER_LOOKUP.has(normalizeHeader(text(c))));
  });
  return known ?? grids[0] ?? [];
}

function decodeText(file: Buffer): string {
  if (file.length >= 2 && file[0] === 0xff && file[1] === 0xfe) {
    return new TextDecoder('utf-16le').decode(file.subarray(2));
  }
  if (file.length >= 2 && file[0] === 0xfe && file[1] === 0xff) {
    return new TextDecoder('utf-16be').decode(file.subarray(2));
  }
  try {
    // Strips a UTF-8 byte order mark itself.
    return new TextDecoder('utf-8', { fatal: true }).decode(file);
  } catch {
    return new TextDecoder('windows-1251').decode(file);
  }
}

/** The delimiter the header line uses most: `;` (Russian Excel), `,` or a tab. */
function detectDelimiter(content: string): string {
  const firstLine = content.split(/\r\n|\n|\r/).find((l) => l.trim() !== '') ?? '';
  const unquoted = firstLine.replace(/"[^"]*"/g, '');
  let best = ';';
  let bestCount = 0;
  for (const d of [';', ',', '\t']) {
    const count = unquoted.split(d).length - 1;
    if (count > bestCount) [best, bestCount] = [d, count];
  }
  return best;
}

function readCsv(file: Buffer): Grid {
  const content = decodeText(file);
  if (content.includes('\u0000')) throw new Unreadable();
  const result = Papa.parse<string[]>(content, {
    delimiter: detectDelimiter(content),
    skipEmptyLines: false,
  });
  return result.data;
}

// ---------------------------------------------------------------------------------------------
// Cells to values

const pad2 = (n: number) => String(n).padStart(2, '0');
const isoDate = (y: number, m: number, d: number) => `${y}-${pad2(m)}-${pad2(d)}`;

function text(c: Cell | undefined): string {
  if (c == null) return '';
  if (c instanceof Date) {
    return Number.isNaN(c.getTime())
      ? ''
      : isoDate(c.getUTCFullYear(), c.getUTCMonth() + 1, c.getUTCDate());
  }
  return String(c)
    .replace(/[\s\u00a0]+/g, ' ')
    .trim();
}

const isEmptyRow = (r: Cell[]) => r.every((c) => text(c) === '');

function validDate(y: number, m: number, d: number): string | null {
  if (y < 1900 || y > 2999 || m < 1 || m > 12 || d < 1 || d > 31) return null;
  const t = new Date(Date.UTC(y, m - 1, d));
  return t.getUTCMonth() === m - 1 && t.getUTCDate() === d ? isoDate(y, m, d) : null;
}

/** yyyy-mm-dd, or null when the cell is not a date. */
function parseDate(c: Cell): string | null {
  if (c instanceof Date) return text(c) || null;
  if (typeof c === 'number') {
    // A spreadsheet date serial that lost its date format.
    if (!Number.isInteger(c) || c < 1 || c > 400_000) return null;
    const d = new Date(Date.UTC(1899, 11, 30) + c * 86_400_000);
    return validDate(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate());
  }
  const s = text(c);
  const time = String.raw`(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?`;
  let m = new RegExp(String.raw`^(\d{1,2})[./-](\d{1,2})[./-](\d{4})${time}$`).exec(s);
  if (m) return validDate(Number(m[3]), Number(m[2]), Number(m[1]));
  m = new RegExp(String.raw`^(\d{4})[-./](\d{1,2})[-./](\d{1,2})${time}$`).exec(s);
  if (m) return validDate(Number(m[1]), Number(m[2]), Number(m[3]));
  return null;
}

/** Whole years between two yyyy-mm-dd dates. */
function age(birth: string, today: string): number {
  const [by, bm, bd] = birth.split('-').map(Number);
  const [ty, tm, td] = today.split('-').map(Number);
  return ty - by - (tm < bm || (tm === bm && td < bd) ? 1 : 0);
}

/** A Russian number as +7XXXXXXXXXX, or null when it is not one. */
export function normalizePhone(s: string): string | null {
  if (!/^\+?[\d\s().-]+$/.test(s)) return null;
  const digits = s.replace(/\D/g, '');
  let national: string | null = null;
  if (s.startsWith('+')) {
    if (digits.length === 11 && digits[0] === '7') national = digits.slice(1);
  } else if (digits.length === 11 && (digits[0] === '7' || digits[0] === '8')) {
    national = digits.slice(1);
  } else if (digits.length === 10) {
    national = digits;
  }
  // Russian area and mobile codes begin with 3–9.
  return national && /^[3-9]/.test(national) ? `+7${national}` : null;
}

const EMAIL_LOCAL = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/;
const EMAIL_DOMAIN =
  /^(?:[\p{L}\p{N}](?:[\p{L}\p{N}-]{0,61}[\p{L}\p{N}])?\.)+\p{L}[\p{L}\p{N}-]*$/u;

export function isEmail(s: string): boolean {
  const at = s.lastIndexOf('@');
  if (at <= 0) return false;
  const local = s.slice(0, at);
  const domain = s.slice(at + 1);
  return local.length <= 64 && EMAIL_LOCAL.test(local) && EMAIL_DOMAIN.test(domain);
}

const NAME = /^[\p{L}\p{M}][\p{L}\p{M} '’ʼ‐-]*$/u;

const SEX: Record<string, 'M' | 'F'> = {
  м: 'M',
  m: 'M',
  муж: 'M',
  мужской: 'M',
  male: 'M',
  ж: 'F',
  f: 'F',
  жен: 'F',
  женский: 'F',
  female: 'F',
};

const KIND: Record<string, ImportedGuardian['kind']> = {
  мать: 'mother',
  мама: 'mother',
  mother: 'mother',
  отец: 'father',
  папа: 'father',
  father: 'father',
  опекун: 'guardian',
  опекунша: 'guardian',
  'законный представитель': 'guardian',
  guardian: 'guardian',
};

function lookupWord<T>(map: Record<string, T>, s: string): T | undefined {
  const word = s.toLowerCase().replace(/ё/g, 'е').replace(/\.$/, '');
  return Object.hasOwn(map, word) ? map[word] : undefined;
}

// ---------------------------------------------------------------------------------------------
// Rows

class RowReader {
  readonly problems: RowProblem[] = [];

  constructor(
    private readonly get: (key: ColumnKey) => Cell,
    private readonly today: string,
  ) {}

  private problem(field: string, reason: string, message: string) {
    this.problems.push({ field, reason, message });
  }

  raw(key: ColumnKey): Cell {
    return this.get(key);
  }

  text(key: ColumnKey): string {
    return text(this.get(key));
  }

  name(key: ColumnKey, label: string, required: boolean): string | null {
    const v = this.text(key);
    if (!v) {
      if (required) this.problem(key, 'REQUIRED', `${label} is required`);
      return null;
    }
    if (v.length > NAME_MAX) {
      this.problem(key, 'TOO_LONG', `${label} is longer than ${NAME_MAX} characters`);
    } else if (!NAME.test(v)) {
      this.problem(
        key,
        'INVALID_NAME',
        `${label} may contain only letters, hyphens, spaces and apostrophes`,
      );
    }
    return v;
  }

  sex(key: ColumnKey): 'M' | 'F' | null {
    const v = this.text(key);
    if (!v) return null;
    const sex = lookupWord(SEX, v);
    if (!sex) this.problem(key, 'INVALID_SEX', `Sex "${v}" is not М/Ж (M/F)`);
    return sex ?? null;
  }

  birthDate(key: ColumnKey): string | null {
    const cell = this.get(key);
    const v = text(cell);
    if (!v) return null;
    const date = parseDate(cell);
    if (!date) {
      this.problem(key, 'INVALID_DATE', `"${v}" is not a date like 31.12.2015 or 2015-12-31`);
      return null;
    }
    const years = age(date, this.today);
    if (years < MIN_AGE || years > MAX_AGE) {
      this.problem(
        key,
        'DATE_OUT_OF_RANGE',
        date > this.today
          ? `The birth date ${date} is in the future`
          : `Born ${date}, the pupil would be ${years} years old; expected ${MIN_AGE} to ${MAX_AGE}`,
      );
      return null;
    }
    return date;
  }

  address(key: ColumnKey): string | null {
    const v = this.text(key);
    if (!v) return null;
    if (v.length > ADDRESS_MAX) {
      this.problem(key, 'TOO_LONG', `The address is longer than ${ADDRESS_MAX} characters`);
      return null;
    }
    return v;
  }

  phone(key: ColumnKey): string | null {
    const v = this.text(key);
    if (!v) return null;
    const phone = normalizePhone(v);
    if (!phone) {
      this.problem(key, 'INVALID_PHONE', `"${v}" is not a Russian phone number`);
    }
    return phone;
  }

  email(key: ColumnKey): string | null {
    const v = this.text(key);
    if (!v) return null;
    if (v.length > EMAIL_MAX) {
      this.problem(key, 'TOO_LONG', `The e-mail is longer than ${EMAIL_MAX} characters`);
      return null;
    }
    if (!isEmail(v)) {
      this.problem(key, 'INVALID_EMAIL', `"${v}" is not an e-mail address`);
      return null;
    }
    return v;
  }

  pupil(): ImportedPerson {
    return {
      lastName: this.name('lastName', 'Last name', true) ?? '',
      firstName: this.name('firstName', 'First name', true) ?? '',
      middleName: this.name('middleName', 'Middle name', false),
      sex: this.sex('sex'),
      birthDate: this.birthDate('birthDate'),
      address: this.address('address'),
      phone: this.phone('phone'),
      email: this.email('email'),
    };
  }

  guardian(n: 1 | 2): ImportedGuardian | null {
    const key = (f: GuardianField) => `parent${n}.${f}` as const;
    if (GUARDIAN_FIELDS.every(({ field }) => this.text(key(field)) === '')) return null;
    const label = `Parent ${n}`;
    for (const [field, what] of [
      ['lastName', 'last name'],
      ['firstName', 'first name'],
      ['kind', 'relationship (mother, father or guardian)'],
    ] as const) {
      if (!this.text(key(field))) {
        this.problem(
          key(field),
          'INCOMPLETE_GUARDIAN',
          `${label} is filled in partly: the ${what} is required`,
        );
      }
    }
    const kindText = this.text(key('kind'));
    const kind = kindText ? lookupWord(KIND, kindText) : undefined;
    if (kindText && !kind) {
      this.problem(
        key('kind'),
        'INVALID_KIND',
        `"${kindText}" is not мать, отец or опекун (mother, father, guardian)`,
      );
    }
    return {
      kind: kind ?? 'guardian',
      lastName: this.name(key('lastName'), `${label}'s last name`, false) ?? '',
      firstName: this.name(key('firstName'), `${label}'s first name`, false) ?? '',
      middleName: this.name(key('middleName'), `${label}'s middle name`, false),
      sex: kind === 'mother' ? 'F' : kind === 'father' ? 'M' : null,
      birthDate: null,
      address: null,
      phone: this.phone(key('phone')),
      email: this.email(key('email')),
    };
  }
}

const pupilKey = (p: ImportedPerson) =>
  [p.lastName, p.firstName, p.middleName ?? '', p.birthDate ?? '']
    .map((s) => s.toLowerCase().replace(/ё/g, 'е'))
    .join('\u0000');

const columnLetter = (i: number): string =>
  (i >= 26 ? columnLetter(Math.floor(i / 26) - 1) : '') + String.fromCharCode(65 + (i % 26));

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
  const fail = (reason: string, message: string): ParsedClassList => ({
    rows: [],
    fileProblems: [{ reason, message }],
  });

  let grid: Grid;
  try {
    if (isXlsx(file)) grid = await readXlsx(file);
    else if (isOldExcel(file) || /\.(xls|xlsx|ods|numbers)$/i.test(filename)) {
      return fail(
        'UNREADABLE_FILE',
        `${filename} is not an .xlsx or .csv file; save it as .xlsx (Excel workbook) or .csv`,
      );
    } else grid = readCsv(file);
  } catch (e) {
    if (e instanceof Unreadable) {
      return fail('UNREADABLE_FILE', `${filename} could not be read as .xlsx or .csv`);
    }
    throw e;
  }

  const headerIndex = grid.findIndex((r) => !isEmptyRow(r));
  if (headerIndex < 0) return fail('EMPTY_FILE', 'The file is empty');
  const header = grid[headerIndex];
  const dataRows = grid
    .map((cells, i) => ({ cells, rowNumber: i + 1 }))
    .slice(headerIndex + 1)
    .filter((r) => !isEmptyRow(r.cells));

  const fileProblems: FileProblem[] = [];
  const columnOf = new Map<ColumnKey, number>();
  const width = Math.max(header.length, ...dataRows.map((r) => r.cells.length));
  for (let i = 0; i < width; i++) {
    const title = text(header[i]);
    if (!title) {
      if (dataRows.some((r) => text(r.cells[i]) !== '')) {
        fileProblems.push({
          reason: 'UNNAMED_COLUMN',
          message: `Column ${columnLetter(i)} has values but no header`,
          column: columnLetter(i),
        });
      }
      continue;
    }
    const key = HEADER_LOOKUP.get(normalizeHeader(title));
    if (!key) {
      fileProblems.push({
        reason: 'UNKNOWN_COLUMN',
        message: `Unknown column "${title}"`,
        column: title,
      });
    } else if (columnOf.has(key)) {
      fileProblems.push({
        reason: 'DUPLICATE_COLUMN',
        message: `Column "${title}" appears more than once`,
        column: title,
      });
    } else {
      columnOf.set(key, i);
    }
  }
  const missing = REQUIRED_COLUMNS.filter((k) => !columnOf.has(k));
  for (const k of missing) {
    fileProblems.push({
      reason: 'MISSING_COLUMN',
      message: `Required column "${columnTitle(k)}" is missing`,
      column: columnTitle(k),
    });
  }
  if (dataRows.length === 0) {
    fileProblems.push({ reason: 'EMPTY_FILE', message: 'The file has no pupils' });
  }
  if (dataRows.length > MAX_ROWS) {
    fileProblems.push({
      reason: 'TOO_MANY_ROWS',
      message: `The file has ${dataRows.length} pupils; at most ${MAX_ROWS} can be imported at once`,
    });
  }
  if (missing.length > 0 || dataRows.length === 0 || dataRows.length > MAX_ROWS) {
    return { rows: [], fileProblems };
  }

  const seen = new Map<string, number>();
  const rows = dataRows.map(({ cells, rowNumber }): ImportRow => {
    const reader = new RowReader((key) => {
      const i = columnOf.get(key);
      return i === undefined ? null : (cells[i] ?? null);
    }, today);
    const pupil = reader.pupil();
    const guardians = ([1, 2] as const)
      .map((n) => reader.guardian(n))
      .filter((g): g is ImportedGuardian => g !== null);
    if (pupil.lastName && pupil.firstName) {
      const key = pupilKey(pupil);
      const first = seen.get(key);
      if (first !== undefined) {
        reader.problems.push({
          field: 'row',
          reason: 'DUPLICATE_ROW',
          message: `The same pupil is already in row ${first}`,
        });
      } else {
        seen.set(key, rowNumber);
      }
    }
    return { rowNumber, pupil, guardians, problems: reader.problems };
  });
  return { rows, fileProblems };
}

// ---------------------------------------------------------------------------------------------
// Template

const TEMPLATE_SHEET = 'Список класса';

function exampleRow(): Record<ColumnKey, string | Date> {
  // A ten-year-old, as the parser's default today sees it, so that the example parses back.
  const year = Number(todayIn(DEFAULT_TIME_ZONE).slice(0, 4)) - 10;
  return {
    lastName: 'Иванова',
    firstName: 'Анна',
    middleName: 'Сергеевна',
    sex: 'Ж',
    birthDate: new Date(Date.UTC(year, 2, 14)),
    address: 'г. Киров, ул. Ленина, д. 1, кв. 2',
    phone: '8 (912) 345-67-89',
    email: 'anna.ivanova@example.com',
    'parent1.lastName': 'Иванова',
    'parent1.firstName': 'Мария',
    'parent1.middleName': 'Петровна',
    'parent1.kind': 'мать',
    'parent1.phone': '8-912-345-67-90',
    'parent1.email': 'm.ivanova@example.com',
    'parent2.lastName': 'Иванов',
    'parent2.firstName': 'Сергей',
    'parent2.middleName': 'Николаевич',
    'parent2.kind': 'отец',
    'parent2.phone': '8 912 345 67 91',
    'parent2.email': 's.ivanov@example.com',
  };
}

const INSTRUCTIONS: string[] = [
  'Как заполнить список класса',
  '',
  `1. Лист «${TEMPLATE_SHEET}»: одна строка — один ученик. Первая строка — заголовки столбцов, их не меняйте. Строку-пример замените своими данными.`,
  '2. Обязательно заполнить: Фамилия и Имя. Имена пишутся буквами; можно дефис, пробел и апостроф. Не длиннее 100 символов.',
  '3. Пол: М или Ж.',
  `4. Дата рождения: ДД.ММ.ГГГГ (например, 14.03.2015) или ячейка с датой. Ученику должно быть от ${MIN_AGE} до ${MAX_AGE} лет.`,
  '5. Телефон: российский номер в любом привычном виде: 8 (912) 345-67-89, +7 912 345 67 89, 9123456789.',
  '6. Email: адрес электронной почты, например ivanov@example.com.',
  '7. Родитель 1 и Родитель 2 заполнять не обязательно. Если заполнена хотя бы одна ячейка родителя, нужны его фамилия, имя и «кем приходится»: мать, отец или опекун.',
  `8. В одном файле — не больше ${MAX_ROWS} учеников. Один и тот же ученик (ФИО и дата рождения) не должен повторяться.`,
  '9. Можно загрузить этот файл (.xlsx) или сохранить его как CSV: разделитель — точка с запятой, запятая или табуляция; кодировка UTF-8 или Windows-1251.',
  '10. Столбцы можно переставлять и удалять ненужные (кроме Фамилии и Имени). Заголовки можно писать и по-английски: lastName, firstName, middleName, sex, birthDate, address, phone, email, parent1LastName, parent1FirstName, parent1MiddleName, parent1Kind, parent1Phone, parent1Email, parent2…',
];

/** An empty class list to fill in: the headers and one example row. */
export async function classListTemplate(format: 'xlsx' | 'csv'): Promise<Buffer> {
  const example = exampleRow();
  if (format === 'csv') {
    const row = COLUMNS.map(({ key }) => {
      const v = example[key];
      return v instanceof Date
        ? `${pad2(v.getUTCDate())}.${pad2(v.getUTCMonth() + 1)}.${v.getUTCFullYear()}`
        : v;
    });
    const csv = Papa.unparse(
      { fields: COLUMNS.map((c) => c.ru), data: [row] },
      { delimiter: ';', newline: '\r\n' },
    );
    return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(`${csv}\r\n`, 'utf8')]);
  }

  const wb = new ExcelJS.Workbook();
  wb.creator = 'Otmetka';
  const ws = wb.addWorksheet(TEMPLATE_SHEET, { views: [{ state: 'frozen', ySplit: 1 }] });
  ws.columns = COLUMNS.map((c) => ({
    header: c.ru,
    key: c.key,
    width: Math.max(12, c.ru.length + 4, String(example[c.key]).length > 30 ? 34 : 0),
    style:
      c.key === 'birthDate'
        ? { numFmt: 'dd.mm.yyyy' }
        : c.key.endsWith('phone')
          ? { numFmt: '@' }
          : {},
  }));
  const head = ws.getRow(1);
  head.font = { bold: true };
  head.alignment = { vertical: 'middle', wrapText: true };
  head.height = 32;
  head.eachCell((cell) => {
    cell.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFE8EEF7' } };
  });
  ws.addRow(example);
  const lists: Partial<Record<ColumnKey, string>> = {
    sex: '"М,Ж"',
    'parent1.kind': '"мать,отец,опекун"',
    'parent2.kind': '"мать,отец,опекун"',
  };
  for (const [key, list] of Object.entries(lists)) {
    const col = ws.getColumn(key);
    for (let r = 2; r <= MAX_ROWS + 1; r++) {
      ws.getCell(r, col.number).dataValidation = {
        type: 'list',
        allowBlank: true,
        formulae: [list],
      };
    }
  }

  const help = wb.addWorksheet('Инструкция');
  help.getColumn(1).width = 120;
  INSTRUCTIONS.forEach((line, i) => {
    const cell = help.getCell(i + 1, 1);
    cell.value = line;
    cell.alignment = { wrapText: true, vertical: 'top' };
    if (i === 0) cell.font = { bold: true, size: 14 };
  });
  return Buffer.from(await wb.xlsx.writeBuffer());
}
