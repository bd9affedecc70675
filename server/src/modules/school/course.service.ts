import { Course } from './course.entity.js';
import { ClassGroupService } from './class-group.service.js';
import { SubjectService } from './subject.service.js';
import { CalendarService } from './calendar.service.js';
import { Permission, policy } from '../../auth/policy.js';
import { badInput, conflict, notFound } from '../../errors.js';
import { parseId } from '../../graphql/validate.js';
import { requireTeacher } from '../people/staff.lookup.js';
import type { Scope } from '../../scope.js';
import type { CourseInput, CreateCourseInput } from './school.inputs.js';

function checkHours(hours: number): number {
  if (!Number.isFinite(hours) || hours <= 0 || hours > 40 || Math.round(hours * 2) !== hours * 2) {
    throw badInput('hoursPerWeek', 'OUT_OF_RANGE', 'Hours per week: from 0.5 to 40, in halves');
  }
  return hours;
}

export class CourseService {
  constructor(
    private readonly calendar: CalendarService,
    private readonly classes: ClassGroupService,
    private readonly subjects: SubjectService,
  ) {}

  async list(
    scope: Scope,
    filter: { academicYearId?: string | null; classGroupId?: string | null },
    today: string,
  ) {
    policy.require(scope.viewer, Permission.StructureRead);
    const where: Record<string, unknown> = { school: scope.viewer.schoolId };
    if (filter.classGroupId) {
      where.classGroup = parseId('classGroupId', filter.classGroupId);
    } else {
      const year = filter.academicYearId
        ? await this.calendar.year(scope, filter.academicYearId)
        : await this.calendar.currentYear(scope, today);
      if (!year) return [];
      where.academicYear = year.id;
    }
    return scope.em.find(Course, where, {
      populate: ['classGroup', 'subject'],
      orderBy: { classGroup: { grade: 'asc', letter: 'asc' }, subject: { name: 'asc' } },
    });
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
      em.assign(course, { teacher, hoursPerWeek: checkHours(input.hoursPerWeek) });
      return course;
    });
  }

  async delete(scope: Scope, id: string): Promise<boolean> {
    policy.require(scope.viewer, Permission.StructureManage);
    const viewer = scope.viewer;
    return scope.em.transactional(async (em) => {
      em.remove(await this.get({ em, viewer }, id));
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
