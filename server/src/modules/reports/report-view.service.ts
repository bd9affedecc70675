import type { EntityManager } from '@mikro-orm/postgresql';
import { Permission, policy } from '../../auth/policy.js';
import type { Role } from '../../auth/role.js';
import type { Viewer } from '../../auth/viewer.js';
import type { Clock } from '../../clock.js';
import { badInput, DomainError, notFound, versionConflict } from '../../errors.js';
import { audit } from '../audit/audit.js';
import { publish } from '../../events/outbox.js';
import { parseId } from '../../graphql/validate.js';
import type { Scope } from '../../scope.js';
import { reportScope } from './report.access.js';
import { compileReport } from './report.compiler.js';
import type { ReportSpec } from './report.inputs.js';
import { ReportScheduleFrequency, ReportView, type StoredSpec } from './report-view.entity.js';
import { checkSchedule, scheduleChanged, wallKey, type Schedule } from './report-schedule.js';
import { cursorOf, parseCursor, staffRoles, toInfo, visibleViews } from './report-view.queries.js';
import {
  ReportViewFilter,
  type ReportViewInfo,
  type ReportViewInput,
  type ReportViewPage,
} from './report-view.types.js';

/** The outbox event of a saved view's change: live subscriptions to it check access again. */
export const REPORT_VIEW_CHANGED = 'REPORT_VIEW_CHANGED';
const MAX_PAGE = 100;

/**
 * Saved report views (issue 18): own and shared lists, one view, and the owner's writes, each
 * one transaction, audited, announced on the outbox so live subscriptions re-check.
 */
export class ReportViewService {
  constructor(private readonly clock: Clock) {}

  async list(
    { em, viewer }: Scope,
    filter: ReportViewFilter,
    first: number,
    after: string | null,
  ): Promise<ReportViewPage> {
    policy.require(viewer, Permission.ReportsRead);
    const n = Math.min(Math.max(first, 1), MAX_PAGE);
    const rows = await visibleViews(em, viewer, {
      filter,
      first: n + 1,
      after: parseCursor(after),
    });
    const items = rows.slice(0, n).map((r) => toInfo(r, viewer));
    return { items, nextCursor: rows.length > n ? cursorOf(items[n - 1].id) : null };
  }

  /** One view the viewer owns or is the audience of; anything else is NOT_FOUND. */
  async get({ em, viewer }: Scope, id: string | number): Promise<ReportViewInfo> {
    policy.require(viewer, Permission.ReportsRead);
    const [row] = await visibleViews(em, viewer, { id: parseId('id', id) });
    if (!row) throw notFound();
    return toInfo(row, viewer);
  }

  async create(scope: Scope, input: ReportViewInput, today: string): Promise<ReportViewInfo> {
    const viewer = await checked(scope, input, today);
    const schedule = checkSchedule(input.schedule);
    const id = await scope.em.transactional(async (tem) => {
      const view = tem.create(ReportView, {
        school: viewer.schoolId,
        owner: viewer.personId,
        ...fields(input),
      });
      await this.setSchedule(tem, view, schedule);
      await tem.flush();
      audit(tem, viewer, 'report_view', view.id, 'create', null, snapshot(view));
      await announce(tem, viewer, view.id);
      return view.id;
    });
    return this.get(scope, id);
  }

  async update(
    scope: Scope,
    id: string,
    version: number,
    input: ReportViewInput,
    today: string,
  ): Promise<ReportViewInfo> {
    const { viewer } = scope;
    policy.require(viewer, Permission.ReportsRead);
    await scope.em.transactional(async (tem) => {
      const view = await owned(tem, viewer, id, version);
      await checked({ em: tem, viewer }, input, today);
      const schedule = input.schedule ? checkSchedule(input.schedule) : scheduleOf(view);
      const before = snapshot(view);
      tem.assign(view, fields(input));
      await this.setSchedule(tem, view, schedule);
      await tem.flush();
      audit(tem, viewer, 'report_view', view.id, 'update', before, snapshot(view));
      await announce(tem, viewer, view.id);
    });
    return this.get(scope, id);
  }

  /** Deletes (a tombstone stays, so copies keep their origin); answers the id. */
  async delete({ em, viewer }: Scope, id: string, version: number): Promise<string> {
    policy.require(viewer, Permission.ReportsRead);
    await em.transactional(async (tem) => {
      const view = await owned(tem, viewer, id, version);
      view.deletedAt = new Date();
      await tem.flush();
      audit(tem, viewer, 'report_view', view.id, 'remove', snapshot(view), null);
      await announce(tem, viewer, view.id);
    });
    return String(id);
  }

  /** A copy the viewer owns, of any view they see: not shared, not pinned, its origin kept. */
  async copy(scope: Scope, id: string, name: string | null): Promise<ReportViewInfo> {
    const source = await this.get(scope, id);
    const viewer = scope.viewer!;
    const copyName = checkName(name ?? source.name, 'name');
    const newId = await scope.em.transactional(async (tem) => {
      const original = await tem.findOneOrFail(ReportView, Number(source.id));
      const view = tem.create(ReportView, {
        school: viewer.schoolId,
        owner: viewer.personId,
        name: copyName,
        description: original.description,
        spec: original.spec,
        chartType: original.chartType,
        copiedFrom: original.id,
      });
      await tem.flush();
      audit(tem, viewer, 'report_view', view.id, 'create', null, {
        ...snapshot(view),
        copiedFrom: original.id,
      });
      return view.id;
    });
    return this.get(scope, newId);
  }

  /**
   * Sets the schedule; a changed one counts from now on the school's wall clock (an occurrence
   * already past in this week or month is not sent at once), and what was sent stays sent.
   */
  private async setSchedule(em: EntityManager, view: ReportView, s: Schedule): Promise<void> {
    if (!scheduleChanged(scheduleOf(view), s)) return;
    const [school] = await em.execute<{ time_zone: string }[]>(
      'select time_zone from school where id = ?',
      [view.school.id],
    );
    em.assign(view, {
      scheduleFrequency: s.frequency,
      scheduleDay: s.day,
      scheduleHour: s.hour,
      scheduleFrom:
        s.frequency === ReportScheduleFrequency.OFF
          ? null
          : wallKey(this.clock.wallClock(school.time_zone)),
    });
  }
}

const scheduleOf = (v: ReportView): Schedule => ({
  frequency: v.scheduleFrequency,
  day: v.scheduleDay,
  hour: v.scheduleHour,
});

/** The viewer's own live view at `version`; another's view is NOT_FOUND (or read-only). */
async function owned(
  em: EntityManager,
  viewer: Viewer,
  id: string,
  version: number,
): Promise<ReportView> {
  const view = await em.findOne(ReportView, { id: parseId('id', id), deletedAt: null });
  if (!view) throw notFound();
  if (view.owner.id !== viewer.personId) {
    const [seen] = await visibleViews(em, viewer, { id: view.id });
    if (!seen) throw notFound();
    throw new DomainError('FORBIDDEN', 'Only the owner changes a saved view', {
      reason: 'MISSING_PERMISSION',
    });
  }
  if (view.version !== version) {
    throw versionConflict('The view was changed meanwhile', { version: view.version });
  }
  return view;
}

/** Checks the input as the viewer: name, description, the spec as `report` would, the audience. */
async function checked(scope: Scope, input: ReportViewInput, today: string): Promise<Viewer> {
  const { viewer } = scope;
  policy.require(viewer, Permission.ReportsRead);
  input.name = checkName(input.name, 'name');
  input.description = (input.description ?? '').trim();
  if (input.description.length > 1000) {
    throw badInput('description', 'TOO_LONG', 'At most 1000 characters');
  }
  checkSpec(viewer, input.spec, today);
  await checkAudience(scope.em, viewer, input);
  return viewer;
}

function checkName(name: string, field: string): string {
  const n = name.trim();
  if (!n) throw badInput(field, 'REQUIRED', 'Name the view');
  if (n.length > 120) throw badInput(field, 'TOO_LONG', 'At most 120 characters');
  return n;
}

/** The compiler's own checks, for the owner (refusals name `spec.…`, as `report` does). */
function checkSpec(viewer: Viewer, spec: ReportSpec, today: string): void {
  compileReport(spec, {
    schoolId: viewer.schoolId,
    today,
    scope: reportScope(viewer),
    wholeSchool: policy.can(viewer, Permission.ReportsReadAll),
  });
}

/** Whom the owner may share with: the policy's rule for each role and each person named. */
async function checkAudience(em: EntityManager, viewer: Viewer, input: ReportViewInput) {
  const roles = [...new Set(input.audience?.roles ?? [])];
  for (const role of roles) {
    if (!policy.canShareReportWithRole(viewer, role)) {
      throw badInput('audience.roles', 'AUDIENCE_NOT_ALLOWED', `Cannot share with ${role}`);
    }
  }
  const ids = [
    ...new Set(
      (input.audience?.staffIds ?? []).map((s, i) => parseId(`audience.staffIds[${i}]`, s)),
    ),
  ];
  const found = await staffRoles(em, viewer, ids);
  for (const id of ids) {
    const personRoles = found.get(id);
    if (!personRoles || !policy.canShareReportWithPerson(viewer, personRoles)) {
      throw badInput(
        'audience.staffIds',
        'AUDIENCE_NOT_ALLOWED',
        'Can share only with staff of the school who run reports',
      );
    }
  }
  input.audience = { roles, staffIds: ids.filter((id) => id !== viewer.personId).map(String) };
}

function fields(input: ReportViewInput) {
  return {
    name: input.name,
    description: input.description ?? '',
    spec: storedSpec(input.spec),
    chartType: input.chartType,
    audienceRoles: (input.audience?.roles ?? []) as Role[],
    audiencePersonIds: (input.audience?.staffIds ?? []).map(Number),
    pinned: input.pinned,
  };
}

function storedSpec(s: ReportSpec): StoredSpec {
  return {
    rows: [...s.rows],
    columns: s.columns ?? null,
    measures: [...s.measures],
    filters: (s.filters ?? []).map((f) => ({
      dimension: f.dimension,
      equals: f.equals ?? null,
      in: f.in ?? null,
      from: f.from ?? null,
      to: f.to ?? null,
    })),
    sort: (s.sort ?? []).map((x) => ({
      dimension: x.dimension ?? null,
      measure: x.measure ?? null,
      descending: x.descending ?? null,
    })),
    limit: s.limit ?? null,
  };
}

const snapshot = (v: ReportView): Record<string, unknown> => ({
  name: v.name,
  description: v.description,
  spec: v.spec,
  chartType: v.chartType,
  audienceRoles: v.audienceRoles,
  audiencePersonIds: v.audiencePersonIds,
  pinned: v.pinned,
  schedule: scheduleOf(v),
});

/** Live subscriptions to the view re-check their access (the audience may have changed). */
const announce = (em: EntityManager, viewer: Viewer, viewId: number) =>
  publish(em, viewer.schoolId, [{ type: REPORT_VIEW_CHANGED, payload: { viewId } }]);
