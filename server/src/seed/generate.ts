import { Faker, ru, en, base } from '@faker-js/faker';
import type { EntityManager } from '@mikro-orm/postgresql';
import { School } from '../modules/school/school.entity.js';
import { AcademicYear } from '../modules/school/academic-year.entity.js';
import { StudyPeriod, PeriodKind } from '../modules/school/study-period.entity.js';
import { Holiday } from '../modules/school/holiday.entity.js';
import { ClassGroup } from '../modules/school/class-group.entity.js';
import { Subject } from '../modules/school/subject.entity.js';
import { Course } from '../modules/school/course.entity.js';
import { Person, Sex } from '../modules/people/person.entity.js';
import { RoleGrant } from '../modules/people/role-grant.entity.js';
import { Role } from '../auth/role.js';
import { UserAccount } from '../modules/people/user-account.entity.js';
import { Guardianship } from '../modules/people/guardianship.entity.js';
import { Enrollment } from '../modules/people/enrollment.entity.js';
import { addJournalDefaults } from '../modules/journal/journal-defaults.js';
import type { WorkType } from '../modules/journal/work-type.entity.js';
import type { AttendanceCode } from '../modules/journal/attendance-code.entity.js';
import { CURRICULUM, holidaysOf, quartersOf } from './curriculum.js';
import { adultName, childName, type Name } from './names.js';

export interface GenerateOptions {
  seed: number;
  schoolName: string;
  /** The calendar year in which the current school year starts. */
  startYear: number;
  grades: number[];
  /** Letters per grade: ['А'] for a small school, ['А','Б','В','Г'] for a big one. */
  letters: string[];
  pupilsPerClass: [min: number, max: number];
  /** Hash of the password every generated account gets (hashed once by the caller). */
  passwordHash: string;
  /** Put before every generated login, so that several generated schools can share a database. */
  loginPrefix?: string;
}

export interface Generated {
  school: School;
  workTypes: WorkType[];
  codes: AttendanceCode[];
  year: AcademicYear;
  staff: Map<string, Person>;
  classes: ClassGroup[];
  families: { guardians: Person[]; children: { pupil: Person; cls: ClassGroup }[] }[];
}

/** Who teaches what: subject name → staff key, for grades 5–9 (1–4 are taught by the class teacher). */
const SPECIALISTS: Record<string, string> = {
  'Русский язык': 'classteacher',
  Литература: 'classteacher',
  'Иностранный язык (английский)': 'english',
  Математика: 'deputy',
  Алгебра: 'teacher',
  Геометрия: 'teacher',
  'Вероятность и статистика': 'teacher',
  Информатика: 'teacher',
  История: 'history',
  Обществознание: 'history',
  География: 'biology',
  Биология: 'biology',
  Химия: 'biology',
  Физика: 'physics',
  'Труд (технология)': 'physics',
  'Изобразительное искусство': 'arts',
  Музыка: 'arts',
  'Основы безопасности и защиты Родины': 'sport',
  'Физическая культура': 'sport',
};
const PRIMARY_SPECIALISTS = new Set([
  'Иностранный язык (английский)',
  'Музыка',
  'Физическая культура',
]);

/**
 * Builds a whole school deterministically from `seed`: staff, subjects, the year and its quarters,
 * classes with pupils and their parents, and courses from the curriculum. The demo school is one
 * call of it; benchmarks call it with more grades, letters and pupils.
 */
export async function generateSchool(em: EntityManager, o: GenerateOptions): Promise<Generated> {
  const faker = new Faker({ locale: [ru, en, base] });
  faker.seed(o.seed);
  const school = em.create(School, {
    name: o.schoolName,
    shortName: null,
    address: null,
    timeZone: 'Europe/Moscow',
  });
  const { workTypes, codes } = addJournalDefaults(em, school);
  const year = em.create(AcademicYear, {
    school,
    name: `${o.startYear}/${o.startYear + 1}`,
    startsOn: `${o.startYear}-09-01`,
    endsOn: `${o.startYear + 1}-05-31`,
  });
  for (const h of holidaysOf(o.startYear)) {
    em.create(Holiday, { school, academicYear: year, ...h, grades: h.grades ?? null });
  }
  for (const q of quartersOf(o.startYear)) {
    em.create(StudyPeriod, { school, academicYear: year, kind: PeriodKind.QUARTER, ...q });
  }
  const subjects = new Map(
    CURRICULUM.map((c) => [
      c.name,
      em.create(Subject, { school, name: c.name, shortName: c.shortName }),
    ]),
  );

  const person = (n: Name) => em.create(Person, { school, ...n });
  const account = (p: Person, login: string) =>
    em.create(UserAccount, {
      school,
      person: p,
      login: `${o.loginPrefix ?? ''}${login}`,
      passwordHash: o.passwordHash,
    });
  const grant = (p: Person, ...roles: Role[]) =>
    roles.forEach((role) => em.create(RoleGrant, { school, person: p, role }));

  const staff = new Map<string, Person>();
  const addStaff = (key: string, sex: Sex, roles: Role[]) => {
    const p = person(adultName(faker, sex));
    grant(p, ...roles);
    account(p, key);
    staff.set(key, p);
    return p;
  };
  addStaff('sysadmin', Sex.M, [Role.SYSADMIN]);
  addStaff('director', Sex.F, [Role.DIRECTOR]);
  addStaff('deputy', Sex.F, [Role.DEPUTY, Role.TEACHER]);
  for (const [key, sex] of [
    ['teacher', Sex.M],
    ['classteacher', Sex.F],
    ['english', Sex.F],
    ['history', Sex.M],
    ['biology', Sex.F],
    ['physics', Sex.M],
    ['arts', Sex.F],
    ['sport', Sex.M],
  ] as const) {
    addStaff(key, sex, [Role.TEACHER]);
  }

  const classes: ClassGroup[] = [];
  const families: Generated['families'] = [];
  const leaders: Record<number, string> = {
    5: 'english',
    6: 'history',
    7: 'classteacher',
    8: 'biology',
    9: 'physics',
  };
  for (const grade of o.grades) {
    for (const [li, letter] of o.letters.entries()) {
      const primary = grade <= 4;
      let leaderKey = li === 0 ? leaders[grade] : undefined;
      if (primary || !leaderKey) {
        // Logins stay ASCII: the class's letter becomes a, b, c…
        leaderKey = `${primary ? 'primary' : 'teacher'}${grade}${String.fromCharCode(97 + li)}`;
        addStaff(leaderKey, primary ? Sex.F : faker.helpers.arrayElement([Sex.M, Sex.F]), [
          Role.TEACHER,
        ]);
      }
      const cls = em.create(ClassGroup, {
        school,
        academicYear: year,
        grade,
        letter,
        classTeacher: staff.get(leaderKey)!,
      });
      classes.push(cls);
      for (const c of CURRICULUM) {
        const hours = c.hours[grade];
        if (!hours) continue;
        // A bigger school has a set of subject teachers for each parallel: «teacher», «teacher2»…
        const teacherKey =
          primary && !PRIMARY_SPECIALISTS.has(c.name)
            ? leaderKey
            : `${SPECIALISTS[c.name]}${li > 0 ? li + 1 : ''}`;
        if (!staff.has(teacherKey)) {
          addStaff(teacherKey, faker.helpers.arrayElement([Sex.M, Sex.F]), [Role.TEACHER]);
        }
        em.create(Course, {
          school,
          academicYear: year,
          classGroup: cls,
          subject: subjects.get(c.name)!,
          teacher: staff.get(teacherKey)!,
          hoursPerWeek: hours,
        });
      }
      const size = faker.number.int({ min: o.pupilsPerClass[0], max: o.pupilsPerClass[1] });
      for (let i = 0; i < size; i++) {
        const father = adultName(faker, Sex.M);
        const mother = adultName(faker, Sex.F, father.lastName);
        const guardians =
          faker.number.float() < 0.85 ? [person(father), person(mother)] : [person(mother)];
        grant(guardians[0], Role.PARENT);
        if (guardians[1]) grant(guardians[1], Role.PARENT);
        const pupil = person(childName(faker, father.lastName, father.firstName));
        grant(pupil, Role.STUDENT);
        em.create(Enrollment, { school, pupil, classGroup: cls, startsOn: year.startsOn });
        for (const g of guardians) {
          em.create(Guardianship, {
            school,
            guardian: g,
            pupil,
            kind: g.sex === Sex.M ? 'father' : 'mother',
          });
        }
        families.push({ guardians, children: [{ pupil, cls }] });
      }
    }
  }
  await em.flush();
  return { school, workTypes, codes, year, staff, classes, families };
}
