/** How the strength meter words the server's 0–4 score. */

export type StrengthLevel = 'weak' | 'medium' | 'strong';

export interface StrengthInfo {
  score: number;
  acceptable: boolean;
  minLength: number;
}

/** 0–1 weak (refused), 2 medium (accepted), 3–4 strong; too short is weak whatever the score. */
export function strengthLevel(info: StrengthInfo, length: number): StrengthLevel {
  if (length < info.minLength || info.score < 2) return 'weak';
  return info.score >= 3 ? 'strong' : 'medium';
}

/** Filled segments of a four-segment bar: at least one once something is typed. */
export function strengthSegments(score: number): number {
  return Math.min(4, Math.max(1, Math.round(score)));
}
