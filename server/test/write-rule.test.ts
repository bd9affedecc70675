import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createClient } from 'graphql-ws';
import {
  codeOf,
  createTestApp,
  DEMO_TODAY,
  waitFor,
  type GqlClient,
  type GqlResult,
  type TestApp,
} from './helpers.js';
import { Role } from '../src/auth/role.js';
import { publish } from '../src/events/outbox.js';
import { factory, type MadeLesson, type MadePerson, type MadeSchool } from './factory.js';

/**
 * The journal's write rule (issue 20) is one function, `writesIn` in journal.access.ts: the
 * course's own teacher, or the lesson's substitute, holding JournalWrite (the TEACHER role). The
 * journal page's `canWrite` and per-lesson `writableLessonIds`, `setMarks`, `setAttendance`,
 * `updateLesson` and the opening of the course's live feed must agree on it.
 */
let t: TestApp;
let school: MadeSchool;
let pupil: MadePerson;
let courseId: string;
let periodId: string;
/** Every lesson of the course, in the order made. */
const courseLessons: string[] = [];
/**
 * Who asks, and what they may do in the course: write (each in a lesson of their own: for a
 * substitute the one substituted, otherwise one of the teacher's), and read its page and feed.
 */
const CASES = [
  { name: 'the course’s own teacher', writes: true, reads: true },
  { name: 'a substitute with the TEACHER role', writes: true, reads: true },
  { name: 'a substitute without the TEACHER role (a DEPUTY)', writes: false, reads: true },
  { name: 'another teacher', writes: false, reads: false },
  { name: 'a substitute in another course only', writes: false, reads: false },
  { name: 'a DEPUTY who also teaches, substituting', writes: true, reads: true },
  { name: 'a DEPUTY who does not substitute', writes: false, reads: true },
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
  const elsewhere = await f.newCourse({ classGroup: cls });
  courseId = course.id;
  periodId = school.periods.find((p) => p.startsOn <= DEMO_TODAY && DEMO_TODAY <= p.endsOn)!.id;
  const substitute = await f.newTeacher();
  const deputy = await f.newStaff({ roles: [Role.DEPUTY] });
  const other = await f.newTeacher();
  const otherSubstitute = await f.newTeacher();
  const teachingDeputy = await f.newStaff({ roles: [Role.DEPUTY, Role.TEACHER] });
  const idleDeputy = await f.newStaff({ roles: [Role.DEPUTY] });
  const lesson = async (sub?: MadePerson) => {
    const made = await f.newLesson({ course, substitute: sub });
    courseLessons.push(made.id);
    return made;
  };
  viewers.push(
    { person: owner, lesson: await lesson() },
    { person: substitute, lesson: await lesson(substitute) },
    { person: deputy, lesson: await lesson(deputy) },
    { person: other, lesson: await lesson() },
    { person: otherSubstitute, lesson: await lesson() },
    { person: teachingDeputy, lesson: await lesson(teachingDeputy) },
    { person: idleDeputy, lesson: await lesson() },
  );
  await f.newLesson({ course: elsewhere, substitute: otherSubstitute });
});
afterAll(() => t.close());

const PAGE = `query($c:ID!,$p:ID!){journalPage(courseId:$c,periodId:$p){canWrite canWriteCourse
  writableLessonIds}}`;
const FEED = 'subscription($c:ID!){journalEvents(courseId:$c){type}}';

type Page = {
  journalPage: { canWrite: boolean; canWriteCourse: boolean; writableLessonIds: string[] };
};
const SAVE = `mutation($c:[MarkChangeInput!]!){setMarks(changes:$c){saved{id}}}`;
const ATTEND = `mutation($c:[AttendanceChangeInput!]!){setAttendance(changes:$c){id}}`;
const LESSON = `mutation($id:ID!,$i:LessonInput!){updateLesson(id:$id,input:$i){version}}`;

const passed = (r: GqlResult) => r.errors === undefined;

/**
 * Opens the course's journal feed as the client: 'refused' when the server says no, 'open' when
 * it listens and a probe published to the course reaches it.
 */
async function feed(c: GqlClient): Promise<'open' | 'refused'> {
  const { cookie } = c;
  const origin = t.origin;
  class Authed extends WebSocket {
    constructor(url: string, protocols?: string | string[]) {
      super(url, protocols, { headers: { cookie, origin } });
    }
  }
  const socket = createClient({ url: t.url.replace('http', 'ws'), webSocketImpl: Authed });
  const bus = t.app.services.bus;
  const before = bus.listeners;
  let refused = false;
  let probes = 0;
  const stop = socket.subscribe(
    { query: FEED, variables: { c: courseId } },
    {
      next: (m) => {
        if (m.errors?.length) refused = true;
        else probes++;
      },
      error: () => (refused = true),
      complete: () => {},
    },
  );
  try {
    expect(await waitFor(() => refused || bus.listeners > before), 'feed answered').toBe(true);
    if (refused) return 'refused';
    const probe = { type: 'PROBE' as const, courseId: Number(courseId), payload: {} };
    await t.orm.em.fork().transactional((tem) => publish(tem, Number(school.id), [probe]));
    expect(await waitFor(() => probes > 0 || refused), 'the probe heard').toBe(true);
    return refused ? 'refused' : 'open';
  } finally {
    stop();
    await socket.dispose();
    await waitFor(() => bus.listeners === before);
  }
}

describe('the journal’s write rule, the same on every path', () => {
  it.each(CASES.map((c, i) => ({ ...c, i })))(
    '$name: the page, its lessons, every write and the live feed agree',
    async ({ name, writes, reads, i }) => {
      const { person, lesson } = viewers[i];
      const c = await person.client();
      const page = await c.request<Page>(PAGE, { c: courseId, p: periodId });
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
        page: passed(page) ? 'read' : codeOf(page),
        canWrite: page.data?.journalPage.canWrite ?? false,
        canWriteCourse: page.data?.journalPage.canWriteCourse ?? false,
        writableLessonIds: [...(page.data?.journalPage.writableLessonIds ?? [])].sort(),
        setMarks: passed(marks),
        setAttendance: passed(attendance),
        updateLesson: passed(topic),
        feed: await feed(c),
      };
      // The course's teacher writes in every lesson of the page, a substitute in theirs only.
      const writable = i === 0 ? courseLessons : writes ? [lesson.id] : [];
      expect(answers, name).toEqual({
        page: reads ? 'read' : 'NOT_FOUND',
        canWrite: writes,
        // New lessons and final marks: the course's own teacher only, never a substitute.
        canWriteCourse: i === 0,
        writableLessonIds: [...writable].sort(),
        setMarks: writes,
        setAttendance: writes,
        updateLesson: writes,
        feed: reads ? 'open' : 'refused',
      });
    },
  );

  it('lets the substitute read the course’s page, and write only in the lesson substituted', async () => {
    const { person } = viewers[1];
    const c = await person.client();
    const page = await c.request<Page>(PAGE, { c: courseId, p: periodId });
    expect(page.data?.journalPage.canWrite).toBe(true);
    expect(page.data?.journalPage.writableLessonIds).toEqual([viewers[1].lesson.id]);
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
