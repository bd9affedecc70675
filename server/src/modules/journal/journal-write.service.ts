import type { ErrorReason } from '../../error-reason.js';
import type { EntityManager } from '@mikro-orm/postgresql';
import { Permission, policy } from '../../auth/policy.js';
import { DomainError, notFound, type EntryProblem, versionConflict } from '../../errors.js';
import { optionalText } from '../../graphql/validate.js';
import { prepared } from '../../db/prepared.js';
import { claimKey, idempotencyKey, type Claim } from '../../db/idempotency.js';
import type { Clock } from '../../clock.js';
import type { Viewer } from '../../auth/viewer.js';
import type { Scope } from '../../scope.js';
import { School } from '../school/school.entity.js';
import { audit, auditAndPublish, type AuditEntry } from '../audit/audit.js';
import { outboxArgument, publish, type NewEvent } from '../../events/outbox.js';
import { Attendance } from './attendance.entity.js';
import { Lesson } from './lesson.entity.js';
import type { JournalAttendance, JournalLesson, JournalMark } from './journal.types.js';
import type { AttendanceChangeInput, LessonInput, MarkChangeInput } from './journal.inputs.js';
import { lessonWriteRefusals, type LessonWriteFacts, type WriteRefusal } from './journal.access.js';

/**
 * `updateLesson`'s write: the topic and homework if the version still matches, the audit row and
 * the event, in one statement (decision 21). Parameters: topic, homework, lesson, school, version
 * read, school, actor, before, after, school, events.
 */
export const LESSON_WRITE_SQL = `with u as (update lesson set topic = ?, homework = ?, version = version + 1, updated_at = now()
                   where id = ? and school_id = ? and version = ? returning id),
            a as (insert into audit_event (school_id, actor_id, entity, entity_id, action, before, after)
                  select ?, ?, 'lesson', u.id, 'update', ?::jsonb, ?::jsonb from u)
       select u.id, outbox_publish(?, ?::jsonb) from u`;

/** A lesson with what the rules need to know of it, read for a whole batch in one query. */
interface LessonFacts extends LessonWriteFacts {
  number: number;
  topic: string | null;
  homework: string | null;
  note: string | null;
  version: number;
  classGroupId: number;
  courseId: number;
  /** On a cancelled-class day of its class: studied from home, no absence recorded. */
  remote: boolean;
}

const problem = (
  index: number,
  reason: ErrorReason,
  message: string,
  field?: string,
): EntryProblem => ({
  index,
  reason,
  message,
  field,
});

function lessonRows(em: EntityManager, schoolId: number, ids: number[]): Promise<LessonFacts[]> {
  return prepared<LessonFacts>(
    em,
    `select l.id, l.date::text as date, l.number, l.topic, l.homework, l.note, l.cancelled, l.substitute_id as "substituteId",
            l.version, co.class_group_id as "classGroupId", co.teacher_id as "teacherId", co.id as "courseId",
            exists(select 1 from study_period sp where sp.academic_year_id = co.academic_year_id
                    and l.date between sp.starts_on and sp.ends_on and sp.locked_at is not null) as locked,
            exists(select 1 from cancelled_day cd where cd.school_id = l.school_id and cd.date = l.date
                    and co.class_group_id = any(cd.class_ids)) as remote
       from lesson l join course co on co.id = l.course_id
      where l.school_id = ? and l.id = any(?::int[])`,
    [schoolId, ids],
  );
}

async function lessonFacts(
  em: EntityManager,
  schoolId: number,
  ids: number[],
): Promise<Map<number, LessonFacts>> {
  if (ids.length === 0) return new Map();
  return new Map((await lessonRows(em, schoolId, ids)).map((r) => [r.id, r]));
}

const lessonRowDto = (l: LessonFacts): JournalLesson => ({
  id: l.id,
  date: l.date,
  number: l.number,
  topic: l.topic,
  homework: l.homework,
  note: l.note,
  cancelled: l.cancelled,
  substituteId: l.substituteId,
  version: l.version,
});

/** The (pupil, lesson) pairs in which the pupil was enrolled in the lesson's class on its date. */
async function enrolledPairs(
  em: EntityManager,
  pairs: { pupilId: number; lessonId: number }[],
): Promise<Set<string>> {
  if (pairs.length === 0) return new Set();
  const rows = await prepared<{ pupil_id: number; lesson_id: number }>(
    em,
    `select distinct v.pupil_id, v.lesson_id from unnest(?::int[], ?::int[]) v(pupil_id, lesson_id)
       join lesson l on l.id = v.lesson_id join course co on co.id = l.course_id
       join enrollment e on e.pupil_id = v.pupil_id and e.class_group_id = co.class_group_id
        and e.starts_on <= l.date and (e.ends_on is null or e.ends_on >= l.date)
      where (co.subgroup_id is null or exists(select 1 from subgroup_member sm where sm.subgroup_id = co.subgroup_id and sm.pupil_id = v.pupil_id))`,
    [pairs.map((p) => p.pupilId), pairs.map((p) => p.lessonId)],
  );
  return new Set(rows.map((r) => `${r.pupil_id}:${r.lesson_id}`));
}

const markDto = (m: JournalMark): JournalMark => ({
  id: m.id,
  lessonId: m.lessonId,
  pupilId: m.pupilId,
  value: m.value,
  score: m.score,
  workTypeId: m.workTypeId,
  comment: m.comment,
  version: m.version,
});

/** A mark's columns as `JournalMark` names them. */
const MARK_COLUMNS = `id, lesson_id as "lessonId", pupil_id as "pupilId", value, score, work_type_id as "workTypeId", comment, version`;

/** Marks by id, tombstones included (`removed`). */
function markRows(
  em: EntityManager,
  schoolId: number,
  ids: number[],
): Promise<(JournalMark & { removed: boolean })[]> {
  return prepared(
    em,
    `select ${MARK_COLUMNS}, removed_at is not null as removed from mark where school_id = ? and id = any(?::int[])`,
    [schoolId, ids],
  );
}

/** What `saveMarks` answers (and stores for a retry with the same idempotency key). */
export interface SavedMarks {
  saved: JournalMark[];
  removedIds: number[];
}

/** What the rules of marks need of the school. */
interface MarkRules {
  timeZone: string;
  scaleMin: number;
  scaleMax: number;
  markSymbols: { code: string }[];
  activeWorkTypes: number[];
}

/** Everything `saveMarks` checks a batch against, read in a few queries. */
interface MarkFacts {
  school: MarkRules;
  symbols: Set<string>;
  activeWorkTypes: Set<number>;
  /** The marks the batch names, by id. */
  marks: Map<number, JournalMark & { removed: boolean }>;
  lessons: Map<number, LessonFacts>;
  /** The write rule's answer for every lesson the batch names (`lessonOfChange`). */
  refusals: Map<number, WriteRefusal | null>;
  /** `pupil:lesson` of the new marks whose pupil was enrolled in the lesson. */
  enrolled: Set<string>;
}

/** One change as the write statement takes it, `k` its place in the batch. */
interface MarkWrite {
  k: number;
  id: number | null;
  version: number | null;
  remove: boolean;
  lessonId?: number;
  pupilId?: number;
  value?: string;
  score?: number | null;
  workTypeId?: number;
  comment?: string | null;
}

/** Everything `saveAttendance` checks a batch against. */
interface AttendanceFacts {
  /** Each change's pupil and lesson, in the batch's order. */
  pairs: { pupilId: number; lessonId: number }[];
  lessons: Map<number, LessonFacts>;
  refusals: Map<number, WriteRefusal | null>;
  enrolled: Set<string>;
  /** The school's attendance codes: id → active. */
  codes: Map<number, boolean>;
  /** The entries there are, by `pupil:lesson`. */
  byPair: Map<string, Attendance>;
}

export class JournalWriteService {
  constructor(private readonly clock: Clock) {}

  /**
   * Writes a batch of mark changes atomically: every entry is checked first, and one wrong entry
   * refuses the whole batch with each wrong entry named. The journal's most frequent write,
   * so it is plain SQL in one transaction: the reads the rules need, one statement for the marks
   * (each change only if its version still matches), one for the history and the events
   * (decision 21). With an idempotency key, a retry of a batch already written gets the same
   * answer and writes nothing (decision 30).
   */
  async saveMarks(
    { em, viewer }: Scope,
    changes: MarkChangeInput[],
    key?: string | null,
  ): Promise<SavedMarks> {
    policy.require(viewer, Permission.JournalWrite);
    const keyed = idempotencyKey(key);
    if (changes.length === 0) return { saved: [], removedIds: [] };
    refuseOversized(changes);
    return em.transactional(async (tem) => {
      const claim = keyed
        ? await claimKey<SavedMarks>(tem, viewer, keyed, 'saveMarks', changes)
        : null;
      if (claim && 'replay' in claim) return claim.replay;
      const facts = await this.loadMarkRules(tem, viewer, changes);
      checkMarkChanges(changes, facts);
      const writes = markWrites(changes, facts.marks);
      const result = await writeMarks(tem, viewer.schoolId, writes);
      return recordMarks(tem, viewer, claim, writes, result, facts);
    });
  }

  /**
   * Sets or clears attendance entries, atomically, with the same rules as marks; an idempotency
   * key works as for `saveMarks`.
   */
  async saveAttendance(
    { em, viewer }: Scope,
    changes: AttendanceChangeInput[],
    key?: string | null,
  ): Promise<JournalAttendance[]> {
    policy.require(viewer, Permission.JournalWrite);
    const keyed = idempotencyKey(key);
    refuseOversized(changes);
    return em.transactional(async (tem) => {
      const claim = keyed
        ? await claimKey<JournalAttendance[]>(tem, viewer, keyed, 'saveAttendance', changes)
        : null;
      if (claim && 'replay' in claim) return claim.replay;
      const facts = await this.loadAttendanceRules(tem, viewer, changes);
      checkAttendanceChanges(changes, facts);
      const written = await writeAttendance(tem, viewer, changes, facts);
      const answer = written.map(attendanceDto);
      if (claim) await claim.answer(answer);
      await publish(tem, viewer.schoolId, attendanceEvents(written, facts.lessons));
      return answer;
    });
  }

  /**
   * Topic and homework of a lesson, by its teacher or substitute. The journal's most
   * frequent live write, so it takes two statements: one read of the lesson with what the rules
   * need, and one statement that updates it (if its version still matches), records the audit
   * entry and publishes the event, atomic on its own (decision 21).
   */
  async updateLesson(
    { em, viewer }: Scope,
    id: string,
    input: LessonInput,
  ): Promise<JournalLesson> {
    policy.require(viewer, Permission.JournalWrite);
    const lessonId = Number(id) || 0;
    const row = await writableLesson(em, viewer, lessonId);
    const current = lessonRowDto(row);
    if (current.version !== input.version) {
      throw versionConflict('The lesson was changed by someone else', withStringIds(current));
    }
    const prior = { topic: current.topic, homework: current.homework };
    const next = lessonText(input, current);
    const after: JournalLesson = { ...current, ...next, version: current.version + 1 };
    const written = await prepared<{ id: number }>(em, LESSON_WRITE_SQL, [
      next.topic,
      next.homework,
      lessonId,
      viewer.schoolId,
      current.version,
      viewer.schoolId,
      viewer.personId,
      JSON.stringify(prior),
      JSON.stringify(next),
      viewer.schoolId,
      outboxArgument([lessonEvent(lessonId, row.courseId, after)]),
    ]);
    if (written.length === 0) await refuseLostLesson(em, viewer.schoolId, lessonId);
    return after;
  }

  /** Loads the school's rules, the marks named, their lessons with the write rule's answer, and enrolment. */
  private async loadMarkRules(
    em: EntityManager,
    viewer: Viewer,
    changes: MarkChangeInput[],
  ): Promise<MarkFacts> {
    const [school] = await prepared<MarkRules>(
      em,
      `select s.time_zone as "timeZone", s.scale_min as "scaleMin", s.scale_max as "scaleMax", s.mark_symbols as "markSymbols",
                array(select w.id from work_type w where w.school_id = s.id and w.active) as "activeWorkTypes"
           from school s where s.id = ?`,
      [viewer.schoolId],
    );
    const today = this.clock.today(school.timeZone);
    const markIds = changes.filter((c) => c.id).map((c) => Number(c.id) || 0);
    const marks = new Map(
      (markIds.length ? await markRows(em, viewer.schoolId, markIds) : []).map((m) => [m.id, m]),
    );
    const lessonIds = changes
      .map((c) => (c.id ? marks.get(Number(c.id))?.lessonId : Number(c.lessonId) || 0))
      .filter((x): x is number => !!x);
    const lessons = await lessonFacts(em, viewer.schoolId, [...new Set(lessonIds)]);
    const named = new Set(changes.map((c) => lessonOfChange(c, marks)));
    const newOnes = changes.flatMap((c) =>
      c.id ? [] : [{ pupilId: Number(c.pupilId) || 0, lessonId: Number(c.lessonId) || 0 }],
    );
    return {
      school,
      symbols: new Set(school.markSymbols.map((s) => s.code)),
      activeWorkTypes: new Set(school.activeWorkTypes),
      marks,
      lessons,
      refusals: lessonWriteRefusals(viewer, named, lessons, today),
      enrolled: await enrolledPairs(em, newOnes),
    };
  }

  /** Loads the lessons named with the write rule's answer, enrolment, codes and the entries there are. */
  private async loadAttendanceRules(
    em: EntityManager,
    viewer: Viewer,
    changes: AttendanceChangeInput[],
  ): Promise<AttendanceFacts> {
    const school = await em.findOneOrFail(School, viewer.schoolId);
    const today = this.clock.today(school.timeZone);
    const pairs = changes.map((c) => ({
      pupilId: Number(c.pupilId) || 0,
      lessonId: Number(c.lessonId) || 0,
    }));
    const lessonIds = [...new Set(pairs.map((p) => p.lessonId))];
    const lessons = await lessonFacts(em, viewer.schoolId, lessonIds);
    const enrolled = await enrolledPairs(em, pairs);
    const codes = new Map(
      (
        await em.execute<{ id: number; active: boolean }[]>(
          `select id, active from attendance_code where school_id = ?`,
          [viewer.schoolId],
        )
      ).map((c) => [c.id, c.active]),
    );
    const existing = pairs.length
      ? await em.find(Attendance, {
          $or: pairs.map((p) => ({ lesson: p.lessonId, pupil: p.pupilId })),
          school: viewer.schoolId,
        })
      : [];
    const byPair = new Map(existing.map((a) => [`${a.pupil.id}:${a.lesson.id}`, a]));
    const refusals = lessonWriteRefusals(viewer, lessonIds, lessons, today);
    return { pairs, lessons, refusals, enrolled, codes, byPair };
  }
}

function refuseOversized(changes: unknown[]): void {
  if (changes.length > 2000) {
    throw new DomainError('BAD_USER_INPUT', 'At most 2000 changes at once', {
      reason: 'TOO_MANY',
    });
  }
}

/** Refuses the whole batch if any entry is wrong (each named), else if any was changed meanwhile. */
function refuseBatch(
  total: number,
  problems: EntryProblem[],
  conflicts: EntryProblem[],
  conflictMessage: string,
): void {
  if (problems.length > 0) {
    throw new DomainError(
      'BAD_USER_INPUT',
      `${problems.length} of ${total} entries are wrong; nothing was saved`,
      { reason: 'BATCH_INVALID', entries: problems },
    );
  }
  if (conflicts.length > 0) {
    throw new DomainError('CONFLICT', conflictMessage, {
      reason: 'VERSION_CONFLICT',
      entries: conflicts,
    });
  }
}

/** The lesson a mark change is in: the mark's own for a change, the one named for a new mark. */
function lessonOfChange(c: MarkChangeInput, marks: MarkFacts['marks']): number {
  return c.id ? (marks.get(Number(c.id))?.lessonId ?? 0) : Number(c.lessonId);
}

/** Checks every mark change; one wrong entry refuses the batch. */
function checkMarkChanges(changes: MarkChangeInput[], facts: MarkFacts): void {
  const problems: EntryProblem[] = [];
  const conflicts: EntryProblem[] = [];
  const seen = new Set<number>();
  changes.forEach((c, index) => {
    const found = markChangeProblem(c, index, facts, seen);
    if (found?.reason === 'VERSION_CONFLICT') conflicts.push(found);
    else if (found) problems.push(found);
  });
  refuseBatch(
    changes.length,
    problems,
    conflicts,
    'Some marks were changed by someone else; nothing was saved',
  );
}

/** What is wrong with one mark change: the mark, the lesson (the write rule), the version. */
function markChangeProblem(
  c: MarkChangeInput,
  index: number,
  facts: MarkFacts,
  seen: Set<number>,
): EntryProblem | null {
  const current = c.id ? facts.marks.get(Number(c.id)) : undefined;
  if ((c.id && (!current || current.removed)) || (c.remove && !c.id)) {
    return problem(index, 'NOT_FOUND', 'No such mark', 'id');
  }
  if (current && seen.has(current.id)) {
    return problem(index, 'DUPLICATE', 'The same mark twice in one batch', 'id');
  }
  if (current) seen.add(current.id);
  const refusal = facts.refusals.get(lessonOfChange(c, facts.marks));
  if (refusal) return problem(index, refusal.reason, refusal.message, 'lessonId');
  if (current && c.version !== current.version) {
    return {
      ...problem(index, 'VERSION_CONFLICT', 'Changed by someone else'),
      current: withStringIds(markDto(current)),
    };
  }
  if (c.remove) return null;
  return markValueProblem(c, index, current, facts);
}

/** What is wrong with what a new or changed mark holds: the pupil, the value, the work type, the comment. */
function markValueProblem(
  c: MarkChangeInput,
  index: number,
  current: JournalMark | undefined,
  { school, symbols, activeWorkTypes, enrolled }: MarkFacts,
): EntryProblem | null {
  if (!current && !enrolled.has(`${Number(c.pupilId)}:${Number(c.lessonId)}`)) {
    return problem(
      index,
      'NOT_ENROLLED',
      'The pupil was not in this class on that date',
      'pupilId',
    );
  }
  const value = c.value?.trim() ?? current?.value ?? '';
  if (!isMark(value, school.scaleMin, school.scaleMax, symbols)) {
    return problem(
      index,
      'INVALID_MARK',
      `A mark is ${school.scaleMin}–${school.scaleMax} or one of ${[...symbols].join(', ')}`,
      'value',
    );
  }
  const workTypeId = c.workTypeId ? Number(c.workTypeId) : current?.workTypeId;
  if (!workTypeId || !activeWorkTypes.has(workTypeId)) {
    return problem(index, 'UNKNOWN_WORK_TYPE', 'Choose a work type of this school', 'workTypeId');
  }
  if ((c.comment?.length ?? 0) > 500) {
    return problem(index, 'TOO_LONG', 'A comment is at most 500 characters', 'comment');
  }
  return null;
}

/** What each change writes, in the batch's order (the batch is checked). */
function markWrites(changes: MarkChangeInput[], marks: MarkFacts['marks']): MarkWrite[] {
  return changes.map((c, k) => {
    const current = c.id ? marks.get(Number(c.id))! : undefined;
    if (current && c.remove) {
      return { k, id: current.id, version: current.version, remove: true };
    }
    const value = c.value?.trim() ?? current!.value;
    return {
      k,
      id: current?.id ?? null,
      version: current?.version ?? null,
      remove: false,
      lessonId: current?.lessonId ?? Number(c.lessonId),
      pupilId: current?.pupilId ?? Number(c.pupilId),
      value,
      score: /^\d+$/.test(value) ? Number(value) : null,
      workTypeId: c.workTypeId ? Number(c.workTypeId) : current!.workTypeId,
      comment:
        c.comment !== undefined
          ? optionalText('comment', c.comment, 500)
          : (current?.comment ?? null),
    };
  });
}

/**
 * Writes the whole batch in one statement (each change only where its version still matches)
 * and answers the marks as written, in the batch's order. A change whose mark another writer
 * changed between the read and the write refuses it all.
 */
async function writeMarks(
  em: EntityManager,
  schoolId: number,
  rows: MarkWrite[],
): Promise<JournalMark[]> {
  const written = await prepared<JournalMark & { k: number | null }>(
    em,
    `with c as (select * from jsonb_to_recordset(?::jsonb) as c(k int, id int, version int, remove boolean,
                      "lessonId" int, "pupilId" int, value text, score int, "workTypeId" int, comment text)),
              gone as (update mark m set removed_at = now(), version = m.version + 1, updated_at = now()
                         from c where c.remove and m.id = c.id and m.school_id = ? and m.version = c.version and m.removed_at is null
                       returning c.k, m.*),
              changed as (update mark m set value = c.value, score = c.score, work_type_id = c."workTypeId", comment = c.comment,
                                version = m.version + 1, updated_at = now()
                            from c where not c.remove and m.id = c.id and m.school_id = ? and m.version = c.version and m.removed_at is null
                          returning c.k, m.*),
              made as (insert into mark (school_id, lesson_id, pupil_id, value, score, work_type_id, comment)
                       select ?, c."lessonId", c."pupilId", c.value, c.score, c."workTypeId", c.comment from c where c.id is null
                       returning null::int as k, mark.*)
         select k, ${MARK_COLUMNS} from (select * from gone union all select * from changed union all select * from made) w`,
    [JSON.stringify(rows), schoolId, schoolId, schoolId],
  );
  const touched = new Map(written.filter((w) => w.k !== null).map((w) => [w.k!, w]));
  const lost = rows.filter((r) => r.id !== null && !touched.has(r.k));
  if (lost.length > 0) await refuseLostMarks(em, schoolId, lost);
  return inBatchOrder(
    rows,
    touched,
    written.filter((w) => w.k === null),
  );
}

/** Refuses the batch, naming the changes another writer overtook with their marks as they are now. */
async function refuseLostMarks(
  em: EntityManager,
  schoolId: number,
  lost: MarkWrite[],
): Promise<never> {
  const now = new Map(
    (
      await markRows(
        em,
        schoolId,
        lost.map((r) => r.id!),
      )
    ).map((m) => [m.id, m]),
  );
  throw new DomainError('CONFLICT', 'Some marks were changed by someone else; nothing was saved', {
    reason: 'VERSION_CONFLICT',
    entries: lost.map((r) => ({
      ...problem(r.k, 'VERSION_CONFLICT', 'Changed by someone else'),
      current: now.has(r.id!) ? withStringIds(markDto(now.get(r.id!)!)) : null,
    })),
  });
}

/**
 * The written marks in the batch's order. New marks come back without their place in the batch:
 * match them by what they hold (two new marks alike in every field are interchangeable).
 */
function inBatchOrder(
  rows: MarkWrite[],
  touched: Map<number, JournalMark>,
  made: JournalMark[],
): JournalMark[] {
  return rows.map((r) => {
    if (r.id !== null) return touched.get(r.k)!;
    const i = made.findIndex(
      (m) =>
        m.lessonId === r.lessonId &&
        m.pupilId === r.pupilId &&
        m.value === r.value &&
        m.workTypeId === r.workTypeId &&
        m.comment === r.comment,
    );
    if (i < 0) throw new Error('a new mark did not come back from its insert');
    return made.splice(i, 1)[0];
  });
}

/**
 * Stores the answer under the idempotency key, then records the history and publishes the events
 * in one round trip, the transaction's last statement.
 */
async function recordMarks(
  em: EntityManager,
  viewer: Viewer,
  claim: Claim<SavedMarks> | null,
  rows: MarkWrite[],
  result: JournalMark[],
  { marks, lessons }: MarkFacts,
): Promise<SavedMarks> {
  const savedRows = result.filter((_, k) => !rows[k].remove);
  const removedRows = result.filter((_, k) => rows[k].remove);
  const answer = { saved: savedRows.map(markDto), removedIds: removedRows.map((m) => m.id) };
  if (claim && 'answer' in claim) await claim.answer(answer);
  await auditAndPublish(
    em,
    viewer,
    markAudits(rows, result, marks),
    markEvents(savedRows, removedRows, lessons),
  );
  return answer;
}

const markSnapshot = (m: JournalMark) => ({
  value: m.value,
  workTypeId: m.workTypeId,
  comment: m.comment,
});

/** The history of each change: created, updated (from what to what) or removed. */
function markAudits(
  rows: MarkWrite[],
  result: JournalMark[],
  marks: MarkFacts['marks'],
): AuditEntry[] {
  return result.map((m, k) => {
    const prior = rows[k].id !== null ? marks.get(rows[k].id!)! : null;
    return {
      entity: 'mark',
      entityId: m.id,
      action: rows[k].remove ? 'remove' : prior ? 'update' : 'create',
      before: prior && markSnapshot(prior),
      after: rows[k].remove ? null : markSnapshot(m),
    };
  });
}

/** The live events: each saved and each removed mark, for its pupil and its course's page. */
function markEvents(
  savedRows: JournalMark[],
  removedRows: JournalMark[],
  lessons: Map<number, LessonFacts>,
): NewEvent[] {
  const courseOf = (m: JournalMark) => lessons.get(m.lessonId)?.courseId;
  return [
    ...savedRows.map((m) => ({
      type: 'MARK_SAVED' as const,
      pupilIds: [m.pupilId],
      courseId: courseOf(m),
      payload: { ...withStringIds(markDto(m)), date: lessons.get(m.lessonId)?.date },
    })),
    ...removedRows.map((m) => ({
      type: 'MARK_REMOVED' as const,
      pupilIds: [m.pupilId],
      courseId: courseOf(m),
      payload: {
        markId: String(m.id),
        lessonId: String(m.lessonId),
        pupilId: String(m.pupilId),
      },
    })),
  ];
}

/** Checks every attendance change; one wrong entry refuses the batch. */
function checkAttendanceChanges(changes: AttendanceChangeInput[], facts: AttendanceFacts): void {
  const problems: EntryProblem[] = [];
  const conflicts: EntryProblem[] = [];
  changes.forEach((c, index) => {
    const found = attendanceChangeProblem(c, index, facts);
    if (found?.reason === 'VERSION_CONFLICT') conflicts.push(found);
    else if (found) problems.push(found);
  });
  refuseBatch(
    changes.length,
    problems,
    conflicts,
    'Some entries were changed by someone else; nothing was saved',
  );
}

/** What is wrong with one attendance change: the lesson (the write rule), the pupil, the code, the version. */
function attendanceChangeProblem(
  c: AttendanceChangeInput,
  index: number,
  { pairs, lessons, refusals, enrolled, codes, byPair }: AttendanceFacts,
): EntryProblem | null {
  const key = `${pairs[index].pupilId}:${pairs[index].lessonId}`;
  const refusal = refusals.get(pairs[index].lessonId);
  if (refusal) return problem(index, refusal.reason, refusal.message, 'lessonId');
  // A remote-study day records no absence; clearing an entry (the pupil was there) stays allowed.
  if (c.codeId && lessons.get(pairs[index].lessonId)?.remote) {
    return problem(index, 'REMOTE_STUDY_DAY', 'No absence on a remote-study day', 'codeId');
  }
  if (!enrolled.has(key)) {
    return problem(
      index,
      'NOT_ENROLLED',
      'The pupil was not in this class on that date',
      'pupilId',
    );
  }
  if (c.codeId && codes.get(Number(c.codeId)) !== true) {
    return problem(
      index,
      'UNKNOWN_ATTENDANCE_CODE',
      'Choose an attendance code of this school',
      'codeId',
    );
  }
  if ((c.reason?.length ?? 0) > 300) {
    return problem(index, 'TOO_LONG', 'A reason is at most 300 characters', 'reason');
  }
  const current = byPair.get(key);
  // A cleared entry (no code) counts as no entry: the page does not list it.
  const seenVersion = current && current.code ? current.version : null;
  if (c.version != null ? current?.version !== c.version : seenVersion !== null) {
    return {
      ...problem(index, 'VERSION_CONFLICT', 'Changed by someone else'),
      current: current ? withStringIds(attendanceDto(current)) : null,
    };
  }
  return null;
}

/** Creates or updates each entry through the unit of work, then records its history. */
async function writeAttendance(
  em: EntityManager,
  viewer: Viewer,
  changes: AttendanceChangeInput[],
  { pairs, byPair }: AttendanceFacts,
): Promise<Attendance[]> {
  const written = changes.map((c, index) => {
    const current = byPair.get(`${pairs[index].pupilId}:${pairs[index].lessonId}`);
    const fields = {
      code: c.codeId ? Number(c.codeId) : null,
      reason: optionalText('reason', c.reason, 300),
    };
    const prior = current ? { codeId: current.code?.id ?? null, reason: current.reason } : null;
    const row = current
      ? em.assign(current, fields)
      : em.create(Attendance, {
          school: viewer.schoolId,
          lesson: pairs[index].lessonId,
          pupil: pairs[index].pupilId,
          ...fields,
        });
    return { row, prior };
  });
  await em.flush();
  for (const { row, prior } of written) {
    audit(em, viewer, 'attendance', row.id, prior ? 'update' : 'create', prior, {
      codeId: row.code?.id ?? null,
      reason: row.reason,
    });
  }
  return written.map(({ row }) => row);
}

/** The live events: each entry, for its pupil and its course's page. */
function attendanceEvents(rows: Attendance[], lessons: Map<number, LessonFacts>): NewEvent[] {
  return rows.map((row) => ({
    type: 'ATTENDANCE_SAVED',
    pupilIds: [row.pupil.id],
    courseId: lessons.get(row.lesson.id)?.courseId,
    payload: { ...withStringIds(attendanceDto(row)), date: lessons.get(row.lesson.id)?.date },
  }));
}

/** The lesson, if the viewer may write its topic and homework now (any date: they are set ahead). */
async function writableLesson(
  em: EntityManager,
  viewer: Viewer,
  lessonId: number,
): Promise<LessonFacts> {
  const rows = new Map((await lessonRows(em, viewer.schoolId, [lessonId])).map((r) => [r.id, r]));
  const refusal = lessonWriteRefusals(viewer, [lessonId], rows, '9999-12-31').get(lessonId);
  const row = rows.get(lessonId);
  if (!row || refusal?.reason === 'NOT_FOUND') throw notFound();
  if (refusal) throw new DomainError('BAD_USER_INPUT', refusal.message, { reason: refusal.reason });
  return row;
}

/** The topic and homework after the change: those given, checked; the others as they are. */
function lessonText(
  input: LessonInput,
  current: JournalLesson,
): { topic: string | null; homework: string | null } {
  return {
    topic: input.topic !== undefined ? optionalText('topic', input.topic, 500) : current.topic,
    homework:
      input.homework !== undefined
        ? optionalText('homework', input.homework, 4000)
        : current.homework,
  };
}

/** Another writer changed the lesson between the read and the write: answer it as it is now. */
async function refuseLostLesson(
  em: EntityManager,
  schoolId: number,
  lessonId: number,
): Promise<never> {
  const [now] = await lessonRows(em, schoolId, [lessonId]);
  if (!now) throw notFound();
  throw versionConflict('The lesson was changed by someone else', withStringIds(lessonRowDto(now)));
}

function isMark(value: string, min: number, max: number, symbols: Set<string>): boolean {
  if (/^\d{1,3}$/.test(value)) return Number(value) >= min && Number(value) <= max;
  return symbols.has(value);
}

const attendanceDto = (a: Attendance): JournalAttendance => ({
  id: a.id,
  lessonId: a.lesson.id,
  pupilId: a.pupil.id,
  codeId: a.code?.id ?? null,
  reason: a.reason,
  version: a.version,
});

export const lessonDto = (l: Lesson): JournalLesson => ({
  id: l.id,
  date: l.date,
  number: l.number,
  topic: l.topic ?? null,
  homework: l.homework ?? null,
  note: l.note ?? null,
  cancelled: l.cancelled,
  substituteId: l.substitute?.id ?? null,
  version: l.version,
});

/** Ids in error extensions are strings, as GraphQL's ID is everywhere else. */
export function withStringIds<T extends object>(dto: T): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(dto).map(([k, v]) => [
      k,
      /(^id|Id)$/.test(k) && typeof v === 'number' ? String(v) : v,
    ]),
  );
}

/** Tells the lesson's pupils (those enrolled that day, members of its subgroup) and its page. */
export async function publishLesson(
  em: EntityManager,
  schoolId: number,
  lesson: Lesson,
): Promise<void> {
  await publish(em, schoolId, [lessonEvent(lesson.id, lesson.course.id, lessonDto(lesson))]);
}

/** A lesson's change, for its pupils (those enrolled that day, members of its subgroup) and its page. */
const lessonEvent = (id: number, courseId: number, lesson: JournalLesson): NewEvent => ({
  type: 'LESSON_UPDATED',
  pupilsOfLesson: id,
  courseId,
  payload: withStringIds(lesson),
});
