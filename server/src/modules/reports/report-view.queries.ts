import type { EntityManager } from '@mikro-orm/postgresql';
import type { Viewer } from '../../auth/viewer.js';
import { parseId } from '../../graphql/validate.js';
import type { Role } from '../../auth/role.js';
import { intArray } from './report.access.js';
import type { ReportChartType, ReportScheduleFrequency, StoredSpec } from './report-view.entity.js';
import { ReportViewFilter, type ReportViewInfo } from './report-view.types.js';
import type { ReportDimension, ReportMeasure } from './report.model.js';

interface ViewRow {
  id: number;
  name: string;
  description: string;
  spec: StoredSpec;
  chart_type: ReportChartType;
  audience_roles: Role[];
  pinned: boolean;
  schedule_frequency: ReportScheduleFrequency;
  schedule_day: number | null;
  schedule_hour: number | null;
  copied_from_id: number | null;
  version: number;
  created_at: Date;
  updated_at: Date;
  owner_id: number;
  owner_name: string;
  staff: { id: string; name: string }[];
}

const textArray = (items: readonly string[]) =>
  `{${items.map((s) => s.replace(/[^A-Z_]/g, '')).join(',')}}`;
const nameOf = (p: string) => `concat_ws(' ', ${p}.last_name, ${p}.first_name, ${p}.middle_name)`;

/** Who sees a view: its owner, the staff it names, and holders of the roles it names. */
const VISIBLE = `(v.owner_id = ? or v.audience_person_ids @> array[?]::int[] or v.audience_roles && ?::text[])`;

const FILTERS: Record<ReportViewFilter, string> = {
  [ReportViewFilter.ALL]: 'true',
  [ReportViewFilter.MINE]: 'v.owner_id = ?',
  [ReportViewFilter.SHARED]: 'v.owner_id <> ?',
  [ReportViewFilter.PINNED]: 'v.pinned',
};

/**
 * The saved views the viewer sees (own and shared with them), with the owner's and the named
 * audience's names: one statement, newest first, keyset-paged by id; or the one view `id`.
 */
export async function visibleViews(
  em: EntityManager,
  viewer: Viewer,
  o: { filter?: ReportViewFilter; id?: number; first?: number; after?: number | null },
): Promise<ViewRow[]> {
  const filter = o.filter ?? ReportViewFilter.ALL;
  const params: unknown[] = [viewer.schoolId, viewer.personId, viewer.personId];
  params.push(textArray([...viewer.roles]));
  if (filter === ReportViewFilter.MINE || filter === ReportViewFilter.SHARED) {
    params.push(viewer.personId);
  }
  params.push(o.id ?? null, o.id ?? null, o.after ?? null, o.after ?? null, o.first ?? 1);
  return em.execute<ViewRow[]>(
    `select v.id, v.name, v.description, v.spec, v.chart_type, v.audience_roles, v.pinned,
            v.schedule_frequency, v.schedule_day, v.schedule_hour, v.copied_from_id, v.version, v.created_at, v.updated_at, v.owner_id,
            ${nameOf('o')} as owner_name,
            coalesce((select json_agg(json_build_object('id', p.id::text, 'name', ${nameOf('p')})
                                      order by p.last_name, p.first_name, p.id)
                        from person p
                       where p.id = any(v.audience_person_ids) and p.school_id = v.school_id),
                     '[]'::json) as staff
       from report_view v join person o on o.id = v.owner_id
      where v.school_id = ? and v.deleted_at is null and ${VISIBLE} and ${FILTERS[filter]}
        and (?::int is null or v.id = ?) and (?::int is null or v.id < ?)
      order by v.id desc
      limit ?`,
    params,
  );
}

/** The staff named by id, with their roles, among the people of the viewer's school. */
export async function staffRoles(
  em: EntityManager,
  viewer: Viewer,
  ids: readonly number[],
): Promise<Map<number, Role[]>> {
  if (ids.length === 0) return new Map();
  const rows = await em.execute<{ id: number; roles: Role[] }[]>(
    `select p.id, array(select g.role::text from role_grant g where g.person_id = p.id) as roles
       from person p where p.school_id = ? and p.id = any(?::int[])`,
    [viewer.schoolId, intArray(ids)],
  );
  return new Map(rows.map((r) => [r.id, r.roles]));
}

export function toInfo(row: ViewRow, viewer: Viewer): ReportViewInfo {
  const s = row.spec;
  return {
    id: String(row.id),
    name: row.name,
    description: row.description,
    spec: {
      rows: s.rows as ReportDimension[],
      columns: (s.columns ?? null) as ReportDimension | null,
      measures: s.measures as ReportMeasure[],
      filters: (s.filters ?? []).map((f) => ({
        dimension: f.dimension as ReportDimension,
        equals: f.equals ?? null,
        in: f.in ?? null,
        from: f.from ?? null,
        to: f.to ?? null,
      })),
      sort: (s.sort ?? []).map((x) => ({
        dimension: (x.dimension ?? null) as ReportDimension | null,
        measure: (x.measure ?? null) as ReportMeasure | null,
        descending: x.descending ?? null,
      })),
      limit: s.limit ?? null,
    },
    chartType: row.chart_type,
    owner: { id: String(row.owner_id), name: row.owner_name },
    mine: row.owner_id === viewer.personId,
    audience: { roles: row.audience_roles, staff: row.staff },
    pinned: row.pinned,
    schedule: {
      frequency: row.schedule_frequency,
      day: row.schedule_day,
      hour: row.schedule_hour,
    },
    copiedFromId: row.copied_from_id == null ? null : String(row.copied_from_id),
    version: row.version,
    createdAt: new Date(row.created_at),
    updatedAt: new Date(row.updated_at),
  };
}

/**
 * The paging cursor: the last id of the page (ids order the list, newest first). A plain id, as
 * the guard checks every `ID` argument (graphql/guard.ts) and messaging's inbox does the same.
 */
export const cursorOf = (id: string) => id;
export const parseCursor = (after: string | null | undefined): number | null =>
  after == null ? null : parseId('after', after);
