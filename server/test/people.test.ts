import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_TODAY, codeOf, createTestApp, type GqlClient, type TestApp } from './helpers.js';
import { Role } from '../src/auth/role.js';
import { factory, type Factory } from './factory.js';

/**
 * People and personal data (R-3.7, R-3.8, 152-FZ): who registers whom,
 * who sees which personal field through every path, and the log of staff reads.
 */
let t: TestApp;
let f: Factory;
const c: Record<string, GqlClient> = {};
const ROLES = [
  'sysadmin',
  'director',
  'deputy',
  'teacher',
  'classteacher',
  'parent',
  'pupil',
] as const;
let ids: {
  c7: string;
  c3: string;
  c8: string;
  pupil: string;
  younger: string;
  parent: string;
  otherParent: string;
  otherPupil: string;
  other3: string;
  teacher: string;
  algebra: string;
};

beforeAll(async () => {
  t = await createTestApp({ demo: false });
  f = factory(t);
  await f.newSchool();
  await f.newStaff({ roles: [Role.SYSADMIN], login: 'sysadmin' });
  await f.newStaff({ roles: [Role.DIRECTOR], login: 'director' });
  await f.newStaff({ roles: [Role.DEPUTY, Role.TEACHER], login: 'deputy' });
  const teacher = await f.newTeacher({ login: 'teacher' });
  const c7 = await f.newClass({
    grade: 7,
    classTeacher: await f.newTeacher({ login: 'classteacher' }),
  });
  const c3 = await f.newClass({ grade: 3, classTeacher: await f.newTeacher() });
  const c8 = await f.newClass({ grade: 8, classTeacher: await f.newTeacher() });
  const address = 'г. Киров, ул. Ленина, д. 1';
  // The parent's two children, in 7А and 3А; the pupil has a father too.
  const pupil = await f.newPupil({
    classGroup: c7,
    login: 'pupil',
    birthDate: '2013-04-02',
    address,
  });
  const younger = await f.newPupil({ classGroup: c3, birthDate: '2017-06-11' });
  const parent = await f.newParent({
    children: [pupil, younger],
    login: 'parent',
    phone: '+79160000201',
  });
  const otherParent = await f.newParent({
    children: [pupil],
    login: null,
    kind: 'father',
    phone: '+79160000202',
  });
  // Another family in each class.
  const otherPupil = await f.newPupil({
    classGroup: c7,
    birthDate: '2013-08-20',
    phone: '+79160000103',
    address,
  });
  await f.newParent({ children: [otherPupil], login: null, phone: '+79160000203' });
  const other3 = await f.newPupil({ classGroup: c3, birthDate: '2017-02-03' });
  await f.newParent({ children: [other3], login: null, phone: '+79160000204' });
  // The teacher teaches 7А and has marked the pupil: a teacher of the pupil, not the class teacher.
  const algebra = await f.newCourse({ classGroup: c7, subject: 'Алгебра', teacher });
  await f.newMark({ lesson: await f.newLesson({ course: algebra, date: '2026-11-23' }), pupil });
  for (const r of ROLES) c[r] = await f.as(r);
  ids = {
    c7: c7.id,
    c3: c3.id,
    c8: c8.id,
    pupil: pupil.id,
    younger: younger.id,
    parent: parent.id,
    otherParent: otherParent.id,
    otherPupil: otherPupil.id,
    other3: other3.id,
    teacher: teacher.id,
    algebra: algebra.id,
  };
});
afterAll(() => t.close());

const PERSON = `id fullName birthDate phone email address document sex
  guardians { kind person { id fullName phone children { person { id phone } } } }
  children { person { id birthDate } } enrollments { classGroup { id } startsOn endsOn leaveReason }
  consents { id active document } consentMissing needsConfirmation access { state login } canEdit`;
const personQuery = `query($id:ID!){person(id:$id){${PERSON}}}`;
const rosterQuery = `query($id:ID!){classRoster(classGroupId:$id){manageable pupils{${PERSON}} former{id fullName}}}`;
const pupilInput = {
  lastName: 'Новикова',
  firstName: 'Дарья',
  middleName: 'Олеговна',
  sex: 'F',
  birthDate: '2013-05-14',
  phone: '8 (912) 345-67-89',
  address: 'д. Берёзовка, ул. Лесная, 3',
};
const register = (who: GqlClient, cls: string, input: Record<string, unknown> = pupilInput) =>
  who.request<{ registerPupil: { id: string; phone: string; needsConfirmation: boolean } }>(
    `mutation($c:ID!,$i:PersonInput!){registerPupil(classGroupId:$c,input:$i){id phone needsConfirmation}}`,
    { c: cls, i: input },
  );
const count = async (table: string) =>
  Number((await t.sql<{ n: string }>(`select count(*) as n from ${table}`))[0].n);

describe('registration (R-3.2.2)', () => {
  it('lets the class teacher register a pupil of own class, normalising the phone', async () => {
    const r = await register(c.classteacher, ids.c7);
    expect(r.errors).toBeUndefined();
    expect(r.data!.registerPupil.phone).toBe('+79123456789');
    expect(r.data!.registerPupil.needsConfirmation).toBe(false);
    const roster = await c.classteacher.request<{
      classRoster: { pupils: { id: string }[] };
    }>(rosterQuery, { id: ids.c7 });
    expect(roster.data!.classRoster.pupils.map((p) => p.id)).toContain(r.data!.registerPupil.id);
  });

  it('refuses every other role, and the class teacher for another class, writing nothing', async () => {
    const before = await count('person');
    for (const who of ['sysadmin', 'director', 'deputy', 'teacher', 'parent', 'pupil'] as const) {
      const r = await register(c[who], ids.c7);
      expect(codeOf(r), who).toBe('FORBIDDEN');
    }
    expect(codeOf(await register(c.classteacher, ids.c3))).toBe('FORBIDDEN');
    expect(codeOf(await register(t.client(), ids.c7))).toMatch(/FORBIDDEN|UNAUTHENTICATED/);
    expect(await count('person')).toBe(before);
  });

  it('answers bad input with the field and writes nothing', async () => {
    const before = await count('person');
    for (const [field, value, reason] of [
      ['phone', '12345', 'INVALID_PHONE'],
      ['email', 'not-an-email', 'INVALID_EMAIL'],
      ['lastName', '  ', 'REQUIRED'],
      ['firstName', 'Дарья2', 'INVALID_NAME'],
      ['birthDate', '2030-01-01', 'DATE_OUT_OF_RANGE'],
    ] as const) {
      const r = await register(c.classteacher, ids.c7, { ...pupilInput, [field]: value });
      expect(codeOf(r), field).toBe('BAD_USER_INPUT');
      expect(r.errors![0].extensions).toMatchObject({ field, reason });
    }
    expect(await count('person')).toBe(before);
  });

  it('adds a parent, and links the same parent (name and phone) to a second child instead of a copy', async () => {
    const a = await register(c.classteacher, ids.c7, { ...pupilInput, firstName: 'Анна' });
    const b = await register(c.classteacher, ids.c7, { ...pupilInput, firstName: 'Вера' });
    const parent = {
      lastName: 'Новиков',
      firstName: 'Олег',
      middleName: 'Петрович',
      phone: '+7 916 000-11-22',
      kind: 'father',
    };
    const add = (pupilId: string) =>
      c.classteacher.request<{
        addGuardian: { guardians: { kind: string; person: { id: string; phone: string } }[] };
      }>(
        `mutation($p:ID!,$i:GuardianInput!){addGuardian(pupilId:$p,input:$i){guardians{kind person{id phone}}}}`,
        { p: pupilId, i: parent },
      );
    const first = await add(a.data!.registerPupil.id);
    expect(first.errors).toBeUndefined();
    const second = await add(b.data!.registerPupil.id);
    expect(second.data!.addGuardian.guardians[0].person.id).toBe(
      first.data!.addGuardian.guardians[0].person.id,
    );
    expect(second.data!.addGuardian.guardians[0].person.phone).toBe('+79160001122');
    const again = await add(b.data!.registerPupil.id);
    expect(again.errors![0].extensions).toMatchObject({
      code: 'CONFLICT',
      reason: 'ALREADY_LINKED',
    });
    const bad = await c.classteacher.request(
      `mutation($p:ID!,$i:GuardianInput!){addGuardian(pupilId:$p,input:$i){id}}`,
      { p: a.data!.registerPupil.id, i: { ...parent, phone: null, kind: 'uncle' } },
    );
    expect(bad.errors![0].extensions).toMatchObject({ field: 'kind', reason: 'INVALID_KIND' });
    // Another class's pupil: not the class teacher's to touch.
    const foreign = await c.classteacher.request(
      `mutation($p:ID!,$i:GuardianInput!){addGuardian(pupilId:$p,input:$i){id}}`,
      { p: ids.other3, i: parent },
    );
    expect(codeOf(foreign)).toBe('NOT_FOUND');
  });

  it('deletes a pupil registered by mistake with the parents registered for that pupil alone', async () => {
    const del = (who: GqlClient, id: string) =>
      who.request<{ deletePupil: string }>(`mutation($p:ID!){deletePupil(pupilId:$p)}`, { p: id });
    const addParent = (pupilId: string, firstName: string, phone: string) =>
      c.classteacher.request<{ addGuardian: { guardians: { person: { id: string } }[] } }>(
        `mutation($p:ID!,$i:GuardianInput!){addGuardian(pupilId:$p,input:$i){guardians{person{id}}}}`,
        { p: pupilId, i: { lastName: 'Ошибкин', firstName, phone, kind: 'mother' } },
      );
    const exists = async (id: string) =>
      (await t.sql(`select 1 from person where id = ?`, [Number(id)])).length === 1;
    const mistaken = (await register(c.classteacher, ids.c7, { ...pupilInput, lastName: 'Дубль' }))
      .data!.registerPupil.id;
    const sibling = (await register(c.classteacher, ids.c7, { ...pupilInput, lastName: 'Сестра' }))
      .data!.registerPupil.id;
    // One parent for this pupil alone, one shared with the sibling.
    const own = (await addParent(mistaken, 'Ольга', '9160000001')).data!.addGuardian.guardians[0]
      .person.id;
    await addParent(sibling, 'Ирина', '9160000002');
    const shared = (await addParent(mistaken, 'Ирина', '9160000002'))
      .data!.addGuardian.guardians.map((g) => g.person.id)
      .find((id) => id !== own)!;

    // Nobody else may: every other role, and the class teacher of another class.
    const before = await count('person');
    for (const who of ['sysadmin', 'director', 'deputy', 'teacher', 'parent', 'pupil'] as const) {
      expect(codeOf(await del(c[who], mistaken)), who).toMatch(/FORBIDDEN|NOT_FOUND/);
    }
    expect(codeOf(await del(t.client(), mistaken))).toMatch(/FORBIDDEN|UNAUTHENTICATED/);
    expect(codeOf(await del(c.classteacher, ids.other3))).toMatch(/FORBIDDEN|NOT_FOUND/);
    // A parent or a member of staff is not a pupil.
    expect(codeOf(await del(c.classteacher, own))).toBe('NOT_FOUND');
    expect(await count('person')).toBe(before);

    const r = await del(c.classteacher, mistaken);
    expect(r.errors).toBeUndefined();
    expect(r.data!.deletePupil).toBe(mistaken);
    expect(await exists(mistaken)).toBe(false);
    expect(await exists(own)).toBe(false);
    expect(await exists(shared)).toBe(true);
    expect(await exists(sibling)).toBe(true);
    const [entry] = await t.sql<{ actor_id: number; after: { guardiansDeleted: number[] } }>(
      `select actor_id, after from audit_event where entity = 'person' and entity_id = ? and action = 'remove'`,
      [Number(mistaken)],
    );
    expect(entry.after.guardiansDeleted).toEqual([Number(own)]);
    // The audit keeps ids, never the person's data.
    expect(JSON.stringify(entry)).not.toContain('Дубль');
    expect(codeOf(await del(c.classteacher, mistaken))).toBe('NOT_FOUND');
  });

  it('refuses to delete a pupil something rests on, deleting nothing', async () => {
    const del = (id: string) =>
      c.classteacher.request(`mutation($p:ID!){deletePupil(pupilId:$p)}`, { p: id });
    const reasonOf = (r: Awaited<ReturnType<typeof del>>) => r.errors?.[0].extensions;
    // Marks and absences in the journal.
    const marked = await t.sql<{ n: string }>(`select count(*) as n from mark where pupil_id = ?`, [
      Number(ids.pupil),
    ]);
    expect(Number(marked[0].n)).toBeGreaterThan(0);
    expect(reasonOf(await del(ids.pupil))).toMatchObject({
      code: 'CONFLICT',
      reason: 'HAS_JOURNAL_ENTRIES',
    });
    // An account already used.
    const signedIn = (await register(c.classteacher, ids.c7, { ...pupilInput, lastName: 'Вошла' }))
      .data!.registerPupil.id;
    await t.sql(
      `insert into user_account (school_id, person_id, login, password_hash, created_at)
       select school_id, id, 'voshla', 'x', now() from person where id = ?`,
      [Number(signedIn)],
    );
    expect(reasonOf(await del(signedIn))).toMatchObject({ reason: 'HAS_ACCOUNT' });
    // History in another class (transferred in).
    const transferred = (
      await register(c.classteacher, ids.c7, { ...pupilInput, lastName: 'Переведён' })
    ).data!.registerPupil.id;
    await t.sql(
      `insert into enrollment (school_id, pupil_id, class_group_id, starts_on, ends_on, leave_reason)
       select school_id, ?, ?, '2020-09-01', '2021-05-31', 'TRANSFERRED' from class_group where id = ?`,
      [Number(transferred), Number(ids.c3), Number(ids.c3)],
    );
    expect(reasonOf(await del(transferred))).toMatchObject({ reason: 'HAS_HISTORY' });
    for (const id of [ids.pupil, signedIn, transferred]) {
      expect((await t.sql(`select 1 from person where id = ?`, [Number(id)])).length, id).toBe(1);
    }
  });

  it('edits records of own class only; unlinks a parent', async () => {
    const r = await c.classteacher.request<{ updatePersonRecord: { phone: string } }>(
      `mutation($id:ID!,$i:PersonInput!){updatePersonRecord(id:$id,input:$i){phone}}`,
      { id: ids.otherParent, i: { lastName: 'Иванов', firstName: 'Иван', phone: '9031112233' } },
    );
    expect(r.errors).toBeUndefined();
    expect(r.data!.updatePersonRecord.phone).toBe('+79031112233');
    const audit = await t.sql<{ after: { fields: string[] } }>(
      `select after from audit_event where entity = 'person' and entity_id = ? and action = 'update'`,
      [Number(ids.otherParent)],
    );
    // The audit names the fields, never their values.
    expect(JSON.stringify(audit)).not.toContain('9031112233');
    expect(audit[0].after.fields).toContain('phone');
    for (const who of ['teacher', 'parent', 'director', 'sysadmin'] as const) {
      const x = await c[who].request(
        `mutation($id:ID!,$i:PersonInput!){updatePersonRecord(id:$id,input:$i){id}}`,
        { id: ids.otherPupil, i: { lastName: 'X', firstName: 'Y' } },
      );
      expect(codeOf(x), who).toMatch(/FORBIDDEN|NOT_FOUND/);
    }
    // Staff records stay with the SYSADMIN.
    const staff = await c.classteacher.request(
      `mutation($id:ID!,$i:PersonInput!){updatePersonRecord(id:$id,input:$i){id}}`,
      { id: ids.teacher, i: { lastName: 'X', firstName: 'Y' } },
    );
    expect(codeOf(staff)).toBe('FORBIDDEN');
  });

  it('transfers a pupil to another class, keeping the history, and records leaving school', async () => {
    const p = await register(c.classteacher, ids.c7, { ...pupilInput, firstName: 'Галина' });
    const id = p.data!.registerPupil.id;
    await t.sql(`update enrollment set starts_on = '2026-09-01' where pupil_id = ?`, [Number(id)]);
    const moved = await c.classteacher.request<{
      movePupil: {
        enrollments: {
          classGroup: { id: string };
          endsOn: string | null;
          leaveReason: string | null;
        }[];
      };
    }>(
      `mutation($p:ID!,$i:MovePupilInput!){movePupil(pupilId:$p,input:$i){enrollments{classGroup{id} endsOn leaveReason}}}`,
      { p: id, i: { reason: 'TRANSFERRED', on: '2026-11-28', toClassGroupId: ids.c8 } },
    );
    expect(moved.errors).toBeUndefined();
    // Now in 8А, the pupil's personal data are no longer the 7А class teacher's to read.
    expect(moved.data!.movePupil.enrollments).toBeNull();
    const history = await c.director.request<{
      person: {
        enrollments: {
          classGroup: { id: string };
          endsOn: string | null;
          leaveReason: string | null;
        }[];
      };
    }>(`query($id:ID!){person(id:$id){enrollments{classGroup{id} endsOn leaveReason}}}`, { id });
    expect(history.data!.person.enrollments).toEqual([
      { classGroup: { id: ids.c7 }, endsOn: '2026-11-27', leaveReason: 'TRANSFERRED' },
      { classGroup: { id: ids.c8 }, endsOn: null, leaveReason: null },
    ]);
    const roster = await c.classteacher.request<{
      classRoster: { pupils: { id: string }[]; former: { id: string }[] };
    }>(rosterQuery, { id: ids.c7 });
    expect(roster.data!.classRoster.pupils.map((x) => x.id)).not.toContain(id);
    expect(roster.data!.classRoster.former.map((x) => x.id)).toContain(id);
    // Now in 8А: no longer the 7А class teacher's pupil.
    const again = await c.classteacher.request(
      `mutation($p:ID!,$i:MovePupilInput!){movePupil(pupilId:$p,input:$i){id}}`,
      { p: id, i: { reason: 'LEFT_SCHOOL', on: '2026-11-28' } },
    );
    expect(codeOf(again)).toBe('NOT_FOUND');
    const q = await register(c.classteacher, ids.c7, { ...pupilInput, firstName: 'Дина' });
    await t.sql(`update enrollment set starts_on = '2026-09-01' where pupil_id = ?`, [
      Number(q.data!.registerPupil.id),
    ]);
    const left = await c.classteacher.request<{
      movePupil: { enrollments: { endsOn: string; leaveReason: string }[] };
    }>(
      `mutation($p:ID!,$i:MovePupilInput!){movePupil(pupilId:$p,input:$i){enrollments{endsOn leaveReason}}}`,
      { p: q.data!.registerPupil.id, i: { reason: 'LEFT_SCHOOL', on: '2026-11-20' } },
    );
    expect(left.errors).toBeUndefined();
    const gone = await c.director.request<{
      person: { enrollments: { endsOn: string; leaveReason: string }[] };
    }>(`query($id:ID!){person(id:$id){enrollments{endsOn leaveReason}}}`, {
      id: q.data!.registerPupil.id,
    });
    expect(gone.data!.person.enrollments).toEqual([
      { endsOn: '2026-11-19', leaveReason: 'LEFT_SCHOOL' },
    ]);
  });

  it('flags records unconfirmed for a month and pupils without consent; confirming and consenting clear them', async () => {
    await t.sql(`update person set record_confirmed_at = now() - interval '40 days' where id = ?`, [
      Number(ids.otherPupil),
    ]);
    await t.sql(`delete from consent where subject_id = ?`, [Number(ids.otherPupil)]);
    const flags = async () =>
      (
        await c.classteacher.request<{
          person: {
            needsConfirmation: boolean;
            consentMissing: boolean;
            guardians: { person: { id: string } }[];
          };
        }>(
          `query($id:ID!){person(id:$id){needsConfirmation consentMissing guardians{person{id}}}}`,
          {
            id: ids.otherPupil,
          },
        )
      ).data!.person;
    const before = await flags();
    expect(before).toMatchObject({ needsConfirmation: true, consentMissing: true });
    const n = await c.classteacher.request<{ confirmPersonRecords: string[] }>(
      `mutation($ids:[ID!]!){confirmPersonRecords(ids:$ids)}`,
      { ids: [ids.otherPupil] },
    );
    expect(n.data!.confirmPersonRecords).toEqual([ids.otherPupil]);
    const guardian = before.guardians[0]?.person.id ?? null;
    const consent = await c.classteacher.request<{
      createConsent: { consents: { id: string; active: boolean }[] };
    }>(
      `mutation($p:ID!,$i:ConsentInput!){createConsent(pupilId:$p,input:$i){consents{id active}}}`,
      {
        p: ids.otherPupil,
        i: { givenById: guardian, document: 'Согласие № 77', givenOn: '2026-09-01' },
      },
    );
    expect(consent.errors).toBeUndefined();
    expect(await flags()).toMatchObject({ needsConfirmation: false, consentMissing: false });
    // Consent "given" by someone who is not a guardian is refused.
    const wrong = await c.classteacher.request(
      `mutation($p:ID!,$i:ConsentInput!){createConsent(pupilId:$p,input:$i){id}}`,
      { p: ids.otherPupil, i: { givenById: ids.parent, document: 'X', givenOn: '2026-09-01' } },
    );
    expect(wrong.errors![0].extensions).toMatchObject({ reason: 'NOT_A_GUARDIAN' });
    const revoked = await c.classteacher.request(
      `mutation($id:ID!,$on:LocalDate!){revokeConsent(id:$id,on:$on){id}}`,
      { id: consent.data!.createConsent.consents[0].id, on: '2026-11-28' },
    );
    expect(revoked.errors).toBeUndefined();
    expect((await flags()).consentMissing).toBe(true);
    // Only the class teacher confirms and records consents.
    for (const who of ['teacher', 'director', 'parent'] as const) {
      const x = await c[who].request(`mutation($ids:[ID!]!){confirmPersonRecords(ids:$ids)}`, {
        ids: [ids.otherPupil],
      });
      expect(codeOf(x), who).toBe('FORBIDDEN');
    }
  });
});

describe('the day a new pupil joins the class (issue 20)', () => {
  const registerFrom = (enrolledFrom: string | null, firstName: string) =>
    c.classteacher.request<{ registerPupil: { id: string } }>(
      `mutation($c:ID!,$i:PersonInput!,$d:LocalDate){registerPupil(classGroupId:$c,input:$i,enrolledFrom:$d){id}}`,
      { c: ids.c7, i: { ...pupilInput, firstName }, d: enrolledFrom },
    );
  const SAVE = 'mutation($c:[MarkChangeInput!]!){setMarks(changes:$c){saved{id}}}';
  const markOn = (lessonId: string, pupilId: string) =>
    c.teacher.request<{ setMarks: { saved: { id: string }[] } }>(SAVE, {
      c: [{ lessonId, pupilId, value: '5', workTypeId: f.school.workTypes['Ответ на уроке'] }],
    });
  const entryReason = (r: { errors?: { extensions?: Record<string, unknown> }[] }) =>
    (r.errors?.[0]?.extensions?.entries as { reason: string }[] | undefined)?.[0]?.reason;

  it('enrols a pupil registered mid-year from an earlier day, so that day’s lessons take marks', async () => {
    const lesson = await f.newLesson({ course: ids.algebra, date: '2026-11-16' });
    const r = await registerFrom('2026-11-09', 'Вера');
    expect(r.errors).toBeUndefined();
    const id = r.data!.registerPupil.id;
    expect(
      await t.sql(`select starts_on::text from enrollment where pupil_id = ?`, [Number(id)]),
    ).toEqual([{ starts_on: '2026-11-09' }]);
    const saved = await markOn(lesson.id, id);
    expect(saved.errors).toBeUndefined();
    expect(saved.data!.setMarks.saved).toHaveLength(1);
  });

  it('enrols from today without the date, refusing marks on earlier lessons', async () => {
    const lesson = await f.newLesson({ course: ids.algebra, date: '2026-11-16' });
    const r = await registerFrom(null, 'Галина');
    expect(r.errors).toBeUndefined();
    const id = r.data!.registerPupil.id;
    expect(
      await t.sql(`select starts_on::text from enrollment where pupil_id = ?`, [Number(id)]),
    ).toEqual([{ starts_on: DEMO_TODAY }]);
    const refused = await markOn(lesson.id, id);
    expect(codeOf(refused)).toBe('BAD_USER_INPUT');
    expect(entryReason(refused)).toBe('NOT_ENROLLED');
  });

  it('refuses a day outside the class’s academic year or after today, writing nothing', async () => {
    const before = [await count('person'), await count('enrollment'), await count('role_grant')];
    for (const [day, reason] of [
      ['2026-08-31', 'OUTSIDE_YEAR'],
      ['2027-06-01', 'OUTSIDE_YEAR'],
      ['2025-11-09', 'OUTSIDE_YEAR'],
      ['2026-12-01', 'DATE_OUT_OF_RANGE'],
    ] as const) {
      const r = await registerFrom(day, 'Дина');
      expect(codeOf(r), day).toBe('BAD_USER_INPUT');
      expect(r.errors![0].extensions, day).toMatchObject({ field: 'enrolledFrom', reason });
    }
    expect([await count('person'), await count('enrollment'), await count('role_grant')]).toEqual(
      before,
    );
  });
});

describe('personal data (R-3.7, R-3.8)', () => {
  const read = (who: GqlClient, id: string) =>
    who.request<{
      person: {
        phone: string | null;
        birthDate: string | null;
        guardians:
          | {
              person: {
                id: string;
                phone: string | null;
                children: { person: { id: string; phone: string | null } }[] | null;
              };
            }[]
          | null;
        children: { person: { id: string; birthDate: string | null } }[] | null;
      };
    }>(personQuery, { id });

  it('shows a pupil’s personal data to the pupil, the guardians, the class teacher and the administration', async () => {
    for (const who of [
      'pupil',
      'parent',
      'classteacher',
      'director',
      'deputy',
      'sysadmin',
    ] as const) {
      const r = await read(c[who], ids.pupil);
      expect(r.errors, who).toBeUndefined();
      expect(r.data!.person.birthDate, who).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    }
  });

  it('hides it from a teacher of the pupil, from other families, and from other classes’ teachers', async () => {
    expect(codeOf(await read(c.teacher, ids.pupil))).toBe('NOT_FOUND');
    expect(codeOf(await read(c.parent, ids.otherPupil))).toBe('NOT_FOUND');
    expect(codeOf(await read(c.pupil, ids.otherPupil))).toBe('NOT_FOUND');
    expect(codeOf(await read(c.classteacher, ids.other3))).toBe('NOT_FOUND');
    expect(codeOf(await read(t.client(), ids.pupil))).toMatch(/NOT_FOUND|UNAUTHENTICATED/);
    expect(codeOf(await c.teacher.request(rosterQuery, { id: ids.c7 }))).toBe('FORBIDDEN');
    expect(codeOf(await c.parent.request(rosterQuery, { id: ids.c7 }))).toBe('FORBIDDEN');
    expect(codeOf(await c.classteacher.request(rosterQuery, { id: ids.c3 }))).toBe('FORBIDDEN');
  });

  it('guards every nested person separately', async () => {
    // The pupil sees own data, but not the parents' phones; a parent sees own phone, not the other parent's.
    const own = await read(c.pupil, ids.pupil);
    const phones = own.data!.person.guardians!.map((g) => g.person.phone);
    expect(phones.every((p) => p === null)).toBe(true);
    const byParent = await read(c.parent, ids.pupil);
    const gs = byParent.data!.person.guardians!;
    expect(gs.find((g) => g.person.id === ids.parent)!.person.phone).toMatch(/^\+7/);
    expect(gs.find((g) => g.person.id === ids.otherParent)!.person.phone).toBeNull();
    // The class teacher of 7А sees the parent's phone, but not the younger child's (3А) data, even
    // when reached through the parent.
    const byTeacher = await c.classteacher.request<{
      classRoster: {
        pupils: {
          id: string;
          guardians: {
            person: {
              id: string;
              phone: string | null;
              children: { person: { id: string; birthDate: string | null } }[];
            };
          }[];
        }[];
      };
    }>(
      `query($id:ID!){classRoster(classGroupId:$id){pupils{id guardians{person{id phone children{person{id birthDate}}}}}}}`,
      { id: ids.c7 },
    );
    const me = byTeacher.data!.classRoster.pupils.find((p) => p.id === ids.pupil)!;
    const mother = me.guardians.find((g) => g.person.id === ids.parent)!;
    expect(mother.person.phone).toMatch(/^\+7/);
    const kids = mother.person.children.map((k) => [k.person.id, k.person.birthDate]);
    expect(kids.find(([id]) => id === ids.pupil)![1]).not.toBeNull();
    expect(kids.find(([id]) => id === ids.younger)![1]).toBeNull();
  });

  it('logs staff reads of others’ personal data, for the DIRECTOR alone to review', async () => {
    await t.sql(`delete from personal_data_access`);
    await read(c.director, ids.otherPupil);
    await c.classteacher.request(`query($id:ID!){person(id:$id){phone}}`, { id: ids.otherPupil });
    await read(c.parent, ids.pupil); // a parent reading their own child: not logged
    await read(c.pupil, ids.pupil); // oneself: not logged
    await read(c.teacher, ids.pupil); // refused: nothing was read
    const log = await c.director.request<{
      personalDataAccessLog: {
        items: { readerName: string; subjectId: string; fields: string[] }[];
      };
    }>(`{personalDataAccessLog{items{readerName subjectId fields}}}`);
    expect(log.errors).toBeUndefined();
    const all = log.data!.personalDataAccessLog.items;
    const entries = all.filter((e) => e.subjectId === ids.otherPupil);
    expect(entries).toHaveLength(2);
    // The director's query reached the parents' phones too: logged under each parent.
    const parents = all.filter((e) => e.subjectId !== ids.otherPupil);
    expect(parents.length).toBeGreaterThan(0);
    expect(parents.every((e) => e.fields.includes('phone'))).toBe(true);
    expect(entries.find((e) => e.fields.length === 1)!.fields).toEqual(['phone']);
    expect(entries.find((e) => e.fields.length > 1)!.fields).toEqual(
      expect.arrayContaining(['address', 'birthDate', 'phone', 'guardians']),
    );
    for (const who of [
      'sysadmin',
      'deputy',
      'classteacher',
      'teacher',
      'parent',
      'pupil',
    ] as const) {
      const r = await c[who].request(`{personalDataAccessLog{items{id}}}`);
      expect(codeOf(r), who).toBe('FORBIDDEN');
    }
  });

  it('pages the log by cursor: every entry once, newest first, and refuses a bad cursor', async () => {
    // Rows written in one statement share their time: the id orders them.
    await t.sql(
      `insert into personal_data_access (school_id, at, reader_id, subject_id, fields)
       select p.school_id, now() - (g % 3) * interval '1 second', ?, p.id, '{phone}'
         from person p, generate_series(1, 3) g where p.id = ?`,
      [ids.teacher, ids.otherPupil],
    );
    const Q = `query($a:String){personalDataAccessLog(first:2,after:$a){items{id at} nextCursor}}`;
    type Page = {
      personalDataAccessLog: { items: { id: string; at: string }[]; nextCursor: string | null };
    };
    const seen: { id: string; at: string }[] = [];
    let after: string | null = null;
    let pages = 0;
    do {
      const r: { data?: Page | null; errors?: unknown } = await c.director.request<Page>(Q, {
        a: after,
      });
      expect(r.errors).toBeUndefined();
      const page: Page['personalDataAccessLog'] = r.data!.personalDataAccessLog;
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items);
      after = page.nextCursor;
      pages++;
    } while (after && pages < 100);
    const [{ n }] = await t.sql<{ n: string }>(
      `select count(*)::text n from personal_data_access where school_id =
         (select school_id from person where id = ?)`,
      [ids.teacher],
    );
    expect(seen).toHaveLength(Number(n));
    expect(new Set(seen.map((e) => e.id)).size).toBe(seen.length);
    const order = await t.sql<{ id: string }>(
      `select id::text from personal_data_access where school_id =
         (select school_id from person where id = ?) order by at desc, id desc`,
      [ids.teacher],
    );
    expect(seen.map((e) => e.id)).toEqual(order.map((o) => o.id));
    for (const bad of ['nonsense', Buffer.from('["x","1"]').toString('base64url')]) {
      const r = await c.director.request(Q, { a: bad });
      expect(r.errors?.[0].extensions, bad).toMatchObject({
        code: 'BAD_USER_INPUT',
        reason: 'INVALID_CURSOR',
        field: 'after',
      });
    }
  });
});

describe('class list import (R-3.2.2)', () => {
  const HEAD =
    'Фамилия;Имя;Отчество;Пол;Дата рождения;Родитель 1: фамилия;Родитель 1: имя;Родитель 1: кем приходится;Родитель 1: телефон';
  const csv = (rows: string[]) =>
    Buffer.from('\ufeff' + [HEAD, ...rows].join('\r\n'), 'utf8').toString('base64');
  const good = [
    'Орлова;Мария;Ивановна;Ж;01.02.2013;Орлов;Иван;отец;+7 915 111-22-33',
    'Орлов;Пётр;Иванович;М;03.04.2014;Орлов;Иван;отец;+7 915 111-22-33',
    'Соколова;Ева;;Ж;2013-06-07;;;;',
  ];
  const preview = (who: GqlClient, file: string) =>
    who.request<{
      previewClassImport: {
        valid: boolean;
        pupilCount: number;
        rows: { rowNumber: number; problems: { field: string; reason: string }[] }[];
        fileProblems: { reason: string; column: string | null }[];
      };
    }>(
      `query($c:ID!,$f:String!){previewClassImport(classGroupId:$c,fileBase64:$f,filename:"list.csv"){valid pupilCount rows{rowNumber problems{field reason}} fileProblems{reason column}}}`,
      { c: ids.c7, f: file },
    );
  const commit = (who: GqlClient, file: string) =>
    who.request<{
      importClassList: { pupilsCreated: number; guardiansCreated: number; guardiansLinked: number };
    }>(
      `mutation($c:ID!,$f:String!){importClassList(classGroupId:$c,fileBase64:$f,filename:"list.csv"){pupilsCreated guardiansCreated guardiansLinked}}`,
      { c: ids.c7, f: file },
    );

  it('previews each row’s problems and imports nothing while any row is wrong', async () => {
    const bad = csv([...good, 'Кузнецов;;;X;31.02.2013;Кузнецова;Анна;тётя;123']);
    const p = await preview(c.classteacher, bad);
    expect(p.errors).toBeUndefined();
    expect(p.data!.previewClassImport.valid).toBe(false);
    const row = p.data!.previewClassImport.rows.find((r) => r.rowNumber === 5)!;
    expect(row.problems.map((x) => x.reason)).toEqual(
      expect.arrayContaining(['REQUIRED', 'INVALID_SEX', 'INVALID_DATE', 'INVALID_PHONE']),
    );
    expect(p.data!.previewClassImport.rows.filter((r) => r.problems.length === 0)).toHaveLength(3);
    const before = await count('person');
    const r = await commit(c.classteacher, bad);
    expect(codeOf(r)).toBe('BAD_USER_INPUT');
    const entries = r.errors![0].extensions!.entries as { index: number; field: string }[];
    expect(entries.every((e) => e.index === 5)).toBe(true);
    expect(entries.map((e) => e.field)).toContain('firstName');
    expect(await count('person')).toBe(before);
  });

  it('names the column of each problem with the file: unknown, repeated, missing, without a header', async () => {
    const file = Buffer.from(
      '\ufeff' + ['Фамилия;Любимый предмет;Пол;Пол;', 'Орлова;физика;Ж;Ж;лишнее'].join('\r\n'),
      'utf8',
    ).toString('base64');
    const p = await preview(c.classteacher, file);
    expect(p.errors).toBeUndefined();
    expect(p.data!.previewClassImport.valid).toBe(false);
    expect(p.data!.previewClassImport.fileProblems).toEqual([
      { reason: 'UNKNOWN_COLUMN', column: 'Любимый предмет' },
      { reason: 'DUPLICATE_COLUMN', column: 'Пол' },
      { reason: 'UNNAMED_COLUMN', column: 'E' },
      { reason: 'MISSING_COLUMN', column: 'Имя' },
    ]);
  });

  it('imports a good file whole, one parent for two siblings, and refuses pupils already there', async () => {
    const before = await count('person');
    const r = await commit(c.classteacher, csv(good));
    expect(r.errors).toBeUndefined();
    expect(r.data!.importClassList).toEqual({
      pupilsCreated: 3,
      guardiansCreated: 1,
      guardiansLinked: 1,
    });
    expect(await count('person')).toBe(before + 4);
    const again = await preview(c.classteacher, csv(good));
    expect(
      again.data!.previewClassImport.rows.every((x) =>
        x.problems.some((p) => p.reason === 'ALREADY_IN_CLASS'),
      ),
    ).toBe(true);
  });

  it('enrols the whole list from the day chosen for the import, refusing a day outside the year', async () => {
    const list = csv([
      'Зайцева;Алла;;Ж;05.05.2013;;;;',
      'Зайцев;Борис;;М;06.06.2013;Зайцева;Ольга;мать;+7 915 222-33-44',
    ]);
    const importFrom = (d: string) =>
      c.classteacher.request<{ importClassList: { pupilsCreated: number } }>(
        `mutation($c:ID!,$f:String!,$d:LocalDate){importClassList(classGroupId:$c,fileBase64:$f,filename:"list.csv",enrolledFrom:$d){pupilsCreated}}`,
        { c: ids.c7, f: list, d },
      );
    const before = [await count('person'), await count('enrollment')];
    const refused = await importFrom('2027-09-01');
    expect(codeOf(refused)).toBe('BAD_USER_INPUT');
    expect(refused.errors![0].extensions).toMatchObject({
      field: 'enrolledFrom',
      reason: 'OUTSIDE_YEAR',
    });
    expect([await count('person'), await count('enrollment')]).toEqual(before);
    const r = await importFrom('2026-11-09');
    expect(r.errors).toBeUndefined();
    expect(r.data!.importClassList.pupilsCreated).toBe(2);
    const starts = await t.sql<{ starts_on: string }>(
      `select e.starts_on::text from enrollment e join person p on p.id = e.pupil_id
        where p.last_name in ('Зайцева', 'Зайцев')`,
    );
    expect(starts).toEqual([{ starts_on: '2026-11-09' }, { starts_on: '2026-11-09' }]);
  });

  it('is the class teacher’s alone', async () => {
    for (const who of ['sysadmin', 'director', 'teacher', 'parent', 'pupil'] as const) {
      expect(codeOf(await preview(c[who], csv(good))), who).toMatch(/FORBIDDEN|NOT_FOUND/);
      expect(codeOf(await commit(c[who], csv(good))), who).toMatch(/FORBIDDEN|NOT_FOUND/);
    }
    const tpl = await c.classteacher.request<{ classListTemplate: { base64: string } }>(
      `{classListTemplate(format:XLSX){base64}}`,
    );
    expect(
      Buffer.from(tpl.data!.classListTemplate.base64, 'base64').subarray(0, 2).toString(),
    ).toBe('PK');
    const pdf = await c.classteacher.request(`{classListTemplate(format:PDF){base64}}`);
    expect(pdf.errors?.[0].extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      reason: 'UNSUPPORTED_FORMAT',
      field: 'format',
    });
  });
});
