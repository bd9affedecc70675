import type { EntityManager } from '@mikro-orm/postgresql';
import { Permission, policy } from '../../auth/policy.js';
import { reloadViewer, type Viewer } from '../../auth/viewer.js';
import type { Clock } from '../../clock.js';
import { unauthenticated } from '../../errors.js';
import type { BusEvent, EventBus } from '../../events/event-bus.js';
import { answerHash, LiveQueue, Refresh } from '../../events/live-query.js';
import { readRightsChange, RIGHTS_CHANGED } from '../../events/rights.js';
import type { Scope } from '../../scope.js';
import { intArray, reportScope } from './report.access.js';
import type { ReportSpec } from './report.inputs.js';
import { MEASURES, ReportFact, type ReportMeasure } from './report.model.js';
import type { ReportService } from './report.service.js';
import type { ReportResult } from './report.types.js';
import { REPORT_VIEW_CHANGED, type ReportViewService } from './report-view.service.js';
import type { ReportViewInfo } from './report-view.types.js';

/**
 * Which facts each event changes (a lesson's change moves its marks and seats too; attendance,
 * the lessons without it; a cancelled-class day, which lessons are remote and whose tasks count;
 * the control settings, the minimum of marks and the days after which an entry is late; a remote
 * lesson's posted work, its material and tasks; a family's tick, the tasks done).
 */
const FACTS_OF: Record<string, readonly ReportFact[]> = {
  MARK_SAVED: [ReportFact.LESSON_MARKS, ReportFact.MARK_MINIMUMS, ReportFact.LATE_ENTRIES],
  MARK_REMOVED: [ReportFact.LESSON_MARKS, ReportFact.MARK_MINIMUMS, ReportFact.LATE_ENTRIES],
  ATTENDANCE_SAVED: [ReportFact.SEATS, ReportFact.LESSONS, ReportFact.LATE_ENTRIES],
  LESSON_UPDATED: [
    ReportFact.LESSONS,
    ReportFact.SEATS,
    ReportFact.LESSON_MARKS,
    ReportFact.MARK_MINIMUMS,
    ReportFact.LATE_ENTRIES,
    ReportFact.REMOTE_TASKS,
  ],
  PERIOD_MARK_SAVED: [ReportFact.PERIOD_MARKS, ReportFact.PERIOD_MARKS_DUE],
  CANCELLED_DAY: [ReportFact.LESSONS, ReportFact.SEATS, ReportFact.REMOTE_TASKS],
  REMOTE_WORK_POSTED: [ReportFact.LESSONS, ReportFact.REMOTE_TASKS],
  REMOTE_TASK_CHECKED: [ReportFact.REMOTE_TASKS],
  CONTROL_SETTINGS_CHANGED: [ReportFact.MARK_MINIMUMS, ReportFact.LATE_ENTRIES],
};

/** One open `reportView(id)` subscription: a view, for one viewer. */
interface Watch {
  viewer: Viewer;
  /** The view as this viewer last read it (null until the first read). */
  view: ReportViewInfo | null;
  group: Group | null;
  hash: string | null;
  /** Reload the viewer and the view (rights or the audience may have changed) before the next run. */
  recheck: boolean;
  ended: boolean;
  push(v: ReportViewInfo): void;
  fail(e: Error): void;
}

/**
 * The subscriptions to one version of a view whose viewers have the same row filter: they see the
 * same result, so it is evaluated once per refresh for all of them (debounced per group).
 */
interface Group {
  key: string;
  viewId: number;
  schoolId: number;
  facts: Set<ReportFact>;
  /** The courses under the row filter; null: the whole school. */
  courses: Set<number> | null;
  watches: Set<Watch>;
  /** The last result; the refresh knows whether a write came after it (events/live-query.ts). */
  last: ReportResult | null;
  refresh: Refresh;
}

/**
 * Live saved views (issue 18): each subscription sees the view under its viewer's own row filter.
 * Subscriptions to the same version of a view whose viewers have the same row filter form a group
 * evaluated once per refresh: when the first opens, and again after a write to the facts the view
 * reads in its school (and, under a teacher's filter, in the courses it covers); at most once per
 * `debounceMs` per group, each subscriber sent the result only when its hash changed. A change of
 * the view (audience, spec) or of the viewer's rights re-checks access: a viewer no longer in the
 * audience gets NOT_FOUND and the subscription ends. One bus listener for the process.
 */
export class ReportViewLive {
  /** At most one evaluation per group in this time. */
  debounceMs = 3000;
  /** Waited after the first write, so a batch of writes is evaluated once. */
  settleMs = 200;
  /** Report statements run for subscriptions so far (for tests and metrics). */
  evaluations = 0;
  private readonly groups = new Map<string, Group>();

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
    let n = 0;
    for (const g of this.groups.values()) n += g.watches.size;
    return n;
  }

  async open(
    { viewer }: Scope,
    id: string,
  ): Promise<AsyncIterableIterator<ReportViewInfo | Error>> {
    if (!viewer) throw unauthenticated();
    const queue = new LiveQueue<ReportViewInfo | Error>(() => this.end(watch));
    const watch: Watch = {
      viewer,
      view: null,
      group: null,
      hash: null,
      recheck: true,
      ended: false,
      push: (v) => queue.push(v),
      fail: (e) => queue.fail(e),
    };
    const em = this.bus.fork();
    try {
      const group = await this.recheck(em, watch, id);
      const fresh = group.last && group.refresh.current;
      this.send(watch, fresh ? group.last! : await this.evaluate(em, group));
    } catch (e) {
      this.end(watch);
      throw e;
    }
    return queue;
  }

  private heard(e: BusEvent): void {
    if (this.groups.size === 0) return;
    if (e.type === RIGHTS_CHANGED) return this.rightsChanged(e);
    if (e.type === REPORT_VIEW_CHANGED) {
      const viewId = Number(e.payload.viewId);
      for (const g of this.groups.values()) {
        if (g.viewId !== viewId) continue;
        for (const w of g.watches) w.recheck = true;
        this.schedule(g, 0, true);
      }
      return;
    }
    const facts = FACTS_OF[e.type];
    if (!facts) return;
    for (const g of this.groups.values()) {
      if (g.schoolId !== e.schoolId || !facts.some((f) => g.facts.has(f))) continue;
      // An event without a course (a cancelled-class day, the control settings) is school-wide:
      // it may move any course's facts, so it reaches every row filter.
      if (g.courses && e.courseId != null && !g.courses.has(e.courseId)) continue;
      this.schedule(g, this.settleMs, false);
    }
  }

  private rightsChanged(e: BusEvent): void {
    const change = readRightsChange(e.payload);
    for (const g of this.groups.values()) {
      if (g.schoolId !== e.schoolId) continue;
      const courses = g.courses;
      const all = courses !== null && change.courseIds.some((c) => courses.has(c));
      let any = false;
      for (const w of g.watches) {
        if (all || change.personIds.includes(w.viewer.personId)) {
          w.recheck = true;
          any = true;
        }
      }
      if (any) this.schedule(g, 0, true);
    }
  }

  private schedule(g: Group, settle: number, now: boolean): void {
    g.refresh.schedule(settle, now);
  }

  private async run(g: Group): Promise<void> {
    try {
      const em = this.bus.fork();
      for (const w of [...g.watches]) {
        if (!w.recheck) continue;
        try {
          const moved = await this.recheck(em, w, String(g.viewId));
          if (moved !== g) this.schedule(moved, 0, true);
        } catch (err) {
          this.failed(w, err as Error);
        }
      }
      if (g.watches.size === 0) return;
      const result = await this.evaluate(em, g);
      for (const w of g.watches) this.send(w, result);
    } catch (err) {
      for (const w of [...g.watches]) this.failed(w, err as Error);
    }
  }

  /** Reads the viewer and the view again, and puts the watch in the group they make. */
  private async recheck(em: EntityManager, w: Watch, id: string): Promise<Group> {
    const now = await reloadViewer(em, w.viewer.sessionId);
    if (!now) throw unauthenticated();
    w.viewer = now;
    w.view = await this.views.get({ em, viewer: now }, id);
    w.recheck = false;
    const scope = reportScope(now);
    const key = JSON.stringify([
      w.view.id,
      w.view.version,
      now.schoolId,
      policy.can(now, Permission.ReportsReadAll),
      scope,
    ]);
    if (w.group?.key === key) return w.group;
    this.leave(w);
    let g = this.groups.get(key);
    if (!g) {
      const made: Group = {
        key,
        viewId: Number(w.view.id),
        schoolId: now.schoolId,
        facts: new Set(w.view.spec.measures.map((m: ReportMeasure) => MEASURES[m].fact)),
        courses: await coursesOf(em, now),
        watches: new Set(),
        last: null,
        refresh: new Refresh(
          () => this.debounceMs,
          () => this.run(made),
        ),
      };
      g = made;
      this.groups.set(key, g);
    }
    g.watches.add(w);
    w.group = g;
    return g;
  }

  /** The group's view for its row filter: one statement, as its first viewer. */
  private async evaluate(em: EntityManager, g: Group): Promise<ReportResult> {
    const first = g.watches.values().next().value!;
    g.refresh.lastRun = Date.now();
    this.evaluations++;
    const [school] = await em.execute<{ time_zone: string }[]>(
      `select time_zone from school where id = ?`,
      [g.schoolId],
    );
    const today = this.clock.today(school.time_zone);
    const scope = { em, viewer: first.viewer };
    const spec = first.view!.spec as ReportSpec;
    g.last = await this.reports.run(scope, spec, today, this.clock.now());
    return g.last;
  }

  /** Sends the view with the result unless this subscriber saw the same already. */
  private send(w: Watch, result: ReportResult): void {
    if (w.ended || !w.view) return;
    const hash = hashOf(w.view, result);
    if (hash === w.hash) return;
    w.hash = hash;
    w.push({ ...w.view, result });
  }

  private failed(w: Watch, err: Error): void {
    if (w.ended) return;
    w.fail(err);
    this.end(w);
  }

  private leave(w: Watch): void {
    const g = w.group;
    if (!g) return;
    g.watches.delete(w);
    w.group = null;
    if (g.watches.size === 0) {
      g.refresh.stop();
      this.groups.delete(g.key);
    }
  }

  private end(w: Watch): void {
    w.ended = true;
    this.leave(w);
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
  return answerHash([view.version, view.name, view.chartType, rest]);
}
