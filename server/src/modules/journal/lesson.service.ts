import { Permission, policy } from '../../auth/policy.js';
import { badInput, conflict, DomainError, notFound, versionConflict } from '../../errors.js';
import { intInRange, optionalText, parseId } from '../../graphql/validate.js';
import type { Scope } from '../../scope.js';
import { audit } from '../audit/audit.js';
import { Lesson } from './lesson.entity.js';
import { PeriodMark } from './period-mark.entity.js';
import {
  canWriteCourse,
  loadCourse,
  requireReadableCourse,
  type CourseInfo,
} from './journal.access.js';
import { lessonDto, publishLesson, withStringIds } from './journal-write.service.js';
import { publish } from '../../events/outbox.js';
import { publishRightsChanged } from '../../events/rights.js';
import type { JournalLesson } from './journal.types.js';
import type { LessonScheduleInput, NewLessonInput, PeriodMarkInput } from './journal.inputs.js';
import { School } from '../school/school.entity.js';
import { Role } from '../../auth/role.js';
import type { HistoryAction } from './journal.types.js';

export interface HistoryEntry {
  atMs: number;
  actorName: string;
  action: HistoryAction;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
  reason: string | null;
}

const snapshot = (l: Lesson) => ({
  date: l.date,
  number: l.number,
  cancelled: l.cancelled,
  note: l.note ?? null,
});

/** Lessons outside the timetable, moved or cancelled ones, substitutes, final marks and history. */
export class LessonService {
  /** The course's teacher adds a lesson that the timetable did not make. */
  async add({ em, viewer }: Scope, input: NewLessonInput): Promise<JournalLesson> {
    const course = await this.writable(em, viewer, input.courseId);
    const number = intInRange('number', input.number, 0, 12);
    return em.transactional(async (tem) => {
      await this.checkDate(tem, course, input.date);
      if (await tem.findOne(Lesson, { course: course.id, date: input.date, number })) {
        throw conflict('number', 'LESSON_EXISTS', 'The course already has this lesson');
      }
      const lesson = tem.create(Lesson, {
        school: viewer!.schoolId,
        course: course.id,
        date: input.date,
        number,
      });
      await tem.flush();
      audit(tem, viewer!, 'lesson', lesson.id, 'create', null, snapshot(lesson));
      await publishLesson(tem, viewer!.schoolId, lesson);
      return lessonDto(lesson);
    });
  }

  /** Moves, cancels (with material for the day) or restores a lesson. */
  async schedule(
    { em, viewer }: Scope,
    id: string,
    input: LessonScheduleInput,
  ): Promise<JournalLesson> {
    return em.transactional(async (tem) => {
      const lesson = await tem.findOne(Lesson, {
        id: parseId('id', id),
        school: viewer?.schoolId ?? 0,
      });
      if (!lesson) throw notFound();
      const course = await this.writable(tem, viewer, lesson.course.id);
      if (lesson.version !== input.version) {
        throw versionConflict(
          'The lesson was changed by someone else',
          withStringIds(lessonDto(lesson)),
        );
      }
      const number = intInRange('number', input.number, 0, 12);
      if (input.date !== lesson.date || number !== lesson.number) {
        await this.checkDate(tem, course, input.date);
        if (
          await tem.findOne(Lesson, {
            course: course.id,
            date: input.date,
            number,
            id: { $ne: lesson.id },
          })
        ) {
          throw conflict('number', 'LESSON_EXISTS', 'The course already has this lesson');
        }
        const [{ n }] = await tem.execute<{ n: number }[]>(
          `select (select count(*) from mark where lesson_id = ? and removed_at is null) + (select count(*) from attendance where lesson_id = ? and code_id is not null) as n`,
          [lesson.id, lesson.id],
        );
        if (Number(n) > 0) {
          throw conflict(
            'date',
            'HAS_DEPENDENTS',
            'The lesson has marks or absences; it cannot move',
          );
        }
      }
      const before = snapshot(lesson);
      tem.assign(lesson, {
        date: input.date,
        number,
        cancelled: input.cancelled,
        note: optionalText('note', input.note, 4000),
      });
      await tem.flush();
      audit(tem, viewer!, 'lesson', lesson.id, 'update', before, snapshot(lesson));
      await publishLesson(tem, viewer!.schoolId, lesson);
      return lessonDto(lesson);
    });
  }

  /** The administration records who replaces the course's teacher in one lesson. */
  async setSubstitute(
    { em, viewer }: Scope,
    id: string,
    teacherId: string | null,
  ): Promise<JournalLesson> {
    policy.require(viewer, Permission.SchoolRead);
    return em.transactional(async (tem) => {
      const lesson = await tem.findOne(Lesson, { id: parseId('id', id), school: viewer.schoolId });
      if (!lesson) throw notFound();
      // The administration, or the course's own teacher who knows they will be away.
      if (!policy.can(viewer, Permission.LessonSubstitute)) {
        const course = await loadCourse(tem, viewer, lesson.course.id);
        if (!canWriteCourse(viewer, course)) {
          throw new DomainError('FORBIDDEN', 'You are not allowed to do this');
        }
      }
      let substitute: number | null = null;
      if (teacherId) {
        substitute = parseId('teacherId', teacherId);
        const [ok] = await tem.execute(
          `select 1 from role_grant where person_id = ? and school_id = ? and role = ?`,
          [substitute, viewer.schoolId, Role.TEACHER],
        );
        if (!ok) throw badInput('teacherId', 'NOT_A_TEACHER', 'Choose a teacher of this school');
      }
      const before = { substituteId: lesson.substitute?.id ?? null };
      tem.assign(lesson, { substitute });
      await tem.flush();
      audit(tem, viewer, 'lesson', lesson.id, 'update', before, { substituteId: substitute });
      // A substitute reads the course's journal (journal.access.ts): the old and the new one's
      // open journal feeds are judged anew.
      const changed = [before.substituteId, substitute].filter((p): p is number => p !== null);
      if (before.substituteId !== substitute && changed.length > 0) {
        await publishRightsChanged(tem, viewer.schoolId, { personIds: changed });
      }
      return lessonDto(lesson);
    });
  }

  /** The teacher sets the final mark of a period, or of the year (periodId null). */
  async setPeriodMark({ em, viewer }: Scope, input: PeriodMarkInput): Promise<PeriodMark> {
    const course = await this.writable(em, viewer, input.courseId);
    const pupilId = parseId('pupilId', input.pupilId);
    return em.transactional(async (tem) => {
      const school = await tem.findOneOrFail(School, viewer!.schoolId);
      let range: { starts_on: string; ends_on: string; locked: boolean } | undefined;
      if (input.periodId) {
        [range] = await tem.execute<{ starts_on: string; ends_on: string; locked: boolean }[]>(
          `select starts_on::text, ends_on::text, locked_at is not null as locked from study_period where id = ? and academic_year_id = ?`,
          [parseId('periodId', input.periodId), course.academicYearId],
        );
        if (!range) throw notFound();
        if (range.locked) {
          throw new DomainError('BAD_USER_INPUT', 'The study period is closed', {
            reason: 'PERIOD_LOCKED',
            field: 'periodId',
          });
        }
      } else {
        [range] = await tem.execute<{ starts_on: string; ends_on: string; locked: boolean }[]>(
          `select starts_on::text, ends_on::text, false as locked from academic_year where id = ?`,
          [course.academicYearId],
        );
      }
      const [enrolled] = await tem.execute(
        `select 1 from enrollment where pupil_id = ? and class_group_id = ? and starts_on <= ?::date and (ends_on is null or ends_on >= ?::date)`,
        [pupilId, course.classGroupId, range!.ends_on, range!.starts_on],
      );
      if (!enrolled) {
        throw badInput('pupilId', 'NOT_ENROLLED', 'The pupil was not in this class in that period');
      }
      const value = input.value?.trim() || null;
      const symbols = new Set([...school.markSymbols.map((s) => s.code), 'н/а']);
      const numeric =
        value !== null &&
        /^\d{1,3}$/.test(value) &&
        Number(value) >= school.scaleMin &&
        Number(value) <= school.scaleMax;
      if (value !== null && !numeric && !symbols.has(value)) {
        throw badInput('value', 'INVALID_MARK', 'Not a mark of this school');
      }
      const periodId = input.periodId ? Number(input.periodId) : null;
      const existing = await tem.findOne(PeriodMark, {
        course: course.id,
        pupil: pupilId,
        period: periodId,
      });
      if ((existing?.version ?? null) !== (input.version ?? null)) {
        throw versionConflict(
          'The mark was changed by someone else',
          existing ? { value: existing.value, version: existing.version } : null,
        );
      }
      const before = existing ? { value: existing.value ?? null } : null;
      const mark = existing
        ? tem.assign(existing, { value })
        : tem.create(PeriodMark, {
            school: viewer!.schoolId,
            course: course.id,
            pupil: pupilId,
            period: periodId,
            value,
          });
      await tem.flush();
      audit(tem, viewer!, 'period_mark', mark.id, existing ? 'update' : 'create', before, {
        value,
      });
      await publish(tem, viewer!.schoolId, [
        {
          type: 'PERIOD_MARK_SAVED',
          pupilIds: [pupilId],
          courseId: course.id,
          payload: {
            courseId: String(course.id),
            pupilId: String(pupilId),
            periodId: periodId && String(periodId),
            value,
            version: mark.version,
          },
        },
      ]);
      return mark;
    });
  }

  /** Who changed a mark, when, from what to what: for those who may see the mark. */
  async markHistory({ em, viewer }: Scope, markId: string): Promise<HistoryEntry[]> {
    const id = parseId('markId', markId);
    const [mark] = await em.execute<{ course_id: number; pupil_id: number }[]>(
      `select l.course_id, m.pupil_id from mark m join lesson l on l.id = m.lesson_id where m.id = ? and m.school_id = ?`,
      [id, viewer?.schoolId ?? 0],
    );
    if (!mark || !viewer) throw notFound();
    const own = policy.isSelfOrGuardian(viewer, mark.pupil_id);
    // A substitute reads the page to write in it, not the history of the course's marks.
    if (!own) await requireReadableCourse(em, viewer, mark.course_id, { substitutes: false });
    return em.execute<HistoryEntry[]>(
      `select (extract(epoch from a.at) * 1000)::float8 as "atMs", concat_ws(' ', p.last_name, p.first_name, p.middle_name) as "actorName", a.action, a.before, a.after, a.reason
         from audit_event a join person p on p.id = a.actor_id
        where a.entity = 'mark' and a.entity_id = ? and a.school_id = ? order by a.id`,
      [id, viewer.schoolId],
    );
  }

  private async writable(
    em: Scope['em'],
    viewer: Scope['viewer'],
    courseId: string | number,
  ): Promise<CourseInfo> {
    policy.require(viewer, Permission.JournalWrite);
    const course = await loadCourse(em, viewer, courseId);
    if (!canWriteCourse(viewer, course)) throw notFound();
    return course;
  }

  private async checkDate(em: Scope['em'], course: CourseInfo, date: string): Promise<void> {
    const [period] = await em.execute<{ locked: boolean }[]>(
      `select locked_at is not null as locked from study_period where academic_year_id = ? and ?::date between starts_on and ends_on`,
      [course.academicYearId, date],
    );
    if (!period) throw badInput('date', 'PERIOD_OUTSIDE_YEAR', 'The date is in no study period');
    if (period.locked) throw badInput('date', 'PERIOD_LOCKED', 'The study period is closed');
  }
}
