import type { BatchFailure, EntryProblem } from '../../graphql/errors';
import {
  attendanceDirty,
  attendanceSettled,
  copySaved,
  marksDirty,
  marksSettled,
  idle,
  NO_ATTENDANCE,
  upsert,
  withConflicts,
  type Cell,
  type LocalMark,
  type RemoteChange,
  type SavedAttendance,
  type SavedMark,
  type ServerAttendance,
  type ServerMark,
  type Track,
} from './cell';

/**
 * When the server or another editor disagrees with the teacher's edit of a cell: someone else's
 * change arriving live, a batch refused entry by entry or as a whole, and the teacher's choice
 * between their value and theirs. Plain functions on a cell; the queue (`sync.ts`) sends what
 * they leave to send and tells the page.
 */

/** How someone else's change went: already known, shown, or a conflict to decide. */
export type RemoteOutcome = 'same' | 'saved' | 'conflict';

const idOf = (value: unknown): string | null =>
  typeof value === 'string' || typeof value === 'number' ? String(value) : null;

/** A conflicting mark as the server sends it in `entries[i].current` (its ids may be numbers). */
function currentMark(current: unknown): SavedMark | undefined {
  if (!current || typeof current !== 'object') return undefined;
  const c = current as Record<string, unknown>;
  const id = idOf(c.id);
  const workTypeId = idOf(c.workTypeId);
  if (!id || !workTypeId || typeof c.value !== 'string' || typeof c.version !== 'number') {
    return undefined;
  }
  return { id, value: c.value, workTypeId, version: c.version };
}

/** A conflicting attendance entry; `current` null means there is no entry at all. */
function currentAttendance(current: unknown): SavedAttendance | undefined {
  if (current === null) return { ...NO_ATTENDANCE };
  if (!current || typeof current !== 'object') return undefined;
  const c = current as Record<string, unknown>;
  if (typeof c.version !== 'number') return undefined;
  return { codeId: idOf(c.codeId), version: c.version };
}

/** Takes someone else's change into a cell whose batch of the same kind is not on its way. */
export function takeRemote(cell: Cell, change: RemoteChange): RemoteOutcome {
  switch (change.kind) {
    case 'mark':
      return remoteMark(cell, change.mark);
    case 'markRemoved':
      return remoteRemoval(cell, change.markId);
    case 'attendance':
      return remoteAttendance(cell, change.attendance);
  }
}

function remoteMark(cell: Cell, mark: ServerMark): RemoteOutcome {
  const { id, value, workTypeId, version } = mark;
  const theirs: SavedMark = { id, value, workTypeId, version };
  // The teacher's own save coming back, or news older than what the cell knows.
  const known = cell.saved.find((m) => m.id === id);
  if (known && known.version >= version) return 'same';
  const conflict = cell.markConflicts.get(id);
  if (conflict !== undefined && (conflict === null || conflict.version >= version)) {
    return 'same';
  }
  // They wrote what the teacher is writing: nothing to choose between.
  return takeMarkChange(
    cell,
    id,
    theirs,
    (local) => local?.value === value && local.workTypeId === workTypeId,
  );
}

function remoteRemoval(cell: Cell, markId: string): RemoteOutcome {
  const known = cell.saved.some((m) => m.id === markId);
  const conflict = cell.markConflicts.get(markId);
  // Gone already: the teacher's own removal, or one the cell has heard of.
  if (!known && conflict === undefined) return 'same';
  if (conflict === null) return 'same';
  // The teacher removed it too, or never had it in view.
  return takeMarkChange(cell, markId, null, (local) => !local);
}

/**
 * Their new version of one mark (null: removed), news to the cell: taken in when the teacher has
 * nothing of this kind on the way or edits it to the same, else held as a conflict to choose in.
 */
function takeMarkChange(
  cell: Cell,
  markId: string,
  theirs: SavedMark | null,
  teacherAgrees: (local: LocalMark | undefined) => boolean,
): RemoteOutcome {
  const withTheirs = () =>
    theirs ? upsert(cell.saved, theirs) : cell.saved.filter((m) => m.id !== markId);
  if (marksSettled(cell)) {
    cell.saved = withTheirs();
    cell.marks = copySaved(cell);
    return 'saved';
  }
  if (cell.markConflicts.size === 0 && teacherAgrees(cell.marks.find((m) => m.id === markId))) {
    cell.saved = withTheirs();
    afterRemote(cell.markTrack, marksDirty(cell));
    return 'saved';
  }
  cell.markConflicts.set(markId, theirs);
  hold(cell.markTrack);
  return 'conflict';
}

function remoteAttendance(cell: Cell, entry: ServerAttendance): RemoteOutcome {
  const theirs: SavedAttendance = { codeId: entry.codeId, version: entry.version };
  const knownVersion = cell.attendanceConflict?.version ?? cell.savedAttendance.version;
  if (knownVersion !== null && knownVersion >= entry.version) return 'same';
  if (attendanceSettled(cell)) {
    cell.savedAttendance = theirs;
    cell.codeId = theirs.codeId;
    return 'saved';
  }
  if (!cell.attendanceConflict && cell.codeId === theirs.codeId) {
    cell.savedAttendance = theirs;
    afterRemote(cell.attendanceTrack, attendanceDirty(cell));
    return 'saved';
  }
  cell.attendanceConflict = theirs;
  hold(cell.attendanceTrack);
  return 'conflict';
}

/** After adopting their change that equals the teacher's edit: maybe nothing is left to send. */
function afterRemote(track: Track, dirty: boolean): void {
  if (dirty || track.inFlight) return;
  if (track.state === 'saving' || (track.state === 'failed' && track.hold)) {
    track.state = 'saved';
    track.hold = false;
    track.message = undefined;
  }
}

function hold(track: Track): void {
  track.state = 'conflict';
  track.hold = true;
  track.message = undefined;
}

/** Drops the teacher's edit of a conflicting cell for what the server has now. */
export function keepTheirs(cell: Cell): void {
  if (cell.markConflicts.size > 0) {
    cell.saved = withConflicts(cell.saved, cell.markConflicts);
    cell.markConflicts.clear();
    cell.marks = copySaved(cell);
    cell.markTrack = idle();
  }
  if (cell.attendanceConflict) {
    cell.savedAttendance = cell.attendanceConflict;
    cell.attendanceConflict = undefined;
    cell.codeId = cell.savedAttendance.codeId;
    cell.attendanceTrack = idle();
  }
}

/**
 * Puts the teacher's edit of a conflicting cell over what the server has now; returns the kinds
 * of edit to send again.
 */
export function overwrite(cell: Cell): ('marks' | 'attendance')[] {
  const again: ('marks' | 'attendance')[] = [];
  if (cell.markConflicts.size > 0) {
    cell.saved = withConflicts(cell.saved, cell.markConflicts);
    // A mark they removed that the teacher keeps is written anew.
    for (const local of cell.marks) {
      if (local.id !== null && cell.markConflicts.get(local.id) === null) local.id = null;
    }
    cell.markConflicts.clear();
    again.push('marks');
  }
  if (cell.attendanceConflict) {
    cell.savedAttendance = cell.attendanceConflict;
    cell.attendanceConflict = undefined;
    again.push('attendance');
  }
  return again;
}

/**
 * A refused marks batch: cells in conflict show theirs, other refused cells go back to what the
 * server has, the rest of the batch is sent again. Returns true when the page should be read again.
 */
export function refuseMarks(
  cells: Cell[],
  cellAt: (index: number) => Cell | undefined,
  failure: BatchFailure,
): boolean {
  const blamed = blame(failure, cellAt);
  if (!blamed) {
    failAll(cells, (c) => c.markTrack, failure);
    return false;
  }
  let stale = false;
  for (const [cell, problems] of blamed) {
    if (failure.kind === 'entries' && failure.code === 'CONFLICT') {
      for (const problem of problems) {
        const current = currentMark(problem.current);
        if (current) cell.markConflicts.set(current.id, current);
      }
      if (cell.markConflicts.size > 0) {
        cell.markTrack.state = 'conflict';
        cell.markTrack.hold = true;
        continue;
      }
      // No current value to show: nothing to choose between, so read the page again.
      stale = true;
    }
    stale ||= problems.some((p) => p.reason === 'NOT_FOUND');
    cell.marks = copySaved(cell);
    cell.markTrack.state = 'failed';
    cell.markTrack.message = problems[0].message;
  }
  return stale;
}

/** A refused attendance batch, as `refuseMarks`; the cells are in the order sent. */
export function refuseAttendance(cells: Cell[], failure: BatchFailure): boolean {
  const blamed = blame(failure, (index) => cells[index]);
  if (!blamed) {
    failAll(cells, (c) => c.attendanceTrack, failure);
    return false;
  }
  for (const [cell, [problem]] of blamed) {
    const track = cell.attendanceTrack;
    if (failure.kind === 'entries' && failure.code === 'CONFLICT') {
      const current = currentAttendance(problem.current) ?? { ...NO_ATTENDANCE };
      if (current.codeId === cell.savedAttendance.codeId) {
        // Only the version moved (e.g. an entry cleared before, which the page does not list):
        // nothing the teacher would choose between, so send again over it.
        cell.savedAttendance = current;
        continue;
      }
      cell.attendanceConflict = current;
      track.state = 'conflict';
      track.hold = true;
    } else {
      cell.codeId = cell.savedAttendance.codeId;
      track.state = 'failed';
      track.message = problem.message;
    }
  }
  return [...blamed.values()].flat().some((p) => p.reason === 'NOT_FOUND');
}

/** The cells the server named, with their problems; undefined when it named none we sent. */
function blame(
  failure: BatchFailure,
  cellAt: (index: number) => Cell | undefined,
): Map<Cell, EntryProblem[]> | undefined {
  if (failure.kind !== 'entries') return undefined;
  const blamed = new Map<Cell, EntryProblem[]>();
  for (const problem of failure.entries) {
    const cell = cellAt(problem.index);
    if (cell) blamed.set(cell, [...(blamed.get(cell) ?? []), problem]);
  }
  return blamed.size > 0 ? blamed : undefined;
}

/** The whole batch failed: each cell keeps the teacher's edit, marked failed, until retried. */
function failAll(cells: Cell[], track: (cell: Cell) => Track, failure: BatchFailure): void {
  const message =
    failure.kind === 'general' ? failure.message : { key: `errors.code.${failure.code}` };
  for (const cell of cells) {
    const t = track(cell);
    t.state = 'failed';
    t.hold = true;
    t.message = message;
  }
}
