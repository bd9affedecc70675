import type { EntityManager } from '@mikro-orm/postgresql';
import { Course } from './course.entity.js';
import { ClassGroupService } from './class-group.service.js';
import { SubjectService } from './subject.service.js';
import { CalendarService } from './calendar.service.js';
import { Permission, policy } from '../../auth/policy.js';
import { badInput, conflict, notFound } from '../../errors.js';
import { parseId } from '../../graphql/validate.js';
import { requireTeacher } from '../people/staff.lookup.js';
import { audit } from '../audit/audit.js';
import { publishRightsChanged } from '../../events/rights.js';
import type { Scope } from '../../scope.js';
import type { CourseInput, CreateCourseInput } from './school.inputs.js';
import { readCourses, type CourseRow } from './course.read.js';

function checkHours(hours: number): number {
  if (!Number.isFinite(hours) || hours <= 0 || hours > 40 || Math.round(hours * 2) !== hours * 2) {
    throw badInput('hoursPerWeek', 'OUT_OF_RANGE', 'Hours per week: from 0.5 to 40, in halves');
  }
  return hours;
}

/** What a course's journal holds, by kind. */
interface JournalEntries {
  marks: number;
  attendance: number;
  periodMarks: number;
  written: number;
}

/**
 * Everything written in a course's journal: marks (removed ones too, whose history is kept),
 * attendance (cleared entries too), period marks, and lessons given a topic, homework or a note.
 */
async function journalEntries(em: EntityManager, courseId: number): Promise<JournalEntries> {
  const [row] = await em.execute<JournalEntries[]>(
    `select (select count(*) from mark m join lesson l on l.id = m.lesson_id where l.course_id = ?)::int as marks,
            (select count(*) from attendance a join lesson l on l.id = a.lesson_id where l.course_id = ?)::int as attendance,
            (select count(*) from period_mark where course_id = ?)::int as "periodMarks",
            (select count(*) from lesson where course_id = ?
                and (coalesce(topic, '') <> '' or coalesce(homework, '') <> '' or coalesce(note, '') <> ''))::int as written`,
    [courseId, courseId, courseId, courseId],
  );
  return row;
}

/** "68 marks, 12 attendance entries", or null when the journal is empty. */
function describeEntries(e: JournalEntries): string | null {
  const parts = (
    [
      [e.marks, 'marks'],
      [e.attendance, 'attendance entries'],
      [e.periodMarks, 'period marks'],
      [e.written, 'lessons with a topic, homework or note'],
    ] as const
  )
    .filter(([n]) => n > 0)
    .map(([n, what]) => `${n} ${what}`);
  return parts.length > 0 ? parts.join(', ') : null;
}

export class CourseService {
  constructor(
    private readonly calendar: CalendarService,
    private readonly classes: ClassGroupService,
    private readonly subjects: SubjectService,
  ) {}

  /** One statement, whatever the number of courses (the read model, decision 50). */
  async list(
    scope: Scope,
    filter: { academicYearId?: string | null; classGroupId?: string | null },
    today: string,
  ): Promise<CourseRow[]> {
    policy.require(scope.viewer, Permission.StructureRead);
    const classId = filter.classGroupId ? parseId('classGroupId', filter.classGroupId) : null;
    const yearId =
      !classId && filter.academicYearId
        ? (await this.calendar.year(scope, filter.academicYearId)).id
        : null;
    return readCourses(scope.em, scope.viewer.schoolId, today, { classId, yearId });
  }

  async create(scope: Scope, input: CreateCourseInput): Promise<Course> {
    policy.require(scope.viewer, Permission.StructureManage);
    const viewer = scope.viewer;
    return scope.em.transactional(async (em) => {
      const cls = await this.classes.get({ em, viewer }, input.classGroupId).catch(() => {
        throw badInput('classGroupId', 'NOT_FOUND', 'Choose a class');
      });
      const subject = await this.subjects.get({ em, viewer }, input.subjectId).catch(() => {
        throw badInput('subjectId', 'NOT_FOUND', 'Choose a subject');
      });
      const teacher = await requireTeacher(em, viewer.schoolId, 'teacherId', input.teacherId);
      const hoursPerWeek = checkHours(input.hoursPerWeek);
      if (await em.findOne(Course, { classGroup: cls.id, subject: subject.id, subgroup: null })) {
        throw conflict(
          'subjectId',
          'COURSE_EXISTS',
          `${subject.name} is already taught in class ${cls.name}`,
        );
      }
      return em.create(Course, {
        school: viewer.schoolId,
        academicYear: cls.academicYear,
        classGroup: cls,
        subject,
        teacher,
        hoursPerWeek,
      });
    });
  }

  async update(scope: Scope, id: string, input: CourseInput): Promise<Course> {
    policy.require(scope.viewer, Permission.StructureManage);
    const viewer = scope.viewer;
    return scope.em.transactional(async (em) => {
      const course = await this.get({ em, viewer }, id);
      const teacher = await requireTeacher(em, viewer.schoolId, 'teacherId', input.teacherId);
      const before = course.teacher.id;
      em.assign(course, { teacher, hoursPerWeek: checkHours(input.hoursPerWeek) });
      if (teacher !== before) {
        // The teacher relieved of the course must stop hearing of its journal at once.
        await publishRightsChanged(em, viewer.schoolId, {
          personIds: [before, teacher],
          courseIds: [course.id],
        });
      }
      return course;
    });
  }

  /**
   * Deletes a course set up by mistake, with the lessons generated for it while they are empty.
   * A course with anything written in its journal is refused: its history is the school's record.
   */
  async delete(scope: Scope, id: string): Promise<boolean> {
    policy.require(scope.viewer, Permission.StructureManage);
    const viewer = scope.viewer;
    return scope.em.transactional(async (em) => {
      const course = await this.get({ em, viewer }, id);
      if (course.subgroup) {
        throw conflict(
          undefined,
          'HAS_DEPENDENTS',
          "The course is a subgroup's journal page; delete the split instead",
        );
      }
      // Writing a mark, an absence or a period mark takes a key-share lock on its lesson or
      // course: locking them first means an entry written before is counted below, and one
      // written after finds its lesson gone.
      await em.execute(`select id from course where id = ? for update`, [course.id]);
      await em.execute(`select id from lesson where course_id = ? for update`, [course.id]);
      const held = describeEntries(await journalEntries(em, course.id));
      if (held) {
        throw conflict(
          undefined,
          'HAS_JOURNAL_ENTRIES',
          `The course's journal has ${held}; it cannot be deleted`,
        );
      }
      const lessons = await em.execute<{ id: number }[]>(
        `delete from lesson where course_id = ? returning id`,
        [course.id],
      );
      audit(
        em,
        viewer,
        'course',
        course.id,
        'remove',
        {
          classGroupId: course.classGroup.id,
          subjectId: course.subject.id,
          teacherId: course.teacher.id,
          hoursPerWeek: course.hoursPerWeek,
          emptyLessonsDeleted: lessons.length,
        },
        null,
      );
      em.remove(course);
      return true;
    });
  }

  private async get({ em, viewer }: Scope, id: string): Promise<Course> {
    policy.require(viewer, Permission.StructureRead);
    const course = await em.findOne(Course, { id: parseId('id', id), school: viewer.schoolId });
    if (!course) throw notFound();
    return course;
  }
}
