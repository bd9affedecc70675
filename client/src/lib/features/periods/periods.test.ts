import { describe, expect, it } from 'vitest';
import { formatMoment, periodState } from './periods';

const quarter = { startsOn: '2026-11-05', endsOn: '2026-12-29' };

describe('periodState', () => {
  it('calls a period with a lock time closed, whatever the date', () => {
    expect(periodState({ ...quarter, lockedAt: '2026-12-30T09:00:00Z' }, '2026-11-10')).toBe(
      'locked',
    );
  });

  it('tells an open period running, over or ahead, its last day included', () => {
    expect(periodState({ ...quarter, lockedAt: null }, '2026-11-05')).toBe('current');
    expect(periodState(quarter, '2026-12-29')).toBe('current');
    expect(periodState(quarter, '2026-12-30')).toBe('past');
    expect(periodState(quarter, '2026-11-04')).toBe('future');
  });
});

describe('formatMoment', () => {
  it('shows the date and time in the given zone', () => {
    const text = formatMoment('2026-10-27T12:00:00.000Z', 'ru', 'Europe/Moscow');
    expect(text).toContain('27');
    expect(text).toContain('2026');
    expect(text).toContain('15:00');
  });

  it('leaves a value that is no date as it is', () => {
    expect(formatMoment('soon', 'ru')).toBe('soon');
  });
});
