import { CombinedGraphQLErrors } from '@apollo/client/errors';
import { describe, expect, it } from 'vitest';
import { partOf, reportFailure } from './errors';
import { PRESETS, draftProblems, emptyDraft, specOf, type Draft, type ModelMeasure } from './spec';
import { formatValue, shortLabel, tableOf, valueLabel, type ReportResultData } from './table';

const measure = (
  id: ModelMeasure['id'],
  over: ModelMeasure['over'],
  dimensions: ModelMeasure['dimensions'],
): ModelMeasure => ({
  id,
  over,
  dimensions,
  unit: 'COUNT',
  labelRu: id,
  labelEn: id,
  formulaRu: '',
  formulaEn: '',
});

const MEASURES = [
  measure('PUPILS_ASSESSED', 'PERIOD_MARKS', ['ACADEMIC_YEAR', 'STUDY_PERIOD', 'CLASS_GROUP']),
  measure('MISSED_SHARE', 'SEATS', ['ACADEMIC_YEAR', 'STUDY_PERIOD', 'CLASS_GROUP', 'MONTH']),
];

describe('specOf', () => {
  it('writes filters for what is chosen and leaves out what is not', () => {
    const draft: Draft = {
      ...emptyDraft('7'),
      row2: 'SUBJECT',
      column: 'MONTH',
      measures: ['MISSED_SHARE'],
      classIds: ['3', '4'],
    };
    expect(specOf(draft)).toEqual({
      rows: ['CLASS_GROUP', 'SUBJECT'],
      columns: 'MONTH',
      measures: ['MISSED_SHARE'],
      filters: [
        { dimension: 'ACADEMIC_YEAR', equals: '7' },
        { dimension: 'CLASS_GROUP', in: ['3', '4'] },
      ],
    });
    expect(specOf({ ...emptyDraft(''), row2: 'CLASS_GROUP' }).rows).toEqual(['CLASS_GROUP']);
  });

  it('fills the progress preset with the period it is given', () => {
    const spec = specOf(PRESETS[0].draft('7', '12'));
    expect(spec.rows).toEqual(['CLASS_GROUP']);
    expect(spec.measures[0]).toBe('PUPILS_ASSESSED');
    expect(spec.filters).toContainEqual({ dimension: 'STUDY_PERIOD', equals: '12' });
  });
});

describe('draftProblems', () => {
  it('finds what the server would refuse', () => {
    expect(draftProblems({ ...emptyDraft('7'), row: '' }, MEASURES)).toEqual([
      { kind: 'noRows' },
      { kind: 'noMeasures' },
    ]);
    const byMonth = { ...emptyDraft('7'), column: 'MONTH' as const };
    expect(draftProblems({ ...byMonth, measures: ['PUPILS_ASSESSED'] }, MEASURES)).toEqual([
      { kind: 'notApplicable', measure: 'PUPILS_ASSESSED', dimensions: ['MONTH'] },
    ]);
    expect(draftProblems({ ...emptyDraft('7'), measures: ['PUPILS_ASSESSED'] }, MEASURES)).toEqual([
      { kind: 'needsPeriod', measure: 'PUPILS_ASSESSED' },
    ]);
    expect(draftProblems(PRESETS[0].draft('7', '12'), MEASURES)).toEqual([]);
    expect(draftProblems(PRESETS[1].draft('7', '12'), MEASURES)).toEqual([]);
  });
});

const value = (dimension: 'CLASS_GROUP' | 'MONTH', key: string | null, label = key) => ({
  dimension,
  key,
  label,
});

describe('tableOf', () => {
  it('orders rows as people read them and lays a pivot out with its total last', () => {
    const result: ReportResultData = {
      rowDimensions: ['CLASS_GROUP'],
      columnDimension: 'MONTH',
      measures: ['MISSED_SHARE'],
      rowCount: 2,
      generatedAt: '2026-12-06T10:00:00Z',
      columns: [value('MONTH', '2026-09'), value('MONTH', '2026-10')],
      rows: [
        {
          values: [value('CLASS_GROUP', '9', '10А')],
          cells: [
            { measure: 'MISSED_SHARE', column: '2026-10', value: 4 },
            { measure: 'MISSED_SHARE', column: null, value: 4 },
          ],
        },
        {
          values: [value('CLASS_GROUP', '3', '7А')],
          cells: [
            { measure: 'MISSED_SHARE', column: '2026-09', value: 1.5 },
            { measure: 'MISSED_SHARE', column: null, value: 2 },
          ],
        },
      ],
      total: { cells: [{ measure: 'MISSED_SHARE', column: null, value: 3 }] },
    };
    const table = tableOf(result);
    expect(table.groups.map((group) => group.key)).toEqual(['2026-09', '2026-10', null]);
    expect(table.rows.map((row) => row.values[0].label)).toEqual(['7А', '10А']);
    expect(table.rows.map((row) => row.cells)).toEqual([
      [1.5, null, 2],
      [null, 4, 4],
    ]);
    expect(table.total).toEqual([null, null, 3]);
  });
});

describe('formatting', () => {
  it('formats counts, marks and shares for the language', () => {
    expect(formatValue(1234, 'COUNT', 'ru')).toBe('1\u00a0234');
    expect(formatValue(4, 'SCORE', 'ru')).toBe('4,00');
    expect(formatValue(87.5, 'PERCENT', 'en')).toBe('87.5%');
    expect(formatValue(87.5, 'PERCENT', 'ru')).toMatch(/^87,5\s%$/);
    expect(formatValue(null, 'PERCENT', 'ru')).toBe('—');
  });

  it('names months in the language and rows without a thing by what they are', () => {
    expect(valueLabel(value('MONTH', '2026-11'), 'en', '')).toBe('November 2026');
    expect(valueLabel(value('CLASS_GROUP', null), 'ru', 'Не указано')).toBe('Не указано');
    expect(shortLabel('Месяц (ГГГГ-ММ)')).toBe('Месяц');
  });
});

describe('report errors', () => {
  const refusal = (extensions: Record<string, unknown>) =>
    new CombinedGraphQLErrors({ data: null, errors: [{ message: 'no', extensions }] });

  it('translates the report reasons and names the part of the spec', () => {
    const failure = reportFailure(
      refusal({
        code: 'BAD_USER_INPUT',
        reason: 'TOO_MANY_ROWS',
        field: 'spec.limit',
        count: 1200,
      }),
    );
    expect(failure).toEqual({
      message: { key: 'reports.reason.TOO_MANY_ROWS' },
      values: { count: 1200 },
      field: 'spec.limit',
    });
    const spec = specOf(PRESETS[0].draft('7', '12'));
    expect(partOf('spec.measures.1', spec)).toEqual({ measure: 'EXCELLENT_PUPILS' });
    expect(partOf('spec.filters.1.equals', spec)).toEqual({ dimension: 'STUDY_PERIOD' });
    expect(partOf('spec.limit', spec)).toBeUndefined();
  });

  it('falls back to the general mapping for anything else', () => {
    expect(reportFailure(refusal({ code: 'FORBIDDEN' })).message).toEqual({
      key: 'errors.code.FORBIDDEN',
    });
  });
});
