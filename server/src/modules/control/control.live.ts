import { createHash } from 'node:crypto';
import { reloadViewer, type Viewer } from '../../auth/viewer.js';
import { unauthenticated } from '../../errors.js';
import type { BusEvent, EventBus } from '../../events/event-bus.js';
import { readRightsChange, RIGHTS_CHANGED } from '../../events/rights.js';
import type { Scope } from '../../scope.js';
import type { HealthFilterInput } from './control.inputs.js';
import type { ControlService } from './control.service.js';
import type { JournalHealthBoard } from './control.types.js';

/** The events that move a health figure or the control log. */
const MOVES = new Set([
  'MARK_SAVED',
  'MARK_REMOVED',
  'ATTENDANCE_SAVED',
  'LESSON_UPDATED',
  'PERIOD_MARK_SAVED',
  'CONTROL_CHECKED',
]);

interface Watch {
  viewer: Viewer;
  filter: HealthFilterInput;
  hash: string | null;
  lastRun: number;
  timer?: NodeJS.Timeout;
  running: boolean;
  dirty: boolean;
  recheck: boolean;
  ended: boolean;
  queue: Queue<JournalHealthBoard | Error>;
}

/**
 * The live dashboard (decision 38's mechanism, decision 47): each open `journalHealthLive`
 * subscription re-runs the dashboard's one statement for its viewer after a journal write or a
 * check in its school (a teacher's: in own courses), at most once per `debounceMs` after a short
 * settle, and sends the board only when its hash changed. A change of the viewer's rights
 * reloads the viewer (a teacher who lost a course stops seeing it; no right at all ends it).
 */
export class ControlLive {
  debounceMs = 1000;
  settleMs = 100;
  private readonly watches = new Set<Watch>();

  constructor(
    private readonly bus: EventBus,
    private readonly control: ControlService,
  ) {
    bus.subscribe((e) => this.heard(e));
  }

  get size(): number {
    return this.watches.size;
  }

  async open(
    { viewer }: Scope,
    filter: HealthFilterInput,
  ): Promise<AsyncIterableIterator<JournalHealthBoard | Error>> {
    if (!viewer) throw unauthenticated();
    const watch: Watch = {
      viewer,
      filter,
      hash: null,
      lastRun: 0,
      running: false,
      dirty: false,
      recheck: false,
      ended: false,
      queue: new Queue(() => this.end(watch)),
    };
    const first = await this.evaluate(watch);
    if (first) watch.queue.push(first);
    this.watches.add(watch);
    return watch.queue;
  }

  private heard(e: BusEvent): void {
    if (this.watches.size === 0) return;
    if (e.type === RIGHTS_CHANGED) {
      const change = readRightsChange(e.payload);
      for (const w of this.watches) {
        if (w.viewer.schoolId === e.schoolId && change.personIds.includes(w.viewer.personId)) {
          this.schedule(w, true);
        }
      }
      return;
    }
    if (!MOVES.has(e.type)) return;
    for (const w of this.watches) {
      if (w.viewer.schoolId !== e.schoolId) continue;
      this.schedule(w, false);
    }
  }

  private schedule(w: Watch, recheck: boolean): void {
    w.dirty = true;
    w.recheck ||= recheck;
    if (w.timer || w.running || w.ended) return;
    const wait = Math.max(this.settleMs, w.lastRun + this.debounceMs - Date.now());
    w.timer = setTimeout(() => void this.run(w), wait);
  }

  private async run(w: Watch): Promise<void> {
    w.timer = undefined;
    w.dirty = false;
    w.running = true;
    try {
      const next = await this.evaluate(w);
      if (next && !w.ended) w.queue.push(next);
    } catch (err) {
      if (!w.ended) {
        w.queue.fail(err as Error);
        this.end(w);
      }
    } finally {
      w.running = false;
      if (w.dirty && !w.ended) this.schedule(w, false);
    }
  }

  private async evaluate(w: Watch): Promise<JournalHealthBoard | null> {
    const em = this.bus.fork();
    w.lastRun = Date.now();
    if (w.recheck) {
      const now = await reloadViewer(em, w.viewer.sessionId);
      if (!now) throw unauthenticated();
      w.viewer = now;
      w.recheck = false;
    }
    const board = await this.control.health({ em, viewer: w.viewer }, w.filter);
    const hash = createHash('sha256').update(JSON.stringify(board)).digest('base64url');
    if (hash === w.hash) return null;
    w.hash = hash;
    return board;
  }

  private end(w: Watch): void {
    w.ended = true;
    clearTimeout(w.timer);
    this.watches.delete(w);
  }
}

/** A subscription's values; `return()` (the client left) ends it; a failure is yielded last. */
class Queue<T> implements AsyncIterableIterator<T> {
  private readonly items: T[] = [];
  private failure: Error | undefined;
  private done = false;
  private wake: (() => void) | undefined;

  constructor(private readonly onEnd: () => void) {}

  push(v: T): void {
    this.items.push(v);
    this.wake?.();
  }

  fail(e: Error): void {
    this.failure = e;
    this.wake?.();
  }

  async next(): Promise<IteratorResult<T>> {
    for (;;) {
      if (this.done) return { done: true, value: undefined };
      const v = this.items.shift();
      if (v !== undefined) return { done: false, value: v };
      if (this.failure) {
        this.done = true;
        return { done: false, value: this.failure as T };
      }
      await new Promise<void>((r) => (this.wake = r));
      this.wake = undefined;
    }
  }

  async return(): Promise<IteratorResult<T>> {
    this.done = true;
    this.onEnd();
    this.wake?.();
    return { done: true, value: undefined };
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<T> {
    return this;
  }
}
