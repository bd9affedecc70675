import { badInput } from '../../errors.js';

/** A frost rule for a band of grades, as the school keeps it and the API shows it. */
export interface Threshold {
  gradeFrom: number;
  gradeTo: number;
  /** Classes are cancelled at or below this temperature (°C) without wind. */
  calmCelsius: number;
  /** …or at or below this one when the wind is at least `windMs`; null when the rule has no wind. */
  windyCelsius: number | null;
  windMs: number | null;
}

/**
 * The common set (DOMAIN-DATA §8: Sverdlovsk region, Chuvashia and others), which a school has
 * until its SYSADMIN sets its municipality's own: no rows in `cancellation_rule` means these.
 */
export const COMMON_THRESHOLDS: readonly Threshold[] = [
  { gradeFrom: 1, gradeTo: 4, calmCelsius: -28, windyCelsius: -25, windMs: 4 },
  { gradeFrom: 5, gradeTo: 9, calmCelsius: -30, windyCelsius: -28, windMs: 4 },
  { gradeFrom: 10, gradeTo: 11, calmCelsius: -32, windyCelsius: -30, windMs: 4 },
];

const inRange = (v: number, lo: number, hi: number) => Number.isFinite(v) && v >= lo && v <= hi;

/** Checks a whole set: grades 1–11, bands not overlapping, sane temperatures and wind. */
export function checkThresholds(rules: Threshold[]): Threshold[] {
  if (rules.length > 11) throw badInput('rules', 'TOO_MANY', 'At most 11 bands');
  const seen = new Set<number>();
  rules.forEach((r, i) => {
    const at = (f: string) => `rules.${i}.${f}`;
    if (!Number.isInteger(r.gradeFrom) || !inRange(r.gradeFrom, 1, 11)) {
      throw badInput(at('gradeFrom'), 'INVALID_GRADE', 'A grade is 1–11');
    }
    if (!Number.isInteger(r.gradeTo) || !inRange(r.gradeTo, r.gradeFrom, 11)) {
      throw badInput(at('gradeTo'), 'INVALID_GRADE', 'The last grade is the first one to 11');
    }
    for (let g = r.gradeFrom; g <= r.gradeTo; g++) {
      if (seen.has(g)) {
        throw badInput(at('gradeFrom'), 'BANDS_OVERLAP', `Grade ${g} is in two bands`);
      }
      seen.add(g);
    }
    if (!inRange(r.calmCelsius, -70, 0)) {
      throw badInput(at('calmCelsius'), 'INVALID_TEMPERATURE', 'A threshold is −70…0 °C');
    }
    checkWind(r, at);
  });
  return [...rules].sort((a, b) => a.gradeFrom - b.gradeFrom);
}

/** A wind rule is both numbers or neither, and milder than the calm one. */
function checkWind(r: Threshold, at: (f: string) => string): void {
  if ((r.windyCelsius == null) !== (r.windMs == null)) {
    throw badInput(at('windMs'), 'WIND_INCOMPLETE', 'Give both the wind speed and its temperature');
  }
  if (r.windyCelsius == null || r.windMs == null) return;
  if (!inRange(r.windyCelsius, r.calmCelsius, 0)) {
    throw badInput(
      at('windyCelsius'),
      'INVALID_TEMPERATURE',
      'With wind the threshold is between the calm one and 0 °C',
    );
  }
  if (!inRange(r.windMs, 0.1, 50)) {
    throw badInput(at('windMs'), 'INVALID_WIND', 'Wind is 0.1–50 m/s');
  }
}

/** The grades whose classes the rules cancel at this temperature and wind (m/s, 0 if unknown). */
export function gradesCancelled(rules: readonly Threshold[], celsius: number, wind = 0): number[] {
  const grades: number[] = [];
  for (const r of rules) {
    const windy = r.windyCelsius != null && r.windMs != null && wind >= r.windMs;
    const limit = windy ? r.windyCelsius! : r.calmCelsius;
    if (celsius <= limit) for (let g = r.gradeFrom; g <= r.gradeTo; g++) grades.push(g);
  }
  return grades;
}
