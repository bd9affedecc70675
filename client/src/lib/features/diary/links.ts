/** Where a diary or a class summary is, with its view in the query string. */

export const DIARY_VIEWS = ['week', 'period', 'year'] as const;
export type DiaryView = (typeof DIARY_VIEWS)[number];

export function parseView(value: string | null | undefined): DiaryView {
  return (DIARY_VIEWS as readonly string[]).includes(value ?? '') ? (value as DiaryView) : 'week';
}

export interface DiaryState {
  view?: DiaryView;
  /** A day of the week to show ("YYYY-MM-DD"); the current week when absent. */
  date?: string;
  /** The study period of the period view; the one containing today when absent. */
  period?: string;
}

function withQuery<T extends string>(path: T, query: Record<string, string | undefined>): T {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) if (value) search.set(key, value);
  const text = search.toString();
  return (text ? `${path}?${text}` : path) as T;
}

/** `/diary/181?view=period&period=2`; the default week view is left out. */
export function diaryPath(pupilId: string, state: DiaryState = {}): `/diary/${string}` {
  return withQuery(`/diary/${encodeURIComponent(pupilId)}`, {
    view: state.view === 'week' ? undefined : state.view,
    date: state.date,
    period: state.period,
  });
}

/** `/class/7?period=2`. */
export function classSummaryPath(classGroupId: string, period?: string): `/class/${string}` {
  return withQuery(`/class/${encodeURIComponent(classGroupId)}`, { period });
}
