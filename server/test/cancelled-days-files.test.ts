import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTestApp,
  codeOf,
  DEMO_TODAY,
  type GqlClient,
  type TestApp,
  uploadFile,
} from './helpers.js';
import { factory, type Factory, type MadeLesson, type MadePerson } from './factory.js';
import { Role } from '../src/auth/role.js';

/**
 * The files of a remote lesson's material (issue 15, decision 57): messaging's attachment store,
 * claimed in the posting transaction, downloaded by whoever reads the remote lesson.
 */
let t: TestApp;
let f: Factory;
const p: Record<string, MadePerson> = {};
const c: Record<string, GqlClient> = {};
let lesson: MadeLesson;
let lessonB: MadeLesson;
let plain: MadeLesson;
let dayId = '';

const PNG = Buffer.from(
  '89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8ffff3f0005fe02fea7d6a4e10000000049454e44ae426082',
  'hex',
);
const WORK = `lessonId material attachments{id name contentType size}`;
const SET_WORK = `mutation($i:SetRemoteWorkInput!){setRemoteWork(input:$i){${WORK}}}`;
const REMOTE_DAY = `query($p:ID!,$d:LocalDate!){remoteDay(pupilId:$p,date:$d){${WORK}}}`;

type Files = { setRemoteWork: { material: string; attachments: { id: string; name: string }[] } };

const upload = (who: string, name = 'схема.png') => uploadFile(t, c[who].cookie, name, PNG);

const status = async (who: string | null, id: string) =>
  (await fetch(`${t.origin}/files/${id}`, { headers: who ? { cookie: c[who].cookie } : {} }))
    .status;

const post = (who: string, material: string, attachmentIds: string[]) =>
  c[who].request<Files>(SET_WORK, { i: { lessonId: lesson.id, material, attachmentIds } });

const count = async (sql: string, params: unknown[] = []) =>
  Number((await t.sql<{ n: string }>(`select count(*)::text as n from ${sql}`, params))[0].n);

beforeAll(async () => {
  t = await createTestApp({ demo: false });
  f = factory(t);
  await f.newSchool({ name: 'Школа А' });
  for (const [k, roles] of [
    ['sysadmin', [Role.SYSADMIN]],
    ['director', [Role.DIRECTOR]],
    ['deputy', [Role.DEPUTY]],
  ] as const) {
    p[k] = await f.newStaff({ roles: [...roles] });
  }
  p.teacher = await f.newTeacher();
  p.otherTeacher = await f.newTeacher();
  p.classTeacher = await f.newTeacher();
  const a = await f.newClass({ grade: 3, letter: 'А', classTeacher: p.classTeacher });
  const b = await f.newClass({ grade: 3, letter: 'Б' });
  lesson = await f.newLesson({
    course: await f.newCourse({ classGroup: a, teacher: p.teacher }),
    date: DEMO_TODAY,
  });
  lessonB = await f.newLesson({
    course: await f.newCourse({ classGroup: b, teacher: p.otherTeacher }),
    date: DEMO_TODAY,
  });
  plain = await f.newLesson({
    course: await f.newCourse({ classGroup: a, teacher: p.teacher }),
    date: '2026-11-30',
  });
  p.pupil = await f.newPupil({ classGroup: a });
  p.otherPupil = await f.newPupil({ classGroup: b });
  p.parent = await f.newParent({ children: [p.pupil] });
  p.otherParent = await f.newParent({ children: [p.otherPupil] });
  for (const k of Object.keys(p)) c[k] = await f.as(p[k]);
  const declared = await c.deputy.request<{ declareCancelledDay: { id: string } }>(
    `mutation($i:DeclareCancelledDayInput!){declareCancelledDay(input:$i){id}}`,
    { i: { date: DEMO_TODAY, classIds: [a.id, b.id], reason: 'QUARANTINE' } },
  );
  dayId = declared.data!.declareCancelledDay.id;
});
afterAll(() => t?.close());

describe('files of a remote lesson’s material', () => {
  it('are claimed all or none in the posting: another person’s upload refuses the whole write', async () => {
    const mine = await upload('teacher');
    const theirs = await upload('otherTeacher');
    const refused = await post('teacher', 'Прочитать § 12', [mine, theirs]);
    expect(refused.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      reason: 'ATTACHMENT_NOT_AVAILABLE',
      field: 'attachmentIds',
    });
    expect(await count('remote_material')).toBe(0);
    expect(await count('remote_material_attachment')).toBe(0);
    expect(await count('attachment where attached_at is null')).toBe(2);
    const tooMany = await post(
      'teacher',
      'x',
      Array.from({ length: 11 }, (_, i) => String(i + 1)),
    );
    expect(tooMany.errors?.[0]?.extensions).toMatchObject({ reason: 'TOO_MANY' });
    const ok = await post('teacher', 'Прочитать § 12', [mine]);
    expect(ok.errors).toBeUndefined();
    expect(ok.data!.setRemoteWork.attachments).toEqual([
      { id: mine, name: 'схема.png', contentType: 'image/png', size: PNG.length },
    ]);
    // Attached now: it cannot be claimed a second time by another lesson or message.
    expect(await count('attachment where id = ? and attached_at is not null', [mine])).toBe(1);
  });

  it('marks the remote lessons among a page’s, of those the viewer reads only', async () => {
    const all = [lesson.id, lessonB.id, plain.id];
    const remote = async (who: string) =>
      (
        await c[who].request<{ remoteLessonIds: string[] }>(
          `query($l:[ID!]!){remoteLessonIds(lessonIds:$l)}`,
          { l: all },
        )
      ).data!.remoteLessonIds;
    expect(await remote('director')).toEqual([lesson.id, lessonB.id]);
    expect(await remote('teacher')).toEqual([lesson.id]);
    expect(await remote('classTeacher')).toEqual([lesson.id]);
    expect(await remote('parent')).toEqual([lesson.id]);
    expect(await remote('pupil')).toEqual([lesson.id]);
    expect(await remote('otherParent')).toEqual([lessonB.id]);
    expect(await remote('sysadmin')).toEqual([]);
  });

  it('are shown with the lesson in the family’s day view', async () => {
    const day = await c.parent.request<{ remoteDay: { attachments: { name: string }[] }[] }>(
      REMOTE_DAY,
      { p: p.pupil.id, d: DEMO_TODAY },
    );
    expect(day.data!.remoteDay[0].attachments.map((x) => x.name)).toEqual(['схема.png']);
  });

  it('are downloaded by the lesson’s readers only; a parent of another class gets 404', async () => {
    const [{ id }] = await t.sql<{ id: string }>(
      `select attachment_id::text as id from remote_material_attachment`,
    );
    for (const who of ['teacher', 'classTeacher', 'director', 'deputy', 'pupil', 'parent']) {
      expect(await status(who, id), who).toBe(200);
    }
    for (const who of ['otherParent', 'otherPupil', 'otherTeacher', 'sysadmin']) {
      expect(await status(who, id), who).toBe(404);
    }
    expect(await status(null, id)).toBe(401);
    const other = factory(t);
    await other.newSchool({ name: 'Школа Б' });
    const stranger = await other.newStaff({ roles: [Role.DIRECTOR] });
    c.stranger = await other.as(stranger);
    expect(await status('stranger', id)).toBe(404);
  });

  it('keeps the listed files in order, deletes those left out', async () => {
    const [{ id: first }] = await t.sql<{ id: string }>(
      `select attachment_id::text as id from remote_material_attachment`,
    );
    const second = await upload('teacher', 'задание.png');
    const both = await post('teacher', 'Прочитать § 12', [second, first]);
    expect(both.data!.setRemoteWork.attachments.map((x) => x.id)).toEqual([second, first]);
    const one = await post('teacher', 'Прочитать § 12', [second]);
    expect(one.data!.setRemoteWork.attachments.map((x) => x.id)).toEqual([second]);
    expect(await count('attachment where id = ?', [first])).toBe(0);
    expect(await status('teacher', first)).toBe(404);
    const audit = await t.sql<{ after: { attachmentIds: number[] } }>(
      `select after from audit_event where entity = 'remote_material' order by id desc limit 1`,
    );
    expect(audit[0].after.attachmentIds).toEqual([Number(second)]);
  });

  it('are not readable once the day is withdrawn', async () => {
    const [{ id }] = await t.sql<{ id: string }>(
      `select attachment_id::text as id from remote_material_attachment`,
    );
    const r = await c.director.request(`mutation($id:ID!){withdrawCancelledDay(id:$id)}`, {
      id: dayId,
    });
    expect(r.errors).toBeUndefined();
    expect(await status('parent', id)).toBe(404);
    expect(codeOf(await post('teacher', 'x', [id]))).toBe('BAD_USER_INPUT');
  });
});
