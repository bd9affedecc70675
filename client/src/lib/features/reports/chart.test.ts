import { describe, expect, it } from 'vitest';
import { chartData, chartKind } from './chart';
import type { ReportResultData } from './table';

const cell = (measure: string, value: number | null, column: string | null = null) => ({
  measure,
  value,
  column,
});
const result = {
  rowDimensions: ['CLASS_GROUP'],
  columnDimension: null,
  measures: ['MARK_COUNT', 'AVERAGE'],
  rowCount: 2,
  generatedAt: '2026-11-28T09:00:00Z',
  columns: [],
  rows: [
    {
      values: [{ dimension: 'CLASS_GROUP', key: '2', label: '10А' }],
      cells: [cell('MARK_COUNT', 3), cell('AVERAGE', 4.5)],
    },
    {
      values: [{ dimension: 'CLASS_GROUP', key: '1', label: '7А' }],
      cells: [cell('MARK_COUNT', 5), cell('AVERAGE', null)],
    },
  ],
  total: { cells: [cell('MARK_COUNT', 8), cell('AVERAGE', 4.5)] },
} as unknown as ReportResultData;

describe('chartData', () => {
  it('labels the rows as the table orders them, a series per measure', () => {
    expect(chartData(result, 'BAR', 'ru', '—')).toEqual({
      labels: ['7А', '10А'],
      series: [
        { measure: 'MARK_COUNT', values: [5, 3] },
        { measure: 'AVERAGE', values: [null, 4.5] },
      ],
    });
  });

  it('draws the first measure only in a pie', () => {
    expect(chartData(result, 'PIE', 'ru', '—').series.map((s) => s.measure)).toEqual([
      'MARK_COUNT',
    ]);
  });

  it('maps the chart types', () => {
    expect(chartKind('TABLE')).toBeNull();
    expect(chartKind('LINE')).toBe('line');
  });
});
