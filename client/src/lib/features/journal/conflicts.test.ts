import { describe, expect, it, vi } from 'vitest';
import type { BatchFailure, ErrorReason } from '../../graphql/errors';
import {
  ABSENT,
  ANSWER,
  savedPupils,
  server,
  settle,
  shown,
  SICK,
  stale,
  start,
  state,
  sync,
  useFakeServer,
  views,
} from './sync.fake';

useFakeServer();

/** The server's refusal of one change of a batch, with the app's words for its reason. */
const refusedChange = (index: number, reason: ErrorReason): BatchFailure => ({
  kind: 'entries',
  code: 'BAD_USER_INPUT',
  entries: [{ index, reason, message: { key: `errors.reason.${reason}` } }],
});

describe('JournalSync refused or overtaken', () => {
  it('rolls back the cells the server refused and saves the rest of the batch', async () => {
    start();
    server.refuse = (changes) =>
      changes.length === 2 ? refusedChange(1, 'LESSON_IN_FUTURE') : undefined;
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
    server.refuse = () => refusedChange(0, 'NOT_FOUND');
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
});

describe('JournalSync with live events', () => {
  let remote: string[];

  function startLive() {
    remote = [];
    start((key) => remote.push(key));
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
