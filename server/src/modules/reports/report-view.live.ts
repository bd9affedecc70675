import { createHash } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { Permission, policy } from '../../auth/policy.js';
import { reloadViewer, type Viewer } from '../../auth/viewer.js';
import type { Clock } from '../../clock.js';
import { unauthenticated } from '../../errors.js';
import type { BusEvent, EventBus } from '../../events/event-bus.js';
import { readRightsChange, RIGHTS_CHANGED } from '../../events/rights.js';
import type { Scope } from '../../scope.js';
import { intArray } from './report.access.js';
import type { ReportSpec } from './report.inputs.js';
import { MEASURES, ReportFact, type ReportMeasure } from './report.model.js';
import type { ReportService } from './report.service.js';
import type { ReportResult } from './report.types.js';
import { REPORT_VIEW_CHANGED, type ReportViewService } from './report-view.service.js';
import type { ReportViewInfo } from './report-view.types.js';

/** Which facts each journal event changes (a lesson's change moves its marks and seats too). */
const FACTS_OF: Record<string, readonly ReportFact[]> = {
  MARK_SAVED: [ReportFact.LESSON_MARKS],
  MARK_REMOVED: [ReportFact.LESSON_MARKS],
  ATTENDANCE_SAVED: [ReportFact.SEATS],
  LESSON_UPDATED: [ReportFact.LESSONS, ReportFact.SEATS, ReportFact.LESSON_MARKS],
  PERIOD_MARK_SAVED: [ReportFact.PERIOD_MARKS],
};

/** One open `reportView(id)` subscription: a view, for one viewer. */
interface Watch {
  viewId: number;
  viewer: Viewer;
  facts: Set<ReportFact>;
  /** The courses under the viewer's row filter; null: the whole school. */
  courses: Set<number> | null;
  hash: string | null;
  lastRun: number;
  timer?: NodeJS.Timeout;
  running: boolean;
  dirty: boolean;
  /** Reload the viewer and the view (rights or the audience may have changed) before the next run. */
  recheck: boolean;
  ended: boolean;
  push(v: ReportViewInfo): void;
  fail(e: Error): void;
}

/**
 * Live saved views (issue 18): each subscription is evaluated for its viewer, under the viewer's
 * own row filter, when it opens and again after a write to the facts it reads in its school (and,
 * for a teacher, in the courses the teacher's filter covers); at most once per `debounceMs` per
 * subscription, and sent only when the result's hash changed. A change of the view (audience,
 * spec) or of the viewer's rights re-checks access: a viewer no longer in the audience gets
 * NOT_FOUND and the subscription ends. One bus listener for the process.
 */
export class ReportViewLive {
  /** At most one evaluation per subscription in this time. */
  debounceMs = 3000;
  /** Waited after the first write, so a batch of writes is evaluated once. */
  settleMs = 200;
  private readonly watches = new Set<Watch>();

  constructor(
    private readonly bus: EventBus,
    private readonly reports: ReportService,
    private readonly views: ReportViewService,
    private readonly clock: Clock,
  ) {
    bus.subscribe((e) => this.heard(e));
  }

  /** How many subscriptions are open in this process (for tests and metrics). */
  get size(): number {
    return this.watches.size;
  }

  async open(
    { viewer }: Scope,
    id: string,
  ): Promise<AsyncIterableIterator<ReportViewInfo | Error>> {
    if (!viewer) throw unauthenticated();
    const queue = new Queue<ReportViewInfo | Error>(() => this.end(watch));
    const watch: Watch = {
      viewId: 0,
      viewer,
      facts: new Set(),
      courses: null,
      hash: null,
      lastRun: 0,
      running: false,
      dirty: false,
      recheck: true,
      ended: false,
      push: (v) => queue.push(v),
      fail: (e) => queue.fail(e),
    };
    const first = await this.evaluate(watch, id);
    if (first) watch.push(first);
    this.watches.add(watch);
    return queue;
  }

  private heard(e: BusEvent): void {
    if (this.watches.size === 0) return;
    if (e.type === RIGHTS_CHANGED) return this.rightsChanged(e);
    if (e.type === REPORT_VIEW_CHANGED) {
      const viewId = Number(e.payload.viewId);
      for (const w of this.watches) if (w.viewId === viewId) this.schedule(w, true, 0);
      return;
    }
    const facts = FACTS_OF[e.type];
    if (!facts) return;
    for (const w of this.watches) {
      if (w.viewer.schoolId !== e.schoolId || !facts.some((f) => w.facts.has(f))) continue;
      if (w.courses && (e.courseId == null || !w.courses.has(e.courseId))) continue;
      this.schedule(w, false, this.settleMs);
    }
  }

  private rightsChanged(e: BusEvent): void {
    const change = readRightsChange(e.payload);
    for (const w of this.watches) {
      if (w.viewer.schoolId !== e.schoolId) continue;
      const courses = w.courses;
      if (
        change.personIds.includes(w.viewer.personId) ||
        (courses !== null && change.courseIds.some((c) => courses.has(c)))
      ) {
        this.schedule(w, true, 0);
      }
    }
  }

  private schedule(w: Watch, recheck: boolean, settle: number): void {
    w.dirty = true;
    w.recheck ||= recheck;
    if (w.timer || w.running || w.ended) return;
    const wait = Math.max(settle, w.lastRun + (recheck ? 0 : this.debounceMs) - Date.now());
    w.timer = setTimeout(() => void this.run(w), wait);
  }

  private async run(w: Watch): Promise<void> {
    w.timer = undefined;
    w.dirty = false;
    w.running = true;
    try {
      const next = await this.evaluate(w, String(w.viewId));
      if (next && !w.ended) w.push(next);
    } catch (err) {
      if (!w.ended) {
        w.fail(err as Error);
        this.end(w);
      }
    } finally {
      w.running = false;
      if (w.dirty && !w.ended) this.schedule(w, false, 0);
    }
  }

  /** The view's result for the viewer; null when it is the same as the one sent last. */
  private async evaluate(w: Watch, id: string): Promise<ReportViewInfo | null> {
    const em = this.bus.fork();
    w.lastRun = Date.now();
    if (w.recheck) {
      const now = await reloadViewer(em, w.viewer.sessionId);
      if (!now) throw unauthenticated();
      w.viewer = now;
      w.courses = await coursesOf(em, now);
    }
    const scope = { em, viewer: w.viewer };
    const view = await this.views.get(scope, id);
    w.viewId = Number(view.id);
    w.recheck = false;
    w.facts = new Set(view.spec.measures.map((m: ReportMeasure) => MEASURES[m].fact));
    const [school] = await em.execute<{ time_zone: string }[]>(
      `select time_zone from school where id = ?`,
      [w.viewer.schoolId],
    );
    const today = this.clock.today(school.time_zone);
    const result = await this.reports.run(scope, view.spec as ReportSpec, today, this.clock.now());
    const hash = hashOf(view, result);
    if (hash === w.hash) return null;
    w.hash = hash;
    return { ...view, result };
  }

  private end(w: Watch): void {
    w.ended = true;
    clearTimeout(w.timer);
    this.watches.delete(w);
  }
}

/** The courses a viewer's row filter covers (own and those of led classes); null: the school. */
async function coursesOf(em: EntityManager, viewer: Viewer): Promise<Set<number> | null> {
  if (policy.can(viewer, Permission.ReportsReadAll)) return null;
  const rows = await em.execute<{ id: number }[]>(
    `select id from course where school_id = ? and (id = any(?::int[]) or class_group_id = any(?::int[]))`,
    [viewer.schoolId, intArray(viewer.courseIds), intArray(viewer.ledClassIds)],
  );
  return new Set(rows.map((r) => r.id));
}

/** What a subscriber sees, without the time it was computed. */
function hashOf(view: ReportViewInfo, result: ReportResult): string {
  const { generatedAt: _, ...rest } = result;
  return createHash('sha256')
    .update(JSON.stringify([view.version, view.name, view.chartType, rest]))
    .digest('base64url');
}

/**
 * A subscription's values as an async iterator; `return()` (the client left) ends it at once. A
 * failure is yielded as the error (the resolver throws it) after what was queued, then it ends.
 */
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
