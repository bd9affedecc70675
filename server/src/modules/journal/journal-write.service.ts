import type { EntityManager } from '@mikro-orm/postgresql';
import { Permission, policy } from '../../auth/policy.js';
import { DomainError, notFound, type EntryProblem, versionConflict } from '../../errors.js';
import { optionalText } from '../../graphql/validate.js';
import type { Clock } from '../../clock.js';
import type { Viewer } from '../../auth/viewer.js';
import type { Scope } from '../../scope.js';
import { School } from '../school/school.entity.js';
import { audit } from '../audit/audit.js';
import { publish } from '../../events/outbox.js';
import { Mark } from './mark.entity.js';
import { Attendance } from './attendance.entity.js';
import { Lesson } from './lesson.entity.js';
import type { JournalAttendance, JournalLesson, JournalMark } from './journal.types.js';
import type { AttendanceChangeInput, LessonInput, MarkChangeInput } from './journal.inputs.js';

/** What the rules need to know of a lesson, read for a whole batch in one query. */
interface LessonFacts {
  id: number;
  date: string;
  cancelled: boolean;
  substituteId: number | null;
  classGroupId: number;
  courseId: number;
  teacherId: number;
  locked: boolean;
}

const problem = (index: number, reason: string, message: string, field?: string): EntryProblem => ({
  index,
  reason,
  message,
  field,
});

async function lessonFacts(
  em: EntityManager,
  schoolId: number,
  ids: number[],
): Promise<Map<number, LessonFacts>> {
  if (ids.length === 0) return new Map();
  const rows = await em.execute<LessonFacts[]>(
    `select l.id, l.date::text as date, l.cancelled, l.substitute_id as "substituteId", co.class_group_id as "classGroupId",
            co.teacher_id as "teacherId", co.id as "courseId",
            exists(select 1 from study_period sp where sp.academic_year_id = co.academic_year_id
                    and l.date between sp.starts_on and sp.ends_on and sp.locked_at is not null) as locked
       from lesson l join course co on co.id = l.course_id
      where l.school_id = ? and l.id in (${ids.map(() => '?').join(',')})`,
    [schoolId, ...ids],
  );
  return new Map(rows.map((r) => [r.id, r]));
}

/** The (pupil, lesson) pairs in which the pupil was enrolled in the lesson's class on its date. */
async function enrolledPairs(
  em: EntityManager,
  pairs: { pupilId: number; lessonId: number }[],
): Promise<Set<string>> {
  if (pairs.length === 0) return new Set();
  const values = pairs.map(() => '(?::int, ?::int)').join(',');
  const rows = await em.execute<{ pupil_id: number; lesson_id: number }[]>(
    `select distinct v.pupil_id, v.lesson_id from (values ${values}) v(pupil_id, lesson_id)
       join lesson l on l.id = v.lesson_id join course co on co.id = l.course_id
       join enrollment e on e.pupil_id = v.pupil_id and e.class_group_id = co.class_group_id
        and e.starts_on <= l.date and (e.ends_on is null or e.ends_on >= l.date)
      where (co.subgroup_id is null or exists(select 1 from subgroup_member sm where sm.subgroup_id = co.subgroup_id and sm.pupil_id = v.pupil_id))`,
    pairs.flatMap((p) => [p.pupilId, p.lessonId]),
  );
  return new Set(rows.map((r) => `${r.pupil_id}:${r.lesson_id}`));
}

/** Why a viewer may not write in this lesson now, or null when they may. */
function lessonRefusal(
  viewer: Viewer,
  lesson: LessonFacts | undefined,
  today: string,
): [string, string] | null {
  if (!lesson) return ['NOT_FOUND', 'No such lesson'];
  const own = policy.can(viewer, Permission.JournalWrite) && lesson.teacherId === viewer.personId;
  const substitute =
    policy.can(viewer, Permission.JournalWrite) && lesson.substituteId === viewer.personId;
  if (!own && !substitute) return ['NOT_FOUND', 'No such lesson'];
  if (lesson.locked) return ['PERIOD_LOCKED', 'The study period is closed'];
  if (lesson.cancelled) return ['LESSON_CANCELLED', 'The lesson was cancelled'];
  if (lesson.date > today) return ['LESSON_IN_FUTURE', 'The lesson has not taken place yet'];
  return null;
}

const markDto = (m: Mark): JournalMark => ({
  id: m.id,
  lessonId: m.lesson.id,
  pupilId: m.pupil.id,
  value: m.value,
  score: m.score ?? null,
  workTypeId: m.workType.id,
  comment: m.comment,
  version: m.version,
});

const markSnapshot = (m: Mark) => ({
  value: m.value,
  workTypeId: m.workType.id,
  comment: m.comment,
});

export class JournalWriteService {
  constructor(private readonly clock: Clock) {}

  /**
   * Writes a batch of mark changes atomically: every entry is checked first, and one wrong entry
   * refuses the whole batch with each wrong entry named.
   */
  async saveMarks(
    { em, viewer }: Scope,
    changes: MarkChangeInput[],
  ): Promise<{ saved: JournalMark[]; removedIds: number[] }> {
    policy.require(viewer, Permission.JournalWrite);
    if (changes.length === 0) return { saved: [], removedIds: [] };
    if (changes.length > 2000) {
      throw new DomainError('BAD_USER_INPUT', 'At most 2000 changes at once', {
        reason: 'TOO_MANY',
      });
    }
    return em.transactional(async (tem) => {
      const school = await tem.findOneOrFail(School, viewer.schoolId);
      const today = this.clock.today(school.timeZone);
      const markIds = changes.filter((c) => c.id).map((c) => Number(c.id) || 0);
      const existing = markIds.length
        ? await tem.find(Mark, { id: { $in: markIds }, school: viewer.schoolId })
        : [];
      const marks = new Map(existing.map((m) => [m.id, m]));
      const lessonIds = changes
        .map((c) => (c.id ? marks.get(Number(c.id))?.lesson.id : Number(c.lessonId) || 0))
        .filter((x): x is number => !!x);
      const lessons = await lessonFacts(tem, viewer.schoolId, [...new Set(lessonIds)]);
      const workTypes = new Map(
        (
          await tem.execute<{ id: number; active: boolean }[]>(
            `select id, active from work_type where school_id = ?`,
            [viewer.schoolId],
          )
        ).map((w) => [w.id, w.active]),
      );
      const newOnes = changes.flatMap((c) =>
        c.id ? [] : [{ pupilId: Number(c.pupilId) || 0, lessonId: Number(c.lessonId) || 0 }],
      );
      const enrolled = await enrolledPairs(tem, newOnes);
      const symbols = new Set(school.markSymbols.map((s) => s.code));

      const problems: EntryProblem[] = [];
      const conflicts: EntryProblem[] = [];
      changes.forEach((c, index) => {
        const current = c.id ? marks.get(Number(c.id)) : undefined;
        if (c.id && (!current || current.removedAt)) {
          return problems.push(problem(index, 'NOT_FOUND', 'No such mark', 'id'));
        }
        const lesson = lessons.get(current ? current.lesson.id : Number(c.lessonId));
        const refusal = lessonRefusal(viewer, lesson, today);
        if (refusal) return problems.push(problem(index, refusal[0], refusal[1], 'lessonId'));
        if (current && c.version !== current.version) {
          return conflicts.push({
            ...problem(index, 'VERSION_CONFLICT', 'Changed by someone else'),
            current: withStringIds(markDto(current)),
          });
        }
        if (c.remove) return;
        if (!current && !enrolled.has(`${Number(c.pupilId)}:${Number(c.lessonId)}`)) {
          return problems.push(
            problem(
              index,
              'NOT_ENROLLED',
              'The pupil was not in this class on that date',
              'pupilId',
            ),
          );
        }
        const value = c.value?.trim() ?? current?.value ?? '';
        if (!isMark(value, school.scaleMin, school.scaleMax, symbols)) {
          return problems.push(
            problem(
              index,
              'INVALID_MARK',
              `A mark is ${school.scaleMin}–${school.scaleMax} or one of ${[...symbols].join(', ')}`,
              'value',
            ),
          );
        }
        const workTypeId = c.workTypeId ? Number(c.workTypeId) : current?.workType.id;
        if (!workTypeId || workTypes.get(workTypeId) !== true) {
          return problems.push(
            problem(index, 'UNKNOWN_WORK_TYPE', 'Choose a work type of this school', 'workTypeId'),
          );
        }
        if ((c.comment?.length ?? 0) > 500) {
          return problems.push(
            problem(index, 'TOO_LONG', 'A comment is at most 500 characters', 'comment'),
          );
        }
      });
      if (problems.length > 0) {
        throw new DomainError(
          'BAD_USER_INPUT',
          `${problems.length} of ${changes.length} entries are wrong; nothing was saved`,
          { reason: 'BATCH_INVALID', entries: problems },
        );
      }
      if (conflicts.length > 0) {
        throw new DomainError(
          'CONFLICT',
          'Some marks were changed by someone else; nothing was saved',
          { reason: 'VERSION_CONFLICT', entries: conflicts },
        );
      }

      const saved: Mark[] = [];
      const removed: Mark[] = [];
      const before = new Map<Mark, ReturnType<typeof markSnapshot> | null>();
      for (const c of changes) {
        const current = c.id ? marks.get(Number(c.id))! : undefined;
        if (current && c.remove) {
          before.set(current, markSnapshot(current));
          current.removedAt = new Date();
          removed.push(current);
          continue;
        }
        const value = c.value?.trim() ?? current!.value;
        const fields = {
          value,
          score: /^\d+$/.test(value) ? Number(value) : null,
          workType: c.workTypeId ? Number(c.workTypeId) : current!.workType.id,
          comment:
            c.comment !== undefined
              ? optionalText('comment', c.comment, 500)
              : (current?.comment ?? null),
        };
        if (current) {
          before.set(current, markSnapshot(current));
          tem.assign(current, fields);
          saved.push(current);
        } else {
          const mark = tem.create(Mark, {
            school: viewer.schoolId,
            lesson: Number(c.lessonId),
            pupil: Number(c.pupilId),
            ...fields,
          });
          before.set(mark, null);
          saved.push(mark);
        }
      }
      await tem.flush();
      for (const [mark, prior] of before) {
        const gone = removed.includes(mark);
        audit(
          tem,
          viewer,
          'mark',
          mark.id,
          gone ? 'remove' : prior ? 'update' : 'create',
          prior,
          gone ? null : markSnapshot(mark),
        );
      }
      // `publish` flushes the audit entries before it takes the outbox lock.
      const courseOf = (m: Mark) => lessons.get(m.lesson.id)?.courseId;
      await publish(tem, viewer.schoolId, [
        ...saved.map((m) => ({
          type: 'MARK_SAVED',
          pupilIds: [m.pupil.id],
          courseId: courseOf(m),
          payload: { ...withStringIds(markDto(m)), date: lessons.get(m.lesson.id)?.date },
        })),
        ...removed.map((m) => ({
          type: 'MARK_REMOVED',
          pupilIds: [m.pupil.id],
          courseId: courseOf(m),
          payload: {
            markId: String(m.id),
            lessonId: String(m.lesson.id),
            pupilId: String(m.pupil.id),
          },
        })),
      ]);
      return { saved: saved.map(markDto), removedIds: removed.map((m) => m.id) };
    });
  }

  /** Sets or clears attendance entries, atomically, with the same rules as marks. */
  async saveAttendance(
    { em, viewer }: Scope,
    changes: AttendanceChangeInput[],
  ): Promise<JournalAttendance[]> {
    policy.require(viewer, Permission.JournalWrite);
    if (changes.length > 2000) {
      throw new DomainError('BAD_USER_INPUT', 'At most 2000 changes at once', {
        reason: 'TOO_MANY',
      });
    }
    return em.transactional(async (tem) => {
      const school = await tem.findOneOrFail(School, viewer.schoolId);
      const today = this.clock.today(school.timeZone);
      const pairs = changes.map((c) => ({
        pupilId: Number(c.pupilId) || 0,
        lessonId: Number(c.lessonId) || 0,
      }));
      const lessons = await lessonFacts(tem, viewer.schoolId, [
        ...new Set(pairs.map((p) => p.lessonId)),
      ]);
      const enrolled = await enrolledPairs(tem, pairs);
      const codes = new Map(
        (
          await tem.execute<{ id: number; active: boolean }[]>(
            `select id, active from attendance_code where school_id = ?`,
            [viewer.schoolId],
          )
        ).map((c) => [c.id, c.active]),
      );
      const existing = pairs.length
        ? await tem.find(Attendance, {
            $or: pairs.map((p) => ({ lesson: p.lessonId, pupil: p.pupilId })),
            school: viewer.schoolId,
          })
        : [];
      const byPair = new Map(existing.map((a) => [`${a.pupil.id}:${a.lesson.id}`, a]));

      const problems: EntryProblem[] = [];
      const conflicts: EntryProblem[] = [];
      changes.forEach((c, index) => {
        const key = `${pairs[index].pupilId}:${pairs[index].lessonId}`;
        const refusal = lessonRefusal(viewer, lessons.get(pairs[index].lessonId), today);
        if (refusal) return problems.push(problem(index, refusal[0], refusal[1], 'lessonId'));
        if (!enrolled.has(key)) {
          return problems.push(
            problem(
              index,
              'NOT_ENROLLED',
              'The pupil was not in this class on that date',
              'pupilId',
            ),
          );
        }
        if (c.codeId && codes.get(Number(c.codeId)) !== true) {
          return problems.push(
            problem(
              index,
              'UNKNOWN_ATTENDANCE_CODE',
              'Choose an attendance code of this school',
              'codeId',
            ),
          );
        }
        if ((c.reason?.length ?? 0) > 300) {
          return problems.push(
            problem(index, 'TOO_LONG', 'A reason is at most 300 characters', 'reason'),
          );
        }
        const current = byPair.get(key);
        // A cleared entry (no code) counts as no entry: the page does not list it.
        const seenVersion = current && current.code ? current.version : null;
        if (c.version != null ? current?.version !== c.version : seenVersion !== null) {
          return conflicts.push({
            ...problem(index, 'VERSION_CONFLICT', 'Changed by someone else'),
            current: current ? withStringIds(attendanceDto(current)) : null,
          });
        }
      });
      if (problems.length > 0) {
        throw new DomainError(
          'BAD_USER_INPUT',
          `${problems.length} of ${changes.length} entries are wrong; nothing was saved`,
          { reason: 'BATCH_INVALID', entries: problems },
        );
      }
      if (conflicts.length > 0) {
        throw new DomainError(
          'CONFLICT',
          'Some entries were changed by someone else; nothing was saved',
          { reason: 'VERSION_CONFLICT', entries: conflicts },
        );
      }
      const written = changes.map((c, index) => {
        const key = `${pairs[index].pupilId}:${pairs[index].lessonId}`;
        const current = byPair.get(key);
        const fields = {
          code: c.codeId ? Number(c.codeId) : null,
          reason: optionalText('reason', c.reason, 300),
        };
        const prior = current ? { codeId: current.code?.id ?? null, reason: current.reason } : null;
        const row = current
          ? tem.assign(current, fields)
          : tem.create(Attendance, {
              school: viewer.schoolId,
              lesson: pairs[index].lessonId,
              pupil: pairs[index].pupilId,
              ...fields,
            });
        return { row, prior };
      });
      await tem.flush();
      for (const { row, prior } of written) {
        audit(tem, viewer, 'attendance', row.id, prior ? 'update' : 'create', prior, {
          codeId: row.code?.id ?? null,
          reason: row.reason,
        });
      }
      await publish(
        tem,
        viewer.schoolId,
        written.map(({ row }) => ({
          type: 'ATTENDANCE_SAVED',
          pupilIds: [row.pupil.id],
          courseId: lessons.get(row.lesson.id)?.courseId,
          payload: { ...withStringIds(attendanceDto(row)), date: lessons.get(row.lesson.id)?.date },
        })),
      );
      return written.map(({ row }) => attendanceDto(row));
    });
  }

  /** Topic and homework of a lesson, by its teacher or substitute. */
  async updateLesson(
    { em, viewer }: Scope,
    id: string,
    input: LessonInput,
  ): Promise<JournalLesson> {
    policy.require(viewer, Permission.JournalWrite);
    return em.transactional(async (tem) => {
      const lesson = await tem.findOne(Lesson, { id: Number(id) || 0, school: viewer.schoolId });
      const facts = lesson
        ? (await lessonFacts(tem, viewer.schoolId, [lesson.id])).get(lesson.id)
        : undefined;
      const refusal = lessonRefusal(viewer, facts, '9999-12-31');
      if (!lesson || refusal?.[0] === 'NOT_FOUND') throw notFound();
      if (refusal) throw new DomainError('BAD_USER_INPUT', refusal[1], { reason: refusal[0] });
      if (lesson.version !== input.version) {
        throw versionConflict(
          'The lesson was changed by someone else',
          withStringIds(lessonDto(lesson)),
        );
      }
      const prior = { topic: lesson.topic ?? null, homework: lesson.homework ?? null };
      tem.assign(lesson, {
        topic: input.topic !== undefined ? optionalText('topic', input.topic, 500) : lesson.topic,
        homework:
          input.homework !== undefined
            ? optionalText('homework', input.homework, 4000)
            : lesson.homework,
      });
      await tem.flush();
      audit(tem, viewer, 'lesson', lesson.id, 'update', prior, {
        topic: lesson.topic ?? null,
        homework: lesson.homework ?? null,
      });
      await publishLesson(tem, viewer.schoolId, lesson);
      return lessonDto(lesson);
    });
  }
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
  await publish(em, schoolId, [
    {
      type: 'LESSON_UPDATED',
      pupilsOfLesson: lesson.id,
      courseId: lesson.course.id,
      payload: withStringIds(lessonDto(lesson)),
    },
  ]);
}
