import { describe, expect, it } from 'vitest';
import { averageTone, formatAverage, formatSummaryCell, markTone } from './marks';

describe('markTone', () => {
  it('colours 5 and 4 good, 3 fair, 2 and 1 poor', () => {
    expect(['5', '4', '3', '2', '1'].map(markTone)).toEqual([
      'good',
      'good',
      'fair',
      'poor',
      'poor',
    ]);
  });

  it('leaves symbols such as «зч» and «н/а» neutral', () => {
    expect(markTone('зч')).toBe('other');
    expect(markTone('н/а')).toBe('other');
    expect(markTone('')).toBe('other');
    expect(markTone(' 5 ')).toBe('good');
  });
});

describe('averageTone', () => {
  it('follows the mark the average rounds to', () => {
    expect(averageTone(4.5)).toBe('good');
    expect(averageTone(3.5)).toBe('good');
    expect(averageTone(3.49)).toBe('fair');
    expect(averageTone(2.5)).toBe('fair');
    expect(averageTone(2.49)).toBe('poor');
    expect(averageTone(null)).toBe('other');
    expect(averageTone(undefined)).toBe('other');
  });
});

describe('formatAverage', () => {
  it('shows two decimals in the language of the page', () => {
    expect(formatAverage(4.25, 'ru')).toBe('4,25');
    expect(formatAverage(4, 'ru')).toBe('4,00');
    expect(formatAverage(4.7, 'en')).toBe('4.70');
    expect(formatAverage(3.456, 'en')).toBe('3.46');
  });

  it('is empty without an average', () => {
    expect(formatAverage(null, 'ru')).toBe('');
    expect(formatAverage(undefined, 'ru')).toBe('');
  });
});

describe('formatSummaryCell', () => {
  it('joins the average and the period mark', () => {
    expect(formatSummaryCell(4.25, '4', 'ru')).toBe('4,25 / 4');
    expect(formatSummaryCell(4.25, null, 'ru')).toBe('4,25');
    expect(formatSummaryCell(null, 'зч', 'ru')).toBe('— / зч');
    expect(formatSummaryCell(null, null, 'ru')).toBe('—');
  });
});
