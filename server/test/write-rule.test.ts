import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codeOf, createTestApp, DEMO_TODAY, type GqlResult, type TestApp } from './helpers.js';
import { Role } from '../src/auth/role.js';
import { factory, type MadeLesson, type MadePerson, type MadeSchool } from './factory.js';

/**
 * The journal's write rule (issue 20) is one function, `writesIn` in journal.access.ts: the
 * course's own teacher, or the lesson's substitute, holding JournalWrite (the TEACHER role). The
 * journal page's `canWrite`, `saveMarks`, `saveAttendance` and `updateLesson` must agree on it.
 */
let t: TestApp;
let school: MadeSchool;
let pupil: MadePerson;
let courseId: string;
let periodId: string;
/** Who asks, and whether they write: each in a lesson of their own (for a substitute, the one substituted). */
const CASES = [
  { name: 'the course’s own teacher', writes: true },
  { name: 'a substitute with the TEACHER role', writes: true },
  { name: 'a substitute without the TEACHER role (a DEPUTY)', writes: false },
  { name: 'another teacher', writes: false },
] as const;
const viewers: { person: MadePerson; lesson: MadeLesson }[] = [];

beforeAll(async () => {
  t = await createTestApp({ demo: false });
  const f = factory(t);
  school = await f.newSchool();
  const cls = await f.newClass({ grade: 7 });
  pupil = await f.newPupil({ classGroup: cls });
  const owner = await f.newTeacher();
  const course = await f.newCourse({ classGroup: cls, teacher: owner });
  courseId = course.id;
  periodId = school.periods.find((p) => p.startsOn <= DEMO_TODAY && DEMO_TODAY <= p.endsOn)!.id;
  const substitute = await f.newTeacher();
  const deputy = await f.newStaff({ roles: [Role.DEPUTY] });
  const other = await f.newTeacher();
  const lesson = (sub?: MadePerson) => f.newLesson({ course, substitute: sub });
  viewers.push(
    { person: owner, lesson: await lesson() },
    { person: substitute, lesson: await lesson(substitute) },
    { person: deputy, lesson: await lesson(deputy) },
    { person: other, lesson: await lesson() },
  );
});
afterAll(() => t.close());

const PAGE = `query($c:ID!,$p:ID!){journalPage(courseId:$c,periodId:$p){canWrite}}`;
const SAVE = `mutation($c:[MarkChangeInput!]!){saveMarks(changes:$c){saved{id}}}`;
const ATTEND = `mutation($c:[AttendanceChangeInput!]!){saveAttendance(changes:$c){id}}`;
const LESSON = `mutation($id:ID!,$i:LessonInput!){updateLesson(id:$id,input:$i){version}}`;

const passed = (r: GqlResult) => r.errors === undefined;

describe('the journal’s write rule, the same on every path', () => {
  it.each(CASES.map((c, i) => ({ ...c, i })))(
    '$name: the page and every write agree',
    async ({ name, writes, i }) => {
      const { person, lesson } = viewers[i];
      const c = await person.client();
      const page = await c.request<{ journalPage: { canWrite: boolean } }>(PAGE, {
        c: courseId,
        p: periodId,
      });
      const marks = await c.request(SAVE, {
        c: [
          {
            lessonId: lesson.id,
            pupilId: pupil.id,
            value: '5',
            workTypeId: school.workTypes['Ответ на уроке'],
          },
        ],
      });
      const attendance = await c.request(ATTEND, {
        c: [{ lessonId: lesson.id, pupilId: pupil.id, codeId: school.codes['Н'] }],
      });
      const [{ version }] = await t.sql<{ version: number }>(
        `select version from lesson where id = ?`,
        [lesson.id],
      );
      const topic = await c.request(LESSON, { id: lesson.id, i: { topic: name, version } });
      const answers = {
        canWrite: page.data?.journalPage.canWrite ?? false,
        saveMarks: passed(marks),
        saveAttendance: passed(attendance),
        updateLesson: passed(topic),
      };
      expect(answers, name).toEqual({
        canWrite: writes,
        saveMarks: writes,
        saveAttendance: writes,
        updateLesson: writes,
      });
    },
  );

  it('lets the substitute read the course’s page, and write only in the lesson substituted', async () => {
    const { person } = viewers[1];
    const c = await person.client();
    const page = await c.request<{ journalPage: { canWrite: boolean } }>(PAGE, {
      c: courseId,
      p: periodId,
    });
    expect(page.data?.journalPage.canWrite).toBe(true);
    const ownersLesson = viewers[0].lesson;
    const marks = await c.request<unknown>(SAVE, {
      c: [
        {
          lessonId: ownersLesson.id,
          pupilId: pupil.id,
          value: '4',
          workTypeId: school.workTypes['Ответ на уроке'],
        },
      ],
    });
    const entries = marks.errors?.[0].extensions?.entries as { reason: string }[];
    expect(entries.map((e) => e.reason)).toEqual(['NOT_FOUND']);
    const topic = await c.request(LESSON, {
      id: ownersLesson.id,
      i: { topic: 'x', version: 1 },
    });
    expect(codeOf(topic)).toBe('NOT_FOUND');
  });

  it('refuses the page to a teacher who neither teaches nor substitutes in the course', async () => {
    const c = await viewers[3].person.client();
    expect(codeOf(await c.request(PAGE, { c: courseId, p: periodId }))).toBe('NOT_FOUND');
  });
});
