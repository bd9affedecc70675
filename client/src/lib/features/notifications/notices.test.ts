import { describe, expect, it } from 'vitest';
import type { LiveChange } from '../../live/events';
import {
  liveEvent as event,
  markSaved,
  SAMPLE_AT,
  sampleAttendance,
} from '../../live/events.fixtures';
import { noticeKey, noticeOf, withNotice, type Notice } from './notices';

describe('noticeOf', () => {
  it('tells a new mark from a changed one', () => {
    expect(noticeOf(event('1', markSaved(1)))).toEqual({
      id: '1',
      at: SAMPLE_AT,
      courseId: '62',
      kind: 'markNew',
      value: '5',
      pupilId: '181',
      lessonId: '77',
      date: '2026-11-27',
    });
    expect(noticeOf(event('2', markSaved(2)))?.kind).toBe('markChanged');
  });

  it('names attendance, lessons and period marks', () => {
    const kinds = [
      { type: 'MARK_REMOVED', markId: '501', lessonId: '77', pupilId: '181' },
      {
        type: 'ATTENDANCE_SAVED',
        attendance: { ...sampleAttendance, date: null },
      },
      {
        type: 'PERIOD_MARK_SAVED',
        periodMark: { courseId: '62', pupilId: '181', periodId: '2', value: '4', version: 1 },
      },
    ] satisfies LiveChange[];
    expect(kinds.map((change, i) => noticeOf(event(String(i), change))?.kind)).toEqual([
      'markRemoved',
      'attendanceCleared',
      'periodMark',
    ]);
  });
});

describe('withNotice', () => {
  it('puts the newest first, once, and keeps a few', () => {
    const notice = (id: string) => ({ ...noticeOf(event(id, markSaved(1)))!, id }) as Notice;
    let list: Notice[] = [];
    for (const id of ['1', '2', '3', '3']) list = withNotice(list, notice(id), 2);
    expect(list.map((n) => n.id)).toEqual(['3', '2']);
  });

  it('has a dictionary key per kind', () => {
    expect(noticeKey(noticeOf(event('1', markSaved(1)))!)).toBe('live.notice.markNew');
  });
});
