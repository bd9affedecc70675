import type { ReportSpec, ReportViewFieldsFragment } from '../../graphql/generated/graphql';

/** A saved view's question as `ReportSpec` takes it again (without the cache's type names). */
export function specInput(saved: ReportViewFieldsFragment['spec']): ReportSpec {
  return {
    rows: [...saved.rows],
    columns: saved.columns ?? null,
    measures: [...saved.measures],
    filters: saved.filters.map((f) => ({
      dimension: f.dimension,
      ...(f.equals != null ? { equals: f.equals } : {}),
      ...(f.in != null ? { in: [...f.in] } : {}),
      ...(f.from != null ? { from: f.from } : {}),
      ...(f.to != null ? { to: f.to } : {}),
    })),
    sort: saved.sort.map((s) => ({
      dimension: s.dimension ?? null,
      measure: s.measure ?? null,
      descending: s.descending ?? null,
    })),
    limit: saved.limit ?? null,
  };
}
