import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codeOf, createTestApp, type GqlClient, type TestApp } from './helpers.js';
import { factory, type Factory, type MadeLesson, type MadePerson } from './factory.js';

/** Batch writes with an idempotency key (decision 30): a retry is answered again, not written twice. */
let t: TestApp;
let f: Factory;
let teacher: GqlClient;
let other: GqlClient;
let pupil: MadePerson;
let lesson: MadeLesson;
let otherLesson: MadeLesson;
let workTypeId: string;

const SAVE = `mutation($c:[MarkChangeInput!]!,$k:String){setMarks(changes:$c,idempotencyKey:$k){
  saved{id lessonId pupilId value score workTypeId comment version} removedIds}}`;
const ATTEND = `mutation($c:[AttendanceChangeInput!]!,$k:String){setAttendance(changes:$c,idempotencyKey:$k){
  id lessonId pupilId codeId reason version}}`;

beforeAll(async () => {
  t = await createTestApp({ demo: false });
  f = factory(t);
  const school = await f.newSchool();
  workTypeId = school.workTypes['Ответ на уроке'];
  const cls = await f.newClass({ grade: 7 });
  pupil = await f.newPupil({ classGroup: cls });
  const first = await f.newTeacher();
  const second = await f.newTeacher();
  lesson = await f.newLesson({
    course: await f.newCourse({ classGroup: cls, subject: 'Алгебра', teacher: first }),
  });
  otherLesson = await f.newLesson({
    course: await f.newCourse({ classGroup: cls, subject: 'Физика', teacher: second }),
  });
  teacher = await first.client();
  other = await second.client();
});
afterAll(() => t.close());

const mark = (lessonId: string, value: string) => ({
  lessonId,
  pupilId: pupil.id,
  value,
  workTypeId,
});
const marksIn = async (lessonId: string) =>
  t.sql<{ value: string }>(`select value from mark where lesson_id = ? and removed_at is null`, [
    Number(lessonId),
  ]);
const eventsOf = async (type: string) =>
  Number(
    (await t.sql<{ n: string }>(`select count(*) n from domain_event where type = ?`, [type]))[0].n,
  );

describe('setMarks with an idempotency key', () => {
  it('writes a batch sent twice with the same key once, and answers both the same', async () => {
    const key = randomUUID();
    const events = await eventsOf('MARK_SAVED');
    const batch = [mark(lesson.id, '5'), mark(lesson.id, '4')];
    const first = await teacher.request(SAVE, { c: batch, k: key });
    expect(first.errors).toBeUndefined();
    const again = await teacher.request(SAVE, { c: batch, k: key });
    expect(again.errors).toBeUndefined();
    expect(again.data).toEqual(first.data);
    expect((await marksIn(lesson.id)).map((m) => m.value).sort()).toEqual(['4', '5']);
    // Announced once too: the retry published nothing.
    expect((await eventsOf('MARK_SAVED')) - events).toBe(2);
    const audit = await t.sql<{ n: string }>(
      `select count(*) n from audit_event where entity = 'mark' and action = 'create'`,
    );
    expect(Number(audit[0].n)).toBe(2);
  });

  it('refuses the same key with another batch (IDEMPOTENCY_KEY_REUSED), writing nothing', async () => {
    const key = randomUUID();
    const ok = await teacher.request(SAVE, { c: [mark(lesson.id, '3')], k: key });
    expect(ok.errors).toBeUndefined();
    const before = (await marksIn(lesson.id)).length;
    const reused = await teacher.request(SAVE, { c: [mark(lesson.id, '2')], k: key });
    expect(codeOf(reused)).toBe('CONFLICT');
    expect(reused.errors![0].extensions).toMatchObject({
      reason: 'IDEMPOTENCY_KEY_REUSED',
      field: 'idempotencyKey',
    });
    expect((await marksIn(lesson.id)).length).toBe(before);
    // The same key on another batch mutation is another request too.
    const elsewhere = await teacher.request(ATTEND, {
      c: [{ lessonId: lesson.id, pupilId: pupil.id, codeId: null }],
      k: key,
    });
    expect(elsewhere.errors![0].extensions).toMatchObject({ reason: 'IDEMPOTENCY_KEY_REUSED' });
  });

  it("keeps different accounts' keys apart: the same key is two requests", async () => {
    const key = randomUUID();
    const mine = await teacher.request(SAVE, { c: [mark(lesson.id, '5')], k: key });
    const theirs = await other.request(SAVE, { c: [mark(otherLesson.id, '5')], k: key });
    expect(mine.errors).toBeUndefined();
    expect(theirs.errors).toBeUndefined();
    expect((await marksIn(otherLesson.id)).map((m) => m.value)).toEqual(['5']);
  });

  it('answers two requests with the same key at once from one write', async () => {
    const key = randomUUID();
    const before = (await marksIn(lesson.id)).length;
    const batch = [mark(lesson.id, '4')];
    const [a, b] = await Promise.all([
      teacher.request(SAVE, { c: batch, k: key }),
      teacher.request(SAVE, { c: batch, k: key }),
    ]);
    expect(a.errors).toBeUndefined();
    expect(b.errors).toBeUndefined();
    expect(b.data).toEqual(a.data);
    expect((await marksIn(lesson.id)).length).toBe(before + 1);
  });

  it('keeps nothing of a refused batch: the same key then writes the corrected one', async () => {
    const key = randomUUID();
    const wrong = await teacher.request(SAVE, { c: [mark(lesson.id, '9')], k: key });
    expect(codeOf(wrong)).toBe('BAD_USER_INPUT');
    const right = await teacher.request(SAVE, { c: [mark(lesson.id, '5')], k: key });
    expect(right.errors).toBeUndefined();
  });

  it('replays a change and a removal, not only new marks', async () => {
    const made = await teacher.request<{ setMarks: { saved: { id: string }[] } }>(SAVE, {
      c: [mark(lesson.id, '3')],
    });
    const id = made.data!.setMarks.saved[0].id;
    const change = [{ id, version: 1, value: '4' }];
    const key = randomUUID();
    const first = await teacher.request(SAVE, { c: change, k: key });
    // Without the key the retry would be a VERSION_CONFLICT: the first one moved the version.
    expect(await teacher.request(SAVE, { c: change, k: key })).toMatchObject({
      data: first.data,
    });
    const removal = [{ id, version: 2, remove: true }];
    const removeKey = randomUUID();
    const removed = await teacher.request(SAVE, { c: removal, k: removeKey });
    expect(removed.data).toEqual({ setMarks: { saved: [], removedIds: [id] } });
    expect((await teacher.request(SAVE, { c: removal, k: removeKey })).data).toEqual(removed.data);
  });

  it('refuses a malformed key (BAD_USER_INPUT, INVALID_IDEMPOTENCY_KEY) before anything else', async () => {
    for (const k of ['short', 'x'.repeat(101), 'with space in it', 'ключ-ключ-ключ']) {
      const r = await teacher.request(SAVE, { c: [mark(lesson.id, '5')], k });
      expect(r.errors![0].extensions).toMatchObject({
        code: 'BAD_USER_INPUT',
        reason: 'INVALID_IDEMPOTENCY_KEY',
        field: 'idempotencyKey',
      });
    }
  });
});

describe('setAttendance with an idempotency key', () => {
  it('writes once and answers a retry the same', async () => {
    const key = randomUUID();
    const batch = [{ lessonId: lesson.id, pupilId: pupil.id, codeId: f.school.codes['Н'] }];
    const first = await teacher.request(ATTEND, { c: batch, k: key });
    expect(first.errors).toBeUndefined();
    // A second write of this entry without the key would need the version: it is a retry here.
    const again = await teacher.request(ATTEND, { c: batch, k: key });
    expect(again.errors).toBeUndefined();
    expect(again.data).toEqual(first.data);
    const rows = await t.sql<{ version: number }>(
      `select version from attendance where lesson_id = ?`,
      [Number(lesson.id)],
    );
    expect(rows).toEqual([{ version: 1 }]);
  });
});

describe('the kept keys', () => {
  it('drops keys older than a day when new ones are taken', async () => {
    await t.sql(`update idempotent_request set created_at = now() - interval '25 hours'`);
    const old = Number(
      (await t.sql<{ n: string }>(`select count(*) n from idempotent_request`))[0].n,
    );
    expect(old).toBeGreaterThan(0);
    await teacher.request(SAVE, { c: [mark(lesson.id, '5')], k: randomUUID() });
    const left = await t.sql<{ n: string }>(
      `select count(*) n from idempotent_request where created_at < now() - interval '24 hours'`,
    );
    expect(Number(left[0].n)).toBe(Math.max(0, old - 20));
  });
});
