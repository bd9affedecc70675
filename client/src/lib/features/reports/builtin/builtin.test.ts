import { describe, expect, it } from 'vitest';
import { cellText, defaultPeriod, kindsFor, targetOf } from './builtin';

describe('built-in reports', () => {
  it('offers each viewer the reports the server allows', () => {
    expect(kindsFor({ wholeSchool: true, leadsClass: false, teaches: false })).toHaveLength(7);
    expect(kindsFor({ wholeSchool: false, leadsClass: true, teaches: false })).toEqual([
      'CLASS_RESULTS',
      'COURSE_RESULTS',
      'JOURNAL_ARCHIVE',
    ]);
    expect(kindsFor({ wholeSchool: false, leadsClass: false, teaches: true })).toEqual([
      'COURSE_RESULTS',
      'JOURNAL_ARCHIVE',
    ]);
    expect(kindsFor({ wholeSchool: false, leadsClass: false, teaches: false })).toEqual([]);
    expect(targetOf('JOURNAL_ARCHIVE')).toBe('course');
    expect(targetOf('ATTENDANCE_BY_MONTH')).toBe('school');
  });

  it('picks the period in progress, else the last begun', () => {
    const periods = [
      { id: '2', startsOn: '2026-11-05', endsOn: '2026-12-29' },
      { id: '1', startsOn: '2026-09-01', endsOn: '2026-10-24' },
    ];
    expect(defaultPeriod(periods, '2026-11-28')?.id).toBe('2');
    expect(defaultPeriod(periods, '2026-10-30')?.id).toBe('1');
    expect(defaultPeriod(periods, '2026-08-01')?.id).toBe('1');
    expect(defaultPeriod([], '2026-08-01')).toBeUndefined();
  });

  it('formats numbers by unit and language, and leaves text as it is', () => {
    expect(cellText({ text: 'зч', value: null }, null, 'ru')).toBe('зч');
    expect(cellText({ text: null, value: 4.29 }, 'SCORE', 'ru')).toBe('4,29');
    expect(cellText({ text: null, value: 64.6 }, 'PERCENT', 'en')).toBe('64.6%');
    expect(cellText({ text: null, value: null }, 'COUNT', 'ru')).toBe('—');
  });
});
