import { afterEach, beforeEach, vi } from 'vitest';
import type { BatchFailure } from '../../graphql/errors';
import {
  BatchError,
  JournalSync,
  type AttendanceChange,
  type CellView,
  type JournalTransport,
  type MarkChange,
  type ServerAttendance,
  type ServerMark,
} from './sync';

/*
 * What the sync's tests share (`sync.test.ts`, `conflicts.test.ts`): a fake server and the sync
 * under test. The bindings below are live: each test's `start()` makes them anew.
 */

export const ANSWER = 'w1';
export const TEST = 'w2';
export const ABSENT = 'c1';
export const SICK = 'c2';

/** Keeps marks and attendance with versions and checks them the way the API does. */
export class FakeServer implements JournalTransport {
  marks = new Map<string, ServerMark>();
  attendance = new Map<string, ServerAttendance>();
  markCalls: MarkChange[][] = [];
  attendanceCalls: AttendanceChange[][] = [];
  /** Refuses a batch before it is checked. */
  refuse?: (changes: unknown[]) => BatchFailure | undefined;
  #gate: Promise<void> = Promise.resolve();
  #open: () => void = () => {};
  #nextId = 100;

  /** Holds answers until `release()`. */
  hold() {
    this.#gate = new Promise((open) => (this.#open = open));
  }

  release() {
    this.#open();
    this.#gate = Promise.resolve();
  }

  seedMark(pupilId: string, lessonId: string, value: string, workTypeId = ANSWER, version = 1) {
    const id = String(this.#nextId++);
    const mark = { id, pupilId, lessonId, value, workTypeId, version };
    this.marks.set(id, mark);
    return mark;
  }

  async setMarks(changes: MarkChange[]) {
    this.markCalls.push(changes);
    await this.#gate;
    const refused = this.refuse?.(changes);
    if (refused) throw new BatchError(refused);
    const conflicts = changes.flatMap((change, index) => {
      const current = change.id ? this.marks.get(change.id) : undefined;
      if (!current || current.version === change.version) return [];
      // The API sends `current` with numeric ids.
      const raw = { ...current, id: Number(current.id), workTypeId: current.workTypeId };
      return [
        { index, reason: 'VERSION_CONFLICT' as const, message: { text: 'changed' }, current: raw },
      ];
    });
    if (conflicts.length > 0) {
      throw new BatchError({ kind: 'entries', code: 'CONFLICT', entries: conflicts });
    }
    const saved: ServerMark[] = [];
    const removedIds: string[] = [];
    for (const change of changes) {
      if (change.id && change.remove) {
        this.marks.delete(change.id);
        removedIds.push(change.id);
      } else if (change.id) {
        const current = this.marks.get(change.id)!;
        const next = {
          ...current,
          value: change.value ?? current.value,
          workTypeId: change.workTypeId ?? current.workTypeId,
          version: current.version + 1,
        };
        this.marks.set(change.id, next);
        saved.push(next);
      } else {
        saved.push(
          this.seedMark(change.pupilId!, change.lessonId!, change.value!, change.workTypeId),
        );
      }
    }
    return { saved, removedIds };
  }

  async setAttendance(changes: AttendanceChange[]) {
    this.attendanceCalls.push(changes);
    await this.#gate;
    const refused = this.refuse?.(changes);
    if (refused) throw new BatchError(refused);
    const key = (c: AttendanceChange) => `${c.pupilId}:${c.lessonId}`;
    const conflicts = changes.flatMap((change, index) => {
      const current = this.attendance.get(key(change));
      if ((current?.version ?? null) === change.version) return [];
      return [
        {
          index,
          reason: 'VERSION_CONFLICT' as const,
          message: { text: 'changed' },
          current: current ?? null,
        },
      ];
    });
    if (conflicts.length > 0) {
      throw new BatchError({ kind: 'entries', code: 'CONFLICT', entries: conflicts });
    }
    return changes.map((change) => {
      const current = this.attendance.get(key(change));
      const next = {
        pupilId: change.pupilId,
        lessonId: change.lessonId,
        codeId: change.codeId,
        version: (current?.version ?? 0) + 1,
      };
      this.attendance.set(key(change), next);
      return next;
    });
  }

  /** The page as the API lists it: cleared attendance is left out. */
  page() {
    return {
      marks: [...this.marks.values()],
      attendance: [...this.attendance.values()].filter((a) => a.codeId !== null),
    };
  }
}

export let server: FakeServer;
export let sync: JournalSync;
export let views: Record<string, CellView>;
export let savedPupils: string[];
export let stale: number;

/** A sync on the fake server's page; `onRemote` hears of others' changes shown. */
export function start(onRemote?: (key: string) => void) {
  sync = new JournalSync({
    transport: server,
    onChange: (key, view) => (views[key] = view),
    onMarksSaved: (ids) => savedPupils.push(...ids),
    onStale: () => stale++,
    onRemote,
  });
  const { marks, attendance } = server.page();
  views = sync.load(marks, attendance);
}

/** Lets the batching delay pass and the answers arrive. */
export async function settle() {
  await vi.advanceTimersByTimeAsync(300);
  await sync.settle();
}

export const shown = (pupilId: string, lessonId: string) =>
  views[`${pupilId}:${lessonId}`]?.marks.map((m) => m.value).join(' ') ?? '';
export const state = (pupilId: string, lessonId: string) => views[`${pupilId}:${lessonId}`]?.state;

/** Fake timers and a fresh server for each test of the calling file. */
export function useFakeServer() {
  beforeEach(() => {
    vi.useFakeTimers();
    server = new FakeServer();
    savedPupils = [];
    stale = 0;
  });

  afterEach(() => {
    sync?.dispose();
    vi.useRealTimers();
  });
}
