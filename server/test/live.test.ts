import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createClient, type Client } from 'graphql-ws';
import { createTestApp, DEMO_TODAY, GqlClient, waitFor, type TestApp } from './helpers.js';
import { publish } from '../src/events/outbox.js';
import type { LiveEventName } from '../src/events/live-event-type.js';
import { startServer } from '../bench/processes.js';

/** Live updates: outbox, per-event authorization, resume, several processes, sessions. */
let t: TestApp;
let teacher: GqlClient;
/** The bus's listeners with no socket open: the app's own. */
let base: number;
let ids: {
  school: number;
  child7: string;
  classmate: string;
  course: string;
  lesson: string;
  answer: string;
  otherCourse: string;
};

const one = async (sql: string, params: unknown[] = []) =>
  String((await t.sql<{ id: number }>(sql, params))[0].id);
const SAVE = 'mutation($c:[MarkChangeInput!]!){setMarks(changes:$c){saved{id value}}}';

interface Live {
  id: string;
  type: string;
  payload: string;
}

/** A graphql-ws client signed in as `login`, against the server at `url`; `prepare` runs before it connects. */
async function socketAs(
  login: string,
  url = t.url,
  origin = t.origin,
  prepare?: () => Promise<void>,
): Promise<{ client: Client; closed: Promise<number> }> {
  const c = new GqlClient(url, origin);
  await c.login(login, 'demo');
  await prepare?.();
  const cookie = c.cookie;
  let closedResolve: (code: number) => void = () => {};
  const closed = new Promise<number>((r) => (closedResolve = r));
  class Authed extends WebSocket {
    constructor(u: string, protocols?: string | string[]) {
      super(u, protocols, { headers: { cookie, origin } });
    }
  }
  const client = createClient({
    url: url.replace('http', 'ws'),
    webSocketImpl: Authed,
    retryAttempts: 0,
    lazy: false,
    onNonLazyError: () => {},
    on: { closed: (e) => closedResolve((e as { code: number }).code) },
  });
  return { client, closed };
}

/** An event only the tests publish, to learn that a subscription is live (`hear`). */
const PROBE = 'PROBE' as const;
/**
 * A name outside `LiveEventType`, for the bus-level tests below: no feed delivers it, so it keeps
 * their events apart from every other; only a test may bypass the enum this way.
 */
const busOnly = (name: string) => name as LiveEventName;

/** Collects a subscription's events, probes counted apart; `until(n)` waits for the n-th. */
function collect(client: Client, query: string, variables: Record<string, unknown>) {
  const events: Live[] = [];
  const errors: unknown[] = [];
  let probes = 0;
  let notify = () => {};
  const dispose = client.subscribe<{ [k: string]: Live }>(
    { query, variables },
    {
      next: (r) => {
        if (r.errors) errors.push(r.errors);
        const e = r.data ? Object.values(r.data)[0] : undefined;
        // Known by its value: an alias may rename `type`.
        if (e && Object.values(e).includes(PROBE)) probes++;
        else if (e) events.push(e);
        notify();
      },
      error: (e) => {
        errors.push(e);
        notify();
      },
      complete: () => {},
    },
  );
  return {
    events,
    errors,
    dispose,
    get probes() {
      return probes;
    },
    async until(n: number, ms = 5000): Promise<Live[]> {
      const deadline = Date.now() + ms;
      while (events.length < n && errors.length === 0 && Date.now() < deadline) {
        await new Promise<void>((r) => {
          notify = r;
          setTimeout(r, 50);
        });
      }
      return events;
    },
  };
}

const DIARY = 'subscription($p:ID!,$a:ID){diaryEvents(pupilId:$p,after:$a){id type payload}}';
const JOURNAL = 'subscription($c:ID!,$a:ID){journalEvents(courseId:$c,after:$a){id type payload}}';
const mark = (pupilId: string, value: string) => ({
  lessonId: ids.lesson,
  pupilId,
  value,
  workTypeId: ids.answer,
});

/**
 * Publishes probes for a pupil's or a course's feeds until each of `subs` has heard one more.
 * Then each subscription is live on its server, whichever process that is; and, as a feed
 * delivers in order, whatever was published for it before has arrived or never will.
 */
async function hear(
  subs: ReturnType<typeof collect>[],
  to: { pupilId?: string; courseId?: string },
  timeout = 8000,
): Promise<void> {
  const before = subs.map((s) => s.probes);
  const probe = {
    type: PROBE,
    payload: {},
    ...(to.pupilId ? { pupilIds: [Number(to.pupilId)] } : {}),
    ...(to.courseId ? { courseId: Number(to.courseId) } : {}),
  };
  const heard = () => subs.every((s, i) => s.probes > before[i]);
  const done = await waitFor(
    async () => {
      if (heard()) return true;
      // A probe published before the subscription listened is lost: the next one is not.
      await t.orm.em.fork().transactional((tem) => publish(tem, ids.school, [probe]));
      return heard();
    },
    timeout,
    100,
  );
  if (!done) throw new Error(`no probe heard within ${timeout} ms: ${JSON.stringify(to)}`);
}

beforeAll(async () => {
  t = await createTestApp();
  teacher = await t.as('teacher');
  const course = await one(
    `select co.id from course co join subject s on s.id = co.subject_id join class_group c on c.id = co.class_group_id where s.name = 'Алгебра' and c.grade = 7`,
  );
  ids = {
    school: Number(await one(`select id from school limit 1`)),
    course,
    otherCourse: await one(
      `select co.id from course co join subject s on s.id = co.subject_id join class_group c on c.id = co.class_group_id where s.name = 'Алгебра' and c.grade = 8`,
    ),
    child7: await one(`select person_id id from user_account where login = 'pupil'`),
    classmate:
      await one(`select e.pupil_id id from enrollment e join class_group c on c.id = e.class_group_id where c.grade = 7
      and e.pupil_id <> (select person_id from user_account where login = 'pupil') limit 1`),
    lesson: await one(
      `select id from lesson where course_id = ? and date between '2026-11-05' and ? and not cancelled order by date desc limit 1`,
      [course, DEMO_TODAY],
    ),
    answer: await one(`select id from work_type where name = 'Ответ на уроке'`),
  };
  base = t.app.services.bus.listeners;
});
afterAll(() => t.close());

describe('live diary', () => {
  it("delivers a child's new mark to the parent, and never a classmate's or a rolled-back one", async () => {
    const { client } = await socketAs('parent');
    const sub = collect(client, DIARY, { p: ids.child7 });
    await hear([sub], { pupilId: ids.child7 });
    await teacher.request(SAVE, { c: [mark(ids.classmate, '2')] });
    await teacher.request(SAVE, { c: [mark(ids.child7, '5'), { ...mark(ids.child7, '9') }] }); // refused: rolled back
    // The control: sent last, so once it is here the two before it would have been too.
    await teacher.request(SAVE, { c: [mark(ids.child7, '4')] });
    const got = await sub.until(1);
    expect(sub.errors).toEqual([]);
    expect(got).toHaveLength(1);
    expect(got[0].type).toBe('MARK_SAVED');
    expect(JSON.parse(got[0].payload)).toMatchObject({ value: '4', pupilId: ids.child7 });
    sub.dispose();
    await client.dispose();
  });

  it("refuses another family's child, and a journal the viewer may not read", async () => {
    const { client } = await socketAs('parent');
    const foreign = collect(client, DIARY, { p: ids.classmate });
    const journal = collect(client, JOURNAL, { c: ids.course });
    await foreign.until(1, 1000);
    await journal.until(1, 1000);
    expect(JSON.stringify(foreign.errors)).toContain('NOT_FOUND');
    expect(JSON.stringify(journal.errors)).toContain('NOT_FOUND');
    await client.dispose();
    const other = await socketAs('teacher');
    const notMine = collect(other.client, JOURNAL, {
      c: await one(
        `select co.id from course co join subject s on s.id = co.subject_id join class_group c on c.id = co.class_group_id where s.name = 'Русский язык' and c.grade = 7`,
      ),
    });
    await notMine.until(1, 1000);
    expect(JSON.stringify(notMine.errors)).toContain('NOT_FOUND');
    await other.client.dispose();
  });

  it('resumes after a drop with exactly the missed events, in order, while new ones keep coming', async () => {
    const first = await socketAs('parent');
    const sub = collect(first.client, DIARY, { p: ids.child7 });
    await hear([sub], { pupilId: ids.child7 });
    await teacher.request(SAVE, { c: [mark(ids.child7, '3')] });
    const [seen] = await sub.until(1);
    await first.client.dispose(); // the network drops
    for (const v of ['5', '4', '3']) await teacher.request(SAVE, { c: [mark(ids.child7, v)] });
    const again = await socketAs('parent');
    const resumed = collect(again.client, DIARY, { p: ids.child7, a: seen.id });
    await teacher.request(SAVE, { c: [mark(ids.child7, '2')] }); // arrives while replaying
    const got = await resumed.until(4);
    await hear([resumed], { pupilId: ids.child7 }); // nothing repeated before the probe
    expect(resumed.events.map((e) => JSON.parse(e.payload).value)).toEqual(['5', '4', '3', '2']);
    const idsSeen = resumed.events.map((e) => BigInt(e.id));
    expect([...idsSeen].sort((a, b) => (a < b ? -1 : 1))).toEqual(idsSeen);
    expect(got.every((e) => BigInt(e.id) > BigInt(seen.id))).toBe(true);
    await again.client.dispose();
  });

  it('delivers a school-wide event to the pupils it names, by its list of thousands or of a few', async () => {
    const { client } = await socketAs('parent');
    const sub = collect(client, DIARY, { p: ids.child7 });
    await hear([sub], { pupilId: ids.child7 });
    const all = (await t.sql<{ id: number }>(`select distinct pupil_id id from enrollment`)).map(
      (r) => r.id,
    );
    const others = all.filter((p) => p !== Number(ids.child7));
    expect(others.length).toBeGreaterThan(32); // a Set per event, not a scan (live.service.ts)
    const send = (pupilIds: number[], reason: string) =>
      t.orm.em
        .fork()
        .transactional((tem) =>
          publish(tem, ids.school, [{ type: 'CANCELLED_DAY', pupilIds, payload: { reason } }]),
        );
    await send(others, 'not for this child');
    await send(others.slice(0, 3), 'nor this');
    await send([...others, Number(ids.child7)], 'the whole school');
    await send([Number(ids.child7), ...others.slice(0, 3)], 'four pupils');
    const got = await sub.until(2);
    await hear([sub], { pupilId: ids.child7 }); // nothing more was on its way
    expect(sub.errors).toEqual([]);
    expect(sub.events.map((e) => JSON.parse(e.payload).reason)).toEqual([
      'the whole school',
      'four pupils',
    ]);
    expect(got).toHaveLength(2);
    await client.dispose();
  });

  it('asks a client too far behind to refetch (RESYNC_REQUIRED)', async () => {
    await t.sql(
      `insert into domain_event_horizon (id, pruned_through) values (1, 1000000) on conflict (id) do update set pruned_through = 1000000`,
    );
    try {
      const { client } = await socketAs('parent');
      const sub = collect(client, DIARY, { p: ids.child7, a: '5' });
      await sub.until(1, 1000);
      expect(JSON.stringify(sub.errors)).toContain('RESYNC_REQUIRED');
      await client.dispose();
    } finally {
      await t.sql(`delete from domain_event_horizon`);
    }
  });
});

describe('delivery', () => {
  const NOTIFICATIONS = 'subscription{notifications{id type payload courseId}}';

  it('delivers journal events to the teacher and notifications to the parent', async () => {
    const teacherSocket = await socketAs('teacher');
    const parentSocket = await socketAs('parent');
    const journal = collect(teacherSocket.client, JOURNAL, { c: ids.course });
    const notes = collect(parentSocket.client, NOTIFICATIONS, {});
    const otherCourse = await one(
      `select co.id from course co where co.teacher_id = (select person_id from user_account where login = 'teacher') and co.id <> ? limit 1`,
      [ids.course],
    );
    const other = collect(teacherSocket.client, JOURNAL, { c: otherCourse });
    await hear([journal], { courseId: ids.course });
    await hear([notes], { pupilId: ids.child7 });
    await hear([other], { courseId: otherCourse });
    await teacher.request(SAVE, { c: [mark(ids.child7, '5')] });
    await teacher.request(SAVE, { c: [mark(ids.classmate, '3')] });
    await journal.until(2);
    await notes.until(1);
    // Controls after both marks: the classmate's did not reach the parent, nor either the other course.
    await hear([notes], { pupilId: ids.child7 });
    await hear([other], { courseId: otherCourse });
    expect([journal.errors, notes.errors, other.errors]).toEqual([[], [], []]);
    expect(journal.events.map((e) => JSON.parse(e.payload).value)).toEqual(['5', '3']);
    expect(notes.events.map((e) => JSON.parse(e.payload).value)).toEqual(['5']);
    expect(notes.events[0]).toMatchObject({ type: 'MARK_SAVED', courseId: ids.course });
    expect(other.events).toEqual([]);
    await teacherSocket.client.dispose();
    await parentSocket.client.dispose();
  });

  it('answers each subscription of a socket with its own id, aliases and fields', async () => {
    const { client } = await socketAs('parent');
    const aliased = collect(
      client,
      'subscription($p:ID!){d:diaryEvents(pupilId:$p){n:id kind:type __typename}}',
      { p: ids.child7 },
    );
    const plain = collect(client, DIARY, { p: ids.child7 });
    // A fragment takes graphql-js's ordinary path; it must see the same events.
    const fragment = collect(
      client,
      'subscription($p:ID!){diaryEvents(pupilId:$p){...E}} fragment E on LiveEvent{id type payload}',
      { p: ids.child7 },
    );
    await hear([aliased, plain, fragment], { pupilId: ids.child7 });
    await teacher.request(SAVE, { c: [mark(ids.child7, '4')] });
    await aliased.until(1);
    await plain.until(1);
    await fragment.until(1);
    expect([aliased.errors, plain.errors, fragment.errors]).toEqual([[], [], []]);
    const [a] = aliased.events as unknown as Record<string, string>[];
    expect(Object.keys(a).sort()).toEqual(['__typename', 'kind', 'n']);
    expect(a).toMatchObject({ n: plain.events[0].id, kind: 'MARK_SAVED', __typename: 'LiveEvent' });
    expect(fragment.events).toEqual(plain.events);
    expect(JSON.parse(plain.events[0].payload)).toMatchObject({ value: '4' });
    await client.dispose();
  });

  it('stops sending when the client completes a subscription or leaves, and lets go of it', async () => {
    const bus = t.app.services.bus;
    // The sockets of the tests before have closed: the bus has only the app's own listeners.
    await waitFor(() => bus.listeners === base);
    const before = bus.listeners;
    const { client } = await socketAs('parent');
    const kept = collect(client, DIARY, { p: ids.child7 });
    const ended = collect(client, DIARY, { p: ids.child7 });
    const journal = collect(client, JOURNAL, { c: ids.course }); // refused: never listens
    await hear([kept, ended], { pupilId: ids.child7 });
    await journal.until(1, 2000);
    expect(bus.listeners).toBe(before + 2);
    ended.dispose();
    await waitFor(() => bus.listeners === before + 1);
    expect(bus.listeners).toBe(before + 1);
    await teacher.request(SAVE, { c: [mark(ids.child7, '3')] });
    await kept.until(1);
    await hear([kept], { pupilId: ids.child7 }); // nothing more came before the probe
    expect(kept.events).toHaveLength(1);
    expect(ended.events).toEqual([]);
    expect(JSON.stringify(journal.errors)).toContain('NOT_FOUND');
    await client.dispose();
    await waitFor(() => bus.listeners === before);
    expect(bus.listeners).toBe(before);
  });
});

describe('order', () => {
  it('never skips an event whose transaction drew its id first and committed last', async () => {
    const [{ id: schoolId }] = await t.sql<{ id: number }>(`select id from school limit 1`);
    const heard: { id: string; type: string }[] = [];
    const stop = t.app.services.bus.subscribe((e) => {
      if (e.type.startsWith('ORDER_')) heard.push({ id: e.id, type: e.type });
    });
    // C takes its transaction id first, A draws its event id first: the shape in which a reader
    // that trusted transaction ids would read C's event and move past A's before A commits.
    const c = t.orm.em.fork();
    const a = t.orm.em.fork();
    await c.begin();
    await c.execute(`select pg_current_xact_id()`);
    await a.begin();
    await publish(a, schoolId, [{ type: busOnly('ORDER_A'), payload: {} }]);
    const cDone = (async () => {
      await publish(c, schoolId, [{ type: busOnly('ORDER_C'), payload: {} }]);
      await c.commit();
    })();
    // Publishing takes the outbox's lock for the transaction: C waits there for A.
    const waiting = await waitFor(
      async () =>
        (
          await t.sql(
            `select 1 from pg_locks where locktype = 'advisory' and not granted
                and database = (select oid from pg_database where datname = current_database())`,
          )
        ).length > 0,
    );
    expect(waiting).toBe(true);
    // The read that wake() starts, done before A commits: the bus keeps it (and a read queued
    // behind it) as `running`, which nothing public awaits.
    const bus = t.app.services.bus;
    const reading = () => (bus as unknown as { running?: Promise<void> }).running;
    bus.wake();
    while (reading()) await reading();
    await a.commit();
    await cDone;
    await waitFor(() => heard.length >= 2);
    stop();
    expect(heard.map((e) => e.type)).toEqual(['ORDER_A', 'ORDER_C']);
    expect(BigInt(heard[0].id)).toBeLessThan(BigInt(heard[1].id));
  });

  it('reads in numeric order when ids gain a digit', async () => {
    const [{ id: schoolId }] = await t.sql<{ id: number }>(`select id from school limit 1`);
    const [{ next }] = await t.sql<{ next: string }>(
      `select nextval(pg_get_serial_sequence('domain_event', 'id'))::text as next`,
    );
    // The next ids run from …97 to …02 of the next power of ten: '100…' sorts before '99…' as text.
    await t.sql(`select setval(pg_get_serial_sequence('domain_event', 'id'), ?)`, [
      10n ** BigInt(next.length + 1) - 4n,
    ]);
    const heard: string[] = [];
    let controlHeard = false;
    const stop = t.app.services.bus.subscribe((e) => {
      if (e.type === 'ORDER_DIGITS') heard.push(e.id);
      if (e.type === 'ORDER_CONTROL') controlHeard = true;
    });
    await t.orm.em.fork().transactional((tem) =>
      publish(
        tem,
        schoolId,
        Array.from({ length: 6 }, () => ({ type: busOnly('ORDER_DIGITS'), payload: {} })),
      ),
    );
    // The seventh comes in a read of its own.
    await waitFor(() => heard.length >= 6);
    await t.orm.em
      .fork()
      .transactional((tem) =>
        publish(tem, schoolId, [{ type: busOnly('ORDER_DIGITS'), payload: {} }]),
      );
    await waitFor(() => heard.length >= 7);
    // Events are handed out in id order: once the control is heard, nothing more can come.
    await t.orm.em
      .fork()
      .transactional((tem) =>
        publish(tem, schoolId, [{ type: busOnly('ORDER_CONTROL'), payload: {} }]),
      );
    await waitFor(() => controlHeard);
    stop();
    const first = 10n ** BigInt(next.length + 1) - 3n;
    expect(heard).toEqual(Array.from({ length: 7 }, (_, i) => String(first + BigInt(i))));
  });

  it('delivers every event of many concurrent writers once, in id order', async () => {
    const [{ id: schoolId }] = await t.sql<{ id: number }>(`select id from school limit 1`);
    const heard: string[] = [];
    const stop = t.app.services.bus.subscribe((e) => {
      if (e.type === 'ORDER_MANY') heard.push(e.id);
    });
    const writers = 12;
    const each = 15;
    await Promise.all(
      Array.from({ length: writers }, async () => {
        for (let i = 0; i < each; i++) {
          await t.orm.em.fork().transactional(async (tem) => {
            await tem.execute(`select pg_current_xact_id()`);
            await new Promise((r) => setTimeout(r, Math.random() * 5));
            await publish(tem, schoolId, [{ type: busOnly('ORDER_MANY'), payload: {} }]);
          });
        }
      }),
    );
    await waitFor(() => heard.length >= writers * each, 10_000);
    stop();
    const [{ n }] = await t.sql<{ n: string }>(
      `select count(*)::text n from domain_event where type = 'ORDER_MANY'`,
    );
    expect(heard.length).toBe(Number(n));
    expect(heard.length).toBe(writers * each);
    expect(new Set(heard).size).toBe(heard.length);
    expect(heard).toEqual([...heard].sort((x, y) => (BigInt(x) < BigInt(y) ? -1 : 1)));
  });
});

describe('retention', () => {
  it('prunes old events and asks clients resuming from before them to refetch', async () => {
    const [school] = await t.sql<{ id: number }>(`select id from school limit 1`);
    await t.sql(
      `insert into domain_event (school_id, type, payload, created_at) values (?, 'OLD', '{}', now() - interval '100 hours')`,
      [school.id],
    );
    const [{ id: old }] = await t.sql<{ id: string }>(
      `select max(id)::text id from domain_event where type = 'OLD'`,
    );
    expect(await t.app.services.bus.prune()).toBeGreaterThanOrEqual(1);
    expect(await t.sql(`select 1 from domain_event where type = 'OLD'`)).toEqual([]);
    const { client } = await socketAs('parent');
    const sub = collect(client, DIARY, { p: ids.child7, a: String(BigInt(old) - 1n) });
    await sub.until(1, 1000);
    expect(JSON.stringify(sub.errors)).toContain('RESYNC_REQUIRED');
    await client.dispose();
    await t.sql(`delete from domain_event_horizon`);
  });

  it('keeps the events the notification list reads for a month, the others for the retention', async () => {
    const [school] = await t.sql<{ id: number }>(`select id from school limit 1`);
    const add = (type: string, hours: number) =>
      t.sql(
        `insert into domain_event (school_id, type, payload, created_at)
         values (?, ?, '{"kept":"test"}', now() - make_interval(hours => ?))`,
        [school.id, type, hours],
      );
    await add('MARK_SAVED', 100);
    await add('ANNOUNCEMENT_POSTED', 100);
    await add('LESSON_UPDATED', 100);
    await add('MARK_SAVED', 24 * 31);
    await t.app.services.bus.prune();
    const left = await t.sql<{ type: string; hours: number }>(
      `select type, round(extract(epoch from now() - created_at) / 3600)::int as hours
         from domain_event where payload->>'kept' = 'test' order by type`,
    );
    expect(left).toEqual([
      { type: 'ANNOUNCEMENT_POSTED', hours: 100 },
      { type: 'MARK_SAVED', hours: 100 },
    ]);
    await t.sql(`delete from domain_event where payload->>'kept' = 'test'`);
    await t.sql(`delete from domain_event_horizon`);
  });
});

describe('sessions and sockets', () => {
  it("closes a session's sockets when it ends", async () => {
    const c = t.client();
    await c.login('parent', 'demo');
    const { client, closed } = await socketAs('parent');
    const sub = collect(client, DIARY, { p: ids.child7 });
    await hear([sub], { pupilId: ids.child7 });
    // The parent signs out from another tab: that ends only that tab's session…
    await c.request('mutation { logout }');
    await hear([sub], { pupilId: ids.child7 }); // the socket still delivers after the sign-out
    expect(sub.errors).toEqual([]);
    // …while ending every session of the account (a password change) closes the sockets too.
    const account = await one(`select id from user_account where login = 'parent'`);
    await t.app.services.sessions.revokeAllOf(t.orm.em.fork(), Number(account));
    expect(
      await Promise.race([closed, new Promise((r) => setTimeout(() => r('timeout'), 5000))]),
    ).toBe(4401);
  });

  it('closes a socket when its session expires', async () => {
    // The session just signed in is made to expire two seconds from now, before the socket opens.
    const shorten = async () => {
      await t.sql(
        `update session set expires_at = now() + interval '2 seconds' where id = (select s.id from session s
          join user_account a on a.id = s.account_id where a.login = 'parent' order by s.id desc limit 1)`,
      );
    };
    const opened = Date.now();
    const { client, closed } = await socketAs('parent', t.url, t.origin, shorten);
    const sub = collect(client, DIARY, { p: ids.child7 });
    await hear([sub], { pupilId: ids.child7 });
    await teacher.request(SAVE, { c: [mark(ids.child7, '4')] });
    expect((await sub.until(1)).map((e) => e.type)).toEqual(['MARK_SAVED']);
    expect(
      await Promise.race([closed, new Promise((r) => setTimeout(() => r('timeout'), 6000))]),
    ).toBe(4401);
    expect(Date.now() - opened).toBeGreaterThanOrEqual(1500);
  });
});

describe('rights withdrawn while a socket is open (issue 19)', () => {
  const NOTIFICATIONS = 'subscription{notifications{id type payload courseId}}';
  const valuesOf = (events: Live[]) => events.map((e) => JSON.parse(e.payload).value as string);

  it("stops a parent's diary the moment the guardian is unlinked, before the next mark", async () => {
    const parent = await one(`select person_id id from user_account where login = 'parent'`);
    const [link] = await t.sql<{ school_id: number; kind: string }>(
      `select school_id, kind from guardianship where guardian_id = ? and pupil_id = ?`,
      [parent, ids.child7],
    );
    const parentSocket = await socketAs('parent');
    const pupilSocket = await socketAs('pupil'); // the witness: the pupil's own diary
    const diary = collect(parentSocket.client, DIARY, { p: ids.child7 });
    const witness = collect(pupilSocket.client, DIARY, { p: ids.child7 });
    // A fragment takes graphql-js's ordinary path: it must end the same way.
    const viaFragment = collect(
      parentSocket.client,
      'subscription($p:ID!){diaryEvents(pupilId:$p){...E}} fragment E on LiveEvent{id type payload}',
      { p: ids.child7 },
    );
    try {
      await hear([diary, witness, viaFragment], { pupilId: ids.child7 });
      await teacher.request(SAVE, { c: [mark(ids.child7, '5')] });
      expect(valuesOf(await diary.until(1))).toEqual(['5']); // the positive control
      const classTeacher = await t.as('classteacher');
      const unlinked = await classTeacher.request(
        'mutation($p:ID!,$g:ID!){removeGuardian(pupilId:$p,guardianId:$g){id}}',
        { p: ids.child7, g: parent },
      );
      expect(unlinked.errors).toBeUndefined();
      // Written at once, while the parent's subscription may still be being checked again.
      await teacher.request(SAVE, {
        c: [{ ...mark(ids.child7, '2'), comment: 'Не выучил стихотворение' }],
      });
      expect(valuesOf(await witness.until(2))).toEqual(['5', '2']);
      // Ends with the refusal, after which nothing is delivered; a '2' would have come before it.
      await diary.until(2, 5000);
      expect(valuesOf(diary.events)).toEqual(['5']);
      expect(JSON.stringify(diary.errors)).toContain('NOT_FOUND');
      await viaFragment.until(2, 2000);
      expect(valuesOf(viaFragment.events)).toEqual(['5']);
      expect(JSON.stringify(viaFragment.errors)).toContain('NOT_FOUND');
      // A new subscription on the same old socket is judged by the rights of now, too.
      const again = collect(parentSocket.client, DIARY, { p: ids.child7 });
      await again.until(1, 2000);
      expect(JSON.stringify(again.errors)).toContain('NOT_FOUND');
    } finally {
      await t.sql(
        `insert into guardianship (school_id, guardian_id, pupil_id, kind) values (?, ?, ?, ?)`,
        [link.school_id, parent, ids.child7, link.kind],
      );
      await parentSocket.client.dispose();
      await pupilSocket.client.dispose();
    }
  });

  it("stops the old teacher's journal when the course is given to another teacher", async () => {
    const [course] = await t.sql<{ teacher_id: number; hours_per_week: number }>(
      `select teacher_id, hours_per_week from course where id = ?`,
      [ids.course],
    );
    const deputy = await one(`select person_id id from user_account where login = 'deputy'`);
    const sysadmin = await t.as('sysadmin');
    const give = (teacherId: string | number) =>
      sysadmin.request('mutation($id:ID!,$i:CourseInput!){updateCourse(id:$id,input:$i){id}}', {
        id: ids.course,
        i: { teacherId: String(teacherId), hoursPerWeek: course.hours_per_week },
      });
    const oldSocket = await socketAs('teacher');
    const newSocket = await socketAs('deputy');
    const journal = collect(oldSocket.client, JOURNAL, { c: ids.course });
    const notes = collect(oldSocket.client, NOTIFICATIONS, {});
    const witness = collect(newSocket.client, JOURNAL, { c: ids.course });
    try {
      await hear([journal, notes, witness], { courseId: ids.course });
      await teacher.request(SAVE, { c: [mark(ids.classmate, '4')] });
      expect(valuesOf(await journal.until(1))).toEqual(['4']); // the positive control
      expect(valuesOf(await notes.until(1))).toEqual(['4']);
      expect((await give(deputy)).errors).toBeUndefined();
      const written = await (await t.as('deputy')).request(SAVE, { c: [mark(ids.classmate, '3')] });
      expect(written.errors).toBeUndefined();
      expect(valuesOf(await witness.until(2))).toEqual(['4', '3']);
      await journal.until(2, 5000);
      // The control: a course the teacher keeps, heard after the deputy's mark.
      await hear([notes], { courseId: ids.otherCourse });
      expect(valuesOf(journal.events)).toEqual(['4']);
      expect(JSON.stringify(journal.errors)).toContain('NOT_FOUND');
      // The teacher's notifications go on, without the course taken away.
      expect(valuesOf(notes.events)).toEqual(['4']);
      expect(notes.errors).toEqual([]);
    } finally {
      expect((await give(course.teacher_id)).errors).toBeUndefined();
      await oldSocket.client.dispose();
      await newSocket.client.dispose();
    }
  });
});

describe('several processes', () => {
  const children: ChildProcess[] = [];
  afterAll(() => children.forEach((c) => c.kill('SIGKILL')));

  /** Another server process of ours on the same database; answers its URL and origin. */
  async function serverProcess(): Promise<{ child: ChildProcess; url: string; origin: string }> {
    const { child, port } = await startServer(t.config.databaseUrl!);
    children.push(child);
    const origin = `http://127.0.0.1:${port}`;
    return { child, url: `${origin}/graphql`, origin };
  }

  it('delivers a mark written through one process to a parent subscribed on another', async () => {
    const other = await serverProcess();
    const { client } = await socketAs('pupil', other.url, other.origin);
    const sub = collect(client, DIARY, { p: ids.child7 });
    await hear([sub], { pupilId: ids.child7 });
    await teacher.request(SAVE, { c: [mark(ids.child7, '5')] }); // through the first process
    const got = await sub.until(1, 8000);
    expect(sub.errors).toEqual([]);
    expect(JSON.parse(got[0].payload)).toMatchObject({ value: '5' });
    await client.dispose();
  });

  it('loses and repeats nothing when the server a parent was on is killed and another started', async () => {
    const first = await serverProcess();
    const before = await socketAs('parent', first.url, first.origin);
    const sub = collect(before.client, DIARY, { p: ids.child7 });
    await hear([sub], { pupilId: ids.child7 });
    await teacher.request(SAVE, { c: [mark(ids.child7, '5')] });
    const [seen] = await sub.until(1, 8000);
    expect(JSON.parse(seen.payload)).toMatchObject({ value: '5' });
    // The process dies without a goodbye; marks go on being written meanwhile.
    const exited = new Promise((r) => first.child.once('exit', r));
    first.child.kill('SIGKILL');
    await exited;
    expect(await before.closed).not.toBe(1000);
    for (const v of ['4', '3']) await teacher.request(SAVE, { c: [mark(ids.child7, v)] });
    const second = await serverProcess();
    const after = await socketAs('parent', second.url, second.origin);
    const resumed = collect(after.client, DIARY, { p: ids.child7, a: seen.id });
    await teacher.request(SAVE, { c: [mark(ids.child7, '2')] });
    await resumed.until(3, 8000);
    await hear([resumed], { pupilId: ids.child7 }); // nothing repeated before the probe
    expect(resumed.errors).toEqual([]);
    expect(resumed.events.map((e) => JSON.parse(e.payload).value)).toEqual(['4', '3', '2']);
    const got = resumed.events.map((e) => BigInt(e.id));
    expect(got.every((id, i) => id > (i === 0 ? BigInt(seen.id) : got[i - 1]))).toBe(true);
    await after.client.dispose();
  });
});
