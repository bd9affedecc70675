import type {
  HealthGapKind,
  JournalHealthFieldsFragment,
  RemarkStatus,
} from '$lib/graphql/generated/graphql';

/** A health figure of a journal, the column that shows it, and the gaps behind it. */
export interface Figure {
  key:
    | 'withoutTopic'
    | 'withoutHomework'
    | 'withoutAttendance'
    | 'pupilsShort'
    | 'lateEntries'
    | 'periodMarksMissing';
  kinds: HealthGapKind[];
}

export const FIGURES: Figure[] = [
  { key: 'withoutTopic', kinds: ['NO_TOPIC'] },
  { key: 'withoutHomework', kinds: ['NO_HOMEWORK'] },
  { key: 'withoutAttendance', kinds: ['NO_ATTENDANCE'] },
  { key: 'pupilsShort', kinds: ['PUPIL_SHORT'] },
  { key: 'lateEntries', kinds: ['LATE_MARK', 'LATE_ATTENDANCE', 'LATE_TOPIC'] },
  { key: 'periodMarksMissing', kinds: ['PERIOD_MARK_MISSING'] },
];

/** The dashboard's filters, applied to the live board (every journal of the school comes live). */
export interface BoardFilter {
  grade: string;
  classId: string;
  teacherId: string;
  subjectId: string;
}

export function filterBoard<T extends JournalHealthFieldsFragment>(
  items: readonly T[],
  f: BoardFilter,
): T[] {
  return items.filter(
    (i) =>
      (!f.grade || String(i.grade) === f.grade) &&
      (!f.classId || i.classId === f.classId) &&
      (!f.teacherId || i.teacherId === f.teacherId) &&
      (!f.subjectId || i.subjectId === f.subjectId),
  );
}

/** The distinct values of a column, as a select's options, in the school's alphabet order. */
export function choices(
  items: readonly JournalHealthFieldsFragment[],
  value: (i: JournalHealthFieldsFragment) => string,
  label: (i: JournalHealthFieldsFragment) => string,
): { value: string; label: string }[] {
  const seen = new Map<string, string>();
  for (const i of items) seen.set(value(i), label(i));
  return [...seen]
    .map(([v, l]) => ({ value: v, label: l }))
    .sort((a, b) => a.label.localeCompare(b.label, 'ru', { numeric: true }));
}

/** Remarks still waiting for the teacher. */
export const OPEN_STATUSES: RemarkStatus[] = ['OPEN', 'REOPENED'];
/** Remarks the checker can decide on. */
export const DECIDABLE: RemarkStatus[] = ['ANSWERED', 'FIXED'];

/** The check form of a course's journal or of a class's whole journal: `/control/check?course=62`. */
export function checkPath(
  target: { course: string } | { class: string },
): `/control/check?${string}` {
  const [key, id] = 'course' in target ? ['course', target.course] : ['class', target.class];
  return `/control/check?${key}=${encodeURIComponent(id)}`;
}
