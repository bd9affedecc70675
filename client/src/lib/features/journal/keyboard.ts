import type { UiMessage } from '../../graphql/errors';
import { NOT_ASSESSED } from './final';
import { cellKey, isEnrolledDuring, isEnrolledOn } from './journal';
import { keyAction, type KeyPress } from './keys';

/*
 * The journal grid's keyboard model: which cell has the keyboard, what a key or a palette button
 * does there, and why a cell may not be written. Plain TypeScript, so that it is tested in Node;
 * the grid (`JournalGrid.svelte`) passes a `$state` object as the cursor, so every change shows,
 * and does what touches the page (focus, scrolling, dialogs) with what `press` returns.
 */

/** A cell of the grid: row -1 is the row of lesson dates; the column after the lessons is «Итог». */
export interface Position {
  row: number;
  col: number;
}

/** What the keyboard model changes; the grid passes a `$state` object. */
export interface Cursor {
  active: Position;
  /** «+» was pressed: the next mark goes beside the cell's marks. */
  adding: boolean;
  /** Why the last key did nothing, or what it needs. */
  hint: UiMessage | undefined;
}

interface Enrolled {
  enrolled: readonly { from: string; to?: string | null }[];
}

/** What the model reads of the page; a getter, since the page changes under it. */
export interface GridPage {
  pupils: readonly ({ id: string } & Enrolled)[];
  lessons: readonly { id: string; date: string; cancelled: boolean }[];
  canWrite: boolean;
  /** The lessons the viewer writes in (a substitute: only those substituted). */
  writableLessonIds: ReadonlySet<string>;
  locked: boolean;
  startsOn: string;
  endsOn: string;
  /** The school's today, "YYYY-MM-DD". */
  today: string;
  scaleMin: number;
  scaleMax: number;
  /** Attendance codes that may be set. */
  codes: readonly { id: string; code: string }[];
  /** The work type of new marks. */
  workTypeId: string;
  /** Lessons studied remotely on a cancelled day: no absence is recorded (issue 15). */
  remoteLessonIds?: ReadonlySet<string>;
}

/** Where edits go: the page's `JournalSync` and `FinalMarkSync`. */
export interface GridEdits {
  sync: {
    canEdit(pupilId: string, lessonId: string): boolean;
    setMark(pupilId: string, lessonId: string, value: string, workTypeId: string): unknown;
    addMark(pupilId: string, lessonId: string, value: string, workTypeId: string): unknown;
    setAttendance(pupilId: string, lessonId: string, codeId: string | null): unknown;
    removeLast(pupilId: string, lessonId: string): unknown;
  };
  finalSync: {
    canEdit(pupilId: string): boolean;
    set(pupilId: string, value: string | null): unknown;
  };
}

/** What the grid does after a key: the browser's default unless it is `pass`. */
export type KeyOutcome =
  | { kind: 'pass' }
  | { kind: 'done' }
  | { kind: 'focus'; to: Position }
  | { kind: 'openLesson'; col: number }
  | { kind: 'history' }
  | { kind: 'outOfScale' };

/** Digits typed within this time into one cell make one mark (1, then 0: 10). */
const TYPING_MS = 1000;

export class GridKeyboard {
  /** Digits just typed into a cell, so two of them can make one mark on a wide scale. */
  #typed = { key: '', text: '', at: 0 };

  constructor(
    readonly cursor: Cursor,
    readonly page: () => GridPage,
    readonly edits: GridEdits,
    readonly now: () => number = () => performance.now(),
  ) {}

  get finalCol(): number {
    return this.page().lessons.length;
  }

  get onFinal(): boolean {
    return this.cursor.active.col === this.finalCol;
  }

  /** Moves the keyboard to a cell; what was pending in the last one (adding, a hint) ends. */
  settle({ row, col }: Position): void {
    const { active } = this.cursor;
    if (row === active.row && col === active.col) return;
    this.cursor.active = { row, col };
    this.cursor.adding = false;
    this.cursor.hint = undefined;
    this.#typed = { key: '', text: '', at: 0 };
  }

  /** Why the teacher may not write in this cell, or undefined when they may. */
  blocked(row: number, col: number): UiMessage | undefined {
    const page = this.page();
    const pupil = page.pupils[row];
    const lesson = page.lessons[col];
    if (!pupil || !lesson || !page.canWrite || !page.writableLessonIds.has(lesson.id)) {
      return { key: 'journal.blocked.readOnly' };
    }
    if (page.locked) return { key: 'journal.blocked.locked' };
    if (!isEnrolledOn(pupil.enrolled, lesson.date)) return { key: 'journal.blocked.outside' };
    if (lesson.cancelled) return { key: 'journal.blocked.cancelled' };
    if (lesson.date > page.today) return { key: 'journal.blocked.future' };
    if (!this.edits.sync.canEdit(pupil.id, lesson.id)) return { key: 'journal.blocked.conflict' };
    return undefined;
  }

  /** Why the teacher may not set this pupil's period mark, or undefined when they may. */
  blockedFinal(row: number): UiMessage | undefined {
    const page = this.page();
    const pupil = page.pupils[row];
    if (!pupil || !page.canWrite) return { key: 'journal.blocked.readOnly' };
    if (page.locked) return { key: 'journal.blocked.locked' };
    if (!isEnrolledDuring(pupil.enrolled, page.startsOn, page.endsOn)) {
      return { key: 'journal.finalMark.notEnrolled' };
    }
    if (!this.edits.finalSync.canEdit(pupil.id)) return { key: 'journal.blocked.conflict' };
    return undefined;
  }

  /** Sets the active pupil's period mark (null withdraws it), or says why it cannot be set. */
  setFinal(value: string | null): void {
    const { row } = this.cursor.active;
    const reason = row < 0 ? { key: 'journal.finalMark.header' } : this.blockedFinal(row);
    this.cursor.adding = false;
    this.cursor.hint = reason;
    if (reason) return;
    const pupilId = this.page().pupils[row].id;
    this.edits.finalSync.set(pupilId, value);
    this.#typed = { key: `final:${pupilId}`, text: value ?? '', at: this.now() };
  }

  /** Sets a mark in the active cell, or beside its marks with `add`. */
  setMark(value: string, add: boolean): void {
    if (this.onFinal) {
      if (add) this.cursor.hint = { key: 'journal.finalMark.single' };
      else this.setFinal(value);
      return;
    }
    const { workTypeId } = this.page();
    this.#edit((pupilId, lessonId) => {
      if (add) this.edits.sync.addMark(pupilId, lessonId, value, workTypeId);
      else this.edits.sync.setMark(pupilId, lessonId, value, workTypeId);
      this.#typed = { key: cellKey(pupilId, lessonId), text: value, at: this.now() };
    });
    this.cursor.adding = false;
  }

  /** Sets the cell's attendance code; «Итог» has none. */
  setAttendance(codeId: string): void {
    if (this.onFinal) {
      this.cursor.hint = { key: 'journal.finalMark.noAttendance' };
      return;
    }
    const lesson = this.page().lessons[this.cursor.active.col];
    if (lesson && this.page().remoteLessonIds?.has(lesson.id)) {
      this.cursor.hint = { key: 'errors.reason.REMOTE_STUDY_DAY' };
      return;
    }
    this.#edit((pupilId, lessonId) => this.edits.sync.setAttendance(pupilId, lessonId, codeId));
  }

  /** Removes the cell's last mark or absence, or withdraws the period mark. */
  removeLast(): void {
    if (this.onFinal) this.setFinal(null);
    else this.#edit((pupilId, lessonId) => this.edits.sync.removeLast(pupilId, lessonId));
  }

  /** «+»: the next mark goes into the cell beside the ones it has; pressed again, it does not. */
  toggleAdding(): void {
    if (this.cursor.adding) this.cursor.adding = false;
    else this.#startAdding();
  }

  /** «н/а», not assessed: a period mark only. */
  notAssessed(): void {
    if (this.onFinal) this.setFinal(NOT_ASSESSED);
    else this.cursor.hint = { key: 'journal.finalMark.onlyFinal' };
  }

  /** A key pressed on a cell of the grid. */
  press(at: Position, key: KeyPress): KeyOutcome {
    this.settle(at);
    const { row, col } = at;
    const page = this.page();
    const final = col === this.finalCol;
    if (row < 0 && (key.key === 'Enter' || key.key === ' ')) {
      if (!final) return { kind: 'openLesson', col };
      this.cursor.hint = { key: 'journal.finalMark.header' };
      return { kind: 'done' };
    }
    const action = keyAction(key, {
      scaleMin: page.scaleMin,
      scaleMax: page.scaleMax,
      codes: page.codes,
      adding: this.cursor.adding,
      typed: this.#recentlyTyped(at),
    });
    switch (action.kind) {
      case 'move': {
        const nextCol = col + action.cols;
        // Tab at either end leaves the grid, as it leaves any other control.
        if (action.tab && (nextCol < 0 || nextCol > this.finalCol)) return { kind: 'pass' };
        const nextRow = Math.min(Math.max(row + action.rows, -1), page.pupils.length - 1);
        return { kind: 'focus', to: { row: nextRow, col: clamp(nextCol, 0, this.finalCol) } };
      }
      case 'edge':
        return { kind: 'focus', to: { row, col: action.to === 'start' ? 0 : this.finalCol } };
      case 'mark':
        this.setMark(action.value, action.add);
        return { kind: 'done' };
      case 'invalidMark':
        return { kind: 'outOfScale' };
      case 'startAdd':
        this.#startAdding();
        return { kind: 'done' };
      case 'remove':
        this.removeLast();
        return { kind: 'done' };
      case 'attendance':
        this.setAttendance(action.codeId);
        return { kind: 'done' };
      case 'history':
        return { kind: 'history' };
      case 'cancel':
        this.cursor.adding = false;
        this.cursor.hint = undefined;
        return { kind: 'pass' };
      case 'none':
        return { kind: 'pass' };
    }
  }

  /** What was just typed into this cell, if it is still fresh enough to go on. */
  #recentlyTyped({ row, col }: Position): string {
    const { pupils, lessons } = this.page();
    if (row < 0) return '';
    const key =
      col === this.finalCol ? `final:${pupils[row].id}` : cellKey(pupils[row].id, lessons[col].id);
    const fresh = this.#typed.key === key && this.now() - this.#typed.at < TYPING_MS;
    return fresh ? this.#typed.text : '';
  }

  #startAdding(): void {
    if (this.onFinal) this.cursor.hint = { key: 'journal.finalMark.single' };
    else if (this.#edit(() => {})) this.cursor.adding = true;
  }

  /** Runs an edit on the active cell, or says why it cannot be edited. */
  #edit(run: (pupilId: string, lessonId: string) => void): boolean {
    const { row, col } = this.cursor.active;
    const reason = row < 0 ? { key: 'journal.blocked.header' } : this.blocked(row, col);
    this.cursor.hint = reason;
    if (reason) return false;
    const { pupils, lessons } = this.page();
    run(pupils[row].id, lessons[col].id);
    return true;
  }
}

const clamp = (value: number, min: number, max: number) => Math.min(Math.max(value, min), max);
