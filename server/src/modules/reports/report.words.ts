import type { EntityManager } from '@mikro-orm/postgresql';
import type { Lang } from '../../graphql/enums.js';
import { intArray } from './report.access.js';
import type { ReportSpec } from './report.inputs.js';
import { DIMENSIONS, MEASURES, type ReportDimension } from './report.model.js';
import { TEXTS } from './report.document.js';

/**
 * A spec in words for a document's title lines: «Строки: Класс; Показатели: …; Отбор: Класс = 7А,
 * 7Б». Filter ids are named by one statement over the model's label joins, only within the
 * viewer's school (a name from another school is never printed; the id stands instead).
 */

export const dimensionLabel = (d: ReportDimension, lang: Lang) => {
  const label = lang === 'ru' ? DIMENSIONS[d].ru : DIMENSIONS[d].en;
  return label.replace(/\s*\(.*\)$/, '');
};

async function filterLabels(
  em: EntityManager,
  spec: ReportSpec,
  schoolId: number,
): Promise<Map<string, string>> {
  const parts: string[] = [];
  const params: unknown[] = [];
  for (const f of spec.filters ?? []) {
    const def = DIMENSIONS[f.dimension];
    const ids = [f.equals, ...(f.in ?? [])].filter((v): v is string => v != null);
    if (!def.label || def.kind !== 'id' || ids.length === 0) continue;
    const join = def.label.join.replaceAll('$', 'x').replaceAll('#', 'v.k');
    parts.push(`select ?::text as d, v.k::text as k, ${def.label.expr.replaceAll('$', 'x')} as label
       from unnest(?::int[]) v(k) ${join} and (to_jsonb(x) ->> 'school_id')::int = ?`);
    params.push(f.dimension, intArray(ids.map(Number)), schoolId);
  }
  if (parts.length === 0) return new Map();
  const rows = await em.execute<{ d: string; k: string; label: string | null }[]>(
    parts.join(' union all '),
    params,
  );
  return new Map(rows.filter((r) => r.label).map((r) => [`${r.d}:${r.k}`, r.label!]));
}

export async function describeSpec(
  em: EntityManager,
  spec: ReportSpec,
  schoolId: number,
  lang: Lang,
): Promise<string[]> {
  const t = TEXTS[lang];
  const labels = await filterLabels(em, spec, schoolId);
  const value = (d: ReportDimension, v: string) => labels.get(`${d}:${v}`) ?? v;
  const lines: string[] = [];
  if (spec.rows.length) {
    lines.push(`${t.rows}: ${spec.rows.map((d) => dimensionLabel(d, lang)).join(', ')}`);
  }
  if (spec.columns) lines.push(`${t.columns}: ${dimensionLabel(spec.columns, lang)}`);
  lines.push(
    `${t.measures}: ${spec.measures.map((m) => (lang === 'ru' ? MEASURES[m].ru : MEASURES[m].en)).join(', ')}`,
  );
  const filters = (spec.filters ?? []).map((f) => {
    const name = dimensionLabel(f.dimension, lang);
    if (f.equals != null) return `${name} = ${value(f.dimension, f.equals)}`;
    if (f.in != null) return `${name}: ${f.in.map((v) => value(f.dimension, v)).join(', ')}`;
    return `${name} ${f.from ?? '…'} – ${f.to ?? '…'}`;
  });
  if (filters.length) lines.push(`${t.filters}: ${filters.join('; ')}`);
  return lines;
}
