import type { EntityManager } from '@mikro-orm/postgresql';
import { Permission, policy } from '../../auth/policy.js';
import type { Viewer } from '../../auth/viewer.js';
import type { Clock } from '../../clock.js';
import { prepared } from '../../db/prepared.js';
import { badInput, conflict, DomainError, notFound, versionConflict } from '../../errors.js';
import type { NewEvent } from '../../events/outbox.js';
import { optionalText, parseId, requiredText } from '../../graphql/validate.js';
import type { Scope } from '../../scope.js';
import { auditAndPublish } from '../audit/audit.js';
import type {
  AnswerControlRemarkInput,
  CreateControlCheckInput,
  HealthFilterInput,
} from './control.inputs.js';
import {
  readChecks,
  readGaps,
  readHealth,
  readRemarks,
  readTarget,
  SNAPSHOT_SQL,
  type HealthFilter,
  type Target,
} from './control.queries.js';
import type {
  ControlCheck,
  ControlRemark,
  HealthGap,
  JournalHealthBoard,
} from './control.types.js';

/** The longest span a dashboard or a check may cover (a school year and a little). */
const MAX_SPAN_DAYS = 400;
const MAX_REMARKS = 50;

const days = (from: string, to: string) => (Date.parse(to) - Date.parse(from)) / 86_400_000;
const optionalId = (field: string, v: string | null | undefined) => (v ? parseId(field, v) : null);

/** A span checked: from ≤ to ≤ today, not longer than MAX_SPAN_DAYS. */
function checkSpan(from: string, to: string, today: string): void {
  if (to > today) throw badInput('to', 'DATE_OUT_OF_RANGE', 'The span ends after today');
  if (from > to) throw badInput('to', 'INVALID_DATE_RANGE', 'The span ends before it starts');
  if (days(from, to) > MAX_SPAN_DAYS) {
    throw badInput('from', 'OUT_OF_RANGE', `A span of at most ${MAX_SPAN_DAYS} days`);
  }
}

/**
 * Control of how the journal is kept (issue 14 part A): the health of every journal, computed by
 * the database from the journal and its history (`journal_health_*` functions), the gaps behind
 * each figure, checks with a snapshot of the figures and remarks to the teachers, and the
 * remarks' answers. Each write is one transaction with its audit rows and outbox events.
 */
export class ControlService {
  constructor(private readonly clock: Clock) {}

  async today(em: EntityManager, schoolId: number): Promise<string> {
    const [s] = await prepared<{ tz: string }>(
      em,
      `select time_zone as tz from school where id = ?`,
      [schoolId],
    );
    return this.clock.today(s.tz);
  }

  /** The dashboard: the administration sees the school, a teacher own courses. */
  async health(scope: Scope, input: HealthFilterInput): Promise<JournalHealthBoard> {
    const { em } = scope;
    const { viewer, teacherOnly } = reader(scope.viewer);
    const today = await this.today(em, viewer.schoolId);
    const to = input.to && input.to < today ? input.to : today;
    const from = input.from ?? (await this.periodStart(em, viewer.schoolId, to));
    checkSpan(from, to, today);
    const filter: HealthFilter = {
      grade: input.grade ?? null,
      classId: optionalId('classId', input.classId),
      teacherId: optionalId('teacherId', input.teacherId),
      subjectId: optionalId('subjectId', input.subjectId),
      courseId: null,
    };
    await checkFilter(em, viewer, teacherOnly, filter);
    if (teacherOnly) filter.teacherId = viewer.personId;
    const items = await readHealth(em, viewer.schoolId, { from, to, today }, filter);
    return { from, to, items };
  }

  /** The lessons and pupils behind a course's figures. */
  async gaps(scope: Scope, courseId: string, from: string, to: string): Promise<HealthGap[]> {
    const { em } = scope;
    const { viewer, teacherOnly } = reader(scope.viewer);
    const id = parseId('courseId', courseId);
    const [course] = await prepared<{ teacherId: number }>(
      em,
      `select teacher_id as "teacherId" from course where id = ? and school_id = ?`,
      [id, viewer.schoolId],
    );
    if (!course || (teacherOnly && course.teacherId !== viewer.personId)) throw notFound();
    const today = await this.today(em, viewer.schoolId);
    checkSpan(from, to > today ? today : to, today);
    return readGaps(em, viewer.schoolId, id, from, to > today ? today : to);
  }

  async checks({ em, viewer }: Scope, courseId: string | null): Promise<ControlCheck[]> {
    policy.require(viewer, Permission.ControlRead);
    const id = optionalId('courseId', courseId);
    return readChecks(em, viewer.schoolId, { courseId: id ?? undefined, limit: 100 });
  }

  async check({ em, viewer }: Scope, id: string): Promise<ControlCheck> {
    policy.require(viewer, Permission.ControlRead);
    const [c] = await readChecks(em, viewer.schoolId, { id: parseId('id', id), limit: 1 });
    if (!c) throw notFound();
    return c;
  }

  /** The remarks addressed to the viewer; `open`: those waiting for an answer. */
  async myRemarks({ em, viewer }: Scope, open: boolean): Promise<ControlRemark[]> {
    policy.require(viewer, Permission.JournalWrite);
    return readRemarks(em, viewer.schoolId, { teacherId: viewer.personId, open });
  }

  /**
   * Records a check: the figures of its courses now (the snapshot: later fixes do not change it),
   * the findings, and the remarks, each to the teacher of its course, who is told live.
   */
  async createCheck({ em, viewer }: Scope, input: CreateControlCheckInput): Promise<ControlCheck> {
    policy.require(viewer, Permission.ControlCheck);
    const today = await this.today(em, viewer.schoolId);
    const target = await this.target(em, viewer, input);
    checkSpan(input.from, input.to, today);
    const findings = optionalText('findings', input.findings, 5000) ?? '';
    const remarks = checkRemarks(input, target, today);
    const id = await em.transactional(async (tem) => {
      const [row] = await prepared<{ id: number }>(
        tem,
        `insert into control_check (school_id, course_id, class_group_id, checker_id, span_from, span_to, findings, snapshot)
         select ?, ?, ?, ?, ?::date, ?::date, ?, (${SNAPSHOT_SQL}) returning id`,
        [
          viewer.schoolId,
          input.courseId ? target.courses[0].id : null,
          input.courseId ? null : target.classId,
          viewer.personId,
          input.from,
          input.to,
          findings,
          viewer.schoolId,
          input.from,
          input.to,
          `{${target.courses.map((c) => c.id).join(',')}}`,
        ],
      );
      const made = await prepared<{ id: number; teacherId: number }>(
        tem,
        `insert into control_remark (school_id, check_id, course_id, teacher_id, text, due_on)
         select ?, ?, x."courseId", x."teacherId", x.text, x."dueOn"::date
           from jsonb_to_recordset(?::jsonb) as x("courseId" int, "teacherId" int, text text, "dueOn" text)
         returning id, teacher_id as "teacherId"`,
        [viewer.schoolId, row.id, JSON.stringify(remarks)],
      );
      const events: NewEvent[] = [
        {
          type: 'CONTROL_CHECKED',
          payload: { checkId: String(row.id), authorId: String(viewer.personId) },
        },
        ...made.map((r) => remarkEvent(viewer, r.id, row.id, r.teacherId, 'OPEN')),
      ];
      const after = { courseId: input.courseId ?? null, classId: input.classId ?? null, ...input };
      await auditAndPublish(
        tem,
        viewer,
        [{ entity: 'control_check', entityId: row.id, action: 'create', before: null, after }],
        events,
      );
      return row.id;
    });
    return this.check({ em, viewer }, String(id));
  }

  /** The teacher's answer (and, with `fixed`, the remark marked fixed). */
  async answer({ em, viewer }: Scope, input: AnswerControlRemarkInput): Promise<ControlRemark> {
    policy.require(viewer, Permission.JournalWrite);
    const text = requiredText('answer', input.answer, 5000);
    const r = await this.remark(em, viewer, input.id);
    if (r.teacherId !== String(viewer.personId)) {
      throw new DomainError('FORBIDDEN', 'The remark is addressed to another teacher', {
        reason: 'NOT_ADDRESSEE',
        field: 'id',
      });
    }
    if (r.status === 'ACCEPTED') throw conflict('id', 'REMARK_CLOSED', 'The remark was accepted');
    if (r.version !== input.version) throw versionConflict('The remark was changed', r);
    const status = input.fixed ? 'fixed' : 'answered';
    return this.write(em, viewer, r, status, text, checkerOf(r));
  }

  /** The checker's decision on an answered or fixed remark: accepted, or reopened. */
  async decide({ em, viewer }: Scope, id: string, accept: boolean): Promise<ControlRemark> {
    policy.require(viewer, Permission.ControlCheck);
    const r = await this.remark(em, viewer, id);
    const may = accept ? ['ANSWERED', 'FIXED'] : ['ANSWERED', 'FIXED', 'ACCEPTED'];
    if (!may.includes(r.status)) {
      throw conflict('id', 'NOT_ANSWERED', 'The remark has no answer yet');
    }
    return this.write(em, viewer, r, accept ? 'accepted' : 'reopened', null, Number(r.teacherId));
  }

  private async write(
    em: EntityManager,
    viewer: Viewer,
    r: ControlRemark,
    status: string,
    answer: string | null,
    notify: number,
  ): Promise<ControlRemark> {
    const id = Number(r.id);
    await em.transactional(async (tem) => {
      await prepared(
        tem,
        `update control_remark set status = ?, answer = coalesce(?, answer), version = version + 1,
                answered_at = case when ?::text is not null then now() else answered_at end,
                fixed_at = case when ? = 'fixed' then now() when ? = 'reopened' then null else fixed_at end,
                decided_at = case when ? in ('accepted', 'reopened') then now() else decided_at end
          where id = ? and school_id = ?`,
        [status, answer, answer, status, status, status, id, viewer.schoolId],
      );
      const entry = {
        entity: 'control_remark',
        entityId: id,
        action: 'update' as const,
        before: { status: r.status, answer: r.answer },
        after: { status: status.toUpperCase(), answer: answer ?? r.answer },
      };
      const event = remarkEvent(viewer, id, Number(r.checkId), notify, status.toUpperCase());
      await auditAndPublish(tem, viewer, [entry], [event]);
    });
    const [now] = await readRemarks(em, viewer.schoolId, { ids: [id] });
    return now;
  }

  private async remark(em: EntityManager, viewer: Viewer, id: string): Promise<ControlRemark> {
    const [r] = await readRemarks(em, viewer.schoolId, { ids: [parseId('id', id)] });
    if (!r) throw notFound();
    return r;
  }

  private async target(
    em: EntityManager,
    viewer: Viewer,
    input: CreateControlCheckInput,
  ): Promise<Target> {
    if (!!input.courseId === !!input.classId) {
      throw badInput('courseId', 'REQUIRED', 'Name a course or a class (one of them)');
    }
    const field = input.courseId ? 'courseId' : 'classId';
    const target = await readTarget(
      em,
      viewer.schoolId,
      optionalId('courseId', input.courseId),
      optionalId('classId', input.classId),
    );
    if (!target) throw badInput(field, 'INVALID_ID', 'No such course or class in the school');
    return target;
  }

  /** The first day of the study period that holds `day` (else 30 days before it). */
  private async periodStart(em: EntityManager, schoolId: number, day: string): Promise<string> {
    const [row] = await prepared<{ from: string }>(
      em,
      `select coalesce((select sp.starts_on from study_period sp where sp.school_id = ? and ?::date between sp.starts_on and sp.ends_on
                         order by sp.starts_on desc limit 1), ?::date - 30)::text as from`,
      [schoolId, day, day],
    );
    return row.from;
  }
}

/**
 * The filter's records must be the viewer's to name: of the viewer's school, and for a teacher
 * (own courses only) the teacher themself and a class they teach in. Otherwise NOT_FOUND naming
 * the field, as for any record the viewer may not read (a filter never widens nor silently
 * changes what is asked).
 */
async function checkFilter(
  em: EntityManager,
  viewer: Viewer,
  teacherOnly: boolean,
  f: HealthFilter,
): Promise<void> {
  if (teacherOnly && f.teacherId !== null && f.teacherId !== viewer.personId) {
    throw notFoundField('teacherId');
  }
  const [ok] = await em.execute<{ cls: boolean; subject: boolean; teacher: boolean }[]>(
    `select (?::int is null or exists (select 1 from class_group c where c.id = ? and c.school_id = ?
               and (not ? or exists (select 1 from course co where co.class_group_id = c.id
                                       and co.teacher_id = ?)))) as cls,
            (?::int is null or exists (select 1 from subject s where s.id = ? and s.school_id = ?)) as subject,
            (?::int is null or exists (select 1 from person p where p.id = ? and p.school_id = ?)) as teacher`,
    [
      f.classId,
      f.classId,
      viewer.schoolId,
      teacherOnly,
      viewer.personId,
      f.subjectId,
      f.subjectId,
      viewer.schoolId,
      f.teacherId,
      f.teacherId,
      viewer.schoolId,
    ],
  );
  if (!ok.cls) throw notFoundField('classId');
  if (!ok.subject) throw notFoundField('subjectId');
  if (!ok.teacher) throw notFoundField('teacherId');
}

const notFoundField = (field: string) =>
  new DomainError('NOT_FOUND', 'Not found or not allowed', { field });

/** Administration: the school; a teacher: own courses (teacherOnly); anyone else: refused. */
function reader(viewer: Viewer | null): { viewer: Viewer; teacherOnly: boolean } {
  if (policy.can(viewer, Permission.ControlRead)) return { viewer: viewer!, teacherOnly: false };
  policy.require(viewer, Permission.JournalWrite);
  return { viewer, teacherOnly: true };
}

/** Each remark checked, with its course and that course's teacher. */
function checkRemarks(input: CreateControlCheckInput, target: Target, today: string) {
  if (input.remarks.length > MAX_REMARKS) {
    throw badInput('remarks', 'TOO_MANY', `At most ${MAX_REMARKS} remarks`);
  }
  return input.remarks.map((r, i) => {
    const text = requiredText(`remarks.${i}.text`, r.text, 2000);
    if (r.dueOn < today) {
      throw badInput(`remarks.${i}.dueOn`, 'DATE_OUT_OF_RANGE', 'A due date before today');
    }
    const courseId = r.courseId ? parseId(`remarks.${i}.courseId`, r.courseId) : null;
    const course = courseId
      ? target.courses.find((c) => c.id === courseId)
      : input.courseId
        ? target.courses[0]
        : undefined;
    if (!course) {
      throw badInput(
        `remarks.${i}.courseId`,
        courseId ? 'INVALID_ID' : 'REQUIRED',
        'Name a course of the check',
      );
    }
    return { courseId: course.id, teacherId: course.teacherId, text, dueOn: r.dueOn };
  });
}

/** The checker of a remark's check: told of the teacher's answer. */
const checkerOf = (r: ControlRemark) => Number(r.checkerId);

/** A remark's event to the person it concerns (the teacher, or the checker for an answer). */
function remarkEvent(
  viewer: Viewer,
  remarkId: number,
  checkId: number,
  to: number,
  status: string,
): NewEvent {
  return {
    type: 'CONTROL_REMARK',
    personIds: [to],
    payload: {
      remarkId: String(remarkId),
      checkId: String(checkId),
      status,
      authorId: String(viewer.personId),
    },
  };
}
