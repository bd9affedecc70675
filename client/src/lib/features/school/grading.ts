/** Marks a scale gives above its lowest one, each with the threshold that earns it. */
export function marksAboveMin(scaleMin: number, scaleMax: number): number[] {
  const marks: number[] = [];
  for (let mark = scaleMin + 1; mark <= scaleMax; mark++) marks.push(mark);
  return marks;
}

/**
 * Thresholds for a changed scale: keeps the ones for marks that stay and proposes the usual
 * "half a mark below" for new ones (3 from 2.5 on a 2–5 scale).
 */
export function resizeThresholds(
  previous: { scaleMin: number; thresholds: readonly number[] },
  scaleMin: number,
  scaleMax: number,
): number[] {
  return marksAboveMin(scaleMin, scaleMax).map((mark) => {
    const old = previous.thresholds[mark - previous.scaleMin - 1];
    return old ?? mark - 0.5;
  });
}
