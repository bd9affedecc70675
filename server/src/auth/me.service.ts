import { Role } from './role.js';
import { School } from '../modules/school/school.entity.js';
import { fullNameOf } from '../modules/people/person.entity.js';
import { classGroupView, readCourses } from '../modules/school/course.read.js';
import { pgIntArray, prepared } from '../db/prepared.js';
import { Pupil, ViewerInfo } from '../graphql/types.js';
import type { Clock } from '../clock.js';
import type { Scope } from '../scope.js';

interface ClassJson {
  id: number;
  grade: number;
  letter: string;
  year: number;
  teacher: number | null;
}

interface Row {
  last_name: string;
  first_name: string;
  middle_name: string | null;
  school: {
    id: number;
    name: string;
    short_name: string | null;
    address: string | null;
    time_zone: string;
    scale_min: number;
    scale_max: number;
    thresholds: number[];
    mark_symbols: School['markSymbols'];
    created_at: string;
  };
  pupils: {
    id: number;
    last: string;
    first: string;
    middle: string | null;
    classes: (ClassJson & { from: string; to: string | null })[];
  }[];
  led: ClassJson[];
}

const CLASS_JSON = `'id', c.id, 'grade', c.grade, 'letter', c.letter, 'year', c.academic_year_id, 'teacher', c.class_teacher_id`;

/**
 * The person, their school, the pupils they see as such (children, or themselves) with every
 * enrolment, and the classes they lead: one statement, all of the viewer's school (decision 50).
 */
const ME_SQL = `
select p.last_name, p.first_name, p.middle_name, row_to_json(sc) as school,
       coalesce((select json_agg(json_build_object('id', x.id, 'last', x.last_name, 'first', x.first_name,
                   'middle', x.middle_name,
                   'classes', coalesce((select json_agg(json_build_object(${CLASS_JSON}, 'from', e.starts_on, 'to', e.ends_on) order by e.id)
                                          from enrollment e join class_group c on c.id = e.class_group_id
                                         where e.pupil_id = x.id), '[]'))
                 order by x.first_name)
                   from person x where x.id = any(?::int[]) and x.school_id = sc.id), '[]') as pupils,
       coalesce((select json_agg(json_build_object(${CLASS_JSON}) order by c.grade, c.letter)
                   from class_group c where c.id = any(?::int[]) and c.school_id = sc.id), '[]') as led
  from person p join school sc on sc.id = p.school_id
 where p.id = ? and sc.id = ?`;

/** What the signed-in person may know about themselves: roles, children, classes, courses. */
export class MeService {
  constructor(private readonly clock: Clock) {}

  /** Two statements whatever the number of children, classes and courses, run side by side. */
  async me({ em, viewer }: Scope): Promise<ViewerInfo | null> {
    if (!viewer) return null;
    const pupilIds = [
      ...viewer.childIds,
      ...(viewer.roles.has(Role.STUDENT) ? [viewer.personId] : []),
    ];
    const [rows, courses] = await Promise.all([
      prepared<Row>(em, ME_SQL, [
        pgIntArray(pupilIds),
        pgIntArray(viewer.ledClassIds),
        viewer.personId,
        viewer.schoolId,
      ]),
      viewer.courseIds.length === 0
        ? []
        : readCourses(em, viewer.schoolId, null, { ids: viewer.courseIds }),
    ]);
    const row = rows[0];
    if (!row) throw new Error(`the viewer's person ${viewer.personId} is not in their school`);
    const school = schoolOf(row.school);
    const pupils = pupilsOf(row.pupils, this.clock.today(school.timeZone));
    return Object.assign(new ViewerInfo(), {
      userId: viewer.accountId,
      login: viewer.login,
      personId: viewer.personId,
      fullName: fullNameOf({
        lastName: row.last_name,
        firstName: row.first_name,
        middleName: row.middle_name,
      }),
      roles: [...viewer.roles],
      school,
      children: pupils.filter((p) => viewer.childIds.includes(p.id)),
      ledClasses: row.led.map(classGroupView),
      courses,
      pupil: pupils.find((p) => p.id === viewer.personId) ?? null,
    });
  }
}

/** The school as its GraphQL type answers it: a detached object, not managed by the ORM. */
function schoolOf(s: Row['school']): School {
  return Object.assign(new School(), {
    id: s.id,
    name: s.name,
    shortName: s.short_name,
    address: s.address,
    timeZone: s.time_zone,
    scaleMin: s.scale_min,
    scaleMax: s.scale_max,
    thresholds: s.thresholds,
    markSymbols: s.mark_symbols,
    createdAt: new Date(s.created_at),
  });
}

/** Each pupil with the class they are in today (the first such enrolment), or none. */
function pupilsOf(rows: Row['pupils'], today: string): Pupil[] {
  return rows.map((p) => {
    const now = p.classes.find((c) => c.from <= today && (c.to === null || c.to >= today));
    return Object.assign(new Pupil(), {
      id: p.id,
      lastName: p.last,
      firstName: p.first,
      middleName: p.middle ?? null,
      fullName: fullNameOf({ lastName: p.last, firstName: p.first, middleName: p.middle }),
      classGroup: now ? classGroupView(now) : null,
    });
  });
}
