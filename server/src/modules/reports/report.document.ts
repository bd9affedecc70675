import type { Lang } from '../../graphql/enums.js';
import { formatDateTime } from '../../documents/pdf.js';
import { ReportUnit } from './report.model.js';

/**
 * A report as a document, whatever made it (a view's result, a built-in report) and whatever it
 * becomes (XLSX, CSV, PDF, a screen): a title, lines saying what it is, and tables of typed columns.
 */

export type CellValue = string | number | null;

export interface DocumentColumn {
  label: string;
  /** TEXT: a label; the others are numbers (a percent is 0–100, as the measures give it). */
  unit: ReportUnit | 'TEXT';
}

export interface DocumentTable {
  /** A table's own heading, when a document has several. */
  title: string | null;
  columns: DocumentColumn[];
  rows: CellValue[][];
  /** The totals row, printed last and in bold. */
  total: CellValue[] | null;
  /** On paper, starts a new page (the journal's facing page). */
  pageBreak?: boolean;
}

export interface ReportDocument {
  /** Also the file's name (made safe). */
  title: string;
  schoolName: string;
  /** What the document shows, in words: rows, columns, measures, filters, period. */
  lines: string[];
  /** When the data was read: the data's currency. */
  generatedAt: Date;
  timeZone: string;
  tables: DocumentTable[];
}

export const TEXTS = {
  ru: {
    total: 'Итого',
    none: '—',
    asOf: 'Данные на',
    rows: 'Строки',
    columns: 'Столбцы',
    measures: 'Показатели',
    filters: 'Отбор',
    sort: 'Сортировка',
    descending: 'по убыванию',
    limit: 'Не более строк',
    report: 'Отчёт',
    empty: 'Нет данных.',
  },
  en: {
    total: 'Total',
    none: '—',
    asOf: 'Data as of',
    rows: 'Rows',
    columns: 'Columns',
    measures: 'Measures',
    filters: 'Filters',
    sort: 'Sort',
    descending: 'descending',
    limit: 'At most rows',
    report: 'Report',
    empty: 'No data.',
  },
} as const;

/** «Данные на 28.11.2026 14:05» in the school's time zone. */
export const asOfLine = (doc: ReportDocument, lang: Lang) =>
  `${TEXTS[lang].asOf} ${formatDateTime(doc.generatedAt, doc.timeZone, lang)}`;

/** A number as people read it in the language (decimal comma in Russian), for PDF and screens. */
export function formatNumber(value: CellValue, unit: DocumentColumn['unit'], lang: Lang): string {
  if (value == null) return '';
  if (typeof value === 'string') return value;
  const digits = unit === ReportUnit.SCORE ? 2 : unit === ReportUnit.PERCENT ? 1 : 0;
  const text = value.toLocaleString(lang === 'ru' ? 'ru-RU' : 'en-GB', {
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
    useGrouping: false,
  });
  return unit === ReportUnit.PERCENT ? `${text} %` : text;
}

/** A file name from a title: letters, digits, dashes; the extension added. */
export function fileName(title: string, ext: string): string {
  const base = title
    .replace(/[^\p{L}\p{N}]+/gu, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 80);
  return `${base || 'report'}.${ext}`;
}
