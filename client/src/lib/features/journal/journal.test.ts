import { describe, expect, it } from 'vitest';
import {
  absenceWithMark,
  cellKey,
  clampDate,
  dayMonth,
  freeLessonNumber,
  fullName,
  inContext,
  isEnrolledDuring,
  isEnrolledOn,
  journalPath,
  LESSON_REASONS,
  shortName,
} from './journal';

describe('names', () => {
  it('shortens to «Фамилия И. О.»', () => {
    const pupil = { lastName: 'Копылов', firstName: 'Матвей', middleName: 'Иванович' };
    expect(shortName(pupil)).toBe('Копылов М. И.');
    expect(shortName({ ...pupil, middleName: null })).toBe('Копылов М.');
    expect(fullName(pupil)).toBe('Копылов Матвей Иванович');
    expect(fullName({ ...pupil, middleName: undefined })).toBe('Копылов Матвей');
  });
});

describe('dates', () => {
  it('shows day and month', () => {
    expect(dayMonth('2026-11-09')).toBe('09.11');
  });

  it('keeps a date inside a period', () => {
    expect(clampDate('2026-11-28', '2026-11-05', '2026-12-29')).toBe('2026-11-28');
    expect(clampDate('2026-10-30', '2026-11-05', '2026-12-29')).toBe('2026-11-05');
    expect(clampDate('2027-01-10', '2026-11-05', '2026-12-29')).toBe('2026-12-29');
  });

  it('checks enrolment spans', () => {
    const spans = [
      { from: '2026-09-01', to: '2026-10-10' },
      { from: '2026-11-15', to: null },
    ];
    expect(isEnrolledOn(spans, '2026-09-01')).toBe(true);
    expect(isEnrolledOn(spans, '2026-10-10')).toBe(true);
    expect(isEnrolledOn(spans, '2026-10-11')).toBe(false);
    expect(isEnrolledOn(spans, '2027-05-01')).toBe(true);
    expect(isEnrolledOn([], '2026-09-01')).toBe(false);
  });

  it('checks enrolment during a period', () => {
    const left = [{ from: '2026-09-01', to: '2026-10-10' }];
    expect(isEnrolledDuring(left, '2026-09-01', '2026-10-24')).toBe(true);
    expect(isEnrolledDuring(left, '2026-10-10', '2026-10-24')).toBe(true);
    expect(isEnrolledDuring(left, '2026-11-05', '2026-12-29')).toBe(false);
    const came = [{ from: '2026-12-29', to: null }];
    expect(isEnrolledDuring(came, '2026-11-05', '2026-12-29')).toBe(true);
    expect(isEnrolledDuring(came, '2026-09-01', '2026-10-24')).toBe(false);
  });

  it('keys cells by pupil and lesson', () => {
    expect(cellKey('7', '42')).toBe('7:42');
  });
});

describe('journalPath', () => {
  it('puts the period in the query string', () => {
    expect(journalPath('62')).toBe('/journal/62');
    expect(journalPath('62', '2')).toBe('/journal/62?period=2');
  });
});

describe('freeLessonNumber', () => {
  const lessons = [
    { date: '2026-11-28', number: 1 },
    { date: '2026-11-28', number: 2 },
    { date: '2026-11-28', number: 4 },
    { date: '2026-11-27', number: 3 },
  ];

  it('offers the first number the course has free that day', () => {
    expect(freeLessonNumber(lessons, '2026-11-28')).toBe(3);
    expect(freeLessonNumber(lessons, '2026-11-27')).toBe(1);
    expect(freeLessonNumber([], '2026-11-28')).toBe(1);
  });
});

describe('inContext', () => {
  it('puts the journal’s words in place of general ones, keeping the rest', () => {
    const described = {
      code: 'CONFLICT' as const,
      general: { key: 'errors.reason.PERIOD_LOCKED' },
      fields: {
        date: { key: 'errors.reason.HAS_DEPENDENTS' },
        number: { key: 'errors.reason.LESSON_EXISTS' },
        note: { text: 'Something new' },
      },
    };
    expect(inContext(described, LESSON_REASONS)).toEqual({
      code: 'CONFLICT',
      general: { key: 'errors.reason.PERIOD_LOCKED' },
      fields: {
        date: { key: 'journal.lesson.reason.hasDependents' },
        number: { key: 'errors.reason.LESSON_EXISTS' },
        note: { text: 'Something new' },
      },
    });
    expect(inContext({ code: 'NETWORK', fields: {} }, LESSON_REASONS)).toEqual({
      code: 'NETWORK',
      fields: {},
    });
  });
});

describe('absenceWithMark', () => {
  const codes = new Map([
    ['n', { code: 'Н', kind: 'ABSENT' }],
    ['b', { code: 'Б', kind: 'SICK' }],
    ['u', { code: 'У', kind: 'EXCUSED' }],
    ['o', { code: 'О', kind: 'LATE' }],
  ]);
  const mark = { value: '5', workTypeId: 'w1' };

  it('warns of a mark in a cell of a pupil who was not at the lesson', () => {
    for (const codeId of ['n', 'b', 'u']) {
      expect(absenceWithMark({ marks: [mark], codeId }, codes)).toBe(codes.get(codeId));
    }
  });

  it('leaves late pupils, absences without marks, marks without absences and empty cells', () => {
    expect(absenceWithMark({ marks: [mark], codeId: 'o' }, codes)).toBeUndefined();
    expect(absenceWithMark({ marks: [], codeId: 'b' }, codes)).toBeUndefined();
    expect(absenceWithMark({ marks: [mark], codeId: null }, codes)).toBeUndefined();
    expect(absenceWithMark({ marks: [mark], codeId: 'gone' }, codes)).toBeUndefined();
    expect(absenceWithMark(undefined, codes)).toBeUndefined();
  });
});
