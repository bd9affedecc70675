import { describe, expect, it } from 'vitest';
import { formatDate, formatDateRange, formatGrades } from './format';

describe('formatDate', () => {
  it('formats a LocalDate without shifting the day', () => {
    expect(formatDate('2025-09-01', 'en')).toBe('Sep 1, 2025');
    expect(formatDate('2025-09-01', 'ru')).toMatch(/^1 сент\.? 2025/);
  });

  it('leaves unparseable values as they are', () => {
    expect(formatDate('soon', 'en')).toBe('soon');
  });

  it('joins a range with a dash', () => {
    expect(formatDateRange('2025-09-01', '2025-10-26', 'en')).toBe('Sep 1, 2025 – Oct 26, 2025');
  });
});

describe('formatGrades', () => {
  it('lists one or two grades as they are', () => {
    expect(formatGrades([1])).toBe('1');
    expect(formatGrades([2, 1])).toBe('1, 2');
  });

  it('shortens runs of three or more grades to a range', () => {
    expect(formatGrades([5, 6, 7, 8, 9])).toBe('5–9');
    expect(formatGrades([11, 1, 7, 5, 6, 9])).toBe('1, 5–7, 9, 11');
  });

  it('ignores repeats and gives nothing for no grades', () => {
    expect(formatGrades([3, 3, 4])).toBe('3, 4');
    expect(formatGrades([])).toBe('');
  });
});
