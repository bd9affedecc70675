import { describe, expect, it, vi } from 'vitest';
import {
  ABSENT,
  ANSWER,
  savedPupils,
  server,
  settle,
  shown,
  SICK,
  start,
  state,
  sync,
  TEST,
  useFakeServer,
  views,
} from './sync.fake';

useFakeServer();

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
