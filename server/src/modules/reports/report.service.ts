import { Permission, policy } from '../../auth/policy.js';
import { DomainError } from '../../errors.js';
import type { Scope } from '../../scope.js';
import { reportScope } from './report.access.js';
import { compileReport, MAX_COLUMNS, MAX_ROWS, type CompiledReport } from './report.compiler.js';
import type { ReportSpec } from './report.inputs.js';
import {
  DIMENSIONS,
  MEASURES,
  ReportDimension,
  ReportMeasure,
  factHas,
  type ValueKind,
} from './report.model.js';
import type {
  ReportCell,
  ReportDimensionValue,
  ReportModel,
  ReportResult,
  ReportRow,
} from './report.types.js';

/** A report may run this long; a longer one is cancelled and answered UNAVAILABLE. */
const STATEMENT_TIMEOUT_MS = 10_000;

type Line = Record<string, unknown> & {
  g: number;
  rn: number | null;
  row_count: number;
  column_count: number;
};

const RANGED: ReadonlySet<ValueKind> = new Set(['int', 'date', 'month', 'week']);
const text = (v: unknown) => (v == null ? null : String(v));
const num = (v: unknown) => (v == null ? null : Number(v));

export class ReportService {
  /** The dimensions and measures, with labels and formulas in Russian and English. */
  model({ viewer }: Scope): ReportModel {
    policy.require(viewer, Permission.ReportsRead);
    const dims = Object.values(ReportDimension);
    return {
      dimensions: dims.map((id) => ({
        id,
        labelRu: DIMENSIONS[id].ru,
        labelEn: DIMENSIONS[id].en,
        rangeAllowed: RANGED.has(DIMENSIONS[id].kind),
        administrationOnly: !!DIMENSIONS[id].administrationOnly,
      })),
      measures: Object.values(ReportMeasure).map((id) => {
        const m = MEASURES[id];
        return {
          id,
          labelRu: m.ru,
          labelEn: m.en,
          over: m.fact,
          unit: m.unit,
          formulaRu: m.formulaRu,
          formulaEn: m.formulaEn,
          dimensions: dims.filter((d) => factHas(m.fact, d)),
        };
      }),
    };
  }

  /**
   * Runs a view: one statement, in a read-only transaction with a statement timeout, over the
   * facts the viewer may see (school and scope from the session, never from the spec).
   */
  async run(
    { em, viewer }: Scope,
    spec: ReportSpec,
    today: string,
    now: Date,
  ): Promise<ReportResult> {
    policy.require(viewer, Permission.ReportsRead);
    const compiled = compileReport(spec, {
      schoolId: viewer.schoolId,
      today,
      scope: reportScope(viewer),
      wholeSchool: policy.can(viewer, Permission.ReportsReadAll),
    });
    const lines = await em.transactional(async (tx) => {
      await tx.execute(
        `set transaction read only; set local statement_timeout = ${STATEMENT_TIMEOUT_MS}`,
      );
      try {
        return await tx.execute<Line[]>(compiled.sql, compiled.params);
      } catch (e) {
        if ((e as { code?: string }).code === '57014') {
          throw new DomainError('UNAVAILABLE', 'The report took too long; narrow it down', {
            reason: 'REPORT_TIMEOUT',
          });
        }
        throw e;
      }
    });
    return shape(compiled, lines, now);
  }
}

function shape(c: CompiledReport, lines: Line[], now: Date): ReportResult {
  const rowCount = lines[0]?.row_count ?? 0;
  if (!c.limitGiven && rowCount > MAX_ROWS) {
    throw new DomainError(
      'BAD_USER_INPUT',
      `The view has ${rowCount} rows, more than ${MAX_ROWS}: filter it or give a limit`,
      {
        field: 'spec.limit',
        reason: 'TOO_MANY_ROWS',
        count: rowCount,
      },
    );
  }
  const columnCount = c.column ? (lines[0]?.column_count ?? 0) : 0;
  if (columnCount > MAX_COLUMNS) {
    throw new DomainError(
      'BAD_USER_INPUT',
      `The view has ${columnCount} columns, more than ${MAX_COLUMNS}`,
      {
        field: 'spec.columns',
        reason: 'TOO_MANY_COLUMNS',
        count: columnCount,
      },
    );
  }
  const value = (line: Line, i: number): ReportDimensionValue => ({
    dimension: i < c.rows.length ? c.rows[i] : c.column!,
    key: text(line[`d${i}`]),
    label: text(line[`l${i}`]),
  });
  const colIndex = c.rows.length;
  const cells = (line: Line, column: string | null): ReportCell[] =>
    c.measures.map((measure, i) => ({ measure, column, value: num(line[`m${i}`]) }));
  const columnOf = (line: Line) => (c.column ? text(line[`d${colIndex}`]) : null);

  const rows: ReportRow[] = [];
  const byRn = new Map<number, ReportRow>();
  const total: ReportRow = { values: [], cells: [] };
  const columns: ReportDimensionValue[] = [];
  for (const line of lines) {
    if (line.rn != null && (c.rows.length > 0 || line.g === c.levels.grand)) {
      let row = byRn.get(line.rn);
      if (!row) {
        row = { values: c.rows.map((_, i) => value(line, i)), cells: [] };
        byRn.set(line.rn, row);
        rows.push(row);
      }
      row.cells.push(...cells(line, line.g === c.levels.cell && c.column ? columnOf(line) : null));
      if (c.rows.length === 0) total.cells = row.cells;
    } else if (c.column && line.g === c.levels.columnTotal) {
      columns.push(value(line, colIndex));
      total.cells.push(...cells(line, columnOf(line)));
    } else if (line.g === c.levels.grand) {
      total.cells.push(...cells(line, null));
    }
  }
  if (c.rows.length === 0) rows.length = 0;
  // Nothing to count (no facts in the viewer's scope): the totals are there, empty.
  if (total.cells.length === 0) total.cells = cells({} as Line, null);
  return {
    rowDimensions: c.rows,
    columnDimension: c.column,
    measures: c.measures,
    columns: sortColumns(columns),
    rows,
    total,
    rowCount: c.rows.length === 0 ? 0 : rowCount,
    generatedAt: now,
  };
}

/** Column headers by label, then key (months, weeks and dates sort as they read). */
function sortColumns(columns: ReportDimensionValue[]): ReportDimensionValue[] {
  return columns.sort(
    (a, b) =>
      (a.label ?? '\uffff').localeCompare(b.label ?? '\uffff', 'ru', { numeric: true }) ||
      (a.key ?? '').localeCompare(b.key ?? ''),
  );
}
