import { badInput } from '../../errors.js';
import {
  DIMENSIONS,
  FACT_COLUMNS,
  FACTS,
  MEASURES,
  PARTIALS,
  ReportDimension,
  ReportFact,
  ReportMeasure,
  factHas,
  spanOf,
  spanRefusal,
  type FactColumn,
  type FactSource,
  type PartialName,
  type ValueKind,
} from './report.model.js';
import type { ReportFilterInput, ReportSpec } from './report.inputs.js';

/** Rows a view may return; a view with more and no limit of its own is refused with the count. */
export const MAX_ROWS = 1000;
export const MAX_COLUMNS = 100;
const MAX_ROW_DIMENSIONS = 5;
const MAX_FILTER_VALUES = 1000;

export interface CompileContext {
  schoolId: number;
  today: string;
  /** The viewer's row filter over the course `co` (report.access.ts). */
  scope: { sql: string; params: unknown[] };
  /** Whether the viewer sees the whole school (administration-only dimensions). */
  wholeSchool: boolean;
}

export interface CompiledReport {
  sql: string;
  params: unknown[];
  rows: ReportDimension[];
  column: ReportDimension | null;
  measures: ReportMeasure[];
  /** `g` of each level: a cell, a row's total over the columns, a column's total, the grand total. */
  levels: { cell: number; rowTotal: number; columnTotal: number; grand: number };
  limit: number;
  limitGiven: boolean;
}

const FIELD = 'spec';
const isDimension = (d: unknown): d is ReportDimension =>
  typeof d === 'string' && Object.hasOwn(DIMENSIONS, d);
const isMeasure = (m: unknown): m is ReportMeasure =>
  typeof m === 'string' && Object.hasOwn(MEASURES, m);

const FORMATS: Record<ValueKind, RegExp> = {
  id: /^[1-9][0-9]{0,9}$/,
  int: /^(0|[1-9][0-9]{0,2})$/,
  date: /^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$/,
  month: /^[0-9]{4}-(0[1-9]|1[0-2])$/,
  week: /^[0-9]{4}-W(0[1-9]|[1-4][0-9]|5[0-3])$/,
};
const CAST: Record<ValueKind, string> = {
  id: 'int',
  int: 'int',
  date: 'text',
  month: 'text',
  week: 'text',
};
const ORDERED: ReadonlySet<ValueKind> = new Set(['int', 'date', 'month', 'week']);

/** Checks a spec against the model; every refusal names the part of the spec it is about. */
function check(spec: ReportSpec, ctx: CompileContext) {
  const rows = spec.rows ?? [];
  if (rows.length > MAX_ROW_DIMENSIONS) {
    throw badInput(
      `${FIELD}.rows`,
      'TOO_MANY_DIMENSIONS',
      `At most ${MAX_ROW_DIMENSIONS} row dimensions`,
    );
  }
  rows.forEach((d, i) => {
    if (!isDimension(d)) {
      throw badInput(`${FIELD}.rows.${i}`, 'UNKNOWN_DIMENSION', 'Unknown dimension');
    }
    if (rows.indexOf(d) !== i) {
      throw badInput(`${FIELD}.rows.${i}`, 'DUPLICATE', 'The dimension is there twice');
    }
  });
  const column = spec.columns ?? null;
  if (column !== null && !isDimension(column)) {
    throw badInput(`${FIELD}.columns`, 'UNKNOWN_DIMENSION', 'Unknown dimension');
  }
  if (column !== null && rows.length === 0) {
    throw badInput(`${FIELD}.rows`, 'REQUIRED', 'A pivot needs a row dimension');
  }
  if (column !== null && rows.includes(column)) {
    throw badInput(`${FIELD}.columns`, 'DUPLICATE', 'The column dimension is also a row dimension');
  }
  const measures = spec.measures ?? [];
  if (measures.length === 0) throw badInput(`${FIELD}.measures`, 'REQUIRED', 'Choose a measure');
  measures.forEach((m, i) => {
    if (!isMeasure(m)) {
      throw badInput(`${FIELD}.measures.${i}`, 'UNKNOWN_MEASURE', 'Unknown measure');
    }
    if (measures.indexOf(m) !== i) {
      throw badInput(`${FIELD}.measures.${i}`, 'DUPLICATE', 'The measure is there twice');
    }
  });
  const filters = spec.filters ?? [];
  filters.forEach((f, i) => checkFilter(f, `${FIELD}.filters.${i}`));

  const used: [ReportDimension, string][] = [
    ...rows.map((d, i): [ReportDimension, string] => [d, `${FIELD}.rows.${i}`]),
    ...(column ? [[column, `${FIELD}.columns`] as [ReportDimension, string]] : []),
    ...filters.map((f, i): [ReportDimension, string] => [
      f.dimension,
      `${FIELD}.filters.${i}.dimension`,
    ]),
  ];
  for (const [d, field] of used) {
    if (DIMENSIONS[d].administrationOnly && !ctx.wholeSchool) {
      throw badInput(
        field,
        'DIMENSION_NOT_ALLOWED',
        'This dimension is for the administration only',
      );
    }
  }
  measures.forEach((m, i) => {
    const fact = MEASURES[m].fact;
    for (const [d, field] of used) {
      if (!factHas(fact, d, field.startsWith(`${FIELD}.filters.`))) {
        throw badInput(
          `${FIELD}.measures.${i}`,
          'DIMENSION_NOT_APPLICABLE',
          `Measure ${m} cannot be split or filtered by ${d}`,
        );
      }
    }
    const span = spanRefusal(fact, filters);
    if (span) throw badInput(`${FIELD}.measures.${i}`, 'DIMENSION_NOT_APPLICABLE', span);
    // Period marks of several periods (and the year's) together say nothing about a pupil.
    const periodFixed =
      rows.includes(ReportDimension.STUDY_PERIOD) ||
      column === ReportDimension.STUDY_PERIOD ||
      filters.some((f) => f.dimension === ReportDimension.STUDY_PERIOD && f.equals != null);
    if (fact === ReportFact.PERIOD_MARKS && !periodFixed) {
      throw badInput(
        `${FIELD}.measures.${i}`,
        'STUDY_PERIOD_REQUIRED',
        `Measure ${m} is over period marks: filter one study period or group by it`,
      );
    }
  });
  (spec.sort ?? []).forEach((s, i) => {
    const field = `${FIELD}.sort.${i}`;
    if ((s.dimension == null) === (s.measure == null)) {
      throw badInput(field, 'ONE_OF', 'Sort by a dimension or by a measure');
    }
    if (s.dimension != null && !rows.includes(s.dimension)) {
      throw badInput(`${field}.dimension`, 'NOT_IN_ROWS', 'Sort by a dimension of the rows');
    }
    if (s.measure != null && !measures.includes(s.measure)) {
      throw badInput(`${field}.measure`, 'NOT_IN_MEASURES', 'Sort by a measure of the view');
    }
  });
  const limit = spec.limit;
  if (limit != null && (!Number.isInteger(limit) || limit < 1 || limit > MAX_ROWS)) {
    throw badInput(`${FIELD}.limit`, 'OUT_OF_RANGE', `The limit is 1 to ${MAX_ROWS}`);
  }
  return { rows, column, measures, filters };
}

function checkFilter(f: ReportFilterInput, field: string): void {
  if (!isDimension(f.dimension)) {
    throw badInput(`${field}.dimension`, 'UNKNOWN_DIMENSION', 'Unknown dimension');
  }
  const kind = DIMENSIONS[f.dimension].kind;
  const ranged = f.from != null || f.to != null;
  const given = [f.equals != null, f.in != null, ranged].filter(Boolean).length;
  if (given !== 1) throw badInput(field, 'ONE_OF', 'Give one of equals, in, or from/to');
  const value = (v: string, at: string) => {
    if (typeof v !== 'string' || !FORMATS[kind].test(v)) {
      throw badInput(at, 'INVALID_VALUE', `Not a value of ${f.dimension}`);
    }
  };
  if (f.equals != null) value(f.equals, `${field}.equals`);
  if (f.in != null) {
    if (f.in.length === 0 || f.in.length > MAX_FILTER_VALUES) {
      throw badInput(`${field}.in`, 'OUT_OF_RANGE', `Give 1 to ${MAX_FILTER_VALUES} values`);
    }
    f.in.forEach((v, i) => value(v, `${field}.in.${i}`));
  }
  if (ranged) {
    if (!ORDERED.has(kind)) {
      throw badInput(`${field}.dimension`, 'RANGE_NOT_ALLOWED', `${f.dimension} has no order`);
    }
    if (f.from != null) value(f.from, `${field}.from`);
    if (f.to != null) value(f.to, `${field}.to`);
    const n = (v: string) => (kind === 'int' ? Number(v) : v);
    if (f.from != null && f.to != null && n(f.from) > n(f.to)) {
      throw badInput(`${field}.to`, 'RANGE_REVERSED', 'The range ends before it starts');
    }
  }
}

/** Builds the text of one statement and its parameters together, so that they stay in order. */
class Sql {
  readonly params: unknown[] = [];
  add(text: string, params: readonly unknown[] = []): string {
    this.params.push(...params);
    return text;
  }
}

/** What each branch of the statement needs to know of the spec. */
interface Branching {
  keys: string[];
  filters: ReportFilterInput[];
  /** The partials the measures read. */
  partials: PartialName[];
  /** The facts whose measures count pupils (their partials stay per pupil). */
  perPupil: Set<ReportFact>;
}

/**
 * One branch: a source's rows (with the viewer's row filter and the spec's filters) summed into
 * partials per group of the view's dimensions, and per pupil where a measure counts pupils.
 */
function sourceSelect(
  fact: ReportFact,
  source: FactSource,
  b: Branching,
  ctx: CompileContext,
  q: Sql,
): string {
  const cols = [
    ...(Object.keys(FACT_COLUMNS) as FactColumn[]).map(
      (c) => `${source.columns[c] ?? `null::${FACT_COLUMNS[c]}`} as ${c}`,
    ),
    ...Object.entries(source.extra ?? {}).map(([name, sql]) => `${sql} as ${name}`),
  ];
  const values = { school: ctx.schoolId, today: ctx.today, ...spanOf(b.filters) };
  const params = source.params.map((p) => values[p]);
  const from = q.add(source.from, params.slice(0, count(source.from)));
  const where = q.add(source.where, params.slice(count(source.from)));
  const scope = q.add(ctx.scope.sql, ctx.scope.params);
  const filters = b.filters.map((f) => filterSql(f, q));
  const who = b.perPupil.has(fact) ? 'coalesce(f.pupil_id, 0)' : '0';
  const partials = b.partials.map(
    (name) => `${source.partials[name] ?? `null::${PARTIALS[name].type}`} as ${name}`,
  );
  const outputs = [...b.keys.map((k, i) => `${k} as d${i}`), `${who} as w`, ...partials];
  const groups = Array.from({ length: b.keys.length + 1 }, (_, i) => i + 1);
  return `select ${outputs.join(', ')}
    from (select ${cols.join(', ')}
      from ${from}
     where ${where} and ${scope}) f${filters.length ? `\n   where ${filters.join(' and ')}` : ''}
   group by ${groups.join(', ')}`;
}

const count = (text: string) => text.split('?').length - 1;

/** The sources of a fact for this spec (the alternative when a dimension needs it). */
function sourcesOf(fact: ReportFact, used: ReportDimension[]): readonly FactSource[] {
  const def = FACTS[fact];
  const alt = def.alternatives?.find((a) =>
    used.some((d) => a.when.includes(DIMENSIONS[d].column)),
  );
  return alt ? alt.sources : def.sources;
}

/** How partials of several branches (and pupils) merge into a group's. */
function merged(name: PartialName): string {
  const merge = PARTIALS[name].merge;
  if (merge === 'count') return `coalesce(sum(f.${name}), 0) as ${name}`;
  return `${merge}(f.${name}) as ${name}`;
}

function filterSql(f: ReportFilterInput, q: Sql): string {
  const dim = DIMENSIONS[f.dimension];
  const cast = CAST[dim.kind];
  if (f.equals != null) return q.add(`${dim.key} = ?::${cast}`, [f.equals]);
  if (f.in != null) return q.add(`${dim.key} = any(?::${cast}[])`, [`{${f.in.join(',')}}`]);
  const parts: string[] = [];
  if (f.from != null) parts.push(q.add(`${dim.key} >= ?::${cast}`, [f.from]));
  if (f.to != null) parts.push(q.add(`${dim.key} <= ?::${cast}`, [f.to]));
  return parts.join(' and ');
}

/**
 * One parameterised statement for a spec: the facts the measures need (each with the viewer's row
 * filter), the spec's filters, then two levels of grouping. The inner level groups by the view's
 * dimensions and the pupil, so that pupil measures can judge each pupil's marks; the outer level
 * adds the pupils up. Grouping sets give the totals: the cells, each row's and each column's
 * total, and the grand total, told apart by `g` (the GROUPING() bits of the view's dimensions).
 */
export function compileReport(spec: ReportSpec, ctx: CompileContext): CompiledReport {
  const { rows, column, measures, filters } = check(spec, ctx);
  const dims = column ? [...rows, column] : [...rows];
  const q = new Sql();

  const facts = [...new Set(measures.map((m) => MEASURES[m].fact))];
  const used = [...dims, ...filters.map((f) => f.dimension)];
  const branching: Branching = {
    keys: dims.map((dim) => DIMENSIONS[dim].key),
    filters,
    partials: (Object.keys(PARTIALS) as PartialName[]).filter((name) =>
      measures.some((m) => new RegExp(`\\bp\\.${name}\\b`).test(MEASURES[m].sql)),
    ),
    perPupil: new Set(measures.filter((m) => MEASURES[m].perPupil).map((m) => MEASURES[m].fact)),
  };
  const union = facts
    .flatMap((fact) => sourcesOf(fact, used).map((s) => sourceSelect(fact, s, branching, ctx, q)))
    .join('\n  union all\n  ');

  const keys = dims.map((_, i) => `f.d${i}`);
  const rowKeys = keys.slice(0, rows.length);
  const colKeys = keys.slice(rows.length);
  const who = 'f.w';
  const sets = column
    ? [[...keys, who], [...rowKeys, who], [...colKeys, who], [who]]
    : dims.length
      ? [[...keys, who], [who]]
      : [[who]];
  const all = (1 << dims.length) - 1;
  const colBits = column ? 1 : 0;
  const levels = {
    cell: 0,
    rowTotal: colBits,
    columnTotal: all & ~colBits,
    grand: all,
  };
  const g = dims.length ? `grouping(${keys.join(', ')})` : '0';
  const d = dims.map((_, i) => `d${i}`);
  const partials = branching.partials.map(merged);

  const labelJoins: string[] = [];
  const labels = dims.map((dim, i) => {
    const label = DIMENSIONS[dim].label;
    if (!label) return `b.d${i}::text as l${i}`;
    const alias = `x${i}`;
    labelJoins.push(label.join.replaceAll('$', alias).replaceAll('#', `b.d${i}`));
    return `${label.expr.replaceAll('$', alias)} as l${i}`;
  });
  const measureCols = measures.map((m, i) => `${MEASURES[m].sql} as m${i}`);

  const order: string[] = [];
  for (const s of spec.sort ?? []) {
    const dir = s.descending ? 'desc' : 'asc';
    if (s.dimension != null) order.push(`l${rows.indexOf(s.dimension)} ${dir} nulls last`);
    else if (s.measure != null) order.push(`m${measures.indexOf(s.measure)} ${dir} nulls last`);
  }
  rows.forEach((_, i) => order.push(`l${i} asc nulls last`, `d${i} asc nulls last`));
  const rowMatch = rows.map((_, i) => `c.d${i} is not distinct from r.d${i}`);
  const limit = spec.limit ?? MAX_ROWS;

  const sql = `with f as (
  ${union}
), p as (
  select ${[`${g} as g`, ...keys.map((k, i) => `${k} as d${i}`), ...partials].join(',\n    ')}
    from f
   group by grouping sets (${sets.map((s) => `(${s.join(', ')})`).join(', ')})
), b as (
  select ${['p.g', ...d.map((x) => `p.${x}`), ...measureCols].join(', ')}
    from p group by ${['p.g', ...d.map((x) => `p.${x}`)].join(', ')}
), c as (
  select b.*${labels.length ? `, ${labels.join(', ')}` : ''}
    from b ${labelJoins.join(' ')}
), r as (
  select ${[...rows.map((_, i) => `c.d${i}`), `row_number() over (order by ${order.length ? order.join(', ') : 'c.g'}) as rn`].join(', ')}
    from c where c.g = ${levels.rowTotal}
)
select c.*, r.rn, (select count(*) from r)::int as row_count,
       (select count(*) from c where c.g = ${levels.columnTotal})::int as column_count
  from c left join r on c.g & ${levels.columnTotal} = 0${rowMatch.length ? ` and ${rowMatch.join(' and ')}` : ''}
 where r.rn <= ${q.add('?', [limit])} or c.g & ${levels.columnTotal} <> 0${rows.length === 0 ? ' or true' : ''}
 order by r.rn nulls last, c.g`;
  return {
    sql,
    params: q.params,
    rows,
    column,
    measures,
    levels,
    limit,
    limitGiven: spec.limit != null,
  };
}
