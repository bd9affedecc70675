import type { EntityManager } from '@mikro-orm/postgresql';
import { ClassGroup } from './class-group.entity.js';
import { Course } from './course.entity.js';
import { Enrollment } from '../people/enrollment.entity.js';
import { CalendarService } from './calendar.service.js';
import { Permission, policy } from '../../auth/policy.js';
import { badInput, conflict, notFound } from '../../errors.js';
import { intInRange, parseId } from '../../graphql/validate.js';
import { requireTeacher } from '../people/staff.lookup.js';
import type { Scope } from '../../scope.js';
import { publishRightsChanged } from '../../events/rights.js';
import type { ClassGroupInput, CreateClassGroupInput } from './school.inputs.js';

export class ClassGroupService {
  constructor(private readonly calendar: CalendarService) {}

  async list(
    scope: Scope,
    academicYearId: string | null | undefined,
    today: string,
  ): Promise<ClassGroup[]> {
    policy.require(scope.viewer, Permission.StructureRead);
    const year = academicYearId
      ? await this.calendar.year(scope, academicYearId)
      : await this.calendar.currentYear(scope, today);
    if (!year) return [];
    return scope.em.find(
      ClassGroup,
      { academicYear: year.id, school: scope.viewer.schoolId },
      { orderBy: { grade: 'asc', letter: 'asc' } },
    );
  }

  async get({ em, viewer }: Scope, id: string): Promise<ClassGroup> {
    policy.require(viewer, Permission.StructureRead);
    const cls = await em.findOne(ClassGroup, { id: parseId('id', id), school: viewer.schoolId });
    if (!cls) throw notFound();
    return cls;
  }

  async create(scope: Scope, input: CreateClassGroupInput): Promise<ClassGroup> {
    policy.require(scope.viewer, Permission.StructureManage);
    const viewer = scope.viewer;
    return scope.em.transactional(async (em) => {
      const year = await this.calendar.year({ em, viewer }, input.academicYearId);
      const fields = await this.check(em, viewer.schoolId, year.id, input, null);
      return em.create(ClassGroup, { school: viewer.schoolId, academicYear: year, ...fields });
    });
  }

  async update(scope: Scope, id: string, input: ClassGroupInput): Promise<ClassGroup> {
    policy.require(scope.viewer, Permission.StructureManage);
    const viewer = scope.viewer;
    return scope.em.transactional(async (em) => {
      const cls = await this.get({ em, viewer }, id);
      const before = cls.classTeacher?.id ?? null;
      em.assign(cls, await this.check(em, viewer.schoolId, cls.academicYear.id, input, cls.id));
      const after = cls.classTeacher?.id ?? null;
      if (after !== before) {
        // A class teacher reads the class's diaries: the one replaced stops at once.
        await publishRightsChanged(em, viewer.schoolId, {
          personIds: [before, after].filter((p): p is number => p !== null),
        });
      }
      return cls;
    });
  }

  async delete(scope: Scope, id: string): Promise<boolean> {
    policy.require(scope.viewer, Permission.StructureManage);
    const viewer = scope.viewer;
    return scope.em.transactional(async (em) => {
      const cls = await this.get({ em, viewer }, id);
      const [courses, pupils] = await Promise.all([
        em.count(Course, { classGroup: cls.id }),
        em.count(Enrollment, { classGroup: cls.id }),
      ]);
      if (courses + pupils > 0) {
        throw conflict(
          undefined,
          'HAS_DEPENDENTS',
          'The class has pupils or courses; remove them first',
        );
      }
      em.remove(cls);
      return true;
    });
  }

  private async check(
    em: EntityManager,
    schoolId: number,
    yearId: number,
    input: ClassGroupInput,
    selfId: number | null,
  ) {
    const grade = intInRange('grade', input.grade, 1, 11);
    const letter = input.letter.trim().toUpperCase();
    if (!/^[\p{L}]{0,5}$/u.test(letter)) {
      throw badInput('letter', 'INVALID_LETTER', 'Use up to five letters, or none');
    }
    const same = await em.findOne(ClassGroup, {
      academicYear: yearId,
      grade,
      letter,
      id: { $ne: selfId ?? 0 },
    });
    if (same) throw conflict('letter', 'NAME_TAKEN', `Class ${grade}${letter} exists in this year`);
    let classTeacher: number | null = null;
    if (input.classTeacherId) {
      classTeacher = await requireTeacher(em, schoolId, 'classTeacherId', input.classTeacherId);
      const led = await em.findOne(ClassGroup, {
        academicYear: yearId,
        classTeacher,
        id: { $ne: selfId ?? 0 },
      });
      if (led) {
        throw conflict(
          'classTeacherId',
          'CLASS_TEACHER_TAKEN',
          `This teacher already leads class ${led.name}`,
        );
      }
    }
    return { grade, letter, classTeacher };
  }
}
