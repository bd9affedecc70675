import type { BatchFailure } from '../../graphql/errors';
import {
  attendanceDirty,
  emptyCell,
  inConflict,
  markChanges,
  marksDirty,
  remoteCell,
  sameOnServer,
  settled,
  upsert,
  viewOf,
  type AttendanceChange,
  type Cell,
  type CellView,
  type MarkChange,
  type MarkValue,
  type RemoteChange,
  type ServerAttendance,
  type ServerMark,
  type Track,
} from './cell';
import * as conflicts from './conflicts';
import { cellKey } from './journal';
import { BatchQueue } from './send-timer';

export type {
  AttendanceChange,
  CellConflict,
  CellView,
  MarkChange,
  MarkValue,
  RemoteChange,
  SaveState,
  ServerAttendance,
  ServerMark,
} from './cell';

/*
 * Keeps the journal's cells in step with the server: edits show at once, are collected for a
 * moment and go out as one `setMarks` and one `setAttendance` batch; each cell remembers what
 * the server has (with versions) and what the teacher sees, and sends the difference. This file
 * is the queue; what happens when the server or another editor disagrees is in `conflicts.ts`,
 * the cell itself in `cell.ts`.
 */

/** Sends batches; rejects with a `BatchError`. */
export interface JournalTransport {
  setMarks(changes: MarkChange[]): Promise<{ saved: ServerMark[]; removedIds: string[] }>;
  setAttendance(changes: AttendanceChange[]): Promise<ServerAttendance[]>;
}

export class BatchError extends Error {
  constructor(readonly failure: BatchFailure) {
    super('The batch was not saved');
    this.name = 'BatchError';
  }
}

export interface SyncOptions {
  transport: JournalTransport;
  /** Edits made within this time go out together. */
  delayMs?: number;
  /** A cell's view changed (an edit, a save starting or ending). */
  onChange: (key: string, view: CellView) => void;
  /** Marks of these pupils were saved: their averages may differ now. */
  onMarksSaved?: (pupilIds: string[]) => void;
  /** The page should be read again: a mark is gone, or the teacher kept another's value. */
  onStale?: () => void;
  /** Someone else's change (`applyRemote`) now shows in the cell, or conflicts with an edit. */
  onRemote?: (key: string) => void;
}

function failureOf(error: unknown): BatchFailure {
  if (error instanceof BatchError) return error.failure;
  return {
    kind: 'general',
    code: 'INTERNAL_SERVER_ERROR',
    message: { key: 'errors.code.INTERNAL_SERVER_ERROR' },
  };
}

export class JournalSync extends BatchQueue<SyncOptions> {
  readonly #cells = new Map<string, Cell>();

  /**
   * Takes the page's marks and attendance. Cells with unsaved or unsettled work keep it (their
   * versions too, so someone else's change still shows as a conflict); the others are replaced.
   * Returns the views of the cells that changed.
   */
  load(marks: readonly ServerMark[], attendance: readonly ServerAttendance[]) {
    const fresh = new Map<string, Cell>();
    const cellOf = (pupilId: string, lessonId: string) => {
      const key = cellKey(pupilId, lessonId);
      let cell = fresh.get(key);
      if (!cell) fresh.set(key, (cell = emptyCell(pupilId, lessonId)));
      return cell;
    };
    for (const m of marks) {
      const cell = cellOf(m.pupilId, m.lessonId);
      cell.saved.push({ id: m.id, value: m.value, workTypeId: m.workTypeId, version: m.version });
      cell.marks.push({ id: m.id, value: m.value, workTypeId: m.workTypeId });
    }
    for (const a of attendance) {
      const cell = cellOf(a.pupilId, a.lessonId);
      cell.savedAttendance = { codeId: a.codeId, version: a.version };
      cell.codeId = a.codeId;
    }
    const changed: Record<string, CellView> = {};
    for (const key of new Set([...this.#cells.keys(), ...fresh.keys()])) {
      const current = this.#cells.get(key);
      if (current && !settled(current)) continue;
      const next = fresh.get(key);
      // Unchanged cells stay as they are: a page read again redraws only what differs.
      if (current && sameOnServer(current, next)) continue;
      if (next) this.#cells.set(key, next);
      else this.#cells.delete(key);
      if (next || current) changed[key] = viewOf(next ?? emptyCell('', ''));
    }
    return changed;
  }

  view(pupilId: string, lessonId: string): CellView | undefined {
    const cell = this.#cells.get(cellKey(pupilId, lessonId));
    return cell && viewOf(cell);
  }

  /** False while someone else's change waits for the teacher's decision. */
  canEdit(pupilId: string, lessonId: string): boolean {
    const cell = this.#cells.get(cellKey(pupilId, lessonId));
    return !cell || !inConflict(cell);
  }

  /** Sets the cell's mark: replaces its last mark (keeping its work type) or adds the first. */
  setMark(pupilId: string, lessonId: string, value: string, workTypeId: string): boolean {
    return this.#editMarks(pupilId, lessonId, (cell) => {
      const last = cell.marks.at(-1);
      // In place: a batch on its way gives this very object its id.
      if (last) last.value = value;
      else cell.marks = [{ id: null, value, workTypeId }];
    });
  }

  /** Adds another mark to the cell. */
  addMark(pupilId: string, lessonId: string, value: string, workTypeId: string): boolean {
    return this.#editMarks(pupilId, lessonId, (cell) => {
      cell.marks = [...cell.marks, { id: null, value, workTypeId }];
    });
  }

  /** Removes the cell's last mark, or else its attendance code; tells which, or null for none. */
  removeLast(pupilId: string, lessonId: string): 'mark' | 'attendance' | null {
    const cell = this.#cells.get(cellKey(pupilId, lessonId));
    if (!cell || inConflict(cell)) return null;
    if (cell.marks.length > 0) {
      this.#editMarks(pupilId, lessonId, (c) => (c.marks = c.marks.slice(0, -1)));
      return 'mark';
    }
    if (cell.codeId !== null) {
      this.setAttendance(pupilId, lessonId, null);
      return 'attendance';
    }
    return null;
  }

  setAttendance(pupilId: string, lessonId: string, codeId: string | null): boolean {
    const cell = this.#cell(pupilId, lessonId);
    if (inConflict(cell)) return false;
    cell.codeId = codeId;
    this.#afterEdit(cell, cell.attendanceTrack, attendanceDirty(cell));
    return true;
  }

  /** Drops the teacher's edit of a conflicting cell for what the server has now. */
  /** Drops the teacher's edit of a conflicting cell for what the server has now. */
  keepTheirs(pupilId: string, lessonId: string): void {
    const cell = this.#cells.get(cellKey(pupilId, lessonId));
    if (!cell) return;
    conflicts.keepTheirs(cell);
    this.#emit(cell);
    this.options.onStale?.();
  }

  /** Sends the teacher's edit of a conflicting cell again, over what the server has now. */
  overwrite(pupilId: string, lessonId: string): void {
    const cell = this.#cells.get(cellKey(pupilId, lessonId));
    if (!cell) return;
    for (const kind of conflicts.overwrite(cell)) {
      if (kind === 'marks') this.#afterEdit(cell, cell.markTrack, marksDirty(cell));
      else this.#afterEdit(cell, cell.attendanceTrack, attendanceDirty(cell));
    }
  }

  /**
   * Takes someone else's change of a cell (a live event). The teacher's own saves coming back are
   * recognised by id and version and change nothing; what comes while a batch of the same kind is
   * on its way waits for its answer. A settled cell shows the change; a cell the teacher is
   * editing shows it as a conflict to decide, unless it already holds the same.
   */
  applyRemote(change: RemoteChange): void {
    const { pupilId, lessonId } = remoteCell(change);
    const cell = this.#cell(pupilId, lessonId);
    const track = change.kind === 'attendance' ? cell.attendanceTrack : cell.markTrack;
    if (track.inFlight) {
      cell.deferred.push(change);
      return;
    }
    this.#takeRemote(cell, change);
  }

  /** Sends again the edits that failed as a whole batch (e.g. without a connection). */
  retryFailed(): void {
    for (const cell of this.#cells.values()) {
      for (const [track, dirty] of [
        [cell.markTrack, marksDirty(cell)],
        [cell.attendanceTrack, attendanceDirty(cell)],
      ] as const) {
        if (track.state === 'failed' && track.hold) this.#afterEdit(cell, track, dirty);
      }
    }
  }

  protected waiting(): boolean {
    return [...this.#cells.values()].some(
      (cell) =>
        (!cell.markTrack.hold && marksDirty(cell)) ||
        (!cell.attendanceTrack.hold && attendanceDirty(cell)),
    );
  }

  /** The cell's marks as shown that the server has created, with their ids (for their history). */
  markIds(pupilId: string, lessonId: string): (MarkValue & { id: string })[] {
    const cell = this.#cells.get(cellKey(pupilId, lessonId));
    if (!cell) return [];
    return cell.marks.flatMap(({ id, value, workTypeId }) =>
      id === null ? [] : [{ id, value, workTypeId }],
    );
  }

  /** Marks of a pupil as saved, for their average. */
  savedMarks(pupilId: string): MarkValue[] {
    const marks: MarkValue[] = [];
    for (const cell of this.#cells.values()) {
      if (cell.pupilId === pupilId) marks.push(...cell.saved);
    }
    return marks;
  }

  protected sendWaiting(): Promise<void>[] {
    const markCells: Cell[] = [];
    const attendanceCells: Cell[] = [];
    for (const cell of this.#cells.values()) {
      const { markTrack: m, attendanceTrack: a } = cell;
      if (!m.inFlight && !m.hold && marksDirty(cell)) markCells.push(cell);
      if (!a.inFlight && !a.hold && attendanceDirty(cell)) attendanceCells.push(cell);
    }
    const jobs: Promise<void>[] = [];
    if (markCells.length > 0) jobs.push(this.#sendMarks(markCells));
    if (attendanceCells.length > 0) jobs.push(this.#sendAttendance(attendanceCells));
    return jobs;
  }

  #takeRemote(cell: Cell, change: RemoteChange): void {
    const outcome = conflicts.takeRemote(cell, change);
    if (outcome === 'same') return;
    this.#emit(cell);
    if (outcome === 'saved' && change.kind !== 'attendance') {
      this.options.onMarksSaved?.([cell.pupilId]);
    }
    this.options.onRemote?.(cellKey(cell.pupilId, cell.lessonId));
  }

  /** Someone else's changes that waited for a batch of these cells. */
  #takeDeferred(cells: Iterable<Cell>, kind: 'marks' | 'attendance'): void {
    for (const cell of cells) {
      const mine = (c: RemoteChange) => (c.kind === 'attendance') === (kind === 'attendance');
      const waiting = cell.deferred.filter(mine);
      cell.deferred = cell.deferred.filter((c) => !mine(c));
      for (const change of waiting) this.#takeRemote(cell, change);
    }
  }

  #cell(pupilId: string, lessonId: string): Cell {
    const key = cellKey(pupilId, lessonId);
    let cell = this.#cells.get(key);
    if (!cell) this.#cells.set(key, (cell = emptyCell(pupilId, lessonId)));
    return cell;
  }

  #editMarks(pupilId: string, lessonId: string, edit: (cell: Cell) => void): boolean {
    const cell = this.#cell(pupilId, lessonId);
    if (inConflict(cell)) return false;
    edit(cell);
    this.#afterEdit(cell, cell.markTrack, marksDirty(cell));
    return true;
  }

  #afterEdit(cell: Cell, track: Track, dirty: boolean): void {
    this.edited(track, dirty);
    this.#emit(cell);
  }

  #emit(cell: Cell): void {
    this.options.onChange(cellKey(cell.pupilId, cell.lessonId), viewOf(cell));
  }

  /** After a batch: what changed meanwhile goes out in the next one. */
  #finish(cells: Iterable<Cell>, track: (cell: Cell) => Track, dirty: (cell: Cell) => boolean) {
    for (const cell of cells) {
      const t = track(cell);
      if (t.state === 'saving') {
        if (dirty(cell)) this.sending.schedule();
        else t.state = 'saved';
      }
      this.#emit(cell);
    }
  }

  async #sendMarks(cells: Cell[]): Promise<void> {
    const entries = cells.flatMap(markChanges);
    for (const cell of cells) {
      cell.markTrack.inFlight = true;
      cell.markTrack.state = 'saving';
    }
    try {
      const result = await this.options.transport.setMarks(entries.map((e) => e.change));
      // `saved` lists the created and changed marks in the order they were sent.
      let next = 0;
      for (const { ref } of entries) {
        if (ref.kind === 'remove') {
          ref.cell.saved = ref.cell.saved.filter((m) => m.id !== ref.id);
          continue;
        }
        const mark = result.saved[next++];
        if (!mark) continue;
        const { id, value, workTypeId, version } = mark;
        ref.cell.saved = upsert(ref.cell.saved, { id, value, workTypeId, version });
        if (ref.local.id === null) ref.local.id = id;
      }
      for (const cell of cells) cell.markTrack.inFlight = false;
      this.options.onMarksSaved?.([...new Set(cells.map((c) => c.pupilId))]);
    } catch (error) {
      for (const cell of cells) cell.markTrack.inFlight = false;
      const refs = entries.map((e) => e.ref);
      const stale = conflicts.refuseMarks(cells, (index) => refs[index]?.cell, failureOf(error));
      if (stale) this.options.onStale?.();
    }
    this.#finish(cells, (c) => c.markTrack, marksDirty);
    this.#takeDeferred(cells, 'marks');
  }

  async #sendAttendance(cells: Cell[]): Promise<void> {
    const changes = cells.map(
      ({ lessonId, pupilId, codeId, savedAttendance }): AttendanceChange => ({
        lessonId,
        pupilId,
        codeId,
        version: savedAttendance.version,
      }),
    );
    for (const cell of cells) {
      cell.attendanceTrack.inFlight = true;
      cell.attendanceTrack.state = 'saving';
    }
    try {
      const written = await this.options.transport.setAttendance(changes);
      cells.forEach((cell, i) => {
        const entry = written[i];
        if (entry) cell.savedAttendance = { codeId: entry.codeId, version: entry.version };
        cell.attendanceTrack.inFlight = false;
      });
    } catch (error) {
      for (const cell of cells) cell.attendanceTrack.inFlight = false;
      if (conflicts.refuseAttendance(cells, failureOf(error))) this.options.onStale?.();
    }
    this.#finish(cells, (c) => c.attendanceTrack, attendanceDirty);
    this.#takeDeferred(cells, 'attendance');
  }
}
