import type { UiMessage } from '../../graphql/errors';

/**
 * A journal cell as the sync keeps it: what the teacher sees, what the server has (with
 * versions), how each kind of edit is going, and what someone else changed meanwhile. Shared by
 * the queue (`sync.ts`) and the conflict handling (`conflicts.ts`).
 */

export type SaveState = 'idle' | 'saving' | 'saved' | 'failed' | 'conflict';

export interface MarkValue {
  value: string;
  workTypeId: string;
}

/** A mark as the server reports it. */
export interface ServerMark extends MarkValue {
  id: string;
  lessonId: string;
  pupilId: string;
  version: number;
}

/** An attendance entry as the server reports it; `codeId` null when it was cleared. */
export interface ServerAttendance {
  lessonId: string;
  pupilId: string;
  codeId: string | null;
  version: number;
}

export interface MarkChange {
  id?: string;
  version?: number;
  lessonId?: string;
  pupilId?: string;
  value?: string;
  workTypeId?: string;
  remove?: boolean;
}

export interface AttendanceChange {
  lessonId: string;
  pupilId: string;
  codeId: string | null;
  /** The version seen; null when there was no entry. */
  version: number | null;
}

/**
 * Someone else's change of a cell, as a live event tells it: a mark saved or removed, an
 * attendance entry saved (`codeId` null: cleared).
 */
export type RemoteChange =
  | { kind: 'mark'; mark: ServerMark }
  | { kind: 'markRemoved'; markId: string; lessonId: string; pupilId: string }
  | { kind: 'attendance'; attendance: ServerAttendance };

/** What someone else saved in a cell while the teacher was editing it. */
export interface CellConflict {
  /** The marks someone else changed, as they are now. */
  marks?: MarkValue[];
  /** The attendance code as it is now (null: none). */
  attendance?: { codeId: string | null };
}

/** What a cell shows. */
export interface CellView {
  marks: MarkValue[];
  codeId: string | null;
  state: SaveState;
  /** Why the last edit failed. */
  message?: UiMessage;
  /** The failed edit is still shown and can be sent again (`retryFailed`). */
  retry?: true;
  conflict?: CellConflict;
}

export interface LocalMark extends MarkValue {
  /** Null until the server has created it. */
  id: string | null;
}

export interface SavedMark extends MarkValue {
  id: string;
  version: number;
}

export interface SavedAttendance {
  codeId: string | null;
  version: number | null;
}

export interface Track {
  state: SaveState;
  inFlight: boolean;
  /** Not sent again on its own: a conflict to decide, or a failure to retry. */
  hold: boolean;
  message?: UiMessage;
}

export interface Cell {
  pupilId: string;
  lessonId: string;
  /** What the teacher sees, in order. */
  marks: LocalMark[];
  /** What the server has, as far as we know. */
  saved: SavedMark[];
  codeId: string | null;
  savedAttendance: SavedAttendance;
  markTrack: Track;
  attendanceTrack: Track;
  /** Marks someone else changed meanwhile, as they are now; null: they removed it. */
  markConflicts: Map<string, SavedMark | null>;
  attendanceConflict?: SavedAttendance;
  /** Others' changes that came while a batch of the same kind was on its way. */
  deferred: RemoteChange[];
}

export type MarkRef =
  | { cell: Cell; kind: 'new' | 'change'; local: LocalMark }
  | { cell: Cell; kind: 'remove'; id: string };

const STATE_ORDER: SaveState[] = ['conflict', 'failed', 'saving', 'saved', 'idle'];
export const NO_ATTENDANCE: SavedAttendance = { codeId: null, version: null };

export const idle = (): Track => ({ state: 'idle', inFlight: false, hold: false });

export function emptyCell(pupilId: string, lessonId: string): Cell {
  return {
    pupilId,
    lessonId,
    marks: [],
    saved: [],
    codeId: null,
    savedAttendance: { ...NO_ATTENDANCE },
    markTrack: idle(),
    attendanceTrack: idle(),
    markConflicts: new Map(),
    deferred: [],
  };
}

/** The changes that make the server's marks of a cell what the teacher sees. */
export function markChanges(cell: Cell): { change: MarkChange; ref: MarkRef }[] {
  const out: { change: MarkChange; ref: MarkRef }[] = [];
  for (const local of cell.marks) {
    const { value, workTypeId } = local;
    if (local.id === null) {
      const { lessonId, pupilId } = cell;
      out.push({
        change: { lessonId, pupilId, value, workTypeId },
        ref: { cell, kind: 'new', local },
      });
      continue;
    }
    const saved = cell.saved.find((m) => m.id === local.id);
    if (saved && (saved.value !== value || saved.workTypeId !== workTypeId)) {
      out.push({
        change: { id: local.id, version: saved.version, value, workTypeId },
        ref: { cell, kind: 'change', local },
      });
    }
  }
  for (const saved of cell.saved) {
    if (!cell.marks.some((m) => m.id === saved.id)) {
      out.push({
        change: { id: saved.id, version: saved.version, remove: true },
        ref: { cell, kind: 'remove', id: saved.id },
      });
    }
  }
  return out;
}

/** True when a settled cell already holds what the server lists for it (`fresh`). */
export function sameOnServer(current: Cell, fresh: Cell | undefined): boolean {
  const saved = fresh?.saved ?? [];
  const attendance = fresh?.savedAttendance ?? NO_ATTENDANCE;
  const sameMarks =
    current.saved.length === saved.length &&
    current.saved.every((m, i) => {
      const other = saved[i];
      return (
        m.id === other.id &&
        m.value === other.value &&
        m.workTypeId === other.workTypeId &&
        m.version === other.version
      );
    });
  // A cleared entry is not listed with the page: its known version is worth keeping.
  const sameAttendance =
    current.savedAttendance.codeId === attendance.codeId &&
    (current.savedAttendance.version === attendance.version || attendance.codeId === null);
  return sameMarks && sameAttendance;
}

export const attendanceDirty = (cell: Cell) => cell.codeId !== cell.savedAttendance.codeId;
export const marksDirty = (cell: Cell) => markChanges(cell).length > 0;

export const copySaved = (cell: Cell): LocalMark[] =>
  cell.saved.map(({ id, value, workTypeId }) => ({ id, value, workTypeId }));

export function upsert(list: SavedMark[], mark: SavedMark): SavedMark[] {
  const at = list.findIndex((m) => m.id === mark.id);
  if (at < 0) return [...list, mark];
  const next = [...list];
  next[at] = mark;
  return next;
}

/** `saved` with someone else's changes: marks as they are now, those they removed left out. */
export function withConflicts(
  saved: SavedMark[],
  conflicts: Map<string, SavedMark | null>,
): SavedMark[] {
  let next = saved;
  for (const [id, mark] of conflicts) {
    next = mark ? upsert(next, mark) : next.filter((m) => m.id !== id);
  }
  return next;
}

export const remoteCell = (change: RemoteChange) =>
  change.kind === 'mark' ? change.mark : change.kind === 'attendance' ? change.attendance : change;
/** Nothing of the teacher's about the cell's marks waits, travels or asks for a decision. */
export function marksSettled(cell: Cell): boolean {
  const track = cell.markTrack;
  return !track.inFlight && !track.hold && cell.markConflicts.size === 0 && !marksDirty(cell);
}

export function attendanceSettled(cell: Cell): boolean {
  const track = cell.attendanceTrack;
  return !track.inFlight && !track.hold && !cell.attendanceConflict && !attendanceDirty(cell);
}

/** Someone else's change waits for the teacher's decision. */
export function inConflict(cell: Cell): boolean {
  return cell.markConflicts.size > 0 || cell.attendanceConflict !== undefined;
}

/** Nothing of the teacher's waits, travels or asks for a decision. */
export function settled(cell: Cell): boolean {
  return (
    !cell.markTrack.inFlight &&
    !cell.attendanceTrack.inFlight &&
    !inConflict(cell) &&
    !marksDirty(cell) &&
    !attendanceDirty(cell)
  );
}

/** What a cell shows: the worst state of its two kinds of edit, and the conflict to decide. */
export function viewOf(cell: Cell): CellView {
  const { markTrack: m, attendanceTrack: a } = cell;
  const state = STATE_ORDER.find((s) => m.state === s || a.state === s) ?? 'idle';
  const view: CellView = {
    marks: cell.marks.map(({ value, workTypeId }) => ({ value, workTypeId })),
    codeId: cell.codeId,
    state,
  };
  const message =
    (m.state === 'failed' ? m.message : undefined) ??
    (a.state === 'failed' ? a.message : undefined);
  if (message) view.message = message;
  if ((m.state === 'failed' && m.hold) || (a.state === 'failed' && a.hold)) view.retry = true;
  if (inConflict(cell)) {
    view.conflict = {};
    if (cell.markConflicts.size > 0) {
      view.conflict.marks = [...cell.markConflicts.values()].flatMap((mark) =>
        mark ? [{ value: mark.value, workTypeId: mark.workTypeId }] : [],
      );
    }
    if (cell.attendanceConflict) {
      view.conflict.attendance = { codeId: cell.attendanceConflict.codeId };
    }
  }
  return view;
}
