import { describe, expect, it } from 'vitest';
import { marksAboveMin, resizeThresholds } from './grading';

describe('grading scale', () => {
  it('lists the marks that need a threshold', () => {
    expect(marksAboveMin(2, 5)).toEqual([3, 4, 5]);
    expect(marksAboveMin(5, 5)).toEqual([]);
  });

  it('keeps thresholds of marks that stay and proposes new ones', () => {
    const previous = { scaleMin: 2, thresholds: [2.6, 3.6, 4.6] };
    expect(resizeThresholds(previous, 2, 5)).toEqual([2.6, 3.6, 4.6]);
    expect(resizeThresholds(previous, 1, 5)).toEqual([1.5, 2.6, 3.6, 4.6]);
    expect(resizeThresholds(previous, 3, 5)).toEqual([3.6, 4.6]);
    expect(resizeThresholds(previous, 2, 6)).toEqual([2.6, 3.6, 4.6, 5.5]);
  });
});
