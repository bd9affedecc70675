import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codeOf, createTestApp, DEMO_TODAY, type GqlClient, type TestApp } from './helpers.js';

/** Subgroups: a split puts every pupil in exactly one group; each group has its own page. */
let t: TestApp;
let classteacher: GqlClient;
let ids: {
  class7: string;
  english: string;
  englishTeacher: string;
  q2: string;
  pupils: string[];
  outsider: string;
  teacher: string;
};

const one = async (sql: string) => String((await t.sql<{ id: number }>(sql))[0].id);
const CREATE = `mutation($i:SubgroupSplitInput!){createSubgroupSplit(input:$i){id subjectName periodName
  groups{id name courseId teacherName pupils{id}}}}`;

beforeAll(async () => {
  t = await createTestApp();
  classteacher = await t.as('classteacher');
  const class7 = await one(`select id from class_group where grade = 7`);
  ids = {
    class7,
    english: await one(`select id from subject where name like 'Иностранный%'`),
    englishTeacher: await one(`select person_id id from user_account where login = 'english'`),
    teacher: await one(`select person_id id from user_account where login = 'teacher'`),
    q2: await one(`select id from study_period where name = 'II четверть'`),
    pupils: (
      await t.sql<{ id: number }>(
        `select pupil_id id from enrollment where class_group_id = ? order by pupil_id`,
        [class7],
      )
    ).map((r) => String(r.id)),
    outsider: await one(
      `select e.pupil_id id from enrollment e join class_group c on c.id = e.class_group_id where c.grade = 8 limit 1`,
    ),
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
      expect({ login, code: codeOf(await (await t.as(login)).request(CREATE, vars)) }).toEqual({
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
    const english = await t.as('english');
    const page = await english.request<{ journalPage: { pupils: { id: string }[] } }>(
      'query($c:ID!,$p:ID!){journalPage(courseId:$c,periodId:$p){pupils{id}}}',
      { c: g1.courseId, p: ids.q2 },
    );
    expect(page.data!.journalPage.pupils.map((p) => p.id).sort()).toEqual([a, b].sort());

    // A lesson of group 1: a mark for a pupil of group 2 is refused.
    const lesson = await english.request<{ addLesson: { id: string } }>(
      'mutation($i:NewLessonInput!){addLesson(input:$i){id}}',
      {
        i: { courseId: g1.courseId, date: DEMO_TODAY, number: 9 },
      },
    );
    const answer = await one(`select id from work_type where name = 'Ответ на уроке'`);
    const bad = await english.request(
      'mutation($c:[MarkChangeInput!]!){saveMarks(changes:$c){saved{id}}}',
      {
        c: [
          { lessonId: lesson.data!.addLesson.id, pupilId: rest[0], value: '5', workTypeId: answer },
        ],
      },
    );
    expect(
      (bad.errors?.[0].extensions?.entries as { reason: string }[]).map((e) => e.reason),
    ).toEqual(['NOT_ENROLLED']);
    const good = await english.request(
      'mutation($c:[MarkChangeInput!]!){saveMarks(changes:$c){saved{id}}}',
      {
        c: [{ lessonId: lesson.data!.addLesson.id, pupilId: a, value: '5', workTypeId: answer }],
      },
    );
    expect(good.errors).toBeUndefined();

    // The diary shows the group's lesson to its members only.
    const WEEK =
      'query($p:ID!,$d:LocalDate!){diaryWeek(pupilId:$p,date:$d){days{date lessons{lessonId}}}}';
    const admin = await t.as('director');
    const seen = async (pupil: string) => {
      const w = await admin.request<{ diaryWeek: { days: { lessons: { lessonId: string }[] }[] } }>(
        WEEK,
        { p: pupil, d: DEMO_TODAY },
      );
      return w
        .data!.diaryWeek.days.flatMap((d) => d.lessons.map((l) => l.lessonId))
        .includes(lesson.data!.addLesson.id);
    };
    expect(await seen(a)).toBe(true);
    expect(await seen(rest[0])).toBe(false);

    // The SYSADMIN puts both groups at the same hour, each with its own teacher.
    const sysadmin = await t.as('sysadmin');
    const SLOT = 'mutation($i:TimetableSlotInput!){addTimetableSlot(input:$i){id}}';
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
          await t.as('parent')
        ).request('query($c:ID!){subgroupSplits(classGroupId:$c){id}}', { c: ids.class7 }),
      ),
    ).toBe('NOT_FOUND');
  });
});
