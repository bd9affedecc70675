import { describe, expect, it } from 'vitest';
import { markScore, pupilResult, suggestedMark, weightedAverage, workTypeWeights } from './average';

// The demo school: marks 1–5, «3» from 2.6, «4» from 3.6, «5» from 4.6.
const grading = { scaleMin: 1, thresholds: [1.6, 2.6, 3.6, 4.6] };
const weights = workTypeWeights([
  { id: 'answer', weight: 2 },
  { id: 'homework', weight: 1 },
  { id: 'test', weight: 5 },
]);
const mark = (value: string, workTypeId = 'answer') => ({ value, workTypeId });

describe('markScore', () => {
  it('counts numeric marks and nothing else', () => {
    expect(markScore('5')).toBe(5);
    expect(markScore('10')).toBe(10);
    expect(markScore('зч')).toBeNull();
    expect(markScore('')).toBeNull();
    expect(markScore('4-')).toBeNull();
  });
});

describe('weightedAverage', () => {
  it('is null without numeric marks', () => {
    expect(weightedAverage([], weights)).toBeNull();
    expect(weightedAverage([mark('зч'), mark('осв')], weights)).toBeNull();
  });

  it('weighs each mark by its work type', () => {
    // (5×2 + 3×5) / (2 + 5) = 25 / 7 = 3.571…
    expect(weightedAverage([mark('5'), mark('3', 'test')], weights)).toBe(3.57);
    // (4×1 + 5×2) / 3 = 4.666…
    expect(weightedAverage([mark('4', 'homework'), mark('5')], weights)).toBe(4.67);
  });

  it('skips symbols and weighs unknown work types as 1', () => {
    expect(weightedAverage([mark('2', 'unknown'), mark('зч'), mark('4', 'unknown')], weights)).toBe(
      3,
    );
  });
});

describe('suggestedMark', () => {
  it('is the highest mark whose threshold the average reaches', () => {
    expect(suggestedMark(null, grading)).toBeNull();
    expect(suggestedMark(1.2, grading)).toBe(1);
    expect(suggestedMark(1.6, grading)).toBe(2);
    expect(suggestedMark(3.59, grading)).toBe(3);
    expect(suggestedMark(3.6, grading)).toBe(4);
    expect(suggestedMark(4.6, grading)).toBe(5);
    expect(suggestedMark(5, grading)).toBe(5);
  });

  it('works for another scale', () => {
    const tenPoint = { scaleMin: 1, thresholds: [1.5, 2.5, 3.5, 4.5, 5.5, 6.5, 7.5, 8.5, 9.5] };
    expect(suggestedMark(9.5, tenPoint)).toBe(10);
    expect(suggestedMark(7.49, tenPoint)).toBe(7);
  });
});

describe('pupilResult', () => {
  it('compares the rounded average, as the server does', () => {
    // (3×2 + 3×5×5 + 4×5 + 5×5×2) / 42 = 151 / 42 = 3.595… → 3.6, which earns «4».
    const marks = [
      mark('3'),
      ...Array.from({ length: 5 }, () => mark('3', 'test')),
      mark('4', 'test'),
      mark('5', 'test'),
      mark('5', 'test'),
    ];
    expect(pupilResult(marks, weights, grading)).toEqual({ average: 3.6, suggested: 4 });
    expect(pupilResult([mark('5'), mark('4', 'homework')], weights, grading)).toEqual({
      average: 4.67,
      suggested: 5,
    });
    expect(pupilResult([], weights, grading)).toEqual({ average: null, suggested: null });
  });
});
