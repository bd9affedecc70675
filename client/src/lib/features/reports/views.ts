import type {
  ReportScheduleFrequency,
  ReportSpec,
  ReportViewFieldsFragment,
} from '../../graphql/generated/graphql';

/** A saved view's question as `ReportSpec` takes it again (without the cache's type names). */
export function specInput(saved: ReportViewFieldsFragment['spec']): ReportSpec {
  return {
    rows: [...saved.rows],
    columns: saved.columns ?? null,
    measures: [...saved.measures],
    filters: saved.filters.map((f) => ({
      dimension: f.dimension,
      ...(f.equals != null ? { equals: f.equals } : {}),
      ...(f.in != null ? { in: [...f.in] } : {}),
      ...(f.from != null ? { from: f.from } : {}),
      ...(f.to != null ? { to: f.to } : {}),
    })),
    sort: saved.sort.map((s) => ({
      dimension: s.dimension ?? null,
      measure: s.measure ?? null,
      descending: s.descending ?? null,
    })),
    limit: saved.limit ?? null,
  };
}

export const SCHEDULE_FREQUENCIES: ReportScheduleFrequency[] = ['OFF', 'WEEKLY', 'MONTHLY'];

/** A day of the week by its ISO number (1 Monday … 7 Sunday), in the language given. */
export function weekdayName(day: number, lang: string, style: 'long' | 'short' = 'long'): string {
  // 1 January 2024 was a Monday.
  return new Intl.DateTimeFormat(lang, { weekday: style, timeZone: 'UTC' }).format(
    new Date(Date.UTC(2024, 0, day)),
  );
}

/** An hour of the school's day as a clock reads it: `08:00`. */
export const hourText = (hour: number) => `${String(hour).padStart(2, '0')}:00`;

/**
 * A saved view's schedule in words (the list shows it), or null when off: the message key and its
 * values, for `$_`.
 */
export function scheduleWords(
  schedule: ReportViewFieldsFragment['schedule'],
  lang: string,
): { key: string; values: Record<string, string | number> } | null {
  const { frequency, day, hour } = schedule;
  if (frequency === 'OFF' || day == null || hour == null) return null;
  return frequency === 'WEEKLY'
    ? {
        key: 'reports.views.schedule.weeklyAt',
        values: { day: weekdayName(day, lang, 'short'), time: hourText(hour) },
      }
    : { key: 'reports.views.schedule.monthlyAt', values: { day, time: hourText(hour) } };
}
