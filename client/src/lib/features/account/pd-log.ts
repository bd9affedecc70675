/** The director's log of who read whose personal data (152-FZ). */

/** A person's own data after the name, as the server names it (the person form's fields). */
export const PERSON_DATA_FIELDS = [
  'sex',
  'birthDate',
  'phone',
  'email',
  'address',
  'document',
] as const;

/** The fields the server names in a log entry, each with a translation (`account.log.fields.*`). */
export const PD_FIELDS = [
  ...PERSON_DATA_FIELDS,
  'guardians',
  'children',
  'enrollments',
  'consents',
] as const;

export function isKnownField(field: string): field is (typeof PD_FIELDS)[number] {
  return (PD_FIELDS as readonly string[]).includes(field);
}

export interface LogFilter {
  /** Whose reads: a member of staff. */
  reader?: string | null;
  /** Whose data. */
  subject?: string | null;
}

export type LogPath = '/admin/personal-data-log' | `/admin/personal-data-log?${string}`;

/** `/admin/personal-data-log?reader=12&subject=181`: the filter lives in the address. */
export function logPath(filter: LogFilter = {}): LogPath {
  const search = new URLSearchParams();
  if (filter.reader) search.set('reader', filter.reader);
  if (filter.subject) search.set('subject', filter.subject);
  const text = search.toString();
  return text ? `/admin/personal-data-log?${text}` : '/admin/personal-data-log';
}

/** The filter in an address; only ids that look like ids count. */
export function parseLogFilter(search: URLSearchParams): {
  reader: string | null;
  subject: string | null;
} {
  const id = (value: string | null) => (value && /^\d{1,12}$/.test(value) ? value : null);
  return { reader: id(search.get('reader')), subject: id(search.get('subject')) };
}

/** Adds page `next` to the rows shown, leaving out any already there (the log grows at the top). */
export function appendPage<T extends { id: string }>(shown: readonly T[], next: readonly T[]): T[] {
  const ids = new Set(shown.map((row) => row.id));
  return [...shown, ...next.filter((row) => !ids.has(row.id))];
}
