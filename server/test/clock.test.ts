import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createClient, type Client } from 'graphql-ws';
import { extractText, getDocumentProxy } from 'unpdf';
import { loadConfig } from '../src/config.js';
import { codeOf, createTestApp, type GqlClient, type TestApp } from './helpers.js';
import { factory, type Factory, type MadePerson } from './factory.js';

/**
 * One clock (issue 20): every "today" and every printed time is the school's own, from the Clock.
 * A school in Yakutsk (UTC+9), the server's instant pinned (NOW) on either side of its midnight:
 * Friday 27 November at 23:30 and Saturday 28 November at 00:30, when in Moscow and in UTC it is
 * still Friday afternoon.
 */
const MOMENTS = [
  {
    local: 'Friday 23:30',
    now: '2026-11-27T14:30:00Z',
    today: '2026-11-27',
    className: '7А',
    printed: '27.11.2026 23:30',
  },
  {
    local: 'Saturday 00:30',
    now: '2026-11-27T15:30:00Z',
    today: '2026-11-28',
    className: '7Б',
    printed: '28.11.2026 00:30',
  },
];
const SATURDAY = '2026-11-28';

const SAVE = 'mutation($c:[MarkChangeInput!]!){setMarks(changes:$c){saved{id value}}}';
const DIARY = 'subscription($p:ID!){diaryEvents(pupilId:$p){id type payload}}';

/** A graphql-ws client with the cookie of a signed-in client. */
function socketOf(t: TestApp, signedIn: GqlClient): Client {
  const { cookie } = signedIn;
  const origin = t.origin;
  class Authed extends WebSocket {
    constructor(u: string, protocols?: string | string[]) {
      super(u, protocols, { headers: { cookie, origin } });
    }
  }
  return createClient({
    url: t.url.replace('http', 'ws'),
    webSocketImpl: Authed,
    retryAttempts: 0,
  });
}

/** Subscribes; `first(ms)` is the first event's type, the error's code, or null when none came. */
function subscribe(client: Client, query: string, variables: Record<string, unknown>) {
  let outcome: string | null = null;
  client.subscribe<{ diaryEvents: { type: string } }>(
    { query, variables },
    {
      next: (r) => {
        outcome ??= r.data ? r.data.diaryEvents.type : String(r.errors?.[0]?.extensions?.code);
      },
      error: (e) => {
        outcome ??= String((e as { extensions?: { code?: string } }[])[0]?.extensions?.code);
      },
      complete: () => {},
    },
  );
  return {
    async first(ms: number): Promise<string | null> {
      const deadline = Date.now() + ms;
      while (outcome === null && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      return outcome;
    },
  };
}

async function pdfText(base64: string): Promise<string> {
  const pdf = await getDocumentProxy(new Uint8Array(Buffer.from(base64, 'base64')));
  const { text } = await extractText(pdf, { mergePages: true });
  return text.replace(/\s+/g, ' ');
}

describe.each(MOMENTS)('a school in Asia/Yakutsk at $local local time', (at) => {
  let t: TestApp;
  let f: Factory;
  let teacher: GqlClient;
  let classTeacher: GqlClient;
  let parent: GqlClient;
  let moved: MadePerson;
  let newcomer: MadePerson;
  let saturdayLesson: string;
  let ownClass: string;

  beforeAll(async () => {
    // TODAY would pin one date for every school: this suite pins the instant instead.
    t = await createTestApp({ demo: false, env: { TODAY: '', NOW: at.now } });
    f = factory(t);
    await f.newSchool({ timeZone: 'Asia/Yakutsk' });
    const a = await f.newClass({ grade: 7 });
    const b = await f.newClass({ grade: 7 });
    const led = await f.newTeacher();
    ownClass = (await f.newClass({ grade: 7, classTeacher: led })).id;
    classTeacher = await led.client();
    // In 7А to the end of Friday, in 7Б from Saturday.
    moved = await f.newPupil({ classGroup: a, leftOn: '2026-11-27' });
    await f.enrol({ pupil: moved, classGroup: b, from: SATURDAY });
    newcomer = await f.newPupil({ classGroup: b, enrolledFrom: SATURDAY });
    parent = await (await f.newParent({ children: [moved, newcomer] })).client();
    const made = await f.newTeacher();
    teacher = await made.client();
    const course = await f.newCourse({ classGroup: b, teacher: made });
    saturdayLesson = (await f.newLesson({ course, date: SATURDAY })).id;
  });

  afterAll(async () => {
    await t?.close();
  });

  it(`answers "today" with the school's date, ${at.today}`, async () => {
    const r = await parent.request<{ school: { today: string } }>('{school{today}}');
    expect(r.data?.school.today).toBe(at.today);
  });

  it('names the class a pupil is in on the school’s date in the diary', async () => {
    const r = await parent.request<{ diaryYear: { pupil: { className: string } } }>(
      'query($p:ID!){diaryYear(pupilId:$p){pupil{className}}}',
      { p: moved.id },
    );
    expect(r.errors).toBeUndefined();
    expect(r.data!.diaryYear.pupil.className).toBe(at.className);
  });

  it('opens the diary subscription of a pupil enrolled from Saturday; a Saturday mark arrives only once it is Saturday', async () => {
    const socket = socketOf(t, parent);
    try {
      const diary = subscribe(socket, DIARY, { p: newcomer.id });
      // Nothing refuses the feed: the rule counts every class the pupil was ever in.
      expect(await diary.first(300)).toBeNull();
      const r = await teacher.request(SAVE, {
        c: [
          {
            lessonId: saturdayLesson,
            pupilId: newcomer.id,
            value: '5',
            workTypeId: f.school.workTypes['Ответ на уроке'],
          },
        ],
      });
      if (at.today < SATURDAY) {
        expect(codeOf(r)).toBe('BAD_USER_INPUT');
        const entries = r.errors![0].extensions!.entries as { reason: string }[];
        expect(entries.map((e) => e.reason)).toEqual(['LESSON_IN_FUTURE']);
        expect(await diary.first(500)).toBeNull();
      } else {
        expect(r.errors).toBeUndefined();
        expect(await diary.first(5000)).toBe('MARK_SAVED');
      }
    } finally {
      await socket.dispose();
    }
  });

  it(`enrols an imported class list from the school's date, ${at.today}`, async () => {
    const head = 'Фамилия;Имя;Отчество;Пол;Дата рождения';
    const file = Buffer.from(`\ufeff${head}\r\nЛенская;Сардана;Петровна;Ж;05.06.2013`, 'utf8');
    const r = await classTeacher.request(
      'mutation($c:ID!,$f:String!){importClassList(classGroupId:$c,fileBase64:$f,filename:"list.csv"){pupilsCreated}}',
      { c: ownClass, f: file.toString('base64') },
    );
    expect(r.errors).toBeUndefined();
    const rows = await t.sql<{ starts_on: string }>(
      `select e.starts_on::text from enrollment e join person p on p.id = e.pupil_id
        where p.last_name = 'Ленская' and e.class_group_id = ?`,
      [ownClass],
    );
    expect(rows).toEqual([{ starts_on: at.today }]);
  });

  it(`prints the school's wall-clock time on a PDF, ${at.printed}`, async () => {
    // A stored instant is printed on the same wall clock as the moment of printing.
    await t.sql(`update person set record_confirmed_at = ? where id = ?`, [at.now, moved.id]);
    const r = await parent.request<{ myDataExport: { base64: string } }>(
      'query($p:ID!){myDataExport(personId:$p,format:PDF){base64}}',
      { p: moved.id },
    );
    expect(r.errors).toBeUndefined();
    const text = await pdfText(r.data!.myDataExport.base64);
    expect(text).toContain(`Сформировано: ${at.printed}`);
    expect(text).toContain(`Данные подтверждены ${at.printed}`);
  });
});

describe('the pinned instant (NOW)', () => {
  const env = { NODE_ENV: 'test', NOW: '2026-11-27T23:30:00+09:00' };

  it('takes an ISO 8601 instant with its offset', () => {
    expect(loadConfig(env).now?.toISOString()).toBe('2026-11-27T14:30:00.000Z');
  });

  it('refuses a malformed instant, one beside TODAY, and any in production', () => {
    expect(() => loadConfig({ ...env, NOW: '2026-11-27 23:30' })).toThrow(/NOW: must be/);
    expect(() => loadConfig({ ...env, TODAY: '2026-11-27' })).toThrow(/NOW: pin either/);
    expect(() => loadConfig({ ...env, NODE_ENV: 'production' })).toThrow(
      /NOW: a pinned instant is refused in production/,
    );
  });
});
