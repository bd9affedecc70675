import { describe, expect, it } from 'vitest';
import { formatDate, formatDateRange } from './format';

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
