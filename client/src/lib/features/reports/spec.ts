import type {
  ReportDimension,
  ReportFilterInput,
  ReportMeasure,
  ReportSpec,
  ReportsModelQuery,
} from '../../graphql/generated/graphql';

export type ModelMeasure = ReportsModelQuery['reportModel']['measures'][number];
export type ModelDimension = ReportsModelQuery['reportModel']['dimensions'][number];

/** What the builder's form holds; `''` is "none" (no second row, no pivot, no filter). */
export interface Draft {
  row: ReportDimension | '';
  row2: ReportDimension | '';
  column: ReportDimension | '';
  /** In the order they were chosen, which is the order of the columns. */
  measures: ReportMeasure[];
  yearId: string;
  periodId: string;
  classIds: string[];
  subjectIds: string[];
}

export function emptyDraft(yearId: string): Draft {
  return {
    row: 'CLASS_GROUP',
    row2: '',
    column: '',
    measures: [],
    yearId,
    periodId: '',
    classIds: [],
    subjectIds: [],
  };
}

export interface Preset {
  id: string;
  /** Dictionary key of the button. */
  label: string;
  draft: (yearId: string, periodId: string) => Draft;
}

/** The two views a school asks for most, as its forms lay them out. */
export const PRESETS: readonly Preset[] = [
  {
    id: 'progress',
    label: 'reports.presets.progress',
    draft: (yearId, periodId) => ({
      ...emptyDraft(yearId),
      measures: [
        'PUPILS_ASSESSED',
        'EXCELLENT_PUPILS',
        'GOOD_PUPILS',
        'SINGLE_THREE_PUPILS',
        'FAILING_PUPILS',
        'SUCCESS_RATE_PUPILS',
        'QUALITY_RATE_PUPILS',
        'DEGREE_OF_LEARNING',
      ],
      periodId,
    }),
  },
  {
    id: 'attendance',
    label: 'reports.presets.attendance',
    draft: (yearId) => ({ ...emptyDraft(yearId), column: 'MONTH', measures: ['MISSED_SHARE'] }),
  },
];

/** The spec the server takes for a draft. */
export function specOf(draft: Draft): ReportSpec {
  const filters: ReportFilterInput[] = [];
  if (draft.yearId) filters.push({ dimension: 'ACADEMIC_YEAR', equals: draft.yearId });
  if (draft.periodId) filters.push({ dimension: 'STUDY_PERIOD', equals: draft.periodId });
  if (draft.classIds.length > 0) {
    filters.push({ dimension: 'CLASS_GROUP', in: [...draft.classIds] });
  }
  if (draft.subjectIds.length > 0) {
    filters.push({ dimension: 'SUBJECT', in: [...draft.subjectIds] });
  }
  return {
    rows: rowsOf(draft),
    columns: draft.column || null,
    measures: [...draft.measures],
    filters,
  };
}

function rowsOf(draft: Draft): ReportDimension[] {
  const rows: ReportDimension[] = [];
  if (draft.row) rows.push(draft.row);
  if (draft.row2 && draft.row2 !== draft.row) rows.push(draft.row2);
  return rows;
}

/** Every dimension the view is split or filtered by: a measure must have each of them. */
export function usedDimensions(draft: Draft): ReportDimension[] {
  return (specOf(draft).filters ?? [])
    .map((filter) => filter.dimension)
    .concat(rowsOf(draft), draft.column ? [draft.column] : []);
}

/** The dimensions of the view this measure cannot be split or filtered by. */
export function missingDimensions(measure: ModelMeasure, draft: Draft): ReportDimension[] {
  return [...new Set(usedDimensions(draft))].filter((d) => !measure.dimensions.includes(d));
}

/** Period marks of several periods say nothing together: one period, filtered or grouped by. */
export function periodFixed(draft: Draft): boolean {
  return (
    draft.periodId !== '' ||
    draft.row === 'STUDY_PERIOD' ||
    draft.row2 === 'STUDY_PERIOD' ||
    draft.column === 'STUDY_PERIOD'
  );
}

export type DraftProblem =
  | { kind: 'noRows' }
  | { kind: 'noMeasures' }
  | { kind: 'pivotInRows' }
  | { kind: 'notApplicable'; measure: ReportMeasure; dimensions: ReportDimension[] }
  | { kind: 'needsPeriod'; measure: ReportMeasure };

/** What the server would refuse, found before asking it. */
export function draftProblems(draft: Draft, measures: readonly ModelMeasure[]): DraftProblem[] {
  const problems: DraftProblem[] = [];
  if (!draft.row) problems.push({ kind: 'noRows' });
  if (draft.measures.length === 0) problems.push({ kind: 'noMeasures' });
  if (draft.column && rowsOf(draft).includes(draft.column)) problems.push({ kind: 'pivotInRows' });
  for (const id of draft.measures) {
    const measure = measures.find((m) => m.id === id);
    if (!measure) continue;
    const missing = missingDimensions(measure, draft);
    if (missing.length > 0) {
      problems.push({ kind: 'notApplicable', measure: id, dimensions: missing });
    } else if (measure.over === 'PERIOD_MARKS' && !periodFixed(draft)) {
      problems.push({ kind: 'needsPeriod', measure: id });
    }
  }
  return problems;
}
