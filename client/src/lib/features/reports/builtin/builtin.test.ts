import { describe, expect, it } from 'vitest';
import { cellText, kindsFor, targetOf } from './builtin';

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

  it('formats numbers by unit and language, and leaves text as it is', () => {
    expect(cellText({ text: 'зч', value: null }, null, 'ru')).toBe('зч');
    expect(cellText({ text: null, value: 4.29 }, 'SCORE', 'ru')).toBe('4,29');
    expect(cellText({ text: null, value: 64.6 }, 'PERCENT', 'en')).toBe('64.6%');
    expect(cellText({ text: null, value: null }, 'COUNT', 'ru')).toBe('—');
  });
});
