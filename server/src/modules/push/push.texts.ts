import { PushKind } from './push.types.js';

/** What the outbox says of one event, with the names a push may show. */
export interface EventFacts {
  id: string;
  schoolId: number;
  type: string;
  pupilIds: number[] | null;
  personIds: number[] | null;
  courseId: number | null;
  payload: Record<string, unknown>;
  pupilName: string | null;
  subject: string | null;
  date: string | null;
  authorName: string | null;
  announcementTitle: string | null;
  attendanceName: string | null;
}

export interface PushText {
  title: string;
  body: string;
  url: string;
}

type Lang = 'ru' | 'en';

/** The kind of push an outbox event makes, or none. */
export function pushKindOf(e: Pick<EventFacts, 'type' | 'payload'>): PushKind | null {
  switch (e.type) {
    case 'MARK_SAVED':
      return PushKind.MARK;
    case 'ATTENDANCE_SAVED':
      return e.payload.codeId == null ? null : PushKind.ABSENCE;
    case 'MESSAGE_SENT':
      return PushKind.MESSAGE;
    case 'ANNOUNCEMENT_POSTED':
      return PushKind.ANNOUNCEMENT;
    case 'WEEKLY_REPORT_SENT':
      return PushKind.WEEKLY_REPORT;
    case 'CANCELLED_DAY':
      return e.payload.change === 'WITHDRAWN' ? null : PushKind.CANCELLED_DAY;
    default:
      return null;
  }
}

/** The outbox types that may make a push, for reading only those. */
export const PUSHED_TYPES = [
  'MARK_SAVED',
  'ATTENDANCE_SAVED',
  'MESSAGE_SENT',
  'ANNOUNCEMENT_POSTED',
  'WEEKLY_REPORT_SENT',
  'CANCELLED_DAY',
];

const T = {
  ru: {
    markNew: 'Новая оценка',
    markChanged: 'Оценка изменена',
    absence: 'Отметка о посещаемости',
    message: 'Новое сообщение',
    announcement: 'Новое объявление',
    weekly: 'Еженедельный отчёт',
    cancelled: 'Отмена занятий',
    inSubject: (t: string, s: string) => `${t}: ${s}`,
    from: (n: string) => `От: ${n}`,
    week: (d: string) => `Неделя с ${d}`,
    summary: (n: number) => `Пока действовали тихие часы: ${n} ${plural(n)}`,
    kinds: {
      MARK: 'оценки',
      ABSENCE: 'посещаемость',
      MESSAGE: 'сообщения',
      ANNOUNCEMENT: 'объявления',
      WEEKLY_REPORT: 'отчёты',
      CANCELLED_DAY: 'отмена занятий',
    },
  },
  en: {
    markNew: 'New mark',
    markChanged: 'Mark changed',
    absence: 'Attendance',
    message: 'New message',
    announcement: 'New announcement',
    weekly: 'Weekly report',
    cancelled: 'Classes cancelled',
    inSubject: (t: string, s: string) => `${t} in ${s}`,
    from: (n: string) => `From ${n}`,
    week: (d: string) => `Week of ${d}`,
    summary: (n: number) => `During quiet hours: ${n} notification${n === 1 ? '' : 's'}`,
    kinds: {
      MARK: 'marks',
      ABSENCE: 'attendance',
      MESSAGE: 'messages',
      ANNOUNCEMENT: 'announcements',
      WEEKLY_REPORT: 'reports',
      CANCELLED_DAY: 'cancelled classes',
    },
  },
} as const;

function plural(n: number): string {
  const d = n % 10;
  const h = n % 100;
  if (d === 1 && h !== 11) return 'уведомление';
  if (d >= 2 && d <= 4 && (h < 12 || h > 14)) return 'уведомления';
  return 'уведомлений';
}

/** 2026-11-28 → 28.11 */
const shortDate = (iso: string | null) => (iso ? `${iso.slice(8, 10)}.${iso.slice(5, 7)}` : '');
const joined = (...parts: (string | null | undefined)[]) => parts.filter(Boolean).join(' · ');

/**
 * The text of one push. Without `detail` it says only what happened where (“New mark in
 * Algebra”, the pupil and the day), never the mark, the sender or a title.
 */
export function pushText(kind: PushKind, e: EventFacts, lang: Lang, detail: boolean): PushText {
  const t = T[lang];
  const pupil = e.pupilIds?.[0] ?? e.payload.pupilId;
  const diary = `/diary/${pupil}${e.date ? `?date=${e.date}` : ''}`;
  const subject = (title: string) => (e.subject ? t.inSubject(title, e.subject) : title);
  switch (kind) {
    case PushKind.MARK: {
      const title = Number(e.payload.version) > 1 ? t.markChanged : t.markNew;
      const value = detail ? String(e.payload.value ?? '') : null;
      return {
        title: subject(title),
        body: joined(e.pupilName, shortDate(e.date), value),
        url: diary,
      };
    }
    case PushKind.ABSENCE:
      return {
        title: subject(t.absence),
        body: joined(e.pupilName, shortDate(e.date), detail ? e.attendanceName : null),
        url: diary,
      };
    case PushKind.MESSAGE:
      return {
        title: t.message,
        body: detail && e.authorName ? t.from(e.authorName) : '',
        url: `/messages/${e.payload.conversationId ?? ''}`,
      };
    case PushKind.ANNOUNCEMENT:
      return {
        title: t.announcement,
        body: detail ? (e.announcementTitle ?? '') : '',
        url: '/announcements',
      };
    case PushKind.WEEKLY_REPORT:
      return {
        title: t.weekly,
        body: joined(e.pupilName, e.date ? t.week(shortDate(e.date)) : null),
        url: '/weekly-reports',
      };
    case PushKind.CANCELLED_DAY:
      return { title: `${t.cancelled} ${shortDate(e.date)}`, body: '', url: '/cancelled-days' };
  }
}

/** The one push that stands for what waited through quiet hours. */
export function summaryText(kinds: readonly string[], lang: Lang): PushText {
  const t = T[lang];
  const counts = new Map<string, number>();
  for (const k of kinds) counts.set(k, (counts.get(k) ?? 0) + 1);
  const body = [...counts].map(([k, n]) => `${t.kinds[k as PushKind] ?? k}: ${n}`).join(', ');
  return { title: t.summary(kinds.length), body, url: '/' };
}
