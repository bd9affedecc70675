import { Permission, policy } from '../../auth/policy.js';
import { badInput, conflict, DomainError, notFound } from '../../errors.js';
import { intInRange, parseId } from '../../graphql/validate.js';
import type { Scope } from '../../scope.js';
import { audit } from '../audit/audit.js';
import { TimetableSlot } from './timetable-slot.entity.js';
import { Lesson } from './lesson.entity.js';
import { canWriteCourse, loadCourse, requireReadableCourse } from './journal.access.js';
import type { TimetableSlotInput } from './journal.inputs.js';

const iso = (t: number) => new Date(t).toISOString().slice(0, 10);

/** Weekly slots per course, and the lessons they make for a study period. */
export class TimetableService {
  async slots({ em, viewer }: Scope, courseId: string): Promise<TimetableSlot[]> {
    // The SYSADMIN keeps the timetable; the course's readers see it too.
    const course = policy.can(viewer, Permission.StructureManage)
      ? await loadCourse(em, viewer, courseId)
      : await requireReadableCourse(em, viewer, courseId);
    return em.find(
      TimetableSlot,
      { course: course.id },
      { orderBy: { weekday: 'asc', lessonNumber: 'asc' } },
    );
  }

  /** Adds a slot; refuses one that overlaps the class's or the teacher's other slots. */
  async addSlot({ em, viewer }: Scope, input: TimetableSlotInput): Promise<TimetableSlot> {
    policy.require(viewer, Permission.StructureManage);
    const course = await loadCourse(em, viewer, input.courseId);
    const weekday = intInRange('weekday', input.weekday, 1, 7);
    const lessonNumber = intInRange('lessonNumber', input.lessonNumber, 0, 12);
    if (input.validFrom > input.validTo) {
      throw badInput('validTo', 'INVALID_DATE_RANGE', 'The slot must end after it starts');
    }
    return em.transactional(async (tem) => {
      const [year] = await tem.execute<{ starts_on: string; ends_on: string }[]>(
        `select starts_on::text, ends_on::text from academic_year where id = ?`,
        [course.academicYearId],
      );
      if (input.validFrom < year.starts_on || input.validTo > year.ends_on) {
        throw badInput(
          'validFrom',
          'PERIOD_OUTSIDE_YEAR',
          'The dates fall outside the academic year',
        );
      }
      const clashes = await tem.execute<{ same_class: boolean }[]>(
        `select co.class_group_id = ? as same_class from timetable_slot t join course co on co.id = t.course_id
          where t.school_id = ? and t.weekday = ? and t.lesson_number = ? and t.valid_from <= ? and t.valid_to >= ?
            and (co.class_group_id = ? or co.teacher_id = ?)
            -- groups of one split meet at the same time, each with its own teacher
            and not (co.teacher_id <> ? and co.subgroup_id is not null and ?::int is not null
                     and (select split_id from subgroup where id = co.subgroup_id) = (select split_id from subgroup where id = ?::int))`,
        [
          course.classGroupId,
          viewer.schoolId,
          weekday,
          lessonNumber,
          input.validTo,
          input.validFrom,
          course.classGroupId,
          course.teacherId,
          course.teacherId,
          course.subgroupId,
          course.subgroupId,
        ],
      );
      if (clashes.some((c) => c.same_class)) {
        throw conflict(
          'lessonNumber',
          'TIMETABLE_OVERLAP',
          'The class already has a lesson at this time',
        );
      }
      if (clashes.length > 0) {
        throw conflict('lessonNumber', 'TEACHER_BUSY', 'The teacher already teaches at this time');
      }
      return tem.create(TimetableSlot, {
        school: viewer.schoolId,
        course: course.id,
        weekday,
        lessonNumber,
        validFrom: input.validFrom,
        validTo: input.validTo,
      });
    });
  }

  async removeSlot({ em, viewer }: Scope, id: string): Promise<boolean> {
    policy.require(viewer, Permission.StructureManage);
    return em.transactional(async (tem) => {
      const slot = await tem.findOne(TimetableSlot, {
        id: parseId('id', id),
        school: viewer.schoolId,
      });
      if (!slot) throw notFound();
      tem.remove(slot);
      return true;
    });
  }

  /**
   * Makes the lessons of a study period from the course's slots: every school day that is not a
   * holiday of the class's grade. Lessons that exist already are kept as they are.
   */
  async generateLessons(
    { em, viewer }: Scope,
    courseId: string,
    periodId: string,
  ): Promise<number> {
    const course = await loadCourse(em, viewer, courseId);
    if (!policy.can(viewer, Permission.StructureManage) && !canWriteCourse(viewer!, course)) {
      throw new DomainError('FORBIDDEN', 'You are not allowed to do this');
    }
    return em.transactional(async (tem) => {
      const [period] = await tem.execute<{ starts_on: string; ends_on: string }[]>(
        `select starts_on::text, ends_on::text from study_period where id = ? and academic_year_id = ?`,
        [parseId('periodId', periodId), course.academicYearId],
      );
      if (!period) throw notFound();
      const slots = await tem.find(TimetableSlot, { course: course.id });
      const holidays = await tem.execute<
        { starts_on: string; ends_on: string; grades: number[] | null }[]
      >(`select starts_on::text, ends_on::text, grades from holiday where academic_year_id = ?`, [
        course.academicYearId,
      ]);
      const existing = new Set(
        (
          await tem.find(Lesson, {
            course: course.id,
            date: { $gte: period.starts_on, $lte: period.ends_on },
          })
        ).map((l) => `${l.date}:${l.number}`),
      );
      let created = 0;
      for (
        let t = Date.parse(`${period.starts_on}T00:00:00Z`);
        iso(t) <= period.ends_on;
        t += 86_400_000
      ) {
        const date = iso(t);
        const weekday = ((new Date(t).getUTCDay() + 6) % 7) + 1;
        const off = holidays.some(
          (h) =>
            h.starts_on <= date &&
            date <= h.ends_on &&
            (!h.grades || h.grades.includes(course.grade)),
        );
        if (off) continue;
        for (const s of slots) {
          if (
            s.weekday !== weekday ||
            s.validFrom > date ||
            s.validTo < date ||
            existing.has(`${date}:${s.lessonNumber}`)
          ) {
            continue;
          }
          tem.create(Lesson, {
            school: viewer!.schoolId,
            course: course.id,
            date,
            number: s.lessonNumber,
          });
          created++;
        }
      }
      await tem.flush();
      if (created > 0) {
        audit(tem, viewer!, 'course', course.id, 'update', null, {
          lessonsCreated: created,
          periodId: Number(periodId),
        });
      }
      return created;
    });
  }
}
