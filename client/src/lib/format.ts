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

export function formatDateRange(from: string, to: string, locale: string): string {
  return `${formatDate(from, locale)} – ${formatDate(to, locale)}`;
}

export function formatNumber(value: number, locale: string): string {
  return new Intl.NumberFormat(locale, { maximumFractionDigits: 2 }).format(value);
}

/** Compares with the school's alphabet order (Russian collation works for Latin names too). */
export const byText = (a: string, b: string): number => a.localeCompare(b, 'ru');
