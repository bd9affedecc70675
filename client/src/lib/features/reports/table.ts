import type {
  ReportDimension,
  ReportMeasure,
  ReportUnit,
  ReportsRunQuery,
} from '../../graphql/generated/graphql';
import { formatDate } from '../../format';

export type ReportResultData = ReportsRunQuery['report'];
type Cell = ReportResultData['total']['cells'][number];
type DimensionValue = ReportResultData['columns'][number];

/** A data column of the table: a measure, within a pivot column (`null`: over every column). */
export interface DataColumn {
  measure: ReportMeasure;
  column: string | null;
}

/** A pivot column's header, spanning its measures. */
export interface ColumnGroup {
  /** `null`: the total over every column. */
  key: string | null;
  value?: DimensionValue;
}

export interface TableRow {
  id: string;
  values: DimensionValue[];
  cells: (number | null)[];
}

export interface ReportTable {
  /** Pivot column headers, the total last; empty without a pivot. */
  groups: ColumnGroup[];
  columns: DataColumn[];
  rows: TableRow[];
  total: (number | null)[];
}

const cellKey = (measure: string, column: string | null) => `${measure}\u0000${column ?? ''}`;

function pick(cells: readonly Cell[], columns: readonly DataColumn[]): (number | null)[] {
  const byKey = new Map<string, number | null>();
  for (const cell of cells) {
    byKey.set(cellKey(cell.measure, cell.column ?? null), cell.value ?? null);
  }
  return columns.map((c) => byKey.get(cellKey(c.measure, c.column)) ?? null);
}

const collator = new Intl.Collator('ru', { numeric: true });

/** Rows by their labels, as people read them ("7А" before "10А"); rows without a thing last. */
function byLabels(a: TableRow, b: TableRow): number {
  for (let i = 0; i < a.values.length; i++) {
    const left = a.values[i].label ?? a.values[i].key;
    const right = b.values[i].label ?? b.values[i].key;
    if (left === right) continue;
    if (left == null) return 1;
    if (right == null) return -1;
    return collator.compare(left, right);
  }
  return 0;
}

/**
 * Lays a result out as a table. A pivot's column without a value (key `null`) is left out of the
 * headers: the server names its cells as it names a row's total, so they cannot be told apart; the
 * total still counts them.
 */
export function tableOf(result: ReportResultData): ReportTable {
  const pivot = result.columnDimension != null;
  const groups: ColumnGroup[] = pivot
    ? [
        ...result.columns
          .filter((value) => value.key != null)
          .map((value) => ({ key: value.key ?? null, value })),
        { key: null },
      ]
    : [];
  const columns: DataColumn[] = (pivot ? groups : [{ key: null }]).flatMap((group) =>
    result.measures.map((measure) => ({ measure, column: group.key })),
  );
  const rows = result.rows
    .map((row) => ({
      id: row.values.map((v) => v.key ?? '∅').join('|'),
      values: row.values,
      cells: pick(row.cells, columns),
    }))
    .sort(byLabels);
  return { groups, columns, rows, total: pick(result.total.cells, columns) };
}

/** A measure's value for people: counts whole, marks to two decimals, shares as per cent. */
export function formatValue(value: number | null, unit: ReportUnit, locale: string): string {
  if (value == null) return '—';
  switch (unit) {
    case 'COUNT':
      return new Intl.NumberFormat(locale, { maximumFractionDigits: 0 }).format(value);
    case 'SCORE':
      return new Intl.NumberFormat(locale, {
        minimumFractionDigits: 2,
        maximumFractionDigits: 2,
      }).format(value);
    case 'PERCENT':
      return new Intl.NumberFormat(locale, {
        style: 'percent',
        minimumFractionDigits: 1,
        maximumFractionDigits: 1,
      }).format(value / 100);
  }
}

/** "2026-11" as "ноябрь 2026 г."; anything else as it came. */
function formatMonth(key: string, locale: string): string {
  const [year, month] = key.split('-').map(Number);
  if (!year || !month) return key;
  return new Intl.DateTimeFormat(locale, {
    month: 'long',
    year: 'numeric',
    timeZone: 'UTC',
  }).format(new Date(Date.UTC(year, month - 1, 1)));
}

/**
 * What a dimension's value reads as: months and dates in the page's language, the rest as the
 * server names them; `none` for rows without the thing (year marks have no study period).
 */
export function valueLabel(
  value: { dimension: ReportDimension; key?: string | null; label?: string | null },
  locale: string,
  none: string,
): string {
  if (value.key == null) return none;
  if (value.dimension === 'MONTH') return formatMonth(value.key, locale);
  if (value.dimension === 'DATE') return formatDate(value.key, locale);
  return value.label ?? value.key;
}

/** A dimension's name for a header: the model's label without its explanation in brackets. */
export const shortLabel = (label: string): string => label.replace(/\s*\(.*\)\s*$/, '');
