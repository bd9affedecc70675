import { Permission, policy } from '../../auth/policy.js';
import type { Viewer } from '../../auth/viewer.js';

/**
 * Whose facts a viewer's reports may count, as an SQL condition on the course `co` of each fact
 * row, added before any aggregation. The school is the session's. DIRECTOR and DEPUTY see the
 * school; a teacher the courses they teach, and a class teacher also every course of the classes
 * they lead. Anyone else is covered by no rule and gets `false`: zero rows, never everything.
 */
export function reportScope(viewer: Viewer): { sql: string; params: unknown[] } {
  if (policy.can(viewer, Permission.ReportsReadAll)) return { sql: 'true', params: [] };
  if (!policy.can(viewer, Permission.ReportsRead)) return { sql: 'false', params: [] };
  return {
    sql: '(co.id = any(?::int[]) or co.class_group_id = any(?::int[]))',
    params: [intArray(viewer.courseIds), intArray(viewer.ledClassIds)],
  };
}

/** A PostgreSQL array literal: knex would spread a JS array into a list of parameters. */
export const intArray = (ids: readonly number[]) =>
  `{${ids.map((id) => Math.trunc(id)).join(',')}}`;
