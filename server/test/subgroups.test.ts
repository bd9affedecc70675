import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codeOf, createTestApp, DEMO_TODAY, type GqlClient, type TestApp } from './helpers.js';
import { Role } from '../src/auth/role.js';
import { factory, type Factory, type MadeCourse } from './factory.js';

/** Subgroups: a split puts every pupil in exactly one group; each group has its own page. */
let t: TestApp;
let f: Factory;
let classteacher: GqlClient;
let ids: {
  class7: string;
  english: string; // the subject
  englishTeacher: string;
  q2: string;
  pupils: string[]; // 7А's five, in id order
  outsider: string; // a pupil of 8А
  teacher: string; // teaches algebra and informatics in 7А
  informatics: MadeCourse; // 7А's, the whole class
  parent: string;
};

const CREATE = `mutation($i:SubgroupSplitInput!){createSubgroupSplit(input:$i){id subjectName periodName
  groups{id name courseId teacherName pupils{id}}}}`;

beforeAll(async () => {
  t = await createTestApp({ demo: false });
  f = factory(t);
  const school = await f.newSchool();
  await f.newStaff({ roles: [Role.SYSADMIN], login: 'sysadmin' });
  await f.newStaff({ roles: [Role.DIRECTOR], login: 'director' });
  await f.newStaff({ roles: [Role.DEPUTY, Role.TEACHER], login: 'deputy' });
  const teacher = await f.newTeacher({ login: 'teacher' });
  const englishTeacher = await f.newTeacher({ login: 'english' });
  const class7 = await f.newClass({
    grade: 7,
    classTeacher: await f.newTeacher({ login: 'classteacher' }),
  });
  const pupils = [await f.newPupil({ classGroup: class7, login: 'pupil' })];
  for (let i = 0; i < 4; i++) pupils.push(await f.newPupil({ classGroup: class7 }));
  const parent = await f.newParent({ children: [pupils[0]], login: 'parent' });
  const english = await f.newCourse({
    classGroup: class7,
    subject: 'Иностранный язык (английский)',
    teacher: englishTeacher,
  });
  await f.newCourse({ classGroup: class7, subject: 'Алгебра', teacher });
  const informatics = await f.newCourse({ classGroup: class7, subject: 'Информатика', teacher });
  await f.newCourse({
    classGroup: class7,
    subject: 'История',
    teacher: await f.newTeacher({ login: 'history' }),
  });
  classteacher = await f.as('classteacher');
  ids = {
    class7: class7.id,
    english: english.subjectId,
    englishTeacher: englishTeacher.id,
    teacher: teacher.id,
    q2: school.periods[1].id,
    pupils: pupils.map((p) => p.id),
    outsider: (await f.newPupil({ classGroup: await f.newClass({ grade: 8 }) })).id,
    parent: parent.id,
    informatics,
  };
});
afterAll(() => t.close());

const split = (groups: { name: string; teacherId?: string; pupilIds: string[] }[]) => ({
  i: {
    classGroupId: ids.class7,
    subjectId: ids.english,
    periodId: ids.q2,
    groups: groups.map((g) => ({ teacherId: ids.englishTeacher, ...g })),
  },
});

describe('splitting a class', () => {
  it('refuses a split that leaves a pupil out, puts one in two groups, or takes one from another class', async () => {
    const [a, b, ...rest] = ids.pupils;
    const cases: [Record<string, unknown>, string[]][] = [
      [
        split([
          { name: '1', pupilIds: [a] },
          { name: '2', pupilIds: [b] },
        ]),
        ['PUPIL_LEFT_OUT'],
      ],
      [
        split([
          { name: '1', pupilIds: [a, b] },
          { name: '2', pupilIds: [b, ...rest] },
        ]),
        ['PUPIL_IN_TWO_GROUPS'],
      ],
      [
        split([
          { name: '1', pupilIds: [a, ids.outsider] },
          { name: '2', pupilIds: [b, ...rest] },
        ]),
        ['NOT_ENROLLED'],
      ],
    ];
    for (const [vars, reasons] of cases) {
      const r = await classteacher.request(CREATE, vars);
      expect(r.errors?.[0].extensions).toMatchObject({
        code: 'BAD_USER_INPUT',
        reason: 'SPLIT_INVALID',
      });
      expect(
        (r.errors![0].extensions!.entries as { reason: string }[]).map((e) => e.reason),
      ).toEqual(reasons);
      // Each problem names the pupils it is about, so the form can mark their rows.
      const named = r.errors![0].extensions!.entries as { pupilIds?: string[] }[];
      expect(named.every((e) => (e.pupilIds?.length ?? 0) > 0)).toBe(true);
    }
    const single = await classteacher.request(CREATE, split([{ name: '1', pupilIds: ids.pupils }]));
    expect(single.errors?.[0].extensions).toMatchObject({ reason: 'TOO_FEW_GROUPS' });
    const twins = await classteacher.request(
      CREATE,
      split([
        { name: 'Группа', pupilIds: [a] },
        { name: 'группа', pupilIds: [b, ...rest] },
      ]),
    );
    expect(twins.errors?.[0].extensions).toMatchObject({ code: 'CONFLICT', reason: 'NAME_TAKEN' });
    expect(await t.sql(`select * from subgroup_split`)).toEqual([]);
  });

  it('refuses families and teachers of other subjects', async () => {
    const [a, b, ...rest] = ids.pupils;
    const vars = split([
      { name: '1', pupilIds: [a] },
      { name: '2', pupilIds: [b, ...rest] },
    ]);
    for (const login of ['parent', 'pupil', 'teacher']) {
      expect({ login, code: codeOf(await (await f.as(login)).request(CREATE, vars)) }).toEqual({
        login,
        code: 'NOT_FOUND',
      });
    }
  });

  it('splits the class: each group its own course, journal page and pupils only', async () => {
    const [a, b, ...rest] = ids.pupils;
    const r = await classteacher.request<{
      createSubgroupSplit: {
        groups: { name: string; courseId: string; pupils: { id: string }[] }[];
      };
    }>(
      CREATE,
      split([
        { name: '1 группа', pupilIds: [a, b] },
        { name: '2 группа', pupilIds: rest, teacherId: ids.teacher },
      ]),
    );
    expect(r.errors).toBeUndefined();
    const [g1, g2] = r.data!.createSubgroupSplit.groups;
    expect(g1.pupils.map((p) => p.id).sort()).toEqual([a, b].sort());
    expect(g2.pupils).toHaveLength(rest.length);
    const again = await classteacher.request(
      CREATE,
      split([
        { name: 'x', pupilIds: [a] },
        { name: 'y', pupilIds: [b, ...rest] },
      ]),
    );
    expect(again.errors?.[0].extensions).toMatchObject({
      code: 'CONFLICT',
      reason: 'SPLIT_EXISTS',
    });

    // The group's teacher opens its page: only the group's pupils are on it.
    const english = await f.as('english');
    const page = await english.request<{ journalPage: { pupils: { id: string }[] } }>(
      'query($c:ID!,$p:ID!){journalPage(courseId:$c,periodId:$p){pupils{id}}}',
      { c: g1.courseId, p: ids.q2 },
    );
    expect(page.data!.journalPage.pupils.map((p) => p.id).sort()).toEqual([a, b].sort());

    // A lesson of group 1: a mark for a pupil of group 2 is refused.
    const lesson = await english.request<{ createLesson: { id: string } }>(
      'mutation($i:NewLessonInput!){createLesson(input:$i){id}}',
      {
        i: { courseId: g1.courseId, date: DEMO_TODAY, number: 9 },
      },
    );
    // Its live event is addressed to the group's members only.
    const [event] = await t.sql<{ pupil_ids: number[] }>(
      `select pupil_ids from domain_event where type = 'LESSON_UPDATED' and payload->>'id' = ?`,
      [lesson.data!.createLesson.id],
    );
    expect(event.pupil_ids.map(String).sort()).toEqual([a, b].sort());
    const answer = f.school.workTypes['Ответ на уроке'];
    const bad = await english.request(
      'mutation($c:[MarkChangeInput!]!){setMarks(changes:$c){saved{id}}}',
      {
        c: [
          {
            lessonId: lesson.data!.createLesson.id,
            pupilId: rest[0],
            value: '5',
            workTypeId: answer,
          },
        ],
      },
    );
    expect(
      (bad.errors?.[0].extensions?.entries as { reason: string }[]).map((e) => e.reason),
    ).toEqual(['NOT_ENROLLED']);
    const good = await english.request(
      'mutation($c:[MarkChangeInput!]!){setMarks(changes:$c){saved{id}}}',
      {
        c: [{ lessonId: lesson.data!.createLesson.id, pupilId: a, value: '5', workTypeId: answer }],
      },
    );
    expect(good.errors).toBeUndefined();

    // The diary shows the group's lesson to its members only.
    const WEEK =
      'query($p:ID!,$d:LocalDate!){diaryWeek(pupilId:$p,date:$d){days{date lessons{lessonId}}}}';
    const admin = await f.as('director');
    const seen = async (pupil: string) => {
      const w = await admin.request<{ diaryWeek: { days: { lessons: { lessonId: string }[] }[] } }>(
        WEEK,
        { p: pupil, d: DEMO_TODAY },
      );
      return w
        .data!.diaryWeek.days.flatMap((d) => d.lessons.map((l) => l.lessonId))
        .includes(lesson.data!.createLesson.id);
    };
    expect(await seen(a)).toBe(true);
    expect(await seen(rest[0])).toBe(false);

    // The SYSADMIN puts both groups at the same hour, each with its own teacher.
    const sysadmin = await f.as('sysadmin');
    const SLOT = 'mutation($i:TimetableSlotInput!){createTimetableSlot(input:$i){id}}';
    for (const g of [g1, g2]) {
      const slot = await sysadmin.request(SLOT, {
        i: {
          courseId: g.courseId,
          weekday: 6,
          lessonNumber: 2,
          validFrom: '2026-11-05',
          validTo: '2026-12-29',
        },
      });
      expect(slot.errors).toBeUndefined();
    }
    const slots = await sysadmin.request<{ timetable: unknown[] }>(
      'query($c:ID!){timetable(courseId:$c){id}}',
      { c: g1.courseId },
    );
    expect(slots.data!.timetable).toHaveLength(1);
    const names = await classteacher.request<{ courses: { subgroupName: string | null }[] }>(
      'query($c:ID!){courses(classGroupId:$c){subgroupName}}',
      { c: ids.class7 },
    );
    expect(
      names
        .data!.courses.map((c) => c.subgroupName)
        .filter(Boolean)
        .sort(),
    ).toEqual(['1 группа', '2 группа']);

    const list = await classteacher.request<{ subgroupSplits: { groups: unknown[] }[] }>(
      'query($c:ID!){subgroupSplits(classGroupId:$c){groups{name}}}',
      { c: ids.class7 },
    );
    expect(list.data!.subgroupSplits[0].groups).toHaveLength(2);
    expect(
      codeOf(
        await (
          await f.as('parent')
        ).request('query($c:ID!){subgroupSplits(classGroupId:$c){id}}', { c: ids.class7 }),
      ),
    ).toBe('NOT_FOUND');
  });
});

/** Editing and deleting splits; runs after the English split above (1 группа: a, b; a has a 5). */
const SPLITS = `query($c:ID!){subgroupSplits(classGroupId:$c){id subjectName canEdit
  groups{id name courseId teacherId pupils{id}}}}`;
const UPDATE = `mutation($id:ID!,$i:SubgroupSplitChangeInput!){updateSubgroupSplit(id:$id,input:$i){id
  groups{id name courseId teacherId pupils{id}}}}`;
const DELETE = 'mutation($id:ID!){deleteSubgroupSplit(id:$id)}';

interface Group {
  id: string;
  name: string;
  courseId: string;
  teacherId: string;
  pupils: { id: string }[];
}
interface Split {
  id: string;
  subjectName: string;
  canEdit: boolean;
  groups: Group[];
}

const splitsNow = async (client = classteacher) =>
  (await client.request<{ subgroupSplits: Split[] }>(SPLITS, { c: ids.class7 })).data!
    .subgroupSplits;
const englishSplit = async () =>
  (await splitsNow()).find((s) => s.subjectName.startsWith('Иностранный'))!;
/** The split as an edit: each group by id, with its name, teacher and pupils, changed by `change`. */
const asChange = (split: Split, change: (groups: Change[]) => void = () => {}) => {
  const groups = split.groups.map((g) => ({
    id: g.id,
    name: g.name,
    teacherId: g.teacherId,
    pupilIds: g.pupils.map((p) => p.id),
  }));
  change(groups);
  return { id: split.id, i: { groups } };
};
type Change = { id: string; name: string; teacherId: string; pupilIds: string[] };
const move = (groups: Change[], pupil: string, to: number) => {
  for (const g of groups) g.pupilIds = g.pupilIds.filter((p) => p !== pupil);
  groups[to].pupilIds.push(pupil);
};
const pageOf = async (courseId: string) => {
  const r = await (
    await f.as('director')
  ).request<{ journalPage: { pupils: { id: string }[] } }>(
    'query($c:ID!,$p:ID!){journalPage(courseId:$c,periodId:$p){pupils{id}}}',
    { c: courseId, p: ids.q2 },
  );
  return r.data!.journalPage.pupils.map((p) => p.id).sort();
};

describe('changing and deleting a split', () => {
  it('refuses everyone but the SYSADMIN, the class teacher and the subject teacher', async () => {
    const before = await englishSplit();
    expect(before.canEdit).toBe(true);
    // The algebra teacher also teaches the second group: still not theirs to change.
    for (const login of ['director', 'deputy', 'teacher', 'history', 'parent', 'pupil']) {
      const client = await f.as(login);
      const rename = asChange(before, (g) => (g[0].name = 'Чужая'));
      expect({ login, code: codeOf(await client.request(UPDATE, rename)) }).toEqual({
        login,
        code: 'NOT_FOUND',
      });
      expect({ login, code: codeOf(await client.request(DELETE, { id: before.id })) }).toEqual({
        login,
        code: 'NOT_FOUND',
      });
    }
    // Those who may read the splits see that they may not change them.
    for (const login of ['director', 'teacher']) {
      expect((await splitsNow(await f.as(login)))[0].canEdit).toBe(false);
    }
    expect(await englishSplit()).toEqual(before);
    expect(
      await t.sql(
        `select 1 from audit_event where entity = 'subgroup_split' and action <> 'create'`,
      ),
    ).toEqual([]);
  });

  it('refuses a change that breaks the rules of a split, and changes nothing', async () => {
    const before = await englishSplit();
    const [a, b, ...rest] = ids.pupils;
    const parentId = ids.parent;
    const invalid: [ReturnType<typeof asChange>, Record<string, unknown>][] = [
      [asChange(before, (g) => (g[0].pupilIds = [a])), { reason: 'SPLIT_INVALID' }],
      [asChange(before, (g) => g[1].pupilIds.push(a)), { reason: 'SPLIT_INVALID' }],
      [asChange(before, (g) => g[0].pupilIds.push(ids.outsider)), { reason: 'SPLIT_INVALID' }],
      [asChange(before, (g) => (g[1].name = '  ')), { reason: 'REQUIRED', field: 'groups.1.name' }],
      [
        asChange(before, (g) => (g[1].name = g[0].name.toUpperCase())),
        { code: 'CONFLICT', reason: 'NAME_TAKEN' },
      ],
      [
        asChange(before, (g) => (g[0].teacherId = parentId)),
        { reason: 'NOT_A_TEACHER', field: 'groups.0.teacherId' },
      ],
      // Groups are changed, not added or removed.
      [
        asChange(before, (g) => g.splice(1, 1, { ...g[1], id: g[0].id })),
        { reason: 'GROUPS_CHANGED', field: 'groups' },
      ],
      [
        asChange(before, (g) => {
          g[0].pupilIds.push(...g[1].pupilIds);
          g.pop();
        }),
        { reason: 'GROUPS_CHANGED' },
      ],
    ];
    for (const [vars, expected] of invalid) {
      const r = await classteacher.request(UPDATE, vars);
      expect(r.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', ...expected });
    }
    const reasons = async (vars: ReturnType<typeof asChange>) =>
      (
        (await classteacher.request(UPDATE, vars)).errors![0].extensions!.entries as {
          reason: string;
          pupilIds: string[];
        }[]
      ).map((e) => [e.reason, e.pupilIds]);
    expect(await reasons(invalid[0][0])).toEqual([['PUPIL_LEFT_OUT', [b]]]);
    expect(await reasons(invalid[1][0])).toEqual([['PUPIL_IN_TWO_GROUPS', [a]]]);
    expect(await reasons(invalid[2][0])).toEqual([['NOT_ENROLLED', [ids.outsider]]]);
    expect(rest.length).toBeGreaterThan(1);
    expect(await englishSplit()).toEqual(before);
  });

  it('moves a pupil, renames a group and gives it another teacher', async () => {
    const before = await englishSplit();
    const [, b] = ids.pupils;
    expect(before.groups.map((g) => g.name)).toEqual(['1 группа', '2 группа']);
    const r = await classteacher.request<{ updateSubgroupSplit: Split }>(
      UPDATE,
      asChange(before, (g) => {
        move(g, b, 1);
        g[1].name = ' Вторая ';
        g[0].teacherId = ids.teacher;
      }),
    );
    expect(r.errors).toBeUndefined();
    const [g1, g2] = r.data!.updateSubgroupSplit.groups;
    expect([g1.name, g2.name]).toEqual(['1 группа', 'Вторая']);
    expect(g1.teacherId).toBe(ids.teacher);
    expect(g2.teacherId).toBe(before.groups[1].teacherId);
    expect(g1.pupils.map((p) => p.id)).not.toContain(b);
    expect(g2.pupils.map((p) => p.id)).toContain(b);
    // The same courses: each group keeps its journal page, whose pupils follow the change.
    expect([g1.courseId, g2.courseId]).toEqual(before.groups.map((g) => g.courseId));
    expect(await pageOf(g2.courseId)).toContain(b);
    expect(await pageOf(g1.courseId)).not.toContain(b);
    const [event] = await t.sql<{ before: { groups: unknown[] }; after: { groups: unknown[] } }>(
      `select before, after from audit_event where entity = 'subgroup_split' and action = 'update'`,
    );
    expect(event.before.groups).toHaveLength(2);
    expect(event.after.groups).toContainEqual(
      expect.objectContaining({ id: Number(g2.id), name: 'Вторая' }),
    );

    // The subject's teacher may change the split too: the groups swap their names.
    const english = await f.as('english');
    const swapped = await english.request<{ updateSubgroupSplit: Split }>(
      UPDATE,
      asChange(await englishSplit(), (g) => {
        [g[0].name, g[1].name] = [g[1].name, g[0].name];
        g[0].teacherId = ids.englishTeacher;
      }),
    );
    expect(swapped.errors).toBeUndefined();
    expect(
      swapped.data!.updateSubgroupSplit.groups.map((g) => [g.name, g.courseId]).sort(),
    ).toEqual([
      ['1 группа', g2.courseId],
      ['Вторая', g1.courseId],
    ]);
    // And the SYSADMIN: back to the first names.
    const back = await (
      await f.as('sysadmin')
    ).request(
      UPDATE,
      asChange(await englishSplit(), (g) => {
        for (const group of g) group.name = group.id === g1.id ? '1 группа' : '2 группа';
      }),
    );
    expect(back.errors).toBeUndefined();
    expect((await englishSplit()).groups.map((g) => g.id)).toEqual([g1.id, g2.id]);
  });

  it('refuses to move pupils with marks or attendance in their group, unless told to', async () => {
    const before = await englishSplit();
    const [g1, g2] = before.groups;
    const a = ids.pupils[0];
    expect(g1.pupils.map((p) => p.id)).toContain(a); // a has a 5 in group 1's journal.
    // An absence for a pupil of group 2, in a lesson of group 2 (taught by `teacher`).
    const c = g2.pupils[0].id;
    const teacher = await f.as('teacher');
    const lesson = await teacher.request<{ createLesson: { id: string } }>(
      'mutation($i:NewLessonInput!){createLesson(input:$i){id}}',
      { i: { courseId: g2.courseId, date: DEMO_TODAY, number: 9 } },
    );
    const code = f.school.codes['Н'];
    const absent = await teacher.request(
      'mutation($c:[AttendanceChangeInput!]!){setAttendance(changes:$c){id}}',
      { c: [{ lessonId: lesson.data!.createLesson.id, pupilId: c, codeId: code }] },
    );
    expect(absent.errors).toBeUndefined();

    const swap = asChange(before, (g) => {
      move(g, a, 1);
      move(g, c, 0);
    });
    const refused = await classteacher.request(UPDATE, swap);
    expect(refused.errors?.[0].extensions).toMatchObject({
      code: 'CONFLICT',
      reason: 'HAS_JOURNAL_ENTRIES',
      entries: [
        { index: 0, reason: 'HAS_JOURNAL_ENTRIES', pupilIds: [a] },
        { index: 1, reason: 'HAS_JOURNAL_ENTRIES', pupilIds: [c] },
      ],
    });
    expect(await englishSplit()).toEqual(before);

    // With force the pupils move; their entries stay in the old groups' journals, untouched.
    const entries = () =>
      t.sql(
        `select l.course_id, m.pupil_id, m.value, m.removed_at from mark m join lesson l on l.id = m.lesson_id
          where l.course_id in (?, ?)
         union all
         select l.course_id, a.pupil_id, a.code_id::text, null from attendance a join lesson l on l.id = a.lesson_id
          where l.course_id in (?, ?) order by 1, 2`,
        [g1.courseId, g2.courseId, g1.courseId, g2.courseId],
      );
    const kept = await entries();
    expect(kept).toHaveLength(2);
    const forced = await classteacher.request<{ updateSubgroupSplit: Split }>(UPDATE, {
      ...swap,
      i: { ...swap.i, force: true },
    });
    expect(forced.errors).toBeUndefined();
    const [n1, n2] = forced.data!.updateSubgroupSplit.groups;
    expect(n2.pupils.map((p) => p.id)).toContain(a);
    expect(n1.pupils.map((p) => p.id)).toContain(c);
    expect(await entries()).toEqual(kept);
    // The old group's page lists its members only; the class summary still counts the mark.
    expect(await pageOf(g1.courseId)).not.toContain(a);
    const summary = await classteacher.request<{
      classSummary: { cells: { pupilId: string; courseId: string; marks: number }[] };
    }>(
      'query($c:ID!,$p:ID!){classSummary(classGroupId:$c,periodId:$p){cells{pupilId courseId marks}}}',
      {
        c: ids.class7,
        p: ids.q2,
      },
    );
    expect(
      summary.data!.classSummary.cells.find((x) => x.pupilId === a && x.courseId === g1.courseId)
        ?.marks,
    ).toBe(1);
    const [event] = await t.sql<{ after: { entriesLeftBehind: unknown } }>(
      `select after from audit_event where entity = 'subgroup_split' and action = 'update' order by id desc limit 1`,
    );
    expect(event.after.entriesLeftBehind).toEqual([
      { groupId: Number(g1.id), pupilIds: [Number(a)] },
      { groupId: Number(g2.id), pupilIds: [Number(c)] },
    ]);

    // Moved back, the pupil finds the mark on the page again.
    const home = await classteacher.request(
      UPDATE,
      asChange(await englishSplit(), (g) => {
        move(g, a, 0);
        move(g, c, 1);
      }),
    );
    expect(home.errors).toBeUndefined();
    expect(await pageOf(g1.courseId)).toContain(a);
  });

  it('refuses to delete a split whose journals have marks or attendance', async () => {
    const before = await englishSplit();
    const r = await classteacher.request(DELETE, { id: before.id });
    expect(r.errors?.[0].extensions).toMatchObject({
      code: 'CONFLICT',
      reason: 'HAS_JOURNAL_ENTRIES',
      entries: [
        { index: 0, pupilIds: [ids.pupils[0]] },
        { index: 1, pupilIds: [expect.any(String)] },
      ],
    });
    expect(await englishSplit()).toEqual(before);
    expect(await t.sql(`select 1 from course where subgroup_id is not null`)).toHaveLength(2);
  });

  it("deletes a split with its groups' courses, lessons and timetable, and nothing else", async () => {
    const [a, ...rest] = ids.pupils;
    const { subjectId: informatics, id: wholeClass } = ids.informatics;
    const created = await classteacher.request<{ createSubgroupSplit: Split }>(CREATE, {
      i: {
        classGroupId: ids.class7,
        subjectId: informatics,
        periodId: ids.q2,
        groups: [
          { name: 'А', teacherId: ids.teacher, pupilIds: [a] },
          { name: 'Б', teacherId: ids.englishTeacher, pupilIds: rest },
        ],
      },
    });
    expect(created.errors).toBeUndefined();
    const split = created.data!.createSubgroupSplit;
    const courses = split.groups.map((g) => g.courseId);
    // A lesson with a topic, a slot, and a mark given and then removed: nothing that counts.
    const teacher = await f.as('teacher');
    const lesson = await teacher.request<{ createLesson: { id: string } }>(
      'mutation($i:NewLessonInput!){createLesson(input:$i){id}}',
      { i: { courseId: courses[0], date: DEMO_TODAY, number: 8 } },
    );
    const lessonId = lesson.data!.createLesson.id;
    const answer = f.school.workTypes['Ответ на уроке'];
    const given = await teacher.request<{
      setMarks: { saved: { id: string; version: number }[] };
    }>('mutation($c:[MarkChangeInput!]!){setMarks(changes:$c){saved{id version}}}', {
      c: [{ lessonId, pupilId: a, value: '4', workTypeId: answer }],
    });
    const [mark] = given.data!.setMarks.saved;
    const removed = await teacher.request(
      'mutation($c:[MarkChangeInput!]!){setMarks(changes:$c){saved{id}}}',
      { c: [{ id: mark.id, version: mark.version, remove: true }] },
    );
    expect(removed.errors).toBeUndefined();
    const slot = await (
      await f.as('sysadmin')
    ).request('mutation($i:TimetableSlotInput!){createTimetableSlot(input:$i){id}}', {
      i: {
        courseId: courses[1],
        weekday: 5,
        lessonNumber: 7,
        validFrom: '2026-11-05',
        validTo: '2026-12-29',
      },
    });
    expect(slot.errors).toBeUndefined();

    const r = await classteacher.request<{ deleteSubgroupSplit: string }>(DELETE, {
      id: split.id,
    });
    expect(r.errors).toBeUndefined();
    expect(r.data!.deleteSubgroupSplit).toBe(split.id);
    const left = async (table: string, column = 'course_id') =>
      (await t.sql(`select 1 from ${table} where ${column} in (?, ?)`, courses)).length;
    expect(await left('course', 'id')).toBe(0);
    expect(await left('lesson')).toBe(0);
    expect(await left('timetable_slot')).toBe(0);
    expect(await t.sql(`select 1 from subgroup_split where id = ?`, [split.id])).toEqual([]);
    expect(await t.sql(`select 1 from subgroup where split_id = ?`, [split.id])).toEqual([]);
    // The whole-class course and the other split stay.
    expect(await t.sql(`select 1 from course where id = ?`, [wholeClass])).toHaveLength(1);
    expect((await splitsNow()).map((s) => s.subjectName)).toEqual([
      'Иностранный язык (английский)',
    ]);
    const [event] = await t.sql<{ before: { groups: { name: string }[] } }>(
      `select before from audit_event where entity = 'subgroup_split' and action = 'remove' and entity_id = ?`,
      [split.id],
    );
    expect(event.before.groups.map((g) => g.name)).toEqual(['А', 'Б']);
    // Gone: deleting again finds nothing.
    expect(codeOf(await classteacher.request(DELETE, { id: split.id }))).toBe('NOT_FOUND');
  });
});
