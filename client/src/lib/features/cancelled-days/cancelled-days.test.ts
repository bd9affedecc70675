import { describe, expect, it } from 'vitest';
import { gradeList, parseNumber, reading } from './cancelled-days';

describe('cancelled days helpers', () => {
  it('prints the reading with a true minus and the wind only when there is some', () => {
    expect(reading(-29, 5, 'wind')).toBe('−29 °C, wind 5 m/s');
    expect(reading(-31, null, 'wind')).toBe('−31 °C');
    expect(reading(null, 5, 'wind')).toBe('');
  });

  it('reads numbers as people type them', () => {
    expect(parseNumber('−28,5')).toBe(-28.5);
    expect(parseNumber('')).toBeNull();
    expect(parseNumber('abc')).toBeNull();
    expect(parseNumber(4)).toBe(4);
  });

  it('lists grades sorted, once, within 1–11', () => {
    expect(gradeList([4, 1, 4, 12, 3])).toEqual([1, 3, 4]);
  });
});
