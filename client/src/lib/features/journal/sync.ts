import type { BatchFailure, EntryProblem, UiMessage } from '../../graphql/errors';
import { cellKey } from './journal';

/**
 * Keeps the journal's cells in step with the server: edits show at once, are collected for a
 * moment and go out as one `saveMarks` and one `saveAttendance` batch; each cell remembers what
 * the server has (with versions) and what the teacher sees, and sends the difference.
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

/** Sends batches; rejects with a `BatchError`. */
export interface JournalTransport {
  saveMarks(changes: MarkChange[]): Promise<{ saved: ServerMark[]; removedIds: string[] }>;
  saveAttendance(changes: AttendanceChange[]): Promise<ServerAttendance[]>;
}

export class BatchError extends Error {
  constructor(readonly failure: BatchFailure) {
    super('The batch was not saved');
    this.name = 'BatchError';
  }
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

interface LocalMark extends MarkValue {
  /** Null until the server has created it. */
  id: string | null;
}

interface SavedMark extends MarkValue {
  id: string;
  version: number;
}

interface SavedAttendance {
  codeId: string | null;
  version: number | null;
}

interface Track {
  state: SaveState;
  inFlight: boolean;
  /** Not sent again on its own: a conflict to decide, or a failure to retry. */
  hold: boolean;
  message?: UiMessage;
}

interface Cell {
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

type MarkRef =
  | { cell: Cell; kind: 'new' | 'change'; local: LocalMark }
  | { cell: Cell; kind: 'remove'; id: string };

const STATE_ORDER: SaveState[] = ['conflict', 'failed', 'saving', 'saved', 'idle'];
const NO_ATTENDANCE: SavedAttendance = { codeId: null, version: null };

const idle = (): Track => ({ state: 'idle', inFlight: false, hold: false });

function emptyCell(pupilId: string, lessonId: string): Cell {
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

function failureOf(error: unknown): BatchFailure {
  if (error instanceof BatchError) return error.failure;
  return {
    kind: 'general',
    code: 'INTERNAL_SERVER_ERROR',
    message: { key: 'errors.code.INTERNAL_SERVER_ERROR' },
  };
}

/** The changes that make the server's marks of a cell what the teacher sees. */
function markChanges(cell: Cell): { change: MarkChange; ref: MarkRef }[] {
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
function sameOnServer(current: Cell, fresh: Cell | undefined): boolean {
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

const attendanceDirty = (cell: Cell) => cell.codeId !== cell.savedAttendance.codeId;
const marksDirty = (cell: Cell) => markChanges(cell).length > 0;

const copySaved = (cell: Cell): LocalMark[] =>
  cell.saved.map(({ id, value, workTypeId }) => ({ id, value, workTypeId }));

function upsert(list: SavedMark[], mark: SavedMark): SavedMark[] {
  const at = list.findIndex((m) => m.id === mark.id);
  if (at < 0) return [...list, mark];
  const next = [...list];
  next[at] = mark;
  return next;
}

/** `saved` with someone else's changes: marks as they are now, those they removed left out. */
function withConflicts(saved: SavedMark[], conflicts: Map<string, SavedMark | null>): SavedMark[] {
  let next = saved;
  for (const [id, mark] of conflicts) {
    next = mark ? upsert(next, mark) : next.filter((m) => m.id !== id);
  }
  return next;
}

const remoteCell = (change: RemoteChange) =>
  change.kind === 'mark' ? change.mark : change.kind === 'attendance' ? change.attendance : change;

export class JournalSync {
  readonly #options: SyncOptions;
  readonly #cells = new Map<string, Cell>();
  #timer: ReturnType<typeof setTimeout> | undefined;
  readonly #running = new Set<Promise<void>>();

  constructor(options: SyncOptions) {
    this.#options = options;
  }

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
      if (current && !this.#settled(current)) continue;
      const next = fresh.get(key);
      // Unchanged cells stay as they are: a page read again redraws only what differs.
      if (current && sameOnServer(current, next)) continue;
      if (next) this.#cells.set(key, next);
      else this.#cells.delete(key);
      if (next || current) changed[key] = this.#view(next ?? emptyCell('', ''));
    }
    return changed;
  }

  view(pupilId: string, lessonId: string): CellView | undefined {
    const cell = this.#cells.get(cellKey(pupilId, lessonId));
    return cell && this.#view(cell);
  }

  /** False while someone else's change waits for the teacher's decision. */
  canEdit(pupilId: string, lessonId: string): boolean {
    const cell = this.#cells.get(cellKey(pupilId, lessonId));
    return !cell || !this.#inConflict(cell);
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
    if (!cell || this.#inConflict(cell)) return null;
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
    if (this.#inConflict(cell)) return false;
    cell.codeId = codeId;
    this.#afterEdit(cell, cell.attendanceTrack, attendanceDirty(cell));
    return true;
  }

  /** Drops the teacher's edit of a conflicting cell for what the server has now. */
  keepTheirs(pupilId: string, lessonId: string): void {
    const cell = this.#cells.get(cellKey(pupilId, lessonId));
    if (!cell) return;
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
    this.#emit(cell);
    this.#options.onStale?.();
  }

  /** Sends the teacher's edit of a conflicting cell again, over what the server has now. */
  overwrite(pupilId: string, lessonId: string): void {
    const cell = this.#cells.get(cellKey(pupilId, lessonId));
    if (!cell) return;
    if (cell.markConflicts.size > 0) {
      cell.saved = withConflicts(cell.saved, cell.markConflicts);
      // A mark they removed that the teacher keeps is written anew.
      for (const local of cell.marks) {
        if (local.id !== null && cell.markConflicts.get(local.id) === null) local.id = null;
      }
      cell.markConflicts.clear();
      this.#afterEdit(cell, cell.markTrack, marksDirty(cell));
    }
    if (cell.attendanceConflict) {
      cell.savedAttendance = cell.attendanceConflict;
      cell.attendanceConflict = undefined;
      this.#afterEdit(cell, cell.attendanceTrack, attendanceDirty(cell));
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

  /** True while an edit waits to be sent or is on its way. */
  get busy(): boolean {
    if (this.#timer !== undefined || this.#running.size > 0) return true;
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

  /** Sends what waits now, without the delay. */
  flush(): Promise<void> {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const markCells: Cell[] = [];
    const attendanceCells: Cell[] = [];
    for (const cell of this.#cells.values()) {
      const { markTrack: m, attendanceTrack: a } = cell;
      if (!m.inFlight && !m.hold && marksDirty(cell)) markCells.push(cell);
      if (!a.inFlight && !a.hold && attendanceDirty(cell)) attendanceCells.push(cell);
    }
    const jobs: Promise<void>[] = [];
    if (markCells.length > 0) jobs.push(this.#track(this.#sendMarks(markCells)));
    if (attendanceCells.length > 0) jobs.push(this.#track(this.#sendAttendance(attendanceCells)));
    return Promise.all(jobs).then(() => undefined);
  }

  /** Resolves once nothing waits or travels (what is held for the teacher stays held). */
  async settle(): Promise<void> {
    while (this.busy) {
      await this.flush();
      await Promise.all([...this.#running]);
    }
  }

  /** Stops the timer; what is on its way still lands. */
  dispose(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #takeRemote(cell: Cell, change: RemoteChange): void {
    const outcome =
      change.kind === 'mark'
        ? this.#remoteMark(cell, change.mark)
        : change.kind === 'markRemoved'
          ? this.#remoteRemoval(cell, change.markId)
          : this.#remoteAttendance(cell, change.attendance);
    if (outcome === 'same') return;
    this.#emit(cell);
    if (outcome === 'saved' && change.kind !== 'attendance') {
      this.#options.onMarksSaved?.([cell.pupilId]);
    }
    this.#options.onRemote?.(cellKey(cell.pupilId, cell.lessonId));
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

  #remoteMark(cell: Cell, mark: ServerMark): 'same' | 'saved' | 'conflict' {
    const { id, value, workTypeId, version } = mark;
    const theirs: SavedMark = { id, value, workTypeId, version };
    // The teacher's own save coming back, or news older than what the cell knows.
    const known = cell.saved.find((m) => m.id === id);
    if (known && known.version >= version) return 'same';
    const conflict = cell.markConflicts.get(id);
    if (conflict !== undefined && (conflict === null || conflict.version >= version)) {
      return 'same';
    }
    if (this.#marksSettled(cell)) {
      cell.saved = upsert(cell.saved, theirs);
      cell.marks = copySaved(cell);
      return 'saved';
    }
    const local = cell.marks.find((m) => m.id === id);
    if (
      cell.markConflicts.size === 0 &&
      local?.value === value &&
      local.workTypeId === workTypeId
    ) {
      // They wrote what the teacher is writing: nothing to choose between.
      cell.saved = upsert(cell.saved, theirs);
      this.#afterRemote(cell.markTrack, marksDirty(cell));
      return 'saved';
    }
    cell.markConflicts.set(id, theirs);
    this.#hold(cell.markTrack);
    return 'conflict';
  }

  #remoteRemoval(cell: Cell, markId: string): 'same' | 'saved' | 'conflict' {
    const known = cell.saved.some((m) => m.id === markId);
    const conflict = cell.markConflicts.get(markId);
    // Gone already: the teacher's own removal, or one the cell has heard of.
    if (!known && conflict === undefined) return 'same';
    if (conflict === null) return 'same';
    if (this.#marksSettled(cell)) {
      cell.saved = cell.saved.filter((m) => m.id !== markId);
      cell.marks = copySaved(cell);
      return 'saved';
    }
    if (cell.markConflicts.size === 0 && !cell.marks.some((m) => m.id === markId)) {
      // The teacher removed it too, or never had it in view.
      cell.saved = cell.saved.filter((m) => m.id !== markId);
      this.#afterRemote(cell.markTrack, marksDirty(cell));
      return 'saved';
    }
    cell.markConflicts.set(markId, null);
    this.#hold(cell.markTrack);
    return 'conflict';
  }

  #remoteAttendance(cell: Cell, entry: ServerAttendance): 'same' | 'saved' | 'conflict' {
    const theirs: SavedAttendance = { codeId: entry.codeId, version: entry.version };
    const knownVersion = cell.attendanceConflict?.version ?? cell.savedAttendance.version;
    if (knownVersion !== null && knownVersion >= entry.version) return 'same';
    if (this.#attendanceSettled(cell)) {
      cell.savedAttendance = theirs;
      cell.codeId = theirs.codeId;
      return 'saved';
    }
    if (!cell.attendanceConflict && cell.codeId === theirs.codeId) {
      cell.savedAttendance = theirs;
      this.#afterRemote(cell.attendanceTrack, attendanceDirty(cell));
      return 'saved';
    }
    cell.attendanceConflict = theirs;
    this.#hold(cell.attendanceTrack);
    return 'conflict';
  }

  /** Nothing of the teacher's about the cell's marks waits, travels or asks for a decision. */
  #marksSettled(cell: Cell): boolean {
    const track = cell.markTrack;
    return !track.inFlight && !track.hold && cell.markConflicts.size === 0 && !marksDirty(cell);
  }

  #attendanceSettled(cell: Cell): boolean {
    const track = cell.attendanceTrack;
    return !track.inFlight && !track.hold && !cell.attendanceConflict && !attendanceDirty(cell);
  }

  /** After adopting their change that equals the teacher's edit: maybe nothing is left to send. */
  #afterRemote(track: Track, dirty: boolean): void {
    if (dirty || track.inFlight) return;
    if (track.state === 'saving' || (track.state === 'failed' && track.hold)) {
      track.state = 'saved';
      track.hold = false;
      track.message = undefined;
    }
  }

  #hold(track: Track): void {
    track.state = 'conflict';
    track.hold = true;
    track.message = undefined;
  }

  #cell(pupilId: string, lessonId: string): Cell {
    const key = cellKey(pupilId, lessonId);
    let cell = this.#cells.get(key);
    if (!cell) this.#cells.set(key, (cell = emptyCell(pupilId, lessonId)));
    return cell;
  }

  #inConflict(cell: Cell): boolean {
    return cell.markConflicts.size > 0 || cell.attendanceConflict !== undefined;
  }

  #settled(cell: Cell): boolean {
    return (
      !cell.markTrack.inFlight &&
      !cell.attendanceTrack.inFlight &&
      !this.#inConflict(cell) &&
      !marksDirty(cell) &&
      !attendanceDirty(cell)
    );
  }

  #editMarks(pupilId: string, lessonId: string, edit: (cell: Cell) => void): boolean {
    const cell = this.#cell(pupilId, lessonId);
    if (this.#inConflict(cell)) return false;
    edit(cell);
    this.#afterEdit(cell, cell.markTrack, marksDirty(cell));
    return true;
  }

  #afterEdit(cell: Cell, track: Track, dirty: boolean): void {
    track.hold = false;
    track.message = undefined;
    if (dirty || track.inFlight) {
      track.state = 'saving';
      this.#schedule();
    } else {
      // Back to what the server has: nothing to send.
      track.state = track.state === 'saving' || track.state === 'saved' ? 'saved' : 'idle';
    }
    this.#emit(cell);
  }

  #schedule(): void {
    this.#timer ??= setTimeout(() => void this.flush(), this.#options.delayMs ?? 300);
  }

  #track(job: Promise<void>): Promise<void> {
    this.#running.add(job);
    return job.finally(() => this.#running.delete(job));
  }

  #emit(cell: Cell): void {
    this.#options.onChange(cellKey(cell.pupilId, cell.lessonId), this.#view(cell));
  }

  #view(cell: Cell): CellView {
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
    if (this.#inConflict(cell)) {
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

  /** After a batch: what changed meanwhile goes out in the next one. */
  #finish(cells: Iterable<Cell>, track: (cell: Cell) => Track, dirty: (cell: Cell) => boolean) {
    for (const cell of cells) {
      const t = track(cell);
      if (t.state === 'saving') {
        if (dirty(cell)) this.#schedule();
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
      const result = await this.#options.transport.saveMarks(entries.map((e) => e.change));
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
      this.#options.onMarksSaved?.([...new Set(cells.map((c) => c.pupilId))]);
    } catch (error) {
      for (const cell of cells) cell.markTrack.inFlight = false;
      const refs = entries.map((e) => e.ref);
      this.#markFailure(cells, refs, failureOf(error));
    }
    this.#finish(cells, (c) => c.markTrack, marksDirty);
    this.#takeDeferred(cells, 'marks');
  }

  #markFailure(cells: Cell[], refs: MarkRef[], failure: BatchFailure): void {
    const blamed = this.#blame(failure, (index) => refs[index]?.cell);
    if (!blamed) return this.#failAll(cells, (c) => c.markTrack, failure);
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
    if (stale) this.#options.onStale?.();
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
      const written = await this.#options.transport.saveAttendance(changes);
      cells.forEach((cell, i) => {
        const entry = written[i];
        if (entry) cell.savedAttendance = { codeId: entry.codeId, version: entry.version };
        cell.attendanceTrack.inFlight = false;
      });
    } catch (error) {
      for (const cell of cells) cell.attendanceTrack.inFlight = false;
      this.#attendanceFailure(cells, failureOf(error));
    }
    this.#finish(cells, (c) => c.attendanceTrack, attendanceDirty);
    this.#takeDeferred(cells, 'attendance');
  }

  #attendanceFailure(cells: Cell[], failure: BatchFailure): void {
    const blamed = this.#blame(failure, (index) => cells[index]);
    if (!blamed) return this.#failAll(cells, (c) => c.attendanceTrack, failure);
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
    if ([...blamed.values()].flat().some((p) => p.reason === 'NOT_FOUND')) {
      this.#options.onStale?.();
    }
  }

  /** The cells the server named, with their problems; undefined when it named none we sent. */
  #blame(
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
  #failAll(cells: Cell[], track: (cell: Cell) => Track, failure: BatchFailure): void {
    const message =
      failure.kind === 'general' ? failure.message : { key: `errors.code.${failure.code}` };
    for (const cell of cells) {
      const t = track(cell);
      t.state = 'failed';
      t.hold = true;
      t.message = message;
    }
  }
}
