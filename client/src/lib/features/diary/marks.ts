/**
 * How a mark or an average looks: a gentle colour by its value on the five-point scale (5 and 4
 * green-ish, 3 neutral, 2 and 1 red-ish) and averages with two decimals.
 */
export type Tone = 'good' | 'fair' | 'poor' | 'other';

/** The tone of a mark as the journal writes it: "5", "4", … or a symbol such as «зч». */
export function markTone(value: string): Tone {
  const trimmed = value.trim();
  if (!/^\d+$/.test(trimmed)) return 'other';
  const mark = Number(trimmed);
  if (mark >= 4) return 'good';
  if (mark === 3) return 'fair';
  return 'poor';
}

/** The tone of a weighted average, by the mark it rounds to (4.5 → 5, 3.49 → 3). */
export function averageTone(average: number | null | undefined): Tone {
  if (average == null) return 'other';
  if (average >= 3.5) return 'good';
  if (average >= 2.5) return 'fair';
  return 'poor';
}

/** "4,25" (ru) / "4.25" (en); an empty string when there is no average. */
export function formatAverage(average: number | null | undefined, locale: string): string {
  if (average == null) return '';
  return new Intl.NumberFormat(locale, {
    minimumFractionDigits: 2,
    maximumFractionDigits: 2,
  }).format(average);
}

/** A class-summary cell: "4,25 / 4" with the period mark, "4,25" without, "—" when empty. */
export function formatSummaryCell(
  average: number | null | undefined,
  periodMark: string | null | undefined,
  locale: string,
): string {
  const shown = formatAverage(average, locale) || '—';
  return periodMark ? `${shown} / ${periodMark}` : shown;
}
