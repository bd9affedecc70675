import type { BuiltinReportKind, ReportUnit } from '$lib/graphql/generated/graphql';
import { formatValue } from '../table';

/** The built-in reports (server: modules/reports/builtin), who may open each, and what each needs. */

export type Target = 'course' | 'class' | 'school';

export const KINDS: readonly { kind: BuiltinReportKind; target: Target }[] = [
  { kind: 'CLASS_RESULTS', target: 'class' },
  { kind: 'COURSE_RESULTS', target: 'course' },
  { kind: 'JOURNAL_ARCHIVE', target: 'course' },
  { kind: 'SCHOOL_BY_CLASS', target: 'school' },
  { kind: 'SCHOOL_BY_SUBJECT', target: 'school' },
  { kind: 'SCHOOL_BY_TEACHER', target: 'school' },
  { kind: 'ATTENDANCE_BY_MONTH', target: 'school' },
];

export const targetOf = (kind: BuiltinReportKind): Target =>
  KINDS.find((k) => k.kind === kind)?.target ?? 'school';

/**
 * The reports a viewer may open, as the server's policy (canReportOn) allows: the administration
 * every one; a class teacher the class's and its courses'; a teacher the own courses'.
 */
export function kindsFor(viewer: {
  wholeSchool: boolean;
  leadsClass: boolean;
  teaches: boolean;
}): BuiltinReportKind[] {
  return KINDS.filter(({ target }) =>
    viewer.wholeSchool
      ? true
      : target === 'class'
        ? viewer.leadsClass
        : target === 'course'
          ? viewer.teaches || viewer.leadsClass
          : false,
  ).map((k) => k.kind);
}

/** The period in progress on `today`, else the last one that has started, else the first. */
export function defaultPeriod<T extends { id: string; startsOn: string; endsOn: string }>(
  periods: readonly T[],
  today: string,
): T | undefined {
  const sorted = [...periods].sort((a, b) => a.startsOn.localeCompare(b.startsOn));
  return (
    sorted.find((p) => p.startsOn <= today && today <= p.endsOn) ??
    [...sorted].reverse().find((p) => p.startsOn <= today) ??
    sorted[0]
  );
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
