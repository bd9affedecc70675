import type { EntityManager } from '@mikro-orm/postgresql';
import type { Lang } from '../../../graphql/enums.js';
import type { ReportSpec } from '../report.inputs.js';
import { MEASURES, ReportDimension as D, ReportMeasure as M, ReportUnit } from '../report.model.js';
import type { ReportResult, ReportRow } from '../report.types.js';
import { resultTable } from '../report.export.js';
import {
  TEXTS,
  type CellValue,
  type DocumentColumn,
  type DocumentTable,
} from '../report.document.js';
import { dimensionLabel } from '../report.words.js';
import type { ClassInfo, CourseInfo, Period } from './builtin.context.js';
import { BUILTIN_TEXTS } from './builtin.texts.js';
import { classGrid } from './builtin.grid.js';

/**
 * The built-in reports as report specs on the model (so each table is one statement under the
 * viewer's row filter), put together into a document's tables. `run` is ReportService.run.
 */

export type Run = (spec: ReportSpec) => Promise<ReportResult>;
export interface Built {
  title: string;
  lines: string[];
  tables: DocumentTable[];
}
interface Env {
  run: Run;
  em: EntityManager;
  schoolId: number;
  lang: Lang;
  /** Attendance code id → kind (ABSENT, SICK, EXCUSED, LATE). */
  codes: Map<string, string>;
}

const eq = (dimension: D, id: number) => ({ dimension, equals: String(id) });
const measureLabel = (m: M, lang: Lang) => (lang === 'ru' ? MEASURES[m].ru : MEASURES[m].en);
const col = (m: M, lang: Lang, suffix = ''): DocumentColumn => ({
  label: `${measureLabel(m, lang)}${suffix}`,
  unit: MEASURES[m].unit,
});
const cell = (row: ReportRow | undefined, m: M, column: string | null = null) =>
  row?.cells.find((c) => c.measure === m && c.column === column)?.value ?? null;
const key = (row: ReportRow) => row.values[0]?.key ?? '';

/** Absences with and without a valid reason per pupil (and in total), from a pivot by code. */
function absences(result: ReportResult, codes: Map<string, string>) {
  const sum = (row: ReportRow, kinds: string[]) =>
    row.cells
      .filter((c) => c.column != null && kinds.includes(codes.get(c.column) ?? ''))
      .reduce((s, c) => s + (c.value ?? 0), 0);
  const of = (row: ReportRow) => [sum(row, ['SICK', 'EXCUSED']), sum(row, ['ABSENT'])];
  return { byPupil: new Map(result.rows.map((r) => [key(r), of(r)])), total: of(result.total) };
}
const absenceSpec = (filters: ReportSpec['filters']): ReportSpec => ({
  rows: [D.PUPIL],
  columns: D.ATTENDANCE_CODE,
  measures: [M.ATTENDANCE_ENTRIES],
  filters,
});

const COURSE_MEASURES = [
  M.MARK_COUNT,
  M.WEIGHTED_AVERAGE,
  M.MARKS_5,
  M.MARKS_4,
  M.MARKS_3,
  M.MARKS_2,
  M.MISSED_SHARE,
];

export async function courseResults(env: Env, course: CourseInfo, period: Period): Promise<Built> {
  const { lang } = env;
  const t = BUILTIN_TEXTS[lang];
  const filters = [eq(D.COURSE, course.id), eq(D.STUDY_PERIOD, period.id)];
  const [marks, attendance, grid] = await Promise.all([
    env.run({ rows: [D.PUPIL], measures: COURSE_MEASURES, filters }),
    env.run(absenceSpec(filters)),
    classGrid(env.em, env.schoolId, course.classId, period, course.id),
  ]);
  const abs = absences(attendance, env.codes);
  const columns: DocumentColumn[] = [
    { label: t.pupil, unit: 'TEXT' },
    ...COURSE_MEASURES.map((m) => col(m, lang)),
    { label: t.excused, unit: ReportUnit.COUNT },
    { label: t.unexcused, unit: ReportUnit.COUNT },
    { label: t.periodMark, unit: 'TEXT' },
  ];
  const rows = marks.rows.map((r): CellValue[] => [
    r.values[0].label ?? '',
    ...COURSE_MEASURES.map((m) => cell(r, m)),
    ...(abs.byPupil.get(key(r)) ?? [0, 0]),
    grid.marks.get(`${key(r)}:${course.id}`) ?? null,
  ]);
  const total = [
    TEXTS[lang].total,
    ...COURSE_MEASURES.map((m) => cell(marks.total, m)),
    ...abs.total,
    null,
  ];
  return {
    title: t.courseTitle(course.name, period.name),
    lines: [
      t.period(period.startsOn, period.endsOn),
      ...(course.teacherName ? [t.teacher(course.teacherName)] : []),
    ],
    tables: [{ title: null, columns, rows, total }],
  };
}

const CLASS_MEASURES = [
  M.PUPILS_ASSESSED,
  M.EXCELLENT_PUPILS,
  M.GOOD_PUPILS,
  M.SINGLE_THREE_PUPILS,
  M.FAILING_PUPILS,
  M.SUCCESS_RATE_PUPILS,
  M.QUALITY_RATE_PUPILS,
  M.DEGREE_OF_LEARNING,
];
const CATEGORY = [
  [M.EXCELLENT_PUPILS, 'EXCELLENT'],
  [M.GOOD_PUPILS, 'GOOD'],
  [M.SINGLE_THREE_PUPILS, 'SINGLE_THREE'],
  [M.FAILING_PUPILS, 'FAILING'],
] as const;

export async function classResults(env: Env, cls: ClassInfo, period: Period): Promise<Built> {
  const { lang } = env;
  const t = BUILTIN_TEXTS[lang];
  const filters = [eq(D.CLASS_GROUP, cls.id), eq(D.STUDY_PERIOD, period.id)];
  const [results, attendance, grid] = await Promise.all([
    env.run({ rows: [D.PUPIL], measures: CLASS_MEASURES, filters }),
    env.run(absenceSpec(filters)),
    classGrid(env.em, env.schoolId, cls.id, period),
  ]);
  const abs = absences(attendance, env.codes);
  const byPupil = new Map(results.rows.map((r) => [key(r), r]));
  const category = (row: ReportRow | undefined) =>
    CATEGORY.find(([m]) => cell(row, m) === 1)?.[1] ?? null;
  const marksTable: DocumentTable = {
    title: t.marksTable,
    columns: [
      { label: t.pupil, unit: 'TEXT' },
      ...grid.courses.map((c) => ({ label: c.name, unit: 'TEXT' as const })),
      { label: t.category, unit: 'TEXT' },
      { label: t.excused, unit: ReportUnit.COUNT },
      { label: t.unexcused, unit: ReportUnit.COUNT },
    ],
    rows: grid.pupils.map((p) => {
      const c = category(byPupil.get(String(p.id)));
      return [
        p.leftOn ? `${p.name} (${t.left(p.leftOn)})` : p.name,
        ...grid.courses.map((co) => grid.marks.get(`${p.id}:${co.id}`) ?? null),
        c ? t.categories[c] : null,
        ...(abs.byPupil.get(String(p.id)) ?? [0, 0]),
      ];
    }),
    total: null,
  };
  const summary: DocumentTable = {
    title: t.summaryTable,
    columns: [
      { label: t.pupilsListed, unit: ReportUnit.COUNT },
      ...CLASS_MEASURES.map((m) => col(m, lang)),
      { label: t.excused, unit: ReportUnit.COUNT },
      { label: t.unexcused, unit: ReportUnit.COUNT },
    ],
    rows: [
      [grid.pupils.length, ...CLASS_MEASURES.map((m) => cell(results.total, m)), ...abs.total],
    ],
    total: null,
  };
  return {
    title: t.classTitle(cls.name, period.name),
    lines: [
      t.period(period.startsOn, period.endsOn),
      ...(cls.teacherName ? [t.classTeacher(cls.teacherName)] : []),
    ],
    tables: [marksTable, summary],
  };
}

const SCHOOL_MEASURES = [...CLASS_MEASURES, M.MISSED_SHARE];

/** The school by class, subject or teacher, each measure for the period and the one before. */
export async function schoolBy(env: Env, by: D, period: Period, title: string): Promise<Built> {
  const { lang } = env;
  const t = BUILTIN_TEXTS[lang];
  const periods = [period, ...(period.previous ? [period.previous] : [])];
  const result = await env.run({
    rows: [by],
    columns: D.STUDY_PERIOD,
    measures: SCHOOL_MEASURES,
    filters: [{ dimension: D.STUDY_PERIOD, in: periods.map((p) => String(p.id)) }],
  });
  const slots = SCHOOL_MEASURES.flatMap((m) =>
    periods.map((p) => [m, String(p.id), p.name] as const),
  );
  const columns: DocumentColumn[] = [
    { label: dimensionLabel(by, lang), unit: 'TEXT' },
    ...slots.map(([m, , name]) => col(m, lang, ` (${name})`)),
  ];
  const cells = (row: ReportRow) => slots.map(([m, id]) => cell(row, m, id));
  return {
    title,
    lines: [
      t.period(period.startsOn, period.endsOn),
      ...(period.previous ? [t.compared(period.previous.name)] : []),
    ],
    tables: [
      {
        title: null,
        columns,
        rows: result.rows.map((r) => [r.values[0].label ?? TEXTS[lang].none, ...cells(r)]),
        total: [TEXTS[lang].total, ...cells(result.total)],
      },
    ],
  };
}

export async function attendanceByMonth(env: Env, period: Period): Promise<Built> {
  const t = BUILTIN_TEXTS[env.lang];
  const result = await env.run({
    rows: [D.CLASS_GROUP],
    columns: D.MONTH,
    measures: [M.MISSED_SHARE],
    filters: [eq(D.STUDY_PERIOD, period.id)],
  });
  return {
    title: t.attendanceTitle(period.name),
    lines: [t.period(period.startsOn, period.endsOn), measureLabel(M.MISSED_SHARE, env.lang)],
    tables: [resultTable(result, env.lang)],
  };
}
