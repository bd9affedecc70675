/** Formats a `LocalDate` ("YYYY-MM-DD") for people, without time-zone shifts. */
export function formatDate(value: string, locale: string): string {
  const [year, month, day] = value.split('-').map(Number);
  if (!year || !month || !day) return value;
  return new Intl.DateTimeFormat(locale, {
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    timeZone: 'UTC',
  }).format(new Date(Date.UTC(year, month - 1, day)));
}

/**
 * Formats a moment (an ISO date-time) in the viewer's time zone unless `timeZone` is given; a
 * text that is not a moment comes back as it is.
 */
export function formatInstant(
  iso: string,
  locale: string,
  options: Intl.DateTimeFormatOptions,
): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return new Intl.DateTimeFormat(locale, options).format(date);
}

export function formatDateRange(from: string, to: string, locale: string): string {
  return `${formatDate(from, locale)} – ${formatDate(to, locale)}`;
}

/**
 * Lists grades in order for a label such as "{grades} классы": "1", "1, 2", runs of three or more
 * shortened to a range ("5–9", "1, 5–7, 9, 11").
 */
export function formatGrades(grades: readonly number[]): string {
  const sorted = [...new Set(grades)].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let start = 0; start < sorted.length;) {
    let end = start;
    while (end + 1 < sorted.length && sorted[end + 1] === sorted[end] + 1) end++;
    if (end - start >= 2) parts.push(`${sorted[start]}–${sorted[end]}`);
    else for (let i = start; i <= end; i++) parts.push(String(sorted[i]));
    start = end + 1;
  }
  return parts.join(', ');
}

export function formatNumber(value: number, locale: string): string {
  return new Intl.NumberFormat(locale, { maximumFractionDigits: 2 }).format(value);
}

/** Compares with the school's alphabet order (Russian collation works for Latin names too). */
export const byText = (a: string, b: string): number => a.localeCompare(b, 'ru');
