import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, DEMO_TODAY, type GqlClient, type TestApp } from './helpers.js';
import { hashToken } from '../src/auth/viewer.js';
import { Course } from '../src/modules/school/course.entity.js';
import { ClassGroup } from '../src/modules/school/class-group.entity.js';
import { School } from '../src/modules/school/school.entity.js';
import { Person } from '../src/modules/people/person.entity.js';
import { Enrollment } from '../src/modules/people/enrollment.entity.js';
import { Guardianship } from '../src/modules/people/guardianship.entity.js';
import { UserAccount } from '../src/modules/people/user-account.entity.js';
import { RoleGrant } from '../src/modules/people/role-grant.entity.js';

/**
 * The read models of issue 16 (decision 50) answer exactly what the entity path answered, on the
 * demo school: `me` for every kind of person, the year's course list, and a class roster. The
 * expected answers are built here the old way, through MikroORM entities.
 */
let t: TestApp;
let schoolId: number;

beforeAll(async () => {
  t = await createTestApp();
  [{ id: schoolId }] = await t.sql<{ id: number }>(`select id from school order by id limit 1`);
});
afterAll(() => t.close());

/** A client signed in as this person (an account made for them when they have none). */
async function as(personId: number): Promise<GqlClient> {
  const token = randomBytes(24).toString('base64url');
  await t.sql(
    `with a as (insert into user_account (school_id, person_id, login, password_hash, active, created_at)
                select school_id, id, 'read.p' || id, 'x', true, now() from person where id = ?
                on conflict (person_id) do update set active = true returning id, school_id)
     insert into session (school_id, account_id, token_hash, created_at, last_seen_at, expires_at)
     select school_id, id, ?, now(), now(), now() + interval '1 day' from a`,
    [personId, hashToken(token)],
  );
  const c = t.client();
  c.cookie = `otmetka_session=${token}`;
  return c;
}

function em() {
  const e = t.orm.em.fork();
  e.setFilterParams('tenant', { schoolId });
  return e;
}

const fullName = (p: Person) => p.fullName;
const classJson = (c: ClassGroup) => ({
  id: String(c.id),
  grade: c.grade,
  letter: c.letter,
  name: c.name,
  academicYear: { id: String(c.academicYear.id) },
  classTeacher: c.classTeacher ? { id: String(c.classTeacher.id) } : null,
});
const CLASS = 'id grade letter name academicYear { id } classTeacher { id }';
const COURSE = `id hoursPerWeek subgroupName subject { id name shortName } classGroup { ${CLASS} }
  teacher { id lastName firstName middleName fullName shortName login roles }`;

/** A course as the entity path answered it; a teacher's login only to those who read staff. */
async function courseJson(c: Course, readsStaff: boolean) {
  const e = em();
  const teacher = await e.findOneOrFail(Person, c.teacher.id);
  const roles = await e.find(RoleGrant, { person: teacher.id });
  const account = await e.findOne(UserAccount, { person: teacher.id });
  const subgroup = c.subgroup ? await c.subgroup.load() : null;
  return {
    id: String(c.id),
    hoursPerWeek: c.hoursPerWeek,
    subgroupName: subgroup?.name ?? null,
    subject: {
      id: String(c.subject.id),
      name: c.subject.getEntity().name,
      shortName: c.subject.getEntity().shortName ?? null,
    },
    classGroup: classJson(c.classGroup.getEntity()),
    teacher: {
      id: String(teacher.id),
      lastName: teacher.lastName,
      firstName: teacher.firstName,
      middleName: teacher.middleName ?? null,
      fullName: teacher.fullName,
      shortName: teacher.shortName,
      login: readsStaff ? (account?.login ?? null) : null,
      roles: roles.map((g) => g.role).sort(),
    },
  };
}

const sortRoles = <T extends { teacher: { roles: string[] } }>(list: T[]) =>
  list.map((c) => ({ ...c, teacher: { ...c.teacher, roles: [...c.teacher.roles].sort() } }));

async function coursesByEntities(where: Record<string, unknown>, readsStaff = true) {
  const list = await em().find(Course, where, {
    populate: ['classGroup', 'subject'],
    orderBy: { classGroup: { grade: 'asc', letter: 'asc' }, subject: { name: 'asc' } },
  });
  const out = [];
  for (const c of list) out.push(await courseJson(c, readsStaff));
  return out;
}

describe('read models answer what the entities answered (demo school)', () => {
  it("the year's course list, and one class's", async () => {
    const [director] = await t.sql<{ id: number }>(
      `select person_id as id from role_grant where role = 'DIRECTOR' limit 1`,
    );
    const c = await as(director.id);
    const r = await c.request<{ courses: Parameters<typeof sortRoles>[0] }>(
      `{ courses { ${COURSE} } }`,
    );
    expect(r.errors).toBeUndefined();
    const [year] = await t.sql<{ id: number }>(
      `select id from academic_year where school_id = ? and starts_on <= ? and ends_on >= ?`,
      [schoolId, DEMO_TODAY, DEMO_TODAY],
    );
    const expected = await coursesByEntities({ academicYear: year.id });
    expect(expected.length).toBeGreaterThan(20);
    expect(sortRoles(r.data!.courses)).toEqual(expected);

    const classId = expected[5].classGroup.id;
    const one = await c.request<{ courses: Parameters<typeof sortRoles>[0] }>(
      `query($c: ID) { courses(classGroupId: $c) { ${COURSE} } }`,
      { c: classId },
    );
    expect(sortRoles(one.data!.courses)).toEqual(
      await coursesByEntities({ classGroup: Number(classId) }),
    );
  });

  it('a class in a course answers its teacher, pupils and year as the class list does', async () => {
    const [director] = await t.sql<{ id: number }>(
      `select person_id as id from role_grant where role = 'DIRECTOR' limit 1`,
    );
    const c = await as(director.id);
    const FIELDS = `${CLASS} pupilCount classTeacher { fullName } academicYear { name startsOn }`;
    const r = await c.request<{
      courses: { classGroup: { id: string } }[];
      classGroups: { id: string }[];
    }>(`{ courses { classGroup { ${FIELDS} } } classGroups { ${FIELDS} } }`);
    expect(r.errors).toBeUndefined();
    const classes = new Map(r.data!.classGroups.map((x) => [x.id, x]));
    for (const course of r.data!.courses) {
      expect(course.classGroup).toEqual(classes.get(course.classGroup.id));
    }
  });

  it('me, for a teacher, a class teacher, the director, a parent and a pupil', async () => {
    const people = await t.sql<{ id: number; kind: string }>(
      `(select teacher_id as id, 'teacher' as kind from course group by teacher_id order by count(*) desc limit 1)
       union all (select class_teacher_id, 'class teacher' from class_group where class_teacher_id is not null limit 1)
       union all (select person_id, 'director' from role_grant where role = 'DIRECTOR' limit 1)
       union all (select person_id, 'parent' from user_account where login = 'parent')
       union all (select person_id, 'pupil' from user_account where login = 'pupil')`,
    );
    expect(people).toHaveLength(5);
    const ME = `{ me { personId fullName school { id name shortName address timeZone
      grading { scaleMin scaleMax thresholds markSymbols { code name } } }
      children { id lastName firstName middleName fullName classGroup { ${CLASS} } }
      pupil { id fullName classGroup { ${CLASS} } }
      ledClasses { ${CLASS} } courses { ${COURSE} } } }`;
    for (const p of people) {
      const r = await (
        await as(p.id)
      ).request<{
        me: { courses: Parameters<typeof sortRoles>[0] };
      }>(ME);
      expect(r.errors, p.kind).toBeUndefined();
      const me = { ...r.data!.me, courses: sortRoles(r.data!.me.courses) };
      expect(me, p.kind).toEqual(await meByEntities(p.id));
    }
  });

  it("a class teacher's roster: every personal field as the person's entity has it", async () => {
    const [cls] = await t.sql<{ id: number; teacher: number }>(
      `select c.id, c.class_teacher_id as teacher from class_group c
        where c.class_teacher_id is not null and c.grade = 7 order by c.letter limit 1`,
    );
    const PERSON = `id fullName shortName lastName firstName middleName roles sex birthDate phone
      email address document recordConfirmedAt canEdit`;
    const r = await (
      await as(cls.teacher)
    ).request<{ classRoster: unknown }>(
      `query($c: ID!) { classRoster(classGroupId: $c) { manageable classGroup { ${CLASS} }
        pupils { ${PERSON} consentMissing guardians { kind person { ${PERSON} } } }
        former { id fullName } } }`,
      { c: String(cls.id) },
    );
    expect(r.errors).toBeUndefined();
    expect(r.data!.classRoster).toEqual(await rosterByEntities(cls.id));
  });
});

/** The roster as the entity path built it (pupils of today and former ones, by name). */
async function rosterByEntities(classId: number) {
  const e = em();
  const cls = await e.findOneOrFail(ClassGroup, classId);
  const enrolments = await e.find(Enrollment, { classGroup: classId });
  const isCurrent = (x: Enrollment) =>
    x.startsOn <= DEMO_TODAY && (x.endsOn == null || x.endsOn >= DEMO_TODAY);
  const current = new Set(enrolments.filter(isCurrent).map((x) => x.pupil.id));
  const ids = [...new Set(enrolments.map((x) => x.pupil.id))];
  const people = await e.find(Person, { id: { $in: ids } });
  const personJson = async (p: Person) => ({
    id: String(p.id),
    fullName: p.fullName,
    shortName: p.shortName,
    lastName: p.lastName,
    firstName: p.firstName,
    middleName: p.middleName ?? null,
    roles: (await e.find(RoleGrant, { person: p.id })).map((g) => g.role as string).sort(),
    sex: p.sex ?? null,
    birthDate: p.birthDate ?? null,
    phone: p.phone ?? null,
    email: p.email ?? null,
    address: p.address ?? null,
    document: p.document ?? null,
    recordConfirmedAt: p.recordConfirmedAt ? new Date(p.recordConfirmedAt).toISOString() : null,
    canEdit: true,
  });
  const byName = (a: Person, b: Person) => a.fullName.localeCompare(b.fullName, 'ru');
  const pupils = [];
  for (const p of people.filter((x) => current.has(x.id)).sort(byName)) {
    const links = await e.find(
      Guardianship,
      { pupil: p.id },
      { orderBy: { kind: 'desc', guardian: 'asc' } },
    );
    const consents = await t.sql(
      `select 1 from consent where subject_id = ? and revoked_on is null`,
      [p.id],
    );
    const guardians = [];
    for (const l of links) {
      const g = await e.findOneOrFail(Person, l.guardian.id);
      guardians.push({ kind: l.kind, person: await personJson(g) });
    }
    pupils.push({ ...(await personJson(p)), consentMissing: consents.length === 0, guardians });
  }
  return {
    manageable: true,
    classGroup: classJson(cls),
    pupils,
    former: people
      .filter((x) => !current.has(x.id))
      .sort(byName)
      .map((p) => ({ id: String(p.id), fullName: p.fullName })),
  };
}

/** `me` as MeService built it from entities before decision 50. */
async function meByEntities(personId: number) {
  const e = em();
  const [self, school] = await Promise.all([
    e.findOneOrFail(Person, personId),
    e.findOneOrFail(School, schoolId),
  ]);
  const childIds = (await e.find(Guardianship, { guardian: personId })).map((g) => g.pupil.id);
  const roles = (await e.find(RoleGrant, { person: personId })).map((g) => g.role as string);
  const isPupil = roles.includes('STUDENT');
  const readsStaff = roles.some((r) => ['SYSADMIN', 'DIRECTOR', 'DEPUTY'].includes(r));
  const pupilIds = [...childIds, ...(isPupil ? [personId] : [])];
  const pupils = await e.find(Person, { id: { $in: pupilIds } }, { orderBy: { firstName: 'asc' } });
  const enrollments = await e.find(
    Enrollment,
    {
      pupil: { $in: pupilIds },
      startsOn: { $lte: DEMO_TODAY },
      $or: [{ endsOn: null }, { endsOn: { $gte: DEMO_TODAY } }],
    },
    { populate: ['classGroup'] },
  );
  const pupilJson = (p: Person) => {
    const cls = enrollments.find((x) => x.pupil.id === p.id)?.classGroup.getEntity();
    return {
      id: String(p.id),
      lastName: p.lastName,
      firstName: p.firstName,
      middleName: p.middleName ?? null,
      fullName: fullName(p),
      classGroup: cls ? classJson(cls) : null,
    };
  };
  const led = await e.find(
    ClassGroup,
    { classTeacher: personId },
    { orderBy: { grade: 'asc', letter: 'asc' } },
  );
  const self2 = pupils.find((p) => p.id === personId);
  return {
    personId: String(personId),
    fullName: self.fullName,
    school: {
      id: String(school.id),
      name: school.name,
      shortName: school.shortName ?? null,
      address: school.address ?? null,
      timeZone: school.timeZone,
      grading: school.grading,
    },
    children: pupils.filter((p) => childIds.includes(p.id)).map(pupilJson),
    pupil: self2
      ? { id: String(self2.id), fullName: self2.fullName, classGroup: pupilJson(self2).classGroup }
      : null,
    ledClasses: led.map(classJson),
    courses: await coursesByEntities({ teacher: personId }, readsStaff),
  };
}
