import { HistoryAction } from '../../graphql/generated/enums';
import { formatInstant } from '../../format';

/** A mark as the history keeps it: `before` and `after` come as JSON with these fields. */
export interface MarkSnapshot {
  value: string;
  workTypeId: string | null;
  comment: string | null;
}

const text = (value: unknown): string | null =>
  typeof value === 'string' ? value : typeof value === 'number' ? String(value) : null;

/** Reads a `before`/`after` of `markHistory`; null for none or for something unreadable. */
export function parseSnapshot(json: string | null | undefined): MarkSnapshot | null {
  if (!json) return null;
  let data: unknown;
  try {
    data = JSON.parse(json);
  } catch {
    return null;
  }
  if (!data || typeof data !== 'object') return null;
  const record = data as Record<string, unknown>;
  const value = text(record.value);
  if (value === null) return null;
  const comment = text(record.comment);
  return { value, workTypeId: text(record.workTypeId), comment: comment?.trim() || null };
}

/** The dictionary key of a history action (создана, изменена, удалена). */
export function actionKey(action: HistoryAction): string {
  switch (action) {
    case HistoryAction.CREATE:
      return 'journal.history.action.create';
    case HistoryAction.UPDATE:
      return 'journal.history.action.update';
    case HistoryAction.REMOVE:
      return 'journal.history.action.remove';
  }
}

/**
 * The two sides of a change as text: the value, with the work type when a mark appears or goes,
 * or when the change is to its type; a comment when it is there and differs.
 */
export function describeChange(
  before: MarkSnapshot | null,
  after: MarkSnapshot | null,
  workTypeName: (id: string) => string | undefined,
): { before: string | null; after: string | null } {
  const typeChanged = !before || !after || before.workTypeId !== after.workTypeId;
  const commentChanged = before?.comment !== after?.comment;
  const side = (mark: MarkSnapshot | null): string | null => {
    if (!mark) return null;
    const parts = [mark.value];
    const type = mark.workTypeId ? workTypeName(mark.workTypeId) : undefined;
    if (typeChanged && type) parts.push(`(${type})`);
    if (commentChanged && mark.comment) parts.push(`«${mark.comment}»`);
    return parts.join(' ');
  };
  return { before: side(before), after: side(after) };
}

/** Date and time of a history entry in the viewer's own time zone. */
export function formatMoment(at: string, locale: string): string {
  return formatInstant(at, locale, {
    day: '2-digit',
    month: '2-digit',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
  });
}
