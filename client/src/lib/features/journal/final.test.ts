import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  FinalMarkError,
  FinalMarkSync,
  periodMarkFailure,
  type FinalFailure,
  type FinalTransport,
  type FinalView,
} from './final';

/** Keeps period marks with versions and checks them the way `setPeriodMark` does. */
class FakeServer implements FinalTransport {
  marks = new Map<string, { value: string | null; version: number }>();
  calls: { pupilId: string; value: string | null; version: number | null }[] = [];
  /** Refuses the next call before it is checked. */
  refuse?: FinalFailure;

  async setPeriodMark(pupilId: string, value: string | null, version: number | null) {
    this.calls.push({ pupilId, value, version });
    await Promise.resolve();
    const refused = this.refuse;
    if (refused) {
      this.refuse = undefined;
      throw new FinalMarkError(refused);
    }
    const current = this.marks.get(pupilId);
    if ((current?.version ?? null) !== version) {
      throw new FinalMarkError({
        kind: 'conflict',
        current: current ?? { value: null, version: null },
      });
    }
    const next = { value, version: (current?.version ?? 0) + 1 };
    this.marks.set(pupilId, next);
    return next;
  }

  results() {
    return [...this.marks].map(([pupilId, m]) => ({
      pupilId,
      periodMark: m.value,
      periodMarkVersion: m.version,
    }));
  }
}

let server: FakeServer;
let sync: FinalMarkSync;
let views: Record<string, FinalView>;
let stale: number;

function start(extra: { pupilId: string }[] = []) {
  sync = new FinalMarkSync({
    transport: server,
    onChange: (pupilId, view) => (views[pupilId] = view),
    onStale: () => stale++,
  });
  views = sync.load([...server.results(), ...extra]);
}

async function settle() {
  await vi.advanceTimersByTimeAsync(300);
  await sync.settle();
}

/** The page reads p1's 4, someone else makes it 3, then the teacher's 5 meets their version. */
async function conflictOverP1() {
  server.marks.set('p1', { value: '4', version: 1 });
  start();
  server.marks.set('p1', { value: '3', version: 2 });
  sync.set('p1', '5');
  await settle();
}

/** The teacher sets p1 to `value` and the server refuses it as `refusal` says. */
async function setRefused(value: string, refusal: FinalFailure) {
  server.refuse = refusal;
  sync.set('p1', value);
  await settle();
}

beforeEach(() => {
  vi.useFakeTimers();
  server = new FakeServer();
  stale = 0;
});

afterEach(() => {
  sync?.dispose();
  vi.useRealTimers();
});

describe('FinalMarkSync', () => {
  it('shows a mark at once and sends it with no version the first time', async () => {
    start([{ pupilId: 'p1' }]);
    expect(views.p1).toEqual({ value: null, state: 'idle' });
    sync.set('p1', '5');
    expect(views.p1).toEqual({ value: '5', state: 'saving' });
    expect(server.calls).toHaveLength(0);
    await settle();
    expect(server.calls).toEqual([{ pupilId: 'p1', value: '5', version: null }]);
    expect(views.p1).toEqual({ value: '5', state: 'saved' });
  });

  it('sends the last of quick edits only, then later ones with the version it got', async () => {
    start();
    sync.set('p1', '1');
    sync.set('p1', '10');
    await settle();
    expect(server.calls).toEqual([{ pupilId: 'p1', value: '10', version: null }]);
    sync.set('p1', null);
    await settle();
    expect(server.calls.at(-1)).toEqual({ pupilId: 'p1', value: null, version: 1 });
    expect(views.p1).toEqual({ value: null, state: 'saved' });
    expect(server.marks.get('p1')).toEqual({ value: null, version: 2 });
  });

  it('sends an edit made while another is on its way after it, with the new version', async () => {
    start();
    sync.set('p1', '4');
    await vi.advanceTimersByTimeAsync(300);
    sync.set('p1', '5');
    await settle();
    expect(server.calls).toEqual([
      { pupilId: 'p1', value: '4', version: null },
      { pupilId: 'p1', value: '5', version: 1 },
    ]);
    expect(views.p1.state).toBe('saved');
  });

  it('holds a conflict for the teacher: keep theirs', async () => {
    await conflictOverP1();
    expect(views.p1).toEqual({ value: '5', state: 'conflict', conflict: { value: '3' } });
    expect(sync.canEdit('p1')).toBe(false);
    expect(sync.set('p1', '2')).toBe(false);
    sync.keepTheirs('p1');
    expect(views.p1).toEqual({ value: '3', state: 'idle' });
    expect(sync.canEdit('p1')).toBe(true);
    expect(server.calls).toHaveLength(1);
  });

  it('holds a conflict for the teacher: overwrite sends over their version', async () => {
    await conflictOverP1();
    sync.overwrite('p1');
    await settle();
    expect(server.calls.at(-1)).toEqual({ pupilId: 'p1', value: '5', version: 2 });
    expect(views.p1).toEqual({ value: '5', state: 'saved' });
  });

  it('takes someone else’s identical mark as saved', async () => {
    start();
    server.marks.set('p1', { value: '5', version: 1 });
    sync.set('p1', '5');
    await settle();
    expect(views.p1).toEqual({ value: '5', state: 'saved' });
    sync.set('p1', '4');
    await settle();
    expect(server.calls.at(-1)).toEqual({ pupilId: 'p1', value: '4', version: 1 });
  });

  it('drops a refused value and says why; a closed period has the page read again', async () => {
    server.marks.set('p1', { value: '4', version: 1 });
    start();
    await setRefused('abc', { kind: 'rejected', message: { key: 'errors.reason.INVALID_MARK' } });
    expect(views.p1).toEqual({
      value: '4',
      state: 'failed',
      message: { key: 'errors.reason.INVALID_MARK' },
    });
    expect(stale).toBe(0);
    await setRefused('5', {
      kind: 'rejected',
      message: { key: 'journal.blocked.locked' },
      stale: true,
    });
    expect(views.p1.value).toBe('4');
    expect(stale).toBe(1);
  });

  it('keeps an edit that failed as a whole until it is retried', async () => {
    start();
    await setRefused('5', { kind: 'failed', message: { key: 'errors.code.NETWORK' } });
    expect(views.p1).toEqual({
      value: '5',
      state: 'failed',
      message: { key: 'errors.code.NETWORK' },
      retry: true,
    });
    expect(sync.busy).toBe(false);
    sync.retryFailed();
    await settle();
    expect(views.p1).toEqual({ value: '5', state: 'saved' });
    expect(server.marks.get('p1')?.value).toBe('5');
  });

  it('reads the page again without losing edits on their way or in conflict', async () => {
    server.marks.set('p1', { value: '4', version: 1 });
    server.marks.set('p2', { value: '3', version: 1 });
    start();
    sync.set('p1', '5');
    server.marks.set('p2', { value: '2', version: 2 });
    const changed = sync.load(server.results());
    expect(Object.keys(changed)).toEqual(['p2']);
    expect(changed.p2).toEqual({ value: '2', state: 'idle' });
    expect(sync.view('p1')).toEqual({ value: '5', state: 'saving' });
    await settle();
    expect(sync.load(server.results())).toEqual({});
  });
});

describe('periodMarkFailure', () => {
  it('reads a conflict with the mark as it is now, or with none', () => {
    const conflict = (current: unknown) =>
      periodMarkFailure({
        kind: 'entries',
        code: 'CONFLICT',
        entries: [{ index: 0, reason: 'VERSION_CONFLICT', message: { text: '' }, current }],
      });
    expect(conflict({ value: '4', version: 3 })).toEqual({
      kind: 'conflict',
      current: { value: '4', version: 3 },
    });
    expect(conflict(null)).toEqual({ kind: 'conflict', current: { value: null, version: null } });
  });

  it('drops refused values with the journal’s words for them', () => {
    const refused = (reason: string, code: 'BAD_USER_INPUT' | 'NOT_FOUND' = 'BAD_USER_INPUT') =>
      periodMarkFailure({ kind: 'general', code, message: { key: `errors.reason.${reason}` } });
    expect(refused('INVALID_MARK')).toEqual({
      kind: 'rejected',
      message: { key: 'errors.reason.INVALID_MARK' },
    });
    expect(refused('NOT_ENROLLED')).toEqual({
      kind: 'rejected',
      message: { key: 'journal.finalMark.notEnrolled' },
    });
    expect(refused('PERIOD_LOCKED')).toEqual({
      kind: 'rejected',
      message: { key: 'journal.blocked.locked' },
      stale: true,
    });
    expect(
      periodMarkFailure({
        kind: 'general',
        code: 'NOT_FOUND',
        message: { key: 'errors.code.NOT_FOUND' },
      }),
    ).toEqual({ kind: 'rejected', message: { key: 'errors.code.NOT_FOUND' }, stale: true });
  });

  it('keeps for a retry what failed for want of a connection or of the server', () => {
    const message = { key: 'errors.code.NETWORK' };
    expect(periodMarkFailure({ kind: 'general', code: 'NETWORK', message })).toEqual({
      kind: 'failed',
      message,
    });
    expect(
      periodMarkFailure({
        kind: 'general',
        code: 'INTERNAL_SERVER_ERROR',
        message: { key: 'errors.code.INTERNAL_SERVER_ERROR' },
      }).kind,
    ).toBe('failed');
  });
});

describe('FinalMarkSync with live events', () => {
  it("shows another editor's period mark, and ignores the teacher's own coming back", async () => {
    server.marks.set('p1', { value: '4', version: 1 });
    start([{ pupilId: 'p2' }]);
    server.marks.set('p1', { value: '5', version: 2 });
    sync.applyRemote('p1', { value: '5', version: 2 });
    expect(views.p1).toEqual({ value: '5', state: 'idle' });

    sync.set('p2', '3');
    await vi.advanceTimersByTimeAsync(300);
    // The event of the teacher's own save comes before or after the answer: nothing changes.
    sync.applyRemote('p2', { value: '3', version: 1 });
    await sync.settle();
    sync.applyRemote('p2', { value: '3', version: 1 });
    expect(views.p2).toEqual({ value: '3', state: 'saved' });
    expect(server.calls).toHaveLength(1);
  });

  it("shows another editor's mark as a conflict while the teacher is setting one", async () => {
    server.marks.set('p1', { value: '4', version: 1 });
    start();
    sync.set('p1', '5');
    server.marks.set('p1', { value: '3', version: 2 });
    sync.applyRemote('p1', { value: '3', version: 2 });
    expect(views.p1).toEqual({ value: '5', state: 'conflict', conflict: { value: '3' } });
    await settle();
    expect(server.calls).toHaveLength(0);
    sync.overwrite('p1');
    await settle();
    expect(server.calls).toEqual([{ pupilId: 'p1', value: '5', version: 2 }]);
    expect(views.p1).toEqual({ value: '5', state: 'saved' });
  });
});
