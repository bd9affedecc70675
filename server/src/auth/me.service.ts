import { Person } from '../modules/people/person.entity.js';
import { Enrollment } from '../modules/people/enrollment.entity.js';
import { Role } from './role.js';
import { ClassGroup } from '../modules/school/class-group.entity.js';
import { Course } from '../modules/school/course.entity.js';
import { School } from '../modules/school/school.entity.js';
import { Pupil, ViewerInfo } from '../graphql/types.js';
import type { Clock } from '../clock.js';
import type { Scope } from '../scope.js';
import type { Viewer } from './viewer.js';

/** What the signed-in person may know about themselves: roles, children, classes, courses. */
export class MeService {
  constructor(private readonly clock: Clock) {}

  async me({ em, viewer }: Scope): Promise<ViewerInfo | null> {
    if (!viewer) return null;
    const school = await em.findOneOrFail(School, viewer.schoolId);
    const today = this.clock.today(school.timeZone);
    const pupilIds = [
      ...viewer.childIds,
      ...(viewer.roles.has(Role.STUDENT) ? [viewer.personId] : []),
    ];
    const [self, pupils, ledClasses, courses] = await Promise.all([
      em.findOneOrFail(Person, viewer.personId),
      this.pupils(scopeOf(em, viewer), pupilIds, today),
      em.find(ClassGroup, { id: { $in: [...viewer.ledClassIds] } }, { orderBy: { grade: 'asc' } }),
      em.find(
        Course,
        { id: { $in: [...viewer.courseIds] } },
        {
          populate: ['classGroup', 'subject'],
          orderBy: { classGroup: { grade: 'asc', letter: 'asc' }, subject: { name: 'asc' } },
        },
      ),
    ]);
    return Object.assign(new ViewerInfo(), {
      userId: viewer.accountId,
      login: viewer.login,
      personId: viewer.personId,
      fullName: self.fullName,
      roles: [...viewer.roles],
      school,
      children: pupils.filter((p) => viewer.childIds.includes(p.id)),
      ledClasses,
      courses,
      pupil: pupils.find((p) => p.id === viewer.personId) ?? null,
    });
  }

  private async pupils({ em }: Scope, ids: number[], today: string): Promise<Pupil[]> {
    if (ids.length === 0) return [];
    const [people, enrollments] = await Promise.all([
      em.find(Person, { id: { $in: ids } }, { orderBy: { firstName: 'asc' } }),
      em.find(
        Enrollment,
        {
          pupil: { $in: ids },
          startsOn: { $lte: today },
          $or: [{ endsOn: null }, { endsOn: { $gte: today } }],
        },
        { populate: ['classGroup'] },
      ),
    ]);
    return people.map((p) =>
      Pupil.from(p, enrollments.find((e) => e.pupil.id === p.id)?.classGroup.getEntity() ?? null),
    );
  }
}

const scopeOf = (em: Scope['em'], viewer: Viewer): Scope => ({ em, viewer });
