import { describe, expect, it } from 'vitest';
import { formatWeight, nextSort, parseWeight, symbolsToSave } from './settings';

describe('parseWeight', () => {
  it('reads a comma or a point', () => {
    expect(parseWeight('1,5')).toBe(1.5);
    expect(parseWeight(' 1.5 ')).toBe(1.5);
    expect(parseWeight('20')).toBe(20);
    expect(parseWeight('.5')).toBe(0.5);
  });

  it('refuses what is not a number', () => {
    expect(parseWeight('')).toBeNull();
    expect(parseWeight('abc')).toBeNull();
    expect(parseWeight('1,5,2')).toBeNull();
    expect(parseWeight('-1')).toBeNull();
  });
});

describe('formatWeight', () => {
  it('uses the decimal separator of the language', () => {
    expect(formatWeight(1.5, 'ru')).toBe('1,5');
    expect(formatWeight(1.5, 'en')).toBe('1.5');
    expect(formatWeight(5, 'ru')).toBe('5');
  });
});

describe('nextSort', () => {
  it('places a new work type after the last', () => {
    expect(nextSort([])).toBe(10);
    expect(nextSort([{ sort: 30 }, { sort: 10 }])).toBe(40);
  });
});

describe('symbolsToSave', () => {
  it('trims the rows and drops the empty ones', () => {
    expect(
      symbolsToSave([
        { code: ' зч ', name: ' зачтено ' },
        { code: '', name: '  ' },
        { code: 'нз', name: '' },
      ]),
    ).toEqual([
      { code: 'зч', name: 'зачтено' },
      { code: 'нз', name: '' },
    ]);
  });
});
