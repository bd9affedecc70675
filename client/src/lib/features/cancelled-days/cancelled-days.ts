import type { CancelReason } from '$lib/graphql/generated/graphql';

/** The live event of a declaration and of each change (server: `CANCELLED_DAY`). */
export const CANCELLED_DAY_EVENT = 'CANCELLED_DAY';

/** The reasons in the order the declaration form offers them. */
export const REASONS: readonly CancelReason[] = ['FROST', 'QUARANTINE', 'EMERGENCY', 'OTHER'];

/** Grades 1–11, as the pickers list them. */
export const GRADES: readonly number[] = Array.from({ length: 11 }, (_, i) => i + 1);

/** «−29 °C, ветер 5 м/с»: the morning's reading (wind in `unit`), or nothing without a temperature. */
export function reading(
  temperature: number | null | undefined,
  windMs: number | null | undefined,
  windLabel: string,
  unit = 'm/s',
): string {
  if (temperature == null) return '';
  const t = `${temperature > 0 ? '+' : temperature < 0 ? '−' : ''}${Math.abs(temperature)} °C`;
  return windMs ? `${t}, ${windLabel} ${windMs} ${unit}` : t;
}

/** The grades of a selection as the list the server takes, sorted and without repeats. */
export function gradeList(selected: Iterable<number>): number[] {
  return [...new Set(selected)].filter((g) => g >= 1 && g <= 11).sort((a, b) => a - b);
}

/** A number typed in a field, or null when it is empty or not a number. */
export function parseNumber(value: string | number | null | undefined): number | null {
  if (value === null || value === undefined || value === '') return null;
  const n =
    typeof value === 'number' ? value : Number(String(value).replace(',', '.').replace('−', '-'));
  return Number.isFinite(n) ? n : null;
}
