/**
 * The events the server sends to live pages (`diaryEvents`, `journalEvents`, `notifications`):
 * a `LiveEvent` whose `payload` is a JSON string, read here into typed changes. Anything that does
 * not have the expected shape is left out rather than trusted.
 */

import type { LiveEventType } from '../graphql/generated/enums';

/** A `LiveEvent` as it comes over the socket. */
export interface RawLiveEvent {
  id: string;
  /** The server's `LiveEventType`: a switch on it is checked for exhaustiveness. */
  type: LiveEventType;
  courseId?: string | null;
  payload: string;
  at: string;
}

export interface LiveMark {
  id: string;
  lessonId: string;
  pupilId: string;
  value: string;
  score: number | null;
  workTypeId: string;
  comment: string | null;
  version: number;
  /** The lesson's date. */
  date: string | null;
}

export interface LiveAttendance {
  id: string;
  lessonId: string;
  pupilId: string;
  /** Null when the entry was cleared. */
  codeId: string | null;
  reason: string | null;
  version: number;
  date: string | null;
}

export interface LiveLesson {
  id: string;
  date: string;
  number: number;
  topic: string | null;
  homework: string | null;
  note: string | null;
  cancelled: boolean;
  substituteId: string | null;
  version: number;
}

export interface LivePeriodMark {
  courseId: string;
  pupilId: string;
  periodId: string | null;
  /** Null when the mark was withdrawn. */
  value: string | null;
  version: number;
}

export type LiveChange =
  | { type: 'MARK_SAVED'; mark: LiveMark }
  | { type: 'MARK_REMOVED'; markId: string; lessonId: string; pupilId: string }
  | { type: 'ATTENDANCE_SAVED'; attendance: LiveAttendance }
  | { type: 'LESSON_UPDATED'; lesson: LiveLesson }
  | { type: 'PERIOD_MARK_SAVED'; periodMark: LivePeriodMark };

export interface LiveEvent {
  id: string;
  at: string;
  courseId: string | null;
  change: LiveChange;
}

/**
 * Compares two event ids (decimal numbers that may not fit a double): negative when `a` came
 * before `b`, positive when after, 0 when they are the same.
 */
export function compareIds(a: string, b: string): number {
  const x = a.replace(/^0+(?=\d)/, '');
  const y = b.replace(/^0+(?=\d)/, '');
  if (x.length !== y.length) return x.length - y.length;
  return x < y ? -1 : x > y ? 1 : 0;
}

type Fields = Record<string, unknown>;

const id = (value: unknown): string | null =>
  typeof value === 'string' && value !== ''
    ? value
    : typeof value === 'number' && Number.isFinite(value)
      ? String(value)
      : null;

const text = (value: unknown): string | null => (typeof value === 'string' ? value : null);
const int = (value: unknown): number | null =>
  typeof value === 'number' && Number.isInteger(value) ? value : null;

function mark(p: Fields): LiveMark | null {
  const [markId, lessonId, pupilId, workTypeId] = [p.id, p.lessonId, p.pupilId, p.workTypeId].map(
    id,
  );
  const version = int(p.version);
  if (!markId || !lessonId || !pupilId || !workTypeId || version === null) return null;
  if (typeof p.value !== 'string') return null;
  return {
    id: markId,
    lessonId,
    pupilId,
    value: p.value,
    score: typeof p.score === 'number' ? p.score : null,
    workTypeId,
    comment: text(p.comment),
    version,
    date: text(p.date),
  };
}

function attendance(p: Fields): LiveAttendance | null {
  const [entryId, lessonId, pupilId] = [p.id, p.lessonId, p.pupilId].map(id);
  const version = int(p.version);
  if (!entryId || !lessonId || !pupilId || version === null) return null;
  return {
    id: entryId,
    lessonId,
    pupilId,
    codeId: id(p.codeId),
    reason: text(p.reason),
    version,
    date: text(p.date),
  };
}

function lesson(p: Fields): LiveLesson | null {
  const lessonId = id(p.id);
  const number = int(p.number);
  const version = int(p.version);
  if (!lessonId || typeof p.date !== 'string' || number === null || version === null) return null;
  return {
    id: lessonId,
    date: p.date,
    number,
    topic: text(p.topic),
    homework: text(p.homework),
    note: text(p.note),
    cancelled: p.cancelled === true,
    substituteId: id(p.substituteId),
    version,
  };
}

function periodMark(p: Fields): LivePeriodMark | null {
  const [courseId, pupilId] = [p.courseId, p.pupilId].map(id);
  const version = int(p.version);
  if (!courseId || !pupilId || version === null) return null;
  return { courseId, pupilId, periodId: id(p.periodId), value: text(p.value), version };
}

function change(type: LiveEventType, p: Fields): LiveChange | null {
  switch (type) {
    case 'MARK_SAVED': {
      const m = mark(p);
      return m && { type, mark: m };
    }
    case 'MARK_REMOVED': {
      const [markId, lessonId, pupilId] = [p.markId, p.lessonId, p.pupilId].map(id);
      return markId && lessonId && pupilId ? { type, markId, lessonId, pupilId } : null;
    }
    case 'ATTENDANCE_SAVED': {
      const a = attendance(p);
      return a && { type, attendance: a };
    }
    case 'LESSON_UPDATED': {
      const l = lesson(p);
      return l && { type, lesson: l };
    }
    case 'PERIOD_MARK_SAVED': {
      const m = periodMark(p);
      return m && { type, periodMark: m };
    }
    // Events of other feeds (messaging, announcements, reports…) and probes: not the journal's.
    case 'RIGHTS_CHANGED':
    case 'SESSION_REVOKED':
    case 'MESSAGE_SENT':
    case 'MESSAGE_EDITED':
    case 'MESSAGE_DELETED':
    case 'CONVERSATION_READ':
    case 'READ_RECEIPT':
    case 'CONVERSATION_CHANGED':
    case 'ANNOUNCEMENT_POSTED':
    case 'ANNOUNCEMENT_REMINDER':
    case 'ANNOUNCEMENT_ACKNOWLEDGED':
    case 'WEEKLY_REPORT_SENT':
    case 'WEEKLY_REPORT_ACKNOWLEDGED':
    case 'BEHAVIOUR_NOTE_ADDED':
    case 'CANCELLED_DAY':
    case 'REMOTE_WORK_POSTED':
    case 'REMOTE_TASK_CHECKED':
    case 'REPORT_VIEW_CHANGED':
    case 'CONTROL_CHECKED':
    case 'CONTROL_REMARK':
    case 'CONTROL_SETTINGS_CHANGED':
    case 'PROBE':
      return null;
  }
}

/** The event with its payload read, or undefined for a type or shape this client does not know. */
export function parseLiveEvent(raw: RawLiveEvent): LiveEvent | undefined {
  let payload: unknown;
  try {
    payload = JSON.parse(raw.payload);
  } catch {
    return undefined;
  }
  if (!payload || typeof payload !== 'object' || Array.isArray(payload)) return undefined;
  const parsed = change(raw.type, payload as Fields);
  if (!parsed) return undefined;
  return { id: raw.id, at: raw.at, courseId: id(raw.courseId), change: parsed };
}
