import type { ReportChartType } from '../../graphql/generated/graphql';
import { tableOf, valueLabel, type ReportResultData } from './table';

/** What a chart draws: one label per row, one series per measure (over every pivot column). */
export interface ChartData {
  labels: string[];
  series: { measure: string; values: (number | null)[] }[];
}

/** Rows beyond this are left out of a chart (the table has them all): a chart of 300 bars says nothing. */
export const CHART_ROWS = 40;

/**
 * The chart's data from a result: the rows as the table orders them, each measure's total over
 * the columns of a pivot. A pie shows the first measure only.
 */
export function chartData(
  result: ReportResultData,
  type: ReportChartType,
  locale: string,
  none: string,
): ChartData {
  const table = tableOf(result);
  const rows = table.rows.slice(0, CHART_ROWS);
  const labels = rows.map((row) =>
    row.values.map((value) => valueLabel(value, locale, none)).join(' · '),
  );
  const measures = type === 'PIE' ? result.measures.slice(0, 1) : result.measures;
  const series = measures.map((measure) => {
    const index = table.columns.findIndex((c) => c.measure === measure && c.column === null);
    return { measure, values: rows.map((row) => row.cells[index] ?? null) };
  });
  return { labels, series };
}

/** Chart.js's name of a chart type; TABLE draws none. */
export function chartKind(type: ReportChartType): 'bar' | 'line' | 'pie' | null {
  return type === 'TABLE' ? null : (type.toLowerCase() as 'bar' | 'line' | 'pie');
}
