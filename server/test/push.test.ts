import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codeOf, createTestApp, type GqlClient, type TestApp } from './helpers.js';
import { factory, type MadeLesson, type MadePerson } from './factory.js';
import { FakePushService, type TestDevice } from './push-peer.js';
import { retryAfterMs } from '../src/modules/push/push.worker.js';

let t: TestApp;
let peer: FakePushService;
const p: Record<string, MadePerson> = {};
const c: Record<string, GqlClient> = {};
const d: Record<string, TestDevice> = {};
let lesson: MadeLesson;
let workType: string;
let absent: string;
let classId: string;
let f: ReturnType<typeof factory>;

const DAY = new Date('2026-11-28T09:00:00Z'); // 12:00 in Moscow
const NIGHT = new Date('2026-11-28T19:00:00Z'); // 22:00
const LATE_NIGHT = new Date('2026-11-29T02:00:00Z'); // 05:00
const MORNING = new Date('2026-11-29T04:30:00Z'); // 07:30

const ADD = `mutation($i:PushDeviceInput!){addPushDevice(input:$i){id label endpoint}}`;
const REMOVE = `mutation($id:ID!){removePushDevice(id:$id)}`;
const SETTINGS = `{pushSettings{publicKey kinds detail quietFrom quietTo devices{id label endpoint}}}`;
const PREFS = `mutation($i:PushPreferencesInput!){setPushPreferences(input:$i){kinds detail quietFrom quietTo}}`;
const MARKS = `mutation($c:[MarkChangeInput!]!){setMarks(changes:$c){saved{id version}}}`;
const ATTENDANCE = `mutation($c:[AttendanceChangeInput!]!){setAttendance(changes:$c){id}}`;
const ANNOUNCE = `mutation($i:PostAnnouncementInput!){createAnnouncement(input:$i){id}}`;

const drain = (now: Date) => t.app.pushWorker.drain(t.orm.em.fork(), now);
const ALL = ['MARK', 'ABSENCE', 'MESSAGE', 'ANNOUNCEMENT', 'WEEKLY_REPORT', 'CANCELLED_DAY'];

async function subscribe(who: string, device: TestDevice) {
  const r = await c[who].request<{ addPushDevice: { id: string } }>(ADD, { i: device.input() });
  expect(r.errors).toBeUndefined();
  return r.data!.addPushDevice.id;
}
async function mark(pupil: MadePerson, value: string) {
  const r = await c.maths.request(MARKS, {
    c: [{ lessonId: lesson.id, pupilId: pupil.id, value, workTypeId: workType }],
  });
  expect(r.errors).toBeUndefined();
}
async function prefs(who: string, i: Record<string, unknown>) {
  return c[who].request<{ setPushPreferences: Record<string, unknown> }>(PREFS, {
    i: { kinds: ALL, detail: true, quietFrom: null, quietTo: null, ...i },
  });
}

beforeAll(async () => {
  peer = await new FakePushService().start();
  t = await createTestApp({ demo: false, env: { PUSH_ALLOW_HTTP: 'true' } });
  // Drained by hand below, at chosen instants.
  await t.app.pushWorker.stop();
  f = factory(t);
  const school = await f.newSchool({ name: 'Школа А' });
  workType = school.workTypes['Ответ на уроке'];
  absent = school.codes['Н'];
  p.maths = await f.newTeacher();
  const c7 = await f.newClass({ grade: 7, classTeacher: p.maths });
  classId = c7.id;
  const algebra = await f.newCourse({ classGroup: c7, subject: 'Алгебра', teacher: p.maths });
  p.pupil = await f.newPupil({ classGroup: c7, firstName: 'Ваня' });
  p.classmate = await f.newPupil({ classGroup: c7 });
  p.parent = await f.newParent({ children: [p.pupil] });
  p.otherParent = await f.newParent({ children: [p.classmate] });
  lesson = await f.newLesson({ course: algebra, date: '2026-11-27' });
  for (const [k, v] of Object.entries(p)) c[k] = await v.client();
  for (const name of ['parent', 'otherParent', 'maths', 'pupil']) d[name] = peer.device(name);
  for (const name of ['parent', 'otherParent', 'maths']) await subscribe(name, d[name]);
});

afterAll(async () => {
  await t?.close();
  await peer?.close();
});

describe('pushes from the outbox', () => {
  it('pushes a new mark to the pupil’s family only, encrypted, signed, at most once', async () => {
    await mark(p.pupil, '5');
    const result = await drain(DAY);
    expect(result.sent).toBe(1);
    expect(peer.to(d.parent)).toEqual([
      expect.objectContaining({
        title: 'Новая оценка: Алгебра',
        url: expect.stringContaining(`/diary/${p.pupil.id}`),
      }),
    ]);
    expect(peer.to(d.parent)[0].body).toContain('5');
    expect(peer.to(d.otherParent)).toEqual([]); // another family's child
    expect(peer.to(d.maths)).toEqual([]); // the author
    const [sent] = peer.received;
    expect(sent.headers['content-encoding']).toBe('aes128gcm');
    const { publicKey } = (
      await c.parent.request<{ pushSettings: { publicKey: string } }>(SETTINGS)
    ).data!.pushSettings;
    expect(sent.headers.authorization).toMatch(new RegExp(`^vapid t=.+, k=${publicKey}$`));

    expect((await drain(DAY)).sent).toBe(0);
    expect(peer.to(d.parent)).toHaveLength(1);
  });

  it('shows only that a mark came when the parent chose no detail', async () => {
    expect((await prefs('parent', { detail: false })).errors).toBeUndefined();
    await mark(p.pupil, '3');
    await drain(DAY);
    const last = peer.to(d.parent).at(-1)!;
    expect(last.title).toMatch(/^Оценка изменена: Алгебра|^Новая оценка: Алгебра/);
    expect(last.body).not.toContain('3');
    expect((await prefs('parent', { detail: true })).errors).toBeUndefined();
  });

  it('pushes nothing of a kind turned off', async () => {
    await prefs('parent', { kinds: ALL.filter((k) => k !== 'MARK') });
    const before = peer.to(d.parent).length;
    await mark(p.pupil, '4');
    await drain(DAY);
    expect(peer.to(d.parent)).toHaveLength(before);
    await prefs('parent', { kinds: ALL });
  });

  it('holds pushes through quiet hours, then sends one summary', async () => {
    await prefs('parent', { quietFrom: '21:00', quietTo: '07:00' });
    const before = peer.to(d.parent).length;
    await mark(p.pupil, '2');
    await drain(NIGHT);
    const r = await c.maths.request(ATTENDANCE, {
      c: [{ lessonId: lesson.id, pupilId: p.pupil.id, codeId: absent }],
    });
    expect(r.errors).toBeUndefined();
    await drain(LATE_NIGHT);
    expect(peer.to(d.parent)).toHaveLength(before);

    await drain(MORNING);
    const after = peer.to(d.parent).slice(before);
    expect(after).toEqual([
      expect.objectContaining({
        title: 'Пока действовали тихие часы: 2 уведомления',
        body: 'оценки: 1, посещаемость: 1',
      }),
    ]);
    expect((await drain(MORNING)).sent).toBe(0);
    await prefs('parent', {});
  });

  it('pushes an announcement to its audience, not to its author', async () => {
    const r = await c.maths.request(ANNOUNCE, {
      i: { audience: 'CLASS_PARENTS', classGroupId: classId, title: 'Собрание', body: 'В пятницу' },
    });
    expect(r.errors).toBeUndefined();
    await drain(DAY);
    for (const who of ['parent', 'otherParent']) {
      expect(peer.to(d[who]).at(-1)).toMatchObject({ title: 'Новое объявление', body: 'Собрание' });
    }
    expect(peer.to(d.maths)).toEqual([]);
  });

  it('never pushes to a guardian unlinked from the child since subscribing', async () => {
    await t.sql(`delete from guardianship where guardian_id = ?`, [Number(p.otherParent.id)]);
    const before = peer.to(d.otherParent).length;
    await mark(p.classmate, '4');
    await drain(DAY);
    expect(peer.to(d.otherParent)).toHaveLength(before);
  });

  it('removes a device the push service answers 410 Gone', async () => {
    d.pupil = peer.device('pupil');
    await subscribe('pupil', d.pupil);
    peer.gone.add('pupil');
    await mark(p.pupil, '5');
    const result = await drain(DAY);
    expect(result.gone).toBe(1);
    const left = await t.sql(`select 1 from push_device where endpoint = ?`, [d.pupil.endpoint]);
    expect(left).toEqual([]);
  });
});

describe('pushes refused for now are retried', () => {
  const later = (ms: number) => new Date(DAY.getTime() + ms);
  let retry: TestDevice;
  beforeAll(async () => {
    retry = peer.device('retry-parent');
    p.retryParent = await f.newParent({ children: [p.classmate] });
    c.retryParent = await p.retryParent.client();
    await subscribe('retryParent', retry);
  });
  const sentTo = () => peer.received.filter((r) => r.device === retry.name).map((r) => r.status);

  it('retries a push answered 503, then sends it once the service takes it', async () => {
    peer.next.set(retry.name, [{ status: 503 }]);
    await mark(p.classmate, '5');
    expect(await drain(DAY)).toMatchObject({ sent: 0, retried: 1 });
    expect(sentTo()).toEqual([503]);
    // Not before its wait (30 s) is over.
    expect(await drain(later(10_000))).toMatchObject({ sent: 0, retried: 0 });
    expect(sentTo()).toEqual([503]);
    expect(await drain(later(31_000))).toMatchObject({ sent: 1, retried: 0 });
    expect(sentTo()).toEqual([503, 201]);
    expect(peer.to(retry, true)).toEqual([
      expect.objectContaining({ title: expect.stringMatching(/: Алгебра$/) }),
    ]);
    // Taken once: never again.
    expect((await drain(later(3_600_000))).sent).toBe(0);
    expect(sentTo()).toEqual([503, 201]);
  });

  it('waits as long as a 429’s Retry-After asks', async () => {
    peer.received.length = 0;
    peer.next.set(retry.name, [{ status: 429, headers: { 'Retry-After': '120' } }]);
    await mark(p.classmate, '4');
    expect((await drain(DAY)).retried).toBe(1);
    expect((await drain(later(60_000))).sent).toBe(0);
    expect(sentTo()).toEqual([429]);
    expect((await drain(later(121_000))).sent).toBe(1);
    expect(sentTo()).toEqual([429, 201]);
  });

  it('gives up after a bounded number of attempts, and does not retry a 400', async () => {
    peer.received.length = 0;
    peer.next.set(
      retry.name,
      Array.from({ length: 10 }, () => ({ status: 500 })),
    );
    await mark(p.classmate, '3');
    for (let hour = 0; hour < 8; hour++) await drain(later(hour * 3_600_000));
    expect(sentTo()).toEqual([500, 500, 500, 500, 500]); // ATTEMPTS
    peer.received.length = 0;
    peer.next.set(retry.name, [{ status: 400 }]);
    await mark(p.classmate, '2');
    expect(await drain(DAY)).toMatchObject({ sent: 1, retried: 0 });
    expect((await drain(later(3_600_000))).sent).toBe(0);
    expect(sentTo()).toEqual([400]);
    peer.next.delete(retry.name);
  });

  it('retries a quiet hours’ summary as one summary', async () => {
    peer.received.length = 0;
    const quiet = await prefs('retryParent', { quietFrom: '21:00', quietTo: '07:00' });
    expect(quiet.errors).toBeUndefined();
    await mark(p.classmate, '4');
    await mark(p.classmate, '5');
    expect((await drain(NIGHT)).sent).toBe(0);
    peer.next.set(retry.name, [{ status: 503 }]);
    expect(await drain(MORNING)).toMatchObject({ sent: 0, retried: 2 });
    expect(await drain(new Date(MORNING.getTime() + 31_000))).toMatchObject({
      sent: 2,
      retried: 0,
    });
    expect(sentTo()).toEqual([503, 201]);
    expect(peer.to(retry, true)).toEqual([
      expect.objectContaining({ title: 'Пока действовали тихие часы: 2 уведомления' }),
    ]);
    await prefs('retryParent', {});
  });

  it('reads Retry-After as seconds or as an HTTP date', () => {
    expect(retryAfterMs('120')).toBe(120_000);
    const inAMinute = new Date(Date.now() + 60_000).toUTCString();
    expect(retryAfterMs(inAMinute)).toBeGreaterThan(55_000);
    expect(retryAfterMs(inAMinute)).toBeLessThanOrEqual(60_000);
    expect(retryAfterMs('soon')).toBeNull();
    expect(retryAfterMs(null)).toBeNull();
  });

  it('retries a push whose service cannot be reached', async () => {
    const closed = await new FakePushService().start();
    await closed.close(); // its port now refuses connections
    const away = closed.device('away');
    await t.sql(`update push_device set endpoint = ? where endpoint = ?`, [
      away.endpoint,
      retry.endpoint,
    ]);
    await mark(p.classmate, '5');
    expect(await drain(DAY)).toMatchObject({ sent: 0, retried: 1 });
    const [row] = await t.sql<{ attempts: number; unsent: boolean }>(
      `select attempts, sent_at is null as unsent from push_delivery pd
         join push_device d on d.id = pd.device_id where d.endpoint = ? order by pd.id desc limit 1`,
      [away.endpoint],
    );
    expect(row).toEqual({ attempts: 1, unsent: true });
  });
});

describe('devices and choices are one’s own', () => {
  it('lists only the viewer’s devices, and refuses removing another’s as not found', async () => {
    const mine = (
      await c.parent.request<{ pushSettings: { devices: { id: string; endpoint: string }[] } }>(
        SETTINGS,
      )
    ).data!.pushSettings.devices;
    expect(mine.map((x) => x.endpoint)).toEqual([d.parent.endpoint]);
    const other = await c.otherParent.request(REMOVE, { id: mine[0].id });
    expect(codeOf(other)).toBe('NOT_FOUND');
    const still = await t.sql(`select 1 from push_device where id = ?`, [Number(mine[0].id)]);
    expect(still).toHaveLength(1);
  });

  it('refuses bad input with typed errors', async () => {
    const bad = async (i: Record<string, unknown>) => {
      const r = await c.parent.request(ADD, { i: { ...d.parent.input(), ...i } });
      return [codeOf(r), r.errors?.[0]?.extensions?.reason, r.errors?.[0]?.extensions?.field];
    };
    expect(await bad({ endpoint: 'ftp://push.example/x' })).toEqual([
      'BAD_USER_INPUT',
      'INVALID_VALUE',
      'endpoint',
    ]);
    expect(await bad({ p256dh: 'short' })).toEqual(['BAD_USER_INPUT', 'INVALID_VALUE', 'p256dh']);
    expect(await bad({ label: '  ' })).toEqual(['BAD_USER_INPUT', 'REQUIRED', 'label']);
    const time = await prefs('parent', { quietFrom: '25:00', quietTo: '07:00' });
    expect(time.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      reason: 'INVALID_FORMAT',
      field: 'quietFrom',
    });
    const half = await prefs('parent', { quietFrom: '21:00' });
    expect(half.errors?.[0]?.extensions).toMatchObject({ reason: 'REQUIRED', field: 'quietTo' });
    const kind = await prefs('parent', { kinds: ['EVERYTHING'] });
    expect(codeOf(kind)).toBe('BAD_USER_INPUT');
  });

  it('answers UNAUTHENTICATED to anyone not signed in', async () => {
    const anon = t.client();
    expect(codeOf(await anon.request(SETTINGS))).toBe('UNAUTHENTICATED');
    expect(codeOf(await anon.request(ADD, { i: d.parent.input() }))).toBe('UNAUTHENTICATED');
    expect(codeOf(await anon.request(REMOVE, { id: '1' }))).toBe('UNAUTHENTICATED');
  });

  it('refuses plain http push services unless the configuration allows them', async () => {
    const strict = await createTestApp({ demo: false });
    try {
      const f = factory(strict);
      await f.newSchool({ name: 'Школа Б' });
      const cls = await f.newClass({ grade: 5 });
      const parent = await f.newParent({ children: [await f.newPupil({ classGroup: cls })] });
      const r = await (await parent.client()).request(ADD, { i: d.parent.input() });
      expect(r.errors?.[0]?.extensions).toMatchObject({
        reason: 'INVALID_VALUE',
        field: 'endpoint',
      });
    } finally {
      await strict.close();
    }
  });
});

describe('the worker in the server', () => {
  it('pushes a mark within seconds of its commit, woken by the outbox', async () => {
    const live = await createTestApp({ demo: false, env: { PUSH_ALLOW_HTTP: 'true' } });
    try {
      const f = factory(live);
      const school = await f.newSchool({ name: 'Школа В' });
      const teacher = await f.newTeacher();
      const cls = await f.newClass({ grade: 5, classTeacher: teacher });
      const course = await f.newCourse({ classGroup: cls, subject: 'Музыка', teacher });
      const pupil = await f.newPupil({ classGroup: cls });
      const parent = await f.newParent({ children: [pupil] });
      const l = await f.newLesson({ course, date: '2026-11-27' });
      const device = peer.device('live-parent');
      const r = await (await parent.client()).request(ADD, { i: device.input() });
      expect(r.errors).toBeUndefined();
      const saved = await (
        await teacher.client()
      ).request(MARKS, {
        c: [
          {
            lessonId: l.id,
            pupilId: pupil.id,
            value: '5',
            workTypeId: school.workTypes['Ответ на уроке'],
          },
        ],
      });
      expect(saved.errors).toBeUndefined();
      await expect.poll(() => peer.to(device), { timeout: 10_000 }).toHaveLength(1);
      expect(peer.to(device)[0].title).toBe('Новая оценка: Музыка');
    } finally {
      await live.close();
    }
  });
});
