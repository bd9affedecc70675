import type { EntityManager } from '@mikro-orm/postgresql';
import { School } from '../src/modules/school/school.entity.js';
import { AcademicYear } from '../src/modules/school/academic-year.entity.js';
import { StudyPeriod, PeriodKind } from '../src/modules/school/study-period.entity.js';
import { Holiday } from '../src/modules/school/holiday.entity.js';
import { ClassGroup } from '../src/modules/school/class-group.entity.js';
import { Subject } from '../src/modules/school/subject.entity.js';
import { Course } from '../src/modules/school/course.entity.js';
import { Person } from '../src/modules/people/person.entity.js';
import { RoleGrant } from '../src/modules/people/role-grant.entity.js';
import { Role } from '../src/auth/role.js';
import { UserAccount } from '../src/modules/people/user-account.entity.js';
import { Enrollment } from '../src/modules/people/enrollment.entity.js';
import { Guardianship } from '../src/modules/people/guardianship.entity.js';
import { TimetableSlot } from '../src/modules/journal/timetable-slot.entity.js';
import { Lesson } from '../src/modules/journal/lesson.entity.js';
import { Mark } from '../src/modules/journal/mark.entity.js';
import { PeriodMark } from '../src/modules/journal/period-mark.entity.js';
import { Attendance } from '../src/modules/journal/attendance.entity.js';
import { addJournalDefaults } from '../src/modules/journal/journal-defaults.js';
import { CURRICULUM, holidaysOf, quartersOf } from '../src/seed/curriculum.js';
import { schoolYearStart } from '../src/seed/demo.js';
import { DEMO_TODAY, type GqlClient, type TestApp } from './helpers.js';

/**
 * Test data on the real database, one record at a time, with defaults that make a complete
 * minimal school (immich's `ctx.newUser()` is the model). Each test states the data it is about:
 *
 *   const f = factory(t);
 *   await f.newSchool();
 *   const cls = await f.newClass({ grade: 7 });
 *   const pupil = await f.newPupil({ classGroup: cls, enrolledFrom: '2026-11-27' });
 *   const parent = await f.newParent({ children: [pupil] });
 *   const diary = await parent.client();
 *
 * Rows go through the ORM's entities, so they pass the same checks as the app's own. Ids are
 * strings, as GraphQL gives and takes them. Records belong to the school made last.
 */

/** Every person the factory makes signs in with this password. */
export const TEST_PASSWORD = 'factory-password';
// Hashing with argon2 takes tens of milliseconds: the hash of TEST_PASSWORD is computed once, here.
const TEST_PASSWORD_HASH =
  '$argon2id$v=19$m=19456,t=2,p=1$vUji3IF/RoHc1iSp/modkg$BrcT6kcQJesh7XjYED9UCdhzxbY/ILOo6CKxTwnnzVw';

type Id = string | { id: string };
/** Personal fields a made person may be given; none by default. */
type PersonalFields = Partial<
  Pick<Person, 'middleName' | 'birthDate' | 'phone' | 'email' | 'address'>
>;
const idOf = (x: Id) => Number(typeof x === 'string' ? x : x.id);

export interface MadePeriod {
  id: string;
  name: string;
  startsOn: string;
  endsOn: string;
}
export interface MadeSchool {
  id: string;
  yearId: string;
  startsOn: string;
  endsOn: string;
  /** The four quarters, in order. */
  periods: MadePeriod[];
  /** Work type ids by name («Ответ на уроке», «Контрольная работа»…). */
  workTypes: Record<string, string>;
  /** Attendance code ids by code (Н, Б, П, О). */
  codes: Record<string, string>;
  /** The year's holiday ids by name («Осенние каникулы», «День Победы»…). */
  holidays: Record<string, string>;
}
export interface MadePerson {
  id: string;
  login: string;
  /** A client signed in as this person. */
  client(): Promise<GqlClient>;
}
export interface MadeClass {
  id: string;
  grade: number;
  name: string;
}
export interface MadeCourse {
  id: string;
  classGroupId: string;
  subjectId: string;
  teacherId: string;
}
export interface MadeLesson {
  id: string;
  courseId: string;
  date: string;
  number: number;
}

const LAST_NAMES = ['Иванов', 'Петров', 'Смирнов', 'Кузнецов', 'Попов', 'Соколов', 'Лебедев'];
const FIRST_NAMES = ['Алексей', 'Борис', 'Василий', 'Григорий', 'Дмитрий', 'Егор', 'Захар'];
const LETTERS = 'АБВГДЕЖИК';

const iso = (t: number) => new Date(t).toISOString().slice(0, 10);
const addDays = (date: string, n: number) => iso(Date.parse(`${date}T00:00:00Z`) + n * 86_400_000);
const weekdayOf = (date: string) => ((new Date(`${date}T00:00:00Z`).getUTCDay() + 6) % 7) + 1;

export class Factory {
  private made?: MadeSchool;
  private count = 0;
  private readonly lettersUsed = new Map<string, number>();
  private readonly subjectsUsed = new Map<string, number>();
  private readonly numbersUsed = new Map<string, number>();

  constructor(readonly t: TestApp) {}

  /** The school made last: the one every other record belongs to. */
  get school(): MadeSchool {
    if (!this.made) throw new Error('factory: call newSchool() first');
    return this.made;
  }

  private get schoolId(): number {
    return Number(this.school.id);
  }

  private next(): number {
    return ++this.count;
  }

  private async save<T extends object>(build: (em: EntityManager) => T): Promise<T> {
    const em = this.t.orm.em.fork() as EntityManager;
    const made = build(em);
    await em.flush();
    return made;
  }

  /**
   * A school with default work types and attendance codes, and the academic year in progress on
   * the tests' today (DEMO_TODAY): four quarters and the holidays between them.
   */
  async newSchool(o: { name?: string; timeZone?: string; startYear?: number } = {}) {
    const made = await this.save((em) => {
      const school = em.create(School, {
        name: o.name ?? `Школа №${this.next()}`,
        timeZone: o.timeZone ?? 'Europe/Moscow',
      });
      return { school, ...addJournalDefaults(em, school) };
    });
    this.made = {
      id: String(made.school.id),
      yearId: '',
      startsOn: '',
      endsOn: '',
      periods: [],
      holidays: {},
      workTypes: Object.fromEntries(made.workTypes.map((w) => [w.name, String(w.id)])),
      codes: Object.fromEntries(made.codes.map((c) => [c.code, String(c.id)])),
    };
    await this.newYear({ startYear: o.startYear });
    return this.made;
  }

  /**
   * An academic year from 1 September of `startYear` (by default the one in progress on the tests'
   * today), with its quarters and holidays. Classes and courses made after it belong to it.
   */
  async newYear(o: { startYear?: number } = {}) {
    const y = o.startYear ?? schoolYearStart(new Date(`${DEMO_TODAY}T12:00:00Z`));
    const made = await this.save((em) => {
      const base = { school: this.schoolId };
      const year = em.create(AcademicYear, {
        ...base,
        name: `${y}/${y + 1}`,
        startsOn: `${y}-09-01`,
        endsOn: `${y + 1}-05-31`,
      });
      const periods = quartersOf(y).map((q) =>
        em.create(StudyPeriod, { ...base, academicYear: year, kind: PeriodKind.QUARTER, ...q }),
      );
      const holidays = holidaysOf(y).map((h) =>
        em.create(Holiday, { ...base, academicYear: year, ...h, grades: h.grades ?? null }),
      );
      return { year, periods, holidays };
    });
    Object.assign(this.school, {
      yearId: String(made.year.id),
      startsOn: made.year.startsOn,
      endsOn: made.year.endsOn,
      periods: made.periods.map((p) => ({
        id: String(p.id),
        name: p.name,
        startsOn: p.startsOn,
        endsOn: p.endsOn,
      })),
      holidays: Object.fromEntries(made.holidays.map((h) => [h.name, String(h.id)])),
    });
    return { id: String(made.year.id), periods: this.school.periods };
  }

  /** A person with these roles and, unless `login` is null, an account. */
  async newPerson(
    o: {
      roles: Role[];
      login?: string | null;
      lastName?: string;
      firstName?: string;
    } & PersonalFields,
  ): Promise<MadePerson> {
    const n = this.next();
    const { roles, login: wanted, ...fields } = o;
    const login = wanted === undefined ? `${roles[0].toLowerCase()}${n}` : wanted;
    const person = await this.save((em) => {
      const school = this.schoolId;
      const p = em.create(Person, {
        school,
        lastName: LAST_NAMES[n % LAST_NAMES.length],
        firstName: FIRST_NAMES[n % FIRST_NAMES.length],
        ...fields,
      });
      for (const role of roles) em.create(RoleGrant, { school, person: p, role });
      if (login) {
        em.create(UserAccount, { school, person: p, login, passwordHash: TEST_PASSWORD_HASH });
      }
      return p;
    });
    return { id: String(person.id), login: login ?? '', client: () => this.as(login ?? '') };
  }

  newTeacher(o: { login?: string; lastName?: string; firstName?: string } = {}) {
    return this.newPerson({ roles: [Role.TEACHER], ...o });
  }

  /** Administration: SYSADMIN, DIRECTOR or DEPUTY (give a DEPUTY who teaches TEACHER too). */
  newStaff(o: { roles: Role[]; login?: string }) {
    return this.newPerson(o);
  }

  /** A class of the current year; the letter is the next free one of its grade that year. */
  async newClass(o: { grade?: number; letter?: string; classTeacher?: Id } = {}) {
    const grade = o.grade ?? 7;
    const key = `${this.school.yearId}:${grade}`;
    const used = this.lettersUsed.get(key) ?? 0;
    this.lettersUsed.set(key, used + 1);
    const letter = o.letter ?? LETTERS[used];
    const cls = await this.save((em) =>
      em.create(ClassGroup, {
        school: this.schoolId,
        academicYear: Number(this.school.yearId),
        grade,
        letter,
        classTeacher: o.classTeacher ? idOf(o.classTeacher) : null,
      }),
    );
    return { id: String(cls.id), grade, name: `${grade}${letter}` } satisfies MadeClass;
  }

  /** A pupil in a class from `enrolledFrom` (the year's start) to `leftOn` (open). */
  async newPupil(
    o: {
      classGroup: Id;
      enrolledFrom?: string;
      leftOn?: string;
      login?: string | null;
      lastName?: string;
      firstName?: string;
    } & PersonalFields,
  ) {
    const { classGroup, enrolledFrom, leftOn, ...person } = o;
    const pupil = await this.newPerson({ roles: [Role.STUDENT], ...person });
    await this.enrol({ pupil, classGroup, from: enrolledFrom, to: leftOn });
    return pupil;
  }

  /** Puts a pupil in a class from `from` (the year's start) to `to` (open): a move, a return. */
  async enrol(o: { pupil: Id; classGroup: Id; from?: string; to?: string }): Promise<void> {
    await this.save((em) =>
      em.create(Enrollment, {
        school: this.schoolId,
        pupil: idOf(o.pupil),
        classGroup: idOf(o.classGroup),
        startsOn: o.from ?? this.school.startsOn,
        endsOn: o.to ?? null,
        leaveReason: o.to ? 'LEFT_SCHOOL' : null,
      }),
    );
  }

  /** A parent (a mother unless `kind` says otherwise) of these children. */
  async newParent(
    o: {
      children: Id[];
      login?: string | null;
      lastName?: string;
      firstName?: string;
      kind?: Guardianship['kind'];
    } & PersonalFields,
  ) {
    const { children, kind = 'mother', ...person } = o;
    const parent = await this.newPerson({ roles: [Role.PARENT], ...person });
    await this.save((em) =>
      children.map((child) =>
        em.create(Guardianship, {
          school: this.schoolId,
          guardian: idOf(parent),
          pupil: idOf(child),
          kind,
        }),
      ),
    );
    return parent;
  }

  /** A subject by name, made the first time it is asked for. */
  async subject(name: string): Promise<string> {
    const [found] = await this.t.sql<{ id: number }>(
      `select id from subject where school_id = ? and name = ?`,
      [this.school.id, name],
    );
    if (found) return String(found.id);
    const s = await this.save((em) => em.create(Subject, { school: this.schoolId, name }));
    return String(s.id);
  }

  /** A class's course; by default the next subject of the curriculum, taught by a new teacher. */
  async newCourse(o: { classGroup: Id; subject?: string; teacher?: Id; hoursPerWeek?: number }) {
    const key = String(idOf(o.classGroup));
    const used = this.subjectsUsed.get(key) ?? 0;
    this.subjectsUsed.set(key, used + 1);
    const subjectId = await this.subject(o.subject ?? CURRICULUM[used].name);
    const teacherId = o.teacher ? String(idOf(o.teacher)) : (await this.newTeacher()).id;
    const course = await this.save((em) =>
      em.create(Course, {
        school: this.schoolId,
        academicYear: Number(this.school.yearId),
        classGroup: idOf(o.classGroup),
        subject: Number(subjectId),
        teacher: Number(teacherId),
        hoursPerWeek: o.hoursPerWeek ?? 2,
      }),
    );
    return { id: String(course.id), classGroupId: key, subjectId, teacherId } satisfies MadeCourse;
  }

  /** A lesson; on the same day a course's lessons take numbers 1, 2, 3… unless given one. */
  async newLesson(o: {
    course: Id;
    date?: string;
    number?: number;
    topic?: string | null;
    homework?: string | null;
    cancelled?: boolean;
    substitute?: Id;
  }): Promise<MadeLesson> {
    const courseId = idOf(o.course);
    const date = o.date ?? DEMO_TODAY;
    const key = `${courseId}:${date}`;
    const number = o.number ?? (this.numbersUsed.get(key) ?? 0) + 1;
    this.numbersUsed.set(key, Math.max(number, this.numbersUsed.get(key) ?? 0));
    const lesson = await this.save((em) =>
      em.create(Lesson, {
        school: this.schoolId,
        course: courseId,
        date,
        number,
        topic: o.topic === undefined ? `Тема урока ${number}` : o.topic,
        homework: o.homework ?? null,
        cancelled: o.cancelled ?? false,
        substitute: o.substitute ? idOf(o.substitute) : null,
      }),
    );
    return { id: String(lesson.id), courseId: String(courseId), date, number };
  }

  /**
   * A weekly timetable slot (weekday 1 = Monday) and, unless `lessons` is false, its lessons on
   * every school day of every period, as `generateLessons` would make them.
   */
  async newSlot(o: { course: Id; weekday: number; number?: number; lessons?: boolean }) {
    const courseId = idOf(o.course);
    const number = o.number ?? 1;
    const dates = o.lessons === false ? [] : await this.schoolDays(courseId, o.weekday);
    const made = await this.save((em) => {
      const base = { school: this.schoolId, course: courseId };
      const slot = em.create(TimetableSlot, {
        ...base,
        weekday: o.weekday,
        lessonNumber: number,
        validFrom: this.school.startsOn,
        validTo: this.school.endsOn,
      });
      const topic = (i: number) => `Тема урока ${i + 1}`;
      const lessons = dates.map((date, i) =>
        em.create(Lesson, { ...base, date, number, topic: topic(i) }),
      );
      return { slot, lessons };
    });
    return {
      id: String(made.slot.id),
      lessons: made.lessons.map((l) => ({
        id: String(l.id),
        courseId: String(courseId),
        date: l.date,
        number,
      })),
    };
  }

  /** Dates of this weekday in the year's periods, without the holidays of the course's grade. */
  private async schoolDays(courseId: number, weekday: number): Promise<string[]> {
    const holidays = await this.t.sql<{ starts_on: string; ends_on: string; grades: number[] }>(
      `select h.starts_on::text, h.ends_on::text, h.grades from holiday h
        join course co on co.academic_year_id = h.academic_year_id join class_group c on c.id = co.class_group_id
       where co.id = ? and (h.grades is null or c.grade = any(h.grades))`,
      [courseId],
    );
    const dates: string[] = [];
    for (const p of this.school.periods) {
      for (let d = p.startsOn; d <= p.endsOn; d = addDays(d, 1)) {
        const off = holidays.some((h) => h.starts_on <= d && d <= h.ends_on);
        if (weekdayOf(d) === weekday && !off) dates.push(d);
      }
    }
    return dates;
  }

  /** A mark; the work type by name or id, «Ответ на уроке» by default. */
  async newMark(o: { lesson: Id; pupil: Id; value?: string; workType?: string }) {
    const value = o.value ?? '5';
    const workType = o.workType ?? 'Ответ на уроке';
    const mark = await this.save((em) =>
      em.create(Mark, {
        school: this.schoolId,
        lesson: idOf(o.lesson),
        pupil: idOf(o.pupil),
        workType: Number(this.school.workTypes[workType] ?? workType),
        value,
        score: /^\d+$/.test(value) ? Number(value) : null,
      }),
    );
    return { id: String(mark.id) };
  }

  /** A pupil's absence from a lesson; the attendance code by code, Н by default. */
  async newAbsence(o: { lesson: Id; pupil: Id; code?: string }) {
    const absence = await this.save((em) =>
      em.create(Attendance, {
        school: this.schoolId,
        lesson: idOf(o.lesson),
        pupil: idOf(o.pupil),
        code: Number(this.school.codes[o.code ?? 'Н']),
      }),
    );
    return { id: String(absence.id) };
  }

  /** A pupil's final mark in a course for a period, or for the year when `period` is null. */
  async newPeriodMark(o: { course: Id; pupil: Id; period: Id | null; value: string }) {
    const mark = await this.save((em) =>
      em.create(PeriodMark, {
        school: this.schoolId,
        course: idOf(o.course),
        pupil: idOf(o.pupil),
        period: o.period === null ? null : idOf(o.period),
        value: o.value,
      }),
    );
    return { id: String(mark.id) };
  }

  /** Closes a period, as a DIRECTOR or DEPUTY does when its marks are final. */
  async lockPeriod(period: Id, at = new Date(`${DEMO_TODAY}T09:00:00Z`)): Promise<void> {
    await this.t.sql(`update study_period set locked_at = ? where id = ?`, [at, idOf(period)]);
  }

  /** A client signed in as a person the factory made. */
  async as(who: string | MadePerson): Promise<GqlClient> {
    const c = this.t.client();
    const r = await c.login(typeof who === 'string' ? who : who.login, TEST_PASSWORD);
    if (r.errors) throw new Error(`factory: cannot sign in: ${r.errors[0].message}`);
    return c;
  }
}

/** A factory writing into the test app's database. */
export const factory = (t: TestApp) => new Factory(t);
