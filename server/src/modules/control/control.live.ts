import { reloadViewer, type Viewer } from '../../auth/viewer.js';
import { unauthenticated } from '../../errors.js';
import type { BusEvent, EventBus } from '../../events/event-bus.js';
import { answerHash, LiveQueue, Refresh } from '../../events/live-query.js';
import { readRightsChange, RIGHTS_CHANGED } from '../../events/rights.js';
import type { Scope } from '../../scope.js';
import type { HealthFilterInput } from './control.inputs.js';
import { CONTROL_SETTINGS_CHANGED } from './control.settings.js';
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
  CONTROL_SETTINGS_CHANGED,
  // A cancelled-class day makes its lessons remote: no longer asked for attendance.
  'CANCELLED_DAY',
]);

interface Watch {
  viewer: Viewer;
  filter: HealthFilterInput;
  hash: string | null;
  refresh: Refresh;
  recheck: boolean;
  ended: boolean;
  queue: LiveQueue<JournalHealthBoard | Error>;
}

/**
 * The live dashboard (decision 38's mechanism, decision 47): each open `journalHealthLive`
 * subscription re-runs the dashboard's one statement for its viewer after a journal write, a
 * check or a change of the school's control settings (events/live-query.ts), at most once per `debounceMs` after a short
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
      refresh: new Refresh(
        () => this.debounceMs,
        () => this.run(watch),
      ),
      recheck: false,
      ended: false,
      queue: new LiveQueue(() => this.end(watch)),
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
    w.recheck ||= recheck;
    w.refresh.schedule(this.settleMs);
  }

  private async run(w: Watch): Promise<void> {
    try {
      const next = await this.evaluate(w);
      if (next && !w.ended) w.queue.push(next);
    } catch (err) {
      if (!w.ended) {
        w.queue.fail(err as Error);
        this.end(w);
      }
    }
  }

  private async evaluate(w: Watch): Promise<JournalHealthBoard | null> {
    const em = this.bus.fork();
    w.refresh.lastRun = Date.now();
    if (w.recheck) {
      const now = await reloadViewer(em, w.viewer.sessionId);
      if (!now) throw unauthenticated();
      w.viewer = now;
      w.recheck = false;
    }
    const board = await this.control.health({ em, viewer: w.viewer }, w.filter);
    const hash = answerHash(board);
    if (hash === w.hash) return null;
    w.hash = hash;
    return board;
  }

  private end(w: Watch): void {
    w.ended = true;
    w.refresh.stop();
    this.watches.delete(w);
  }
}
