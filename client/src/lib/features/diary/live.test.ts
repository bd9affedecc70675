import { describe, expect, it } from 'vitest';
import type { LiveChange, LiveMark } from '../../live/events';
import { applyToWeek, concernsSummary, lessonKey, markKey, type DiaryWeekData } from './live';

const PUPIL = '181';

function week(): DiaryWeekData {
  return {
    weekStart: '2026-11-23',
    pupil: { id: PUPIL, fullName: 'Соколова Мария', className: '7А' },
    days: [
      {
        date: '2026-11-23',
        holiday: null,
        lessons: [
          {
            lessonId: 'l1',
            number: 1,
            subjectName: 'Алгебра',
            teacherName: 'Петухов А. В.',
            topic: 'Степени',
            homework: null,
            cancelled: false,
            absence: null,
            marks: [
              {
                id: 'm1',
                value: '4',
                workType: 'Ответ на уроке',
                weight: 1,
                comment: null,
                date: '2026-11-23',
              },
            ],
          },
        ],
      },
      {
        date: '2026-11-24',
        holiday: null,
        lessons: [
          {
            lessonId: 'l2',
            number: 2,
            subjectName: 'История',
            teacherName: 'Иванова Е. С.',
            topic: null,
            homework: null,
            cancelled: false,
            absence: { code: 'Н', name: 'Отсутствовал', reason: null },
            marks: [],
          },
        ],
      },
    ],
  };
}

const mark = (fields: Partial<LiveMark> = {}): LiveChange => ({
  type: 'MARK_SAVED',
  mark: {
    id: 'm1',
    lessonId: 'l1',
    pupilId: PUPIL,
    value: '5',
    score: 5,
    workTypeId: 'w1',
    comment: 'Молодец',
    version: 2,
    date: '2026-11-23',
    ...fields,
  },
});

describe('applyToWeek', () => {
  it('changes a mark in place and reads the week again for its work type', () => {
    const before = week();
    const update = applyToWeek(before, PUPIL, mark());
    expect(update.week.days[0].lessons[0].marks[0]).toMatchObject({
      id: 'm1',
      value: '5',
      comment: 'Молодец',
      workType: 'Ответ на уроке',
    });
    expect(update.refetch).toBe(true);
    expect(update.fresh).toEqual([markKey('m1')]);
    // The week as read stays as it was: the change is a new object.
    expect(before.days[0].lessons[0].marks[0].value).toBe('4');
    expect(update.week.days[1]).toBe(before.days[1]);
  });

  it('reads the week again for a new mark of a lesson shown, or of a day of the week', () => {
    const shown = applyToWeek(week(), PUPIL, mark({ id: 'm9', version: 1 }));
    expect(shown).toMatchObject({ refetch: true, fresh: [markKey('m9')] });
    const thisWeek = applyToWeek(week(), PUPIL, mark({ id: 'm9', lessonId: 'l7' }));
    expect(thisWeek.refetch).toBe(true);
    const otherWeek = applyToWeek(week(), PUPIL, mark({ lessonId: 'l7', date: '2026-11-30' }));
    expect(otherWeek).toMatchObject({ refetch: false, fresh: [] });
  });

  it("leaves out another pupil's events", () => {
    const before = week();
    for (const change of [
      mark({ pupilId: '182' }),
      { type: 'MARK_REMOVED', markId: 'm1', lessonId: 'l1', pupilId: '182' } as const,
    ]) {
      const update = applyToWeek(before, PUPIL, change);
      expect(update).toEqual({ week: before, refetch: false, fresh: [] });
    }
  });

  it('removes a mark in place', () => {
    const update = applyToWeek(week(), PUPIL, {
      type: 'MARK_REMOVED',
      markId: 'm1',
      lessonId: 'l1',
      pupilId: PUPIL,
    });
    expect(update.week.days[0].lessons[0].marks).toEqual([]);
    expect(update.refetch).toBe(false);
  });

  it('clears an absence in place and reads the week again for a new one', () => {
    const attendance = (codeId: string | null, lessonId: string) => ({
      type: 'ATTENDANCE_SAVED' as const,
      attendance: {
        id: 'a1',
        lessonId,
        pupilId: PUPIL,
        codeId,
        reason: null,
        version: 2,
        date: '2026-11-24',
      },
    });
    const cleared = applyToWeek(week(), PUPIL, attendance(null, 'l2'));
    expect(cleared.week.days[1].lessons[0].absence).toBeNull();
    expect(cleared.refetch).toBe(false);
    const marked = applyToWeek(week(), PUPIL, attendance('c1', 'l1'));
    expect(marked).toMatchObject({ refetch: true, fresh: [lessonKey('l1')] });
  });

  it("updates a lesson's topic and homework in place, and reads a moved lesson again", () => {
    const lesson = (fields: object) => ({
      type: 'LESSON_UPDATED' as const,
      lesson: {
        id: 'l1',
        date: '2026-11-23',
        number: 1,
        topic: 'Степени',
        homework: '№ 101',
        note: null,
        cancelled: false,
        substituteId: null,
        version: 3,
        ...fields,
      },
    });
    const homework = applyToWeek(week(), PUPIL, lesson({}));
    expect(homework.week.days[0].lessons[0].homework).toBe('№ 101');
    expect(homework).toMatchObject({ refetch: false, fresh: [lessonKey('l1')] });

    const same = week();
    expect(applyToWeek(same, PUPIL, lesson({ homework: null })).week).toBe(same);

    const moved = applyToWeek(week(), PUPIL, lesson({ date: '2026-11-25' }));
    expect(moved.refetch).toBe(true);
    const added = applyToWeek(week(), PUPIL, lesson({ id: 'l9', date: '2026-11-28' }));
    expect(added.refetch).toBe(true);
  });
});

describe('concernsSummary', () => {
  it("is true for the pupil's marks, absences and period marks", () => {
    expect(concernsSummary(PUPIL, mark())).toBe(true);
    expect(concernsSummary('182', mark())).toBe(false);
    expect(
      concernsSummary(PUPIL, {
        type: 'PERIOD_MARK_SAVED',
        periodMark: { courseId: '1', pupilId: PUPIL, periodId: '2', value: '5', version: 1 },
      }),
    ).toBe(true);
  });
});
