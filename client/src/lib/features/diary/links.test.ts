import { describe, expect, it } from 'vitest';
import { classSummaryPath, diaryPath, parseView } from './links';

describe('parseView', () => {
  it('accepts the three views and falls back to the week', () => {
    expect(parseView('week')).toBe('week');
    expect(parseView('period')).toBe('period');
    expect(parseView('year')).toBe('year');
    expect(parseView('month')).toBe('week');
    expect(parseView(null)).toBe('week');
    expect(parseView(undefined)).toBe('week');
  });
});

describe('diaryPath', () => {
  it('leaves the default week view and empty values out', () => {
    expect(diaryPath('181')).toBe('/diary/181');
    expect(diaryPath('181', { view: 'week' })).toBe('/diary/181');
    expect(diaryPath('181', { view: 'week', date: '2026-11-23' })).toBe(
      '/diary/181?date=2026-11-23',
    );
  });

  it('keeps the view, the week and the period', () => {
    expect(diaryPath('181', { view: 'period', period: '2' })).toBe(
      '/diary/181?view=period&period=2',
    );
    expect(diaryPath('7', { view: 'year', date: '2026-10-05', period: '1' })).toBe(
      '/diary/7?view=year&date=2026-10-05&period=1',
    );
  });

  it('escapes what would break the path', () => {
    expect(diaryPath('a/b')).toBe('/diary/a%2Fb');
  });
});

describe('classSummaryPath', () => {
  it('adds the period when there is one', () => {
    expect(classSummaryPath('7')).toBe('/class/7');
    expect(classSummaryPath('7', '2')).toBe('/class/7?period=2');
  });
});
