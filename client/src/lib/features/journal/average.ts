/** What the averages need of the school's grading settings. */
export interface GradingScale {
  scaleMin: number;
  /** thresholds[i] is the lowest weighted average that earns mark scaleMin + 1 + i. */
  thresholds: readonly number[];
}

export interface WeightedMark {
  value: string;
  workTypeId: string;
}

export interface PupilResultValues {
  average: number | null;
  suggested: number | null;
}

/** Work type id → weight, for the averages. */
export function workTypeWeights(
  workTypes: readonly { id: string; weight: number }[],
): ReadonlyMap<string, number> {
  return new Map(workTypes.map((w) => [w.id, w.weight]));
}

/** The number a mark counts as: numeric marks only; «зч», «осв» and the like count for nothing. */
export function markScore(value: string): number | null {
  return /^\d{1,3}$/.test(value) ? Number(value) : null;
}

/**
 * Σ(mark × weight) / Σ weight over numeric marks, rounded to two decimals as the server does (the
 * suggestion compares the rounded value); null without a numeric mark. A work type the page does
 * not know weighs 1, as on the server.
 */
export function weightedAverage(
  marks: readonly WeightedMark[],
  weights: ReadonlyMap<string, number>,
): number | null {
  let sum = 0;
  let total = 0;
  for (const mark of marks) {
    const score = markScore(mark.value);
    if (score === null) continue;
    const weight = weights.get(mark.workTypeId) ?? 1;
    sum += score * weight;
    total += weight;
  }
  return total > 0 ? Math.round((sum / total) * 100) / 100 : null;
}

/** The highest mark whose threshold the average reaches; the lowest mark below every threshold. */
export function suggestedMark(average: number | null, grading: GradingScale): number | null {
  if (average === null) return null;
  let mark = grading.scaleMin;
  grading.thresholds.forEach((threshold, i) => {
    if (average >= threshold) mark = grading.scaleMin + 1 + i;
  });
  return mark;
}

/** A pupil's average and suggested period mark from their marks of the period. */
export function pupilResult(
  marks: readonly WeightedMark[],
  weights: ReadonlyMap<string, number>,
  grading: GradingScale,
): PupilResultValues {
  const average = weightedAverage(marks, weights);
  return { average, suggested: suggestedMark(average, grading) };
}
