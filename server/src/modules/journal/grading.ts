/** Weighted averages and the period mark they suggest (R-2.1; thresholds from the school's settings). */
export interface Scored {
  score: number | null;
  weight: number;
}

/** Σ(score × weight) / Σ weight over marks that carry a score, to two decimals; null without any. */
export function weightedAverage(marks: Scored[]): number | null {
  let sum = 0;
  let weights = 0;
  for (const m of marks) {
    if (m.score == null) continue;
    sum += m.score * m.weight;
    weights += m.weight;
  }
  return weights > 0 ? Math.round((sum / weights) * 100) / 100 : null;
}

/** The highest mark whose threshold the average reaches: thresholds[i] is for mark scaleMin + 1 + i. */
export function suggestedMark(
  average: number | null,
  scaleMin: number,
  thresholds: number[],
): number | null {
  if (average == null) return null;
  let mark = scaleMin;
  thresholds.forEach((t, i) => {
    if (average >= t) mark = scaleMin + 1 + i;
  });
  return mark;
}
