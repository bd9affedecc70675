import type { AttendanceKind } from '$lib/graphql/generated/graphql';

/** The kinds of absence, in the order the form offers them. */
export const ATTENDANCE_KINDS: readonly AttendanceKind[] = ['ABSENT', 'SICK', 'EXCUSED', 'LATE'];

/** The largest weight the server accepts; weights are more than 0. */
export const MAX_WEIGHT = 10;

/** A weight as typed, with a comma or a point; null when it is not a number. */
export function parseWeight(text: string): number | null {
  const clean = text.trim().replace(',', '.');
  if (!/^\d+(\.\d+)?$|^\.\d+$/.test(clean)) return null;
  const weight = Number(clean);
  return Number.isFinite(weight) ? weight : null;
}

/** A weight as the page shows it: «1,5» in Russian, «1.5» in English. */
export function formatWeight(weight: number, locale: string | null | undefined): string {
  return new Intl.NumberFormat(locale ?? 'ru', { maximumFractionDigits: 2 }).format(weight);
}

/** The order a new work type gets: after the last one. */
export function nextSort(workTypes: readonly { sort: number }[]): number {
  return workTypes.reduce((max, w) => Math.max(max, w.sort), 0) + 10;
}

export interface SymbolRow {
  code: string;
  name: string;
}

/** The rows to send: trimmed, the rows left completely empty dropped. */
export function symbolsToSave(rows: readonly SymbolRow[]): SymbolRow[] {
  return rows
    .map((row) => ({ code: row.code.trim(), name: row.name.trim() }))
    .filter((row) => row.code !== '' || row.name !== '');
}
