import type { BuiltinReportKind, ReportUnit } from '$lib/graphql/generated/graphql';
import { formatValue } from '../table';

/** The built-in reports (server: modules/reports/builtin), who may open each, and what each needs. */

export type Target = 'course' | 'class' | 'school';

/** The reports by what each is about, in the order the choice lists them. */
const BY_TARGET: readonly (readonly [Target, readonly BuiltinReportKind[]])[] = [
  ['class', ['CLASS_RESULTS']],
  ['course', ['COURSE_RESULTS', 'JOURNAL_ARCHIVE']],
  ['school', ['SCHOOL_BY_CLASS', 'SCHOOL_BY_SUBJECT', 'SCHOOL_BY_TEACHER', 'ATTENDANCE_BY_MONTH']],
];

export const targetOf = (kind: BuiltinReportKind): Target =>
  BY_TARGET.find(([, kinds]) => kinds.includes(kind))?.[0] ?? 'school';

/**
 * The reports a viewer may open, as the server's policy (canReportOn) allows: the administration
 * every one; a class teacher the class's and its courses'; a teacher the own courses'.
 */
export function kindsFor(viewer: {
  wholeSchool: boolean;
  leadsClass: boolean;
  teaches: boolean;
}): BuiltinReportKind[] {
  return BY_TARGET.filter(([target]) =>
    viewer.wholeSchool
      ? true
      : target === 'class'
        ? viewer.leadsClass
        : target === 'course'
          ? viewer.teaches || viewer.leadsClass
          : false,
  ).flatMap(([, kinds]) => kinds);
}

/** A cell as read: a text column's text, a number column's number in the page's language. */
export function cellText(
  cell: { text?: string | null; value?: number | null },
  unit: ReportUnit | null | undefined,
  locale: string,
): string {
  if (!unit) return cell.text ?? '';
  return cell.value == null ? '—' : formatValue(cell.value, unit, locale);
}
