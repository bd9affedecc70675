import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
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

const ANSWER = 'w1';
const TEST = 'w2';
const ABSENT = 'c1';
const SICK = 'c2';

/** Keeps marks and attendance with versions and checks them the way the API does. */
class FakeServer implements JournalTransport {
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

  async saveMarks(changes: MarkChange[]) {
    this.markCalls.push(changes);
    await this.#gate;
    const refused = this.refuse?.(changes);
    if (refused) throw new BatchError(refused);
    const conflicts = changes.flatMap((change, index) => {
      const current = change.id ? this.marks.get(change.id) : undefined;
      if (!current || current.version === change.version) return [];
      // The API sends `current` with numeric ids.
      const raw = { ...current, id: Number(current.id), workTypeId: current.workTypeId };
      return [{ index, reason: 'VERSION_CONFLICT', message: { text: 'changed' }, current: raw }];
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

  async saveAttendance(changes: AttendanceChange[]) {
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
          reason: 'VERSION_CONFLICT',
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

let server: FakeServer;
let sync: JournalSync;
let views: Record<string, CellView>;
let savedPupils: string[];
let stale: number;

function start() {
  sync = new JournalSync({
    transport: server,
    onChange: (key, view) => (views[key] = view),
    onMarksSaved: (ids) => savedPupils.push(...ids),
    onStale: () => stale++,
  });
  const { marks, attendance } = server.page();
  views = sync.load(marks, attendance);
}

/** Lets the batching delay pass and the answers arrive. */
async function settle() {
  await vi.advanceTimersByTimeAsync(300);
  await sync.settle();
}

const shown = (pupilId: string, lessonId: string) =>
  views[`${pupilId}:${lessonId}`]?.marks.map((m) => m.value).join(' ') ?? '';
const state = (pupilId: string, lessonId: string) => views[`${pupilId}:${lessonId}`]?.state;

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

describe('JournalSync', () => {
  it('gives the ids of the marks the server has, for their history', async () => {
    const first = server.seedMark('p1', 'l1', '5');
    start();
    expect(sync.markIds('p1', 'l1')).toEqual([{ id: first.id, value: '5', workTypeId: ANSWER }]);
    sync.addMark('p1', 'l1', '4', TEST);
    // The new mark has no id until the server creates it.
    expect(sync.markIds('p1', 'l1').map((m) => m.value)).toEqual(['5']);
    await settle();
    expect(sync.markIds('p1', 'l1').map((m) => m.value)).toEqual(['5', '4']);
    expect(sync.markIds('p1', 'l1')[1].id).not.toBe(first.id);
    expect(sync.markIds('p2', 'l1')).toEqual([]);
  });

  it('shows edits at once and sends those of one moment as one batch per kind', async () => {
    start();
    sync.setMark('p1', 'l1', '5', ANSWER);
    sync.setMark('p2', 'l1', '4', TEST);
    sync.setAttendance('p3', 'l1', ABSENT);
    expect(shown('p1', 'l1')).toBe('5');
    expect(state('p1', 'l1')).toBe('saving');
    expect(views['p3:l1'].codeId).toBe(ABSENT);
    expect(server.markCalls).toHaveLength(0);

    await vi.advanceTimersByTimeAsync(299);
    expect(server.markCalls).toHaveLength(0);
    await settle();
    expect(server.markCalls).toEqual([
      [
        { lessonId: 'l1', pupilId: 'p1', value: '5', workTypeId: ANSWER },
        { lessonId: 'l1', pupilId: 'p2', value: '4', workTypeId: TEST },
      ],
    ]);
    expect(server.attendanceCalls).toEqual([
      [{ lessonId: 'l1', pupilId: 'p3', codeId: ABSENT, version: null }],
    ]);
    expect([state('p1', 'l1'), state('p2', 'l1'), state('p3', 'l1')]).toEqual([
      'saved',
      'saved',
      'saved',
    ]);
    expect(savedPupils.sort()).toEqual(['p1', 'p2']);
    expect(sync.savedMarks('p2')).toEqual([expect.objectContaining({ value: '4' })]);
  });

  it('replaces the last mark with its version, adds with «+», removes the last', async () => {
    server.seedMark('p1', 'l1', '3', TEST, 4);
    start();
    expect(shown('p1', 'l1')).toBe('3');

    sync.setMark('p1', 'l1', '4', ANSWER);
    await settle();
    // The replaced mark keeps its work type.
    expect(server.markCalls[0]).toEqual([{ id: '100', version: 4, value: '4', workTypeId: TEST }]);

    sync.addMark('p1', 'l1', '5', ANSWER);
    await settle();
    expect(shown('p1', 'l1')).toBe('4 5');

    expect(sync.removeLast('p1', 'l1')).toBe('mark');
    await settle();
    expect(server.markCalls[2]).toEqual([{ id: '101', version: 1, remove: true }]);
    expect(shown('p1', 'l1')).toBe('4');
    expect([...server.marks.values()].map((m) => m.value)).toEqual(['4']);
  });

  it('clears the attendance when there is no mark to remove', async () => {
    server.attendance.set('p1:l1', { pupilId: 'p1', lessonId: 'l1', codeId: SICK, version: 2 });
    start();
    expect(sync.removeLast('p1', 'l1')).toBe('attendance');
    expect(sync.removeLast('p9', 'l9')).toBeNull();
    await settle();
    expect(server.attendanceCalls[0]).toEqual([
      { lessonId: 'l1', pupilId: 'p1', codeId: null, version: 2 },
    ]);
    expect(views['p1:l1']).toMatchObject({ codeId: null, state: 'saved' });
  });

  it('keeps typing while a batch travels and sends the rest with the new ids and versions', async () => {
    start();
    sync.setMark('p1', 'l1', '5', ANSWER);
    server.hold();
    await vi.advanceTimersByTimeAsync(300);
    expect(server.markCalls).toHaveLength(1);
    sync.setMark('p1', 'l1', '4', ANSWER);
    await vi.advanceTimersByTimeAsync(300);
    // The cell is on its way: nothing more for it until the answer comes.
    expect(server.markCalls).toHaveLength(1);
    server.release();
    await settle();
    expect(server.markCalls[1]).toEqual([
      { id: '100', version: 1, value: '4', workTypeId: ANSWER },
    ]);
    expect(shown('p1', 'l1')).toBe('4');
    expect(state('p1', 'l1')).toBe('saved');
  });

  it('removes a mark that was deleted before the server had created it', async () => {
    start();
    sync.setMark('p1', 'l1', '5', ANSWER);
    server.hold();
    await vi.advanceTimersByTimeAsync(300);
    sync.removeLast('p1', 'l1');
    expect(state('p1', 'l1')).toBe('saving');
    server.release();
    await settle();
    expect(server.markCalls[1]).toEqual([{ id: '100', version: 1, remove: true }]);
    expect(server.marks.size).toBe(0);
    expect(state('p1', 'l1')).toBe('saved');
  });

  it('rolls back the cells the server refused and saves the rest of the batch', async () => {
    start();
    server.refuse = (changes) =>
      changes.length === 2
        ? {
            kind: 'entries',
            code: 'BAD_USER_INPUT',
            entries: [
              {
                index: 1,
                reason: 'LESSON_IN_FUTURE',
                message: { key: 'errors.reason.LESSON_IN_FUTURE' },
              },
            ],
          }
        : undefined;
    sync.setMark('p1', 'l1', '5', ANSWER);
    sync.setMark('p1', 'l2', '4', ANSWER);
    await settle();
    expect(views['p1:l2']).toEqual({
      marks: [],
      codeId: null,
      state: 'failed',
      message: { key: 'errors.reason.LESSON_IN_FUTURE' },
    });
    expect(server.markCalls).toHaveLength(2);
    expect(shown('p1', 'l1')).toBe('5');
    expect(state('p1', 'l1')).toBe('saved');
    expect(stale).toBe(0);
  });

  it('asks for the page again when a mark is gone', async () => {
    server.seedMark('p1', 'l1', '3');
    start();
    server.refuse = () => ({
      kind: 'entries',
      code: 'BAD_USER_INPUT',
      entries: [{ index: 0, reason: 'NOT_FOUND', message: { key: 'errors.reason.NOT_FOUND' } }],
    });
    sync.setMark('p1', 'l1', '5', ANSWER);
    await settle();
    expect(shown('p1', 'l1')).toBe('3');
    expect(state('p1', 'l1')).toBe('failed');
    expect(stale).toBe(1);
  });

  it('shows a mark someone else changed and lets the teacher overwrite it', async () => {
    const mark = server.seedMark('p1', 'l1', '3');
    start();
    server.marks.set(mark.id, { ...mark, value: '2', version: 2 });
    sync.setMark('p1', 'l1', '5', ANSWER);
    sync.setMark('p2', 'l1', '4', ANSWER);
    await settle();
    expect(views['p1:l1']).toMatchObject({
      marks: [{ value: '5' }],
      state: 'conflict',
      conflict: { marks: [{ value: '2', workTypeId: ANSWER }] },
    });
    // The rest of the batch went out again on its own.
    expect(state('p2', 'l1')).toBe('saved');
    expect(sync.canEdit('p1', 'l1')).toBe(false);
    expect(sync.setMark('p1', 'l1', '4', ANSWER)).toBe(false);

    sync.overwrite('p1', 'l1');
    await settle();
    expect(server.markCalls.at(-1)).toEqual([
      { id: mark.id, version: 2, value: '5', workTypeId: ANSWER },
    ]);
    expect(server.marks.get(mark.id)?.value).toBe('5');
    expect(views['p1:l1'].state).toBe('saved');
    expect(views['p1:l1'].conflict).toBeUndefined();
  });

  it('keeps their mark when the teacher chooses so, and asks for the page again', async () => {
    const mark = server.seedMark('p1', 'l1', '3');
    start();
    server.marks.set(mark.id, { ...mark, value: '2', version: 2 });
    sync.setMark('p1', 'l1', '5', ANSWER);
    await settle();
    sync.keepTheirs('p1', 'l1');
    expect(views['p1:l1']).toMatchObject({ marks: [{ value: '2' }], state: 'idle' });
    expect(stale).toBe(1);
    await settle();
    expect(server.markCalls).toHaveLength(1);
    // The page read again agrees with the cell, which needs no redraw.
    const { marks, attendance } = server.page();
    expect(sync.load(marks, attendance)).toEqual({});
    expect(sync.view('p1', 'l1')).toMatchObject({ marks: [{ value: '2' }], state: 'idle' });
  });

  it('sends attendance again over an entry the page did not list (cleared earlier)', async () => {
    server.attendance.set('p1:l1', { pupilId: 'p1', lessonId: 'l1', codeId: null, version: 3 });
    start();
    sync.setAttendance('p1', 'l1', ABSENT);
    await settle();
    expect(server.attendanceCalls).toEqual([
      [{ lessonId: 'l1', pupilId: 'p1', codeId: ABSENT, version: null }],
      [{ lessonId: 'l1', pupilId: 'p1', codeId: ABSENT, version: 3 }],
    ]);
    expect(views['p1:l1']).toMatchObject({ codeId: ABSENT, state: 'saved' });
  });

  it('shows attendance someone else set, and keeps theirs on request', async () => {
    start();
    server.attendance.set('p1:l1', { pupilId: 'p1', lessonId: 'l1', codeId: SICK, version: 1 });
    sync.setAttendance('p1', 'l1', ABSENT);
    await settle();
    expect(views['p1:l1']).toMatchObject({
      codeId: ABSENT,
      state: 'conflict',
      conflict: { attendance: { codeId: SICK } },
    });
    sync.keepTheirs('p1', 'l1');
    expect(views['p1:l1']).toMatchObject({ codeId: SICK, state: 'idle' });
  });

  it('keeps the edits of a batch that failed as a whole until they are retried', async () => {
    start();
    server.refuse = () => ({
      kind: 'general',
      code: 'NETWORK',
      message: { key: 'errors.code.NETWORK' },
    });
    sync.setMark('p1', 'l1', '5', ANSWER);
    await settle();
    expect(views['p1:l1']).toEqual({
      marks: [{ value: '5', workTypeId: ANSWER }],
      codeId: null,
      state: 'failed',
      message: { key: 'errors.code.NETWORK' },
      retry: true,
    });
    expect(sync.busy).toBe(false);
    server.refuse = undefined;
    sync.retryFailed();
    await settle();
    expect(state('p1', 'l1')).toBe('saved');
    expect(server.marks.size).toBe(1);
  });

  it('redraws only the cells a page read again changes, keeping known versions', async () => {
    server.seedMark('p1', 'l1', '3');
    server.attendance.set('p2:l1', { pupilId: 'p2', lessonId: 'l1', codeId: SICK, version: 1 });
    start();
    sync.removeLast('p2', 'l1');
    await settle();
    expect(server.attendance.get('p2:l1')).toMatchObject({ codeId: null, version: 2 });
    // The page leaves the cleared entry out; its version 2 stays known for the next edit.
    const { marks, attendance } = server.page();
    expect(sync.load(marks, attendance)).toEqual({});
    sync.setAttendance('p2', 'l1', ABSENT);
    await settle();
    expect(server.attendanceCalls.at(-1)).toEqual([
      { lessonId: 'l1', pupilId: 'p2', codeId: ABSENT, version: 2 },
    ]);
  });

  it('takes a page read again without losing edits that are not saved yet', async () => {
    server.seedMark('p1', 'l1', '3');
    server.seedMark('p2', 'l1', '4');
    start();
    sync.setMark('p1', 'l1', '5', ANSWER);
    server.seedMark('p2', 'l1', '2');
    const { marks, attendance } = server.page();
    const changed = sync.load(marks, attendance);
    expect(Object.keys(changed)).toEqual(['p2:l1']);
    expect(shown('p1', 'l1')).toBe('5');
    expect(changed['p2:l1'].marks.map((m) => m.value)).toEqual(['4', '2']);
    await settle();
    expect(server.markCalls[0]).toEqual([
      { id: '100', version: 1, value: '5', workTypeId: ANSWER },
    ]);
  });
});

describe('JournalSync with live events', () => {
  let remote: string[];

  function startLive() {
    remote = [];
    sync = new JournalSync({
      transport: server,
      onChange: (key, view) => (views[key] = view),
      onMarksSaved: (ids) => savedPupils.push(...ids),
      onStale: () => stale++,
      onRemote: (key) => remote.push(key),
    });
    const { marks, attendance } = server.page();
    views = sync.load(marks, attendance);
  }

  /** Another editor changes a mark on the server; returns the event that tells of it. */
  function theyChange(id: string, value: string) {
    const current = server.marks.get(id)!;
    const next = { ...current, value, version: current.version + 1 };
    server.marks.set(id, next);
    return { kind: 'mark' as const, mark: next };
  }

  it("shows another editor's new mark and change in a cell the teacher is not editing", () => {
    const mine = server.seedMark('p1', 'l1', '3');
    startLive();
    const theirs = server.seedMark('p2', 'l1', '5');
    sync.applyRemote({ kind: 'mark', mark: theirs });
    expect(shown('p2', 'l1')).toBe('5');
    sync.applyRemote(theyChange(mine.id, '4'));
    expect(shown('p1', 'l1')).toBe('4');
    expect(savedPupils).toEqual(['p2', 'p1']);
    expect(remote).toEqual(['p2:l1', 'p1:l1']);
    // The next edit goes out over their version.
    expect(sync.markIds('p1', 'l1')).toEqual([{ id: mine.id, value: '4', workTypeId: ANSWER }]);
  });

  it("ignores the teacher's own saves coming back, also before the answer", async () => {
    startLive();
    sync.setMark('p1', 'l1', '5', ANSWER);
    server.hold();
    await vi.advanceTimersByTimeAsync(300);
    // The event of this very save (the server will give it id 100) comes over the socket
    // before the answer to the request.
    const created = { id: '100', lessonId: 'l1', pupilId: 'p1', value: '5', version: 1 };
    sync.applyRemote({ kind: 'mark', mark: { ...created, workTypeId: ANSWER } });
    expect(shown('p1', 'l1')).toBe('5');
    server.release();
    await sync.settle();
    expect(shown('p1', 'l1')).toBe('5');
    expect(state('p1', 'l1')).toBe('saved');
    const echo = [...server.marks.values()][0];
    sync.applyRemote({ kind: 'mark', mark: echo });
    expect(shown('p1', 'l1')).toBe('5');
    expect(state('p1', 'l1')).toBe('saved');
    expect(remote).toEqual([]);
    expect(server.markCalls).toHaveLength(1);
  });

  it("shows another editor's change of a cell being edited as a conflict", async () => {
    const mark = server.seedMark('p1', 'l1', '3');
    startLive();
    sync.setMark('p1', 'l1', '5', ANSWER);
    sync.applyRemote(theyChange(mark.id, '2'));
    expect(views['p1:l1']).toMatchObject({
      marks: [{ value: '5' }],
      state: 'conflict',
      conflict: { marks: [{ value: '2', workTypeId: ANSWER }] },
    });
    await settle();
    // Nothing was sent over their change.
    expect(server.markCalls).toHaveLength(0);
    sync.overwrite('p1', 'l1');
    await settle();
    expect(server.markCalls).toEqual([
      [{ id: mark.id, version: 2, value: '5', workTypeId: ANSWER }],
    ]);
    expect(state('p1', 'l1')).toBe('saved');
  });

  it('waits for a batch on its way before judging a change of its cell', async () => {
    const mark = server.seedMark('p1', 'l1', '3');
    startLive();
    sync.setMark('p1', 'l1', '5', ANSWER);
    server.hold();
    await vi.advanceTimersByTimeAsync(300);
    // Someone else's save landed first; ours then fails with a conflict (that same version).
    const event = theyChange(mark.id, '2');
    sync.applyRemote(event);
    expect(shown('p1', 'l1')).toBe('5');
    server.release();
    await sync.settle();
    expect(views['p1:l1']).toMatchObject({
      state: 'conflict',
      conflict: { marks: [{ value: '2' }] },
    });
    sync.keepTheirs('p1', 'l1');
    expect(shown('p1', 'l1')).toBe('2');
    sync.applyRemote(event);
    expect(views['p1:l1'].state).toBe('idle');
  });

  it('takes a change equal to the edit without a conflict', async () => {
    const mark = server.seedMark('p1', 'l1', '3');
    startLive();
    sync.setMark('p1', 'l1', '4', ANSWER);
    sync.applyRemote(theyChange(mark.id, '4'));
    expect(views['p1:l1']).toMatchObject({ marks: [{ value: '4' }], state: 'saved' });
    await settle();
    expect(server.markCalls).toHaveLength(0);
  });

  it('removes a mark another editor removed, or asks when the teacher is changing it', () => {
    const first = server.seedMark('p1', 'l1', '3');
    const second = server.seedMark('p2', 'l1', '4');
    startLive();
    sync.applyRemote({ kind: 'markRemoved', markId: first.id, lessonId: 'l1', pupilId: 'p1' });
    expect(shown('p1', 'l1')).toBe('');
    // Their removal told twice changes nothing the second time.
    sync.applyRemote({ kind: 'markRemoved', markId: first.id, lessonId: 'l1', pupilId: 'p1' });
    expect(remote).toEqual(['p1:l1']);

    sync.setMark('p2', 'l1', '5', ANSWER);
    sync.applyRemote({ kind: 'markRemoved', markId: second.id, lessonId: 'l1', pupilId: 'p2' });
    expect(views['p2:l1']).toMatchObject({ state: 'conflict', conflict: { marks: [] } });
    sync.keepTheirs('p2', 'l1');
    expect(shown('p2', 'l1')).toBe('');
  });

  it('writes a removed mark anew when the teacher keeps theirs over the removal', async () => {
    const mark = server.seedMark('p1', 'l1', '3');
    startLive();
    sync.setMark('p1', 'l1', '5', ANSWER);
    server.marks.delete(mark.id);
    sync.applyRemote({ kind: 'markRemoved', markId: mark.id, lessonId: 'l1', pupilId: 'p1' });
    sync.overwrite('p1', 'l1');
    await settle();
    expect(server.markCalls).toEqual([
      [{ lessonId: 'l1', pupilId: 'p1', value: '5', workTypeId: ANSWER }],
    ]);
    expect(state('p1', 'l1')).toBe('saved');
  });

  it("shows another editor's attendance, or a conflict with the teacher's edit", () => {
    startLive();
    sync.applyRemote({
      kind: 'attendance',
      attendance: { pupilId: 'p1', lessonId: 'l1', codeId: SICK, version: 1 },
    });
    expect(views['p1:l1']).toMatchObject({ codeId: SICK, state: 'idle' });
    // Older news changes nothing.
    sync.applyRemote({
      kind: 'attendance',
      attendance: { pupilId: 'p1', lessonId: 'l1', codeId: ABSENT, version: 1 },
    });
    expect(views['p1:l1'].codeId).toBe(SICK);

    sync.setAttendance('p2', 'l1', ABSENT);
    sync.applyRemote({
      kind: 'attendance',
      attendance: { pupilId: 'p2', lessonId: 'l1', codeId: SICK, version: 1 },
    });
    expect(views['p2:l1']).toMatchObject({
      codeId: ABSENT,
      state: 'conflict',
      conflict: { attendance: { codeId: SICK } },
    });
    // A mark in a cell whose attendance is in conflict is still someone else's plain change.
    const theirs = server.seedMark('p2', 'l1', '5');
    sync.applyRemote({ kind: 'mark', mark: theirs });
    expect(views['p2:l1'].marks).toEqual([{ value: '5', workTypeId: ANSWER }]);
    expect(views['p2:l1'].conflict).toEqual({ attendance: { codeId: SICK } });
  });
});
