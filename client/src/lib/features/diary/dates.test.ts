import { describe, expect, it } from 'vitest';
import {
  periodsInOrder,
  addDays,
  formatDayHeading,
  formatShortDate,
  formatWeekRange,
  localIsoDate,
  parseIsoDate,
  periodOn,
  weekEnd,
  weekStart,
} from './dates';
import { unorderedPeriods } from './dates.fixtures';

describe('week bounds', () => {
  it('start on Monday and end on Saturday', () => {
    // 2026-11-23 is a Monday.
    for (const day of ['2026-11-23', '2026-11-25', '2026-11-28', '2026-11-29']) {
      expect(weekStart(day), day).toBe('2026-11-23');
      expect(weekEnd(day), day).toBe('2026-11-28');
    }
    expect(weekStart('2026-11-30')).toBe('2026-11-30');
  });

  it('cross months and years', () => {
    expect(weekStart('2027-01-01')).toBe('2026-12-28');
    expect(weekEnd('2027-01-01')).toBe('2027-01-02');
    expect(weekStart('2028-03-01')).toBe('2028-02-28');
  });
});

describe('addDays', () => {
  it('moves by whole days, also over month ends and leap days', () => {
    expect(addDays('2026-11-23', 7)).toBe('2026-11-30');
    expect(addDays('2026-11-23', -7)).toBe('2026-11-16');
    expect(addDays('2028-02-28', 1)).toBe('2028-02-29');
    expect(addDays('2026-03-28', 2)).toBe('2026-03-30');
  });
});

describe('parseIsoDate', () => {
  it('accepts real dates only', () => {
    expect(parseIsoDate('2026-11-23')).toBe('2026-11-23');
    expect(parseIsoDate('2028-02-29')).toBe('2028-02-29');
    expect(parseIsoDate('2026-02-29')).toBeUndefined();
    expect(parseIsoDate('2026-13-01')).toBeUndefined();
    expect(parseIsoDate('23.11.2026')).toBeUndefined();
    expect(parseIsoDate('')).toBeUndefined();
    expect(parseIsoDate(null)).toBeUndefined();
  });
});

describe('localIsoDate', () => {
  it('gives the local calendar day', () => {
    expect(localIsoDate(new Date(2026, 10, 5, 23, 30))).toBe('2026-11-05');
    expect(localIsoDate(new Date(2027, 0, 1, 0, 5))).toBe('2027-01-01');
  });
});

describe('periodsInOrder', () => {
  it('orders periods by their start', () => {
    expect(periodsInOrder(unorderedPeriods).map((p) => p.id)).toEqual(['1', '2', '3']);
  });
});

describe('periodOn', () => {
  const periods = unorderedPeriods;

  it('picks the period containing the day', () => {
    expect(periodOn(periods, '2026-11-28')?.id).toBe('2');
    expect(periodOn(periods, '2026-09-01')?.id).toBe('1');
    expect(periodOn(periods, '2026-12-29')?.id).toBe('2');
    expect(periodOn(periods, '2026-11-05')?.id).toBe('2');
  });

  it('between periods keeps the one just ended; before the first, the first; after, the last', () => {
    expect(periodOn(periods, '2026-10-30')?.id).toBe('1');
    expect(periodOn(periods, '2027-06-15')?.id).toBe('3');
    expect(periodOn(periods, '2026-08-20')?.id).toBe('1');
    expect(periodOn([], '2026-08-20')).toBeUndefined();
  });
});

describe('formatting', () => {
  it('names the day with its weekday', () => {
    expect(formatDayHeading('2026-11-23', 'ru')).toBe('Понедельник, 23 ноября');
    expect(formatDayHeading('2026-11-23', 'en')).toBe('Monday, November 23');
  });

  it('gives the span of a week', () => {
    expect(formatWeekRange('2026-11-23', '2026-11-28', 'ru')).toMatch(/^23\s?–\s?28 ноября 2026/);
    expect(formatWeekRange('2026-11-30', '2026-12-05', 'ru')).toMatch(
      /^30 ноября\s?–\s?5 декабря 2026/,
    );
  });

  it('shortens a date for a tooltip', () => {
    expect(formatShortDate('2026-11-23', 'ru')).toBe('23 нояб.');
    expect(formatShortDate('2026-11-23', 'en')).toBe('Nov 23');
  });
});
