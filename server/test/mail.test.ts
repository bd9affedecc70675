import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, codeOf, type GqlClient, type TestApp } from './helpers.js';
import { factory, type MadeClass, type MadePerson } from './factory.js';
import { smtpPeer, type Received } from './mail-smtp.js';
import { Role } from '../src/auth/role.js';
import { Clock } from '../src/clock.js';
import { loadConfig, ConfigError } from '../src/config.js';
import { setLogLevel } from '../src/log.js';
import { MailService, duePeriods } from '../src/modules/mail/mail.service.js';
import { signUnsubscribe } from '../src/modules/mail/mail.token.js';
import { composeReport } from '../src/modules/mail/mail.compose.js';
import { Lang } from '../src/graphql/enums.js';

let t: TestApp;
let smtp: Awaited<ReturnType<typeof smtpPeer>>;
const p: Record<string, MadePerson> = {};
const c: Record<string, GqlClient> = {};
let c7: MadeClass;
let f: ReturnType<typeof factory>;

/** Friday 27 November 2026, 18:30 in Moscow: the daily and the weekly digest are both due. */
const FRIDAY_EVENING = new Date('2026-11-27T15:30:00Z');
const SETTINGS = `{email digest weeklyReport canReceiveReports enabled}`;
const GET = `query{mailSettings${SETTINGS}}`;
const SET = `mutation($i:MailSettingsInput!){setMailSettings(input:$i)${SETTINGS}}`;
const SEND = `mutation($i:SendWeeklyReportsInput!){sendWeeklyReports(input:$i){sentAt}}`;

const tick = (now = FRIDAY_EVENING) => t.app.services.mail.tick(t.orm.em.fork(), now);
const to = (addr: string) => smtp.mails.filter((m) => m.to.includes(addr));
const deliveries = () =>
  t.sql<{ person_id: number; kind: string; status: string }>(
    `select person_id, kind, status from mail_delivery order by id`,
  );

beforeAll(async () => {
  smtp = await smtpPeer((rcpt) => rcpt.startsWith('bounce'));
  t = await createTestApp({
    demo: false,
    env: {
      SMTP_URL: smtp.url,
      MAIL_FROM: 'Отметка <diary@school.test>',
      PUBLIC_URL: 'http://diary.test',
    },
  });
  f = factory(t);
  await f.newSchool({ name: 'Школа А' });
  p.classTeacher = await f.newTeacher({ lastName: 'Петрова' });
  p.maths = await f.newTeacher({ lastName: 'Сидоров' });
  c7 = await f.newClass({ grade: 7, classTeacher: p.classTeacher });
  const algebra = await f.newCourse({ classGroup: c7, subject: 'Алгебра', teacher: p.maths });
  p.pupil = await f.newPupil({ classGroup: c7, lastName: 'Андреев', firstName: 'Олег' });
  p.classmate = await f.newPupil({ classGroup: c7, lastName: 'Борисова', firstName: 'Вера' });
  p.parent = await f.newParent({ children: [p.pupil], firstName: 'Анна' });
  p.otherParent = await f.newParent({ children: [p.classmate], firstName: 'Ирина' });
  const wed = await f.newLesson({ course: algebra, date: '2026-11-25' });
  const fri = await f.newLesson({ course: algebra, date: '2026-11-27' });
  const old = await f.newLesson({ course: algebra, date: '2026-11-20' });
  const marks = {
    today: await f.newMark({ lesson: fri, pupil: p.pupil, value: '5' }),
    wednesday: await f.newMark({ lesson: wed, pupil: p.pupil, value: '3' }),
    old: await f.newMark({ lesson: old, pupil: p.pupil, value: '2' }),
    removed: await f.newMark({
      lesson: fri,
      pupil: p.pupil,
      value: '4',
      workType: 'Контрольная работа',
    }),
    classmate: await f.newMark({ lesson: fri, pupil: p.classmate, value: '4' }),
  };
  await f.newAbsence({ lesson: wed, pupil: p.pupil, code: 'Б' });
  await t.sql(`update mark set updated_at = '2026-11-27T08:00Z'`);
  await t.sql(`update attendance set updated_at = '2026-11-25T08:00Z'`);
  await t.sql(`update mark set updated_at = '2026-11-25T08:00Z' where id = ?`, [
    marks.wednesday.id,
  ]);
  await t.sql(`update mark set updated_at = '2026-11-20T08:00Z' where id = ?`, [marks.old.id]);
  await t.sql(`update mark set removed_at = now() where id = ?`, [marks.removed.id]);
  for (const [k, v] of Object.entries(p)) c[k] = await v.client();
});

afterAll(async () => {
  await t?.close();
  await smtp?.close();
});

describe('own e-mail settings', () => {
  it('a parent sets an address, a daily digest and weekly reports by mail', async () => {
    const before = await c.parent.request(GET);
    expect(before.data?.mailSettings).toEqual({
      email: null,
      digest: 'OFF',
      weeklyReport: false,
      canReceiveReports: true,
      enabled: true,
    });
    const r = await c.parent.request(SET, {
      i: { email: 'Anna.Parent@example.ru', digest: 'DAILY', weeklyReport: true },
    });
    expect(r.errors).toBeUndefined();
    expect(r.data?.setMailSettings).toMatchObject({
      email: 'anna.parent@example.ru',
      digest: 'DAILY',
      weeklyReport: true,
    });
    // The change is audited by field name, without the address.
    const [audit] = await t.sql<{ after: unknown }>(
      `select after from audit_event where entity = 'person' and entity_id = ?`,
      [p.parent.id],
    );
    expect(audit.after).toEqual({ fields: ['email'] });
  });

  it('bad input is a typed error naming its field, and nothing is written', async () => {
    const cases: [Record<string, unknown>, string, string][] = [
      [{ email: 'not-an-address', digest: 'DAILY', weeklyReport: false }, 'email', 'INVALID_EMAIL'],
      [{ email: '', digest: 'WEEKLY', weeklyReport: false }, 'email', 'REQUIRED'],
      [{ email: null, digest: 'OFF', weeklyReport: true }, 'email', 'REQUIRED'],
    ];
    for (const [i, field, reason] of cases) {
      const r = await c.otherParent.request(SET, { i });
      expect(codeOf(r)).toBe('BAD_USER_INPUT');
      expect(r.errors?.[0].extensions).toMatchObject({ field, reason });
    }
    const teacher = await c.maths.request(SET, {
      i: { email: 'maths@example.ru', digest: 'DAILY', weeklyReport: true },
    });
    expect(teacher.errors?.[0].extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'weeklyReport',
      reason: 'NOT_A_PARENT',
    });
    expect(
      await t.sql(`select * from mail_setting where person_id in (?, ?)`, [
        p.otherParent.id,
        p.maths.id,
      ]),
    ).toEqual([]);
  });

  it('only one’s own: no person can be named, and anonymous callers are refused', async () => {
    const input = await c.parent.request<{ __type: { inputFields: { name: string }[] } }>(
      `{__type(name:"MailSettingsInput"){inputFields{name}}}`,
    );
    expect(input.data?.__type.inputFields.map((f) => f.name).sort()).toEqual([
      'digest',
      'email',
      'lang',
      'weeklyReport',
    ]);
    const anon = t.client();
    expect(codeOf(await anon.request(GET))).toBe('UNAUTHENTICATED');
    expect(
      codeOf(
        await anon.request(SET, {
          i: { email: 'x@example.ru', digest: 'DAILY', weeklyReport: false },
        }),
      ),
    ).toBe('UNAUTHENTICATED');
    // The other parent's own settings do not touch the first parent's.
    await c.otherParent.request(SET, {
      i: { email: 'irina@example.ru', digest: 'WEEKLY', weeklyReport: false },
    });
    expect(
      (await c.parent.request<{ mailSettings: { email: string } }>(GET)).data?.mailSettings.email,
    ).toBe('anna.parent@example.ru');
  });
});

describe('digests', () => {
  let daily: Received;

  beforeAll(async () => {
    // An announcement to the class's parents and an unread message from the class teacher.
    const a = await c.classTeacher.request<{ createAnnouncement: { id: string } }>(
      `mutation($i:PostAnnouncementInput!){createAnnouncement(input:$i){id}}`,
      {
        i: {
          audience: 'CLASS_PARENTS',
          classGroupId: c7.id,
          title: 'Родительское собрание',
          body: 'Секретный текст объявления',
        },
      },
    );
    expect(a.errors).toBeUndefined();
    const m = await c.classTeacher.request(
      `mutation($i:StartConversationInput!){startConversation(input:$i){id}}`,
      { i: { memberIds: [p.parent.id], text: 'Секретный текст сообщения' } },
    );
    expect(m.errors).toBeUndefined();
    await t.sql(`update announcement set created_at = '2026-11-27T09:00Z'`);
    await t.sql(`update message set created_at = '2026-11-27T10:00Z'`);
  });

  it('the daily digest holds the day’s marks, absences, announcements and unread messages', async () => {
    const logged = await captureLog(() => tick());
    const mails = to('anna.parent@example.ru');
    expect(mails).toHaveLength(1);
    daily = mails[0];
    expect(daily.from).toBe('diary@school.test');
    expect(daily.subject).toBe('Отметка: новое за день');
    // Equal to the journal's: the marks written in the period, not removed ones or older ones.
    const journal = await t.sql<{ value: string }>(
      `select m.value from mark m where m.pupil_id = ? and m.removed_at is null
          and m.updated_at > ? and m.updated_at <= ? order by m.id`,
      [p.pupil.id, new Date(FRIDAY_EVENING.getTime() - 86_400_000), FRIDAY_EVENING],
    );
    expect(journal.map((j) => j.value)).toEqual(['5']);
    expect(daily.text).toContain('Олег, Алгебра, 27.11: 5 (Ответ на уроке)');
    expect(daily.text).not.toContain('Контрольная');
    expect(daily.text).not.toMatch(/: [23] \(/);
    expect(daily.text).toContain('Родительское собрание (Петрова');
    expect(daily.text).toMatch(/Петрова .*: 1 сообщение/);
    // Texts stay in the diary: the mail names them, never quotes them.
    expect(daily.text).not.toContain('Секретный');
    expect(daily.html).toContain('<h2>Оценки</h2>');
    expect(daily.text).not.toContain('Вера');
    // Nothing personal in the log: no address, no line of the mail.
    expect(logged).toContain('mail sent');
    expect(logged).not.toContain('@');
    expect(logged).not.toContain('Олег');
    expect(logged).not.toContain('Алгебра');
  });

  it('the weekly digest covers the week, to the parent who chose it', async () => {
    const [weekly] = to('irina@example.ru');
    expect(weekly.subject).toBe('Отметка: итоги недели');
    expect(weekly.text).toContain('Вера, Алгебра, 27.11: 4');
    expect(weekly.text).not.toContain('Олег');
    expect(weekly.text).toContain('Родительское собрание');
    // The pupils chose nothing: no mail to them.
    expect(smtp.mails.flatMap((m) => m.to).sort()).toEqual([
      'anna.parent@example.ru',
      'irina@example.ru',
    ]);
  });

  it('at most once per period and person, even with ticks at once', async () => {
    const before = smtp.mails.length;
    const later = new Date(FRIDAY_EVENING.getTime() + 3600_000);
    expect(await Promise.all([tick(later), tick(later), tick()])).toEqual([0, 0, 0]);
    expect(smtp.mails.length).toBe(before);
    const rows = await deliveries();
    expect(rows.filter((r) => r.kind.startsWith('DIGEST'))).toHaveLength(2);
  });

  it('nothing before the school’s evening, and the next day covers only what is new', async () => {
    expect(duePeriods('Europe/Moscow', new Date('2026-11-27T14:59:00Z'))).toEqual([]);
    expect(duePeriods('Asia/Yakutsk', new Date('2026-11-27T09:00:00Z')).map((d) => d.kind)).toEqual(
      ['DIGEST_DAILY', 'DIGEST_WEEKLY'],
    );
    const before = smtp.mails.length;
    // Saturday evening: nothing new for the parent, so no mail (an empty digest is not sent).
    expect(await tick(new Date('2026-11-28T15:30:00Z'))).toBe(0);
    expect(smtp.mails.length).toBe(before);
    const rows = await deliveries();
    expect(rows.at(-1)).toMatchObject({ kind: 'DIGEST_DAILY', status: 'EMPTY' });
  });

  describe('the unsubscribe link', () => {
    const linkOf = (m: Received) => /<(http[^>]+)>/.exec(m.headers['list-unsubscribe'])![1];
    const local = (url: string) => url.replace('http://diary.test', t.origin);

    it('every mail carries it, with one-click unsubscribe (RFC 8058)', () => {
      for (const m of smtp.mails) {
        expect(m.headers['list-unsubscribe-post']).toBe('List-Unsubscribe=One-Click');
        expect(m.text).toContain(linkOf(m));
      }
    });

    it('GET asks without changing anything; POST unsubscribes without signing in', async () => {
      const url = local(linkOf(daily));
      const page = await fetch(url);
      expect(page.status).toBe(200);
      const html = await page.text();
      expect(html).toContain('<html lang="ru">');
      expect(html).toContain('Больше не присылать эти письма');
      expect(html).not.toContain('Stop these');
      expect(html).toContain('<form method="post"');
      expect(html).toContain('<button type="submit">');
      expect(
        (await c.parent.request<{ mailSettings: { digest: string } }>(GET)).data?.mailSettings
          .digest,
      ).toBe('DAILY');
      const done = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'List-Unsubscribe=One-Click',
      });
      expect(done.status).toBe(200);
      expect(await done.text()).toContain('Вы отписались');
      expect(
        (await c.parent.request<{ mailSettings: unknown }>(GET)).data?.mailSettings,
      ).toMatchObject({
        digest: 'OFF',
        weeklyReport: true,
      });
    });

    it('a tampered, another person’s or an expired link does nothing', async () => {
      await c.otherParent.request(SET, {
        i: { email: 'irina@example.ru', digest: 'DAILY', weeklyReport: false },
      });
      const token = new URL(linkOf(daily)).searchParams.get('t')!;
      const [id, list, expires, mac] = token.split('.');
      const [{ secret }] = await t.sql<{ secret: Buffer }>(`select secret from mail_secret`);
      const bad = [
        `${id}.${list}.${expires}.${mac.slice(0, -1)}${mac.endsWith('A') ? 'B' : 'A'}`,
        `${p.otherParent.id}.${list}.${expires}.${mac}`,
        `${id}.${list}.${Number(expires) + 1}.${mac}`,
        signUnsubscribe(secret, {
          personId: Number(p.otherParent.id),
          list: 'digest',
          expires: 1_000_000,
        }),
        signUnsubscribe(Buffer.from('not the secret'), {
          personId: Number(p.otherParent.id),
          list: 'digest',
          expires: Number(expires),
        }),
        'garbage',
        '',
      ];
      for (const b of bad) {
        const url = `${t.origin}/mail/unsubscribe?t=${encodeURIComponent(b)}`;
        expect((await fetch(url)).status).toBe(400);
        expect((await fetch(url, { method: 'POST' })).status).toBe(400);
      }
      const other = await c.otherParent.request<{ mailSettings: { digest: string } }>(GET);
      expect(other.data?.mailSettings.digest).toBe('DAILY');
      // The genuine one, signed with the secret kept with the data, does work for its person.
      const genuine = signUnsubscribe(secret, {
        personId: Number(p.otherParent.id),
        list: 'digest',
        expires: Math.floor(Date.now() / 1000) + 60,
      });
      const ok = await fetch(`${t.origin}/mail/unsubscribe?t=${genuine}`, { method: 'POST' });
      expect(ok.status).toBe(200);
    });
  });
});

describe('the weekly report by e-mail', () => {
  it('goes to each guardian who chose it, once, with their own child’s report as sent', async () => {
    await c.otherParent.request(SET, {
      i: { email: 'irina@example.ru', digest: 'OFF', weeklyReport: true },
    });
    const sent = await c.classTeacher.request(SEND, {
      i: {
        classGroupId: c7.id,
        week: '2026-11-27',
        lines: [{ pupilId: p.pupil.id, line: 'Молодец!' }],
      },
    });
    expect(sent.errors).toBeUndefined();
    const before = smtp.mails.length;
    const logged = await captureLog(async () => {
      await tick(new Date('2026-11-28T08:00:00Z'));
      await tick(new Date('2026-11-28T08:01:00Z'));
    });
    const mails = smtp.mails.slice(before);
    expect(mails.flatMap((m) => m.to).sort()).toEqual([
      'anna.parent@example.ru',
      'irina@example.ru',
    ]);
    const [anna] = to('anna.parent@example.ru').slice(-1);
    expect(anna.subject).toContain('еженедельный отчёт');
    expect(anna.text).toContain('Алгебра: 3 (25.11), 5 (27.11)');
    expect(anna.text).toContain('Молодец!');
    expect(anna.text).not.toContain('Вера');
    const [irina] = to('irina@example.ru').slice(-1);
    expect(irina.text).toContain('Вера');
    expect(irina.text).toContain('Алгебра: 4 (27.11)');
    expect(irina.text).not.toContain('Олег');
    expect(irina.text).not.toContain('Молодец');
    expect(logged).not.toContain('@');
    expect(logged).not.toContain('Молодец');
  });

  it('a refused address is retried, and logged without the address', async () => {
    await c.parent.request(SET, {
      i: { email: 'bounce.anna@example.ru', digest: 'DAILY', weeklyReport: true },
    });
    await t.sql(`update mark set updated_at = '2026-11-30T08:00Z' where value = '5'`);
    const logged = await captureLog(() => tick(new Date('2026-11-30T15:30:00Z')));
    expect(logged).toContain('mail not sent');
    expect(logged).not.toContain('@');
    expect(logged).not.toContain('bounce');
    const [row] = (await deliveries()).filter((r) => r.status === 'FAILED');
    expect(row).toMatchObject({ kind: 'DIGEST_DAILY' });
    await c.parent.request(SET, {
      i: { email: 'anna.parent@example.ru', digest: 'DAILY', weeklyReport: true },
    });
    const before = smtp.mails.length;
    expect(await tick(new Date('2026-11-30T15:35:00Z'))).toBe(1);
    expect(smtp.mails.slice(before)[0].text).toContain('Олег, Алгебра, 27.11: 5');
  });
});

describe('in the person’s language', () => {
  let john: GqlClient;
  let mail: Received;

  beforeAll(async () => {
    p.john = await f.newParent({ children: [p.pupil], firstName: 'John' });
    john = await p.john.client();
  });

  it('is the language the app sent with the settings, kept until another is sent', async () => {
    const lang = async (who: GqlClient) =>
      (await who.request<{ mailSettings: { lang: string } }>(`{mailSettings{lang}}`)).data
        ?.mailSettings.lang;
    // Nothing chosen: the school's, Russian.
    expect(await lang(john)).toBe('RU');
    const set = await john.request<{ setMailSettings: { lang: string } }>(
      `mutation($i:MailSettingsInput!){setMailSettings(input:$i){lang}}`,
      {
        i: { email: 'john@example.com', digest: 'DAILY', weeklyReport: true, lang: 'EN' },
      },
    );
    expect(set.errors).toBeUndefined();
    expect(set.data?.setMailSettings.lang).toBe('EN');
    // Saved again without a language (an older app): English is kept.
    await john.request(SET, {
      i: { email: 'john@example.com', digest: 'DAILY', weeklyReport: true },
    });
    expect(await lang(john)).toBe('EN');
    expect(await lang(c.parent)).toBe('RU');
  });

  it('sends the digest in English, with the school’s own names as they are', async () => {
    const before = smtp.mails.length;
    expect(await tick(new Date('2026-11-30T15:40:00Z'))).toBe(1);
    mail = smtp.mails.slice(before)[0];
    const text = mail.text.replace(/\r\n/g, '\n');
    expect(mail.to).toEqual(['john@example.com']);
    expect(mail.subject).toBe('Otmetka: today’s news');
    expect(mail.text).toMatch(/^Hello, John/);
    expect(text).toContain('Marks\n  Олег, Алгебра, 27 Nov: 5 (Ответ на уроке)');
    expect(mail.text).toContain('Unsubscribe from these e-mails: http://diary.test/mail/');
    expect(mail.text).not.toMatch(/Оценки|Здравствуйте|Отписаться/);
    expect(mail.html).toContain('<html lang="en">');
    expect(mail.html).toContain('<h2>Marks</h2>');
  });

  it('asks and confirms the unsubscribe in English', async () => {
    const link = /<(http[^>]+)>/
      .exec(mail.headers['list-unsubscribe'])![1]
      .replace('http://diary.test', t.origin);
    const page = await (await fetch(link)).text();
    expect(page).toContain('<html lang="en">');
    expect(page).toContain('Stop these e-mails from Otmetka?');
    expect(page).toContain('<button type="submit">Unsubscribe</button>');
    expect(page).not.toContain('Больше не присылать');
    const done = await (await fetch(link, { method: 'POST' })).text();
    expect(done).toContain('You have unsubscribed');
    expect(done).toContain('Digests will no longer be e-mailed');
    // A link that names nobody cannot know a language: both.
    const bad = await (await fetch(`${t.origin}/mail/unsubscribe?t=garbage`)).text();
    expect(bad).toContain('Ссылка недействительна');
    expect(bad).toContain('This link is invalid');
  });

  it('writes the weekly report in either language', () => {
    const report = {
      email: 'x@example.com',
      name: 'John',
      lang: null,
      pupil: 'Олег Андреев',
      className: '7А',
      weekStart: '2026-11-23',
      sender: 'Петрова А. А.',
      personalLine: 'Молодец!',
      content: {
        subjects: [
          { subject: 'Алгебра', marks: [{ date: '2026-11-25', value: '3', workType: 'Ответ' }] },
        ],
        absences: [{ date: '2026-11-25', subject: 'Алгебра', lessonNumber: 2, code: 'Б' }],
        notes: [],
        homework: [{ date: '2026-11-26', subject: 'Алгебра', text: '№ 12' }],
      },
    };
    const links = {
      app: 'http://diary.test/',
      unsubscribe: 'http://diary.test/mail/unsubscribe?t=x',
    };
    const en = composeReport(report, links, Lang.EN);
    expect(en.subject).toBe('Otmetka: weekly report, Олег Андреев, week of 23 Nov');
    expect(en.text).toContain('Absences\n  25 Nov, lesson 2, Алгебра: Б');
    expect(en.text).toContain('From the class teacher\n  Молодец!');
    const ru = composeReport(report, links, Lang.RU);
    expect(ru.subject).toBe('Отметка: еженедельный отчёт, Олег Андреев, неделя с 23.11');
    expect(ru.text).toContain('Пропуски\n  25.11, 2 урок, Алгебра: Б');
  });
});

describe('without SMTP', () => {
  it('mail is off: nothing is sent and the settings say so', async () => {
    const off = new MailService(undefined, new Clock());
    expect(off.enabled).toBe(false);
    expect(await off.tick(t.orm.em.fork(), FRIDAY_EVENING)).toBe(0);
    expect(() => loadConfig({ SMTP_URL: 'smtp://127.0.0.1:25' })).toThrow(ConfigError);
    expect(() => loadConfig({ SMTP_URL: 'http://x', MAIL_FROM: 'a@b.c' })).toThrow(/SMTP_URL/);
  });
});

/** Runs `fn` with the log on and answers everything it wrote to stdout and stderr. */
async function captureLog(fn: () => Promise<unknown>): Promise<string> {
  const lines: string[] = [];
  const out = process.stdout.write.bind(process.stdout);
  const err = process.stderr.write.bind(process.stderr);
  const grab = (chunk: unknown) => {
    lines.push(String(chunk));
    return true;
  };
  process.stdout.write = grab as typeof process.stdout.write;
  process.stderr.write = grab as typeof process.stderr.write;
  const level = setLogLevel('debug');
  try {
    await fn();
  } finally {
    setLogLevel(level);
    process.stdout.write = out;
    process.stderr.write = err;
  }
  return lines.join('');
}

describe('roles', () => {
  it('every role reads and sets its own settings', async () => {
    for (const roles of [[Role.SYSADMIN], [Role.DIRECTOR], [Role.DEPUTY], [Role.TEACHER]]) {
      const person = await f.newStaff({ roles });
      const cl = await person.client();
      const r = await cl.request(SET, { i: { email: null, digest: 'OFF', weeklyReport: false } });
      expect(r.errors).toBeUndefined();
    }
    expect((await c.pupil.request(GET)).data?.mailSettings).toMatchObject({
      canReceiveReports: false,
    });
  });
});
