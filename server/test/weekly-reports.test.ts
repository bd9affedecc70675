import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, codeOf, waitFor, type GqlClient, type TestApp } from './helpers.js';
import { factory, type MadeClass, type MadeLesson, type MadePerson } from './factory.js';
import { Role } from '../src/auth/role.js';
import { personalFeed } from './live-person.js';

let t: TestApp;
const p: Record<string, MadePerson> = {};
const c: Record<string, GqlClient> = {};
let c7: MadeClass;
const l: Record<string, MadeLesson> = {};

const WEEK = `query($c:ID!,$w:LocalDate){classWeeklyReports(classGroupId:$c,week:$w){classGroupId
  className weekStart weekEnd sentAt acknowledged reports{pupilId pupilName personalLine sentAt
  acknowledgedAt content{subjects{subject marks{date value workType}}
  absences{date subject lessonNumber code} notes{date kind text subject}
  homework{date subject text}}}}}`;
const SEND = `mutation($i:SendWeeklyReportsInput!){sendWeeklyReports(input:$i){sentAt
  reports{pupilId personalLine sentAt}}}`;
const MINE = `query($p:ID!){weeklyReports(pupilId:$p){pupilId weekStart personalLine senderName
  acknowledgedAt content{subjects{subject}}}}`;
const ACK = `mutation($p:ID!,$w:LocalDate!){acknowledgeWeeklyReport(pupilId:$p,week:$w){
  pupilId acknowledgedAt}}`;
const NOTE = `mutation($i:BehaviourNoteInput!){createBehaviourNote(input:$i){id kind text date subject}}`;
const NOTES = `query($p:ID!){behaviourNotes(pupilId:$p){id kind text authorName}}`;

interface Week {
  classWeeklyReports: {
    weekStart: string;
    sentAt: string | null;
    acknowledged: number;
    reports: {
      pupilId: string;
      personalLine: string | null;
      content: {
        subjects: { subject: string; marks: { date: string; value: string }[] }[];
        absences: { date: string; subject: string; code: string }[];
        notes: { date: string; kind: string; text: string; subject: string | null }[];
        homework: { date: string; subject: string; text: string }[];
      };
    }[];
  };
}
const status = () =>
  t.sql<{ reports: number; acknowledged: number; week_start: string }>(
    `select reports, acknowledged, week_start::text from weekly_report_status where class_group_id = ?`,
    [c7.id],
  );

beforeAll(async () => {
  t = await createTestApp({ demo: false });
  const f = factory(t);
  await f.newSchool({ name: 'Школа А' });
  p.classTeacher = await f.newTeacher();
  p.maths = await f.newTeacher();
  p.russian = await f.newTeacher();
  p.otherTeacher = await f.newTeacher();
  p.director = await f.newStaff({ roles: [Role.DIRECTOR] });
  c7 = await f.newClass({ grade: 7, classTeacher: p.classTeacher });
  const c7b = await f.newClass({ grade: 7, classTeacher: p.otherTeacher });
  const algebra = await f.newCourse({ classGroup: c7, subject: 'Алгебра', teacher: p.maths });
  const russian = await f.newCourse({
    classGroup: c7,
    subject: 'Русский язык',
    teacher: p.russian,
  });
  p.pupil = await f.newPupil({ classGroup: c7, lastName: 'Андреев' });
  p.classmate = await f.newPupil({ classGroup: c7, lastName: 'Борисова' });
  p.stranger = await f.newPupil({ classGroup: c7b });
  p.parent = await f.newParent({ children: [p.pupil] });
  p.otherParent = await f.newParent({ children: [p.classmate] });
  l.alg24 = await f.newLesson({ course: algebra, date: '2026-11-24', homework: 'Стр. 10, № 5' });
  l.alg26 = await f.newLesson({ course: algebra, date: '2026-11-26' });
  l.rus25 = await f.newLesson({ course: russian, date: '2026-11-25', homework: 'Упр. 7' });
  l.alg17 = await f.newLesson({ course: algebra, date: '2026-11-17', homework: 'Прошлая неделя' });
  await f.newMark({ lesson: l.alg24, pupil: p.pupil, value: '5' });
  await f.newMark({ lesson: l.alg26, pupil: p.pupil, value: '4', workType: 'Контрольная работа' });
  await f.newMark({ lesson: l.rus25, pupil: p.pupil, value: '3' });
  await f.newMark({ lesson: l.alg17, pupil: p.pupil, value: '2' });
  const removed = await f.newMark({ lesson: l.rus25, pupil: p.classmate, value: '2' });
  await t.sql(`update mark set removed_at = now() where id = ?`, [removed.id]);
  await f.newAbsence({ lesson: l.alg24, pupil: p.classmate, code: 'Б' });
  await f.newAbsence({ lesson: l.rus25, pupil: p.classmate, code: 'Н' });
  for (const [k, v] of Object.entries(p)) c[k] = await v.client();
});

afterAll(async () => {
  await t?.close();
});

describe('behaviour notes', () => {
  it('the pupil’s teacher writes one, in own lesson, and it carries its date and subject', async () => {
    const r = await c.maths.request<{ createBehaviourNote: { date: string; subject: string } }>(
      NOTE,
      {
        i: {
          pupilId: p.pupil.id,
          kind: 'PRAISE',
          text: 'Помог однокласснику',
          lessonId: l.alg24.id,
        },
      },
    );
    expect(r.errors).toBeUndefined();
    expect(r.data!.createBehaviourNote).toMatchObject({ date: '2026-11-24', subject: 'Алгебра' });
  });

  it('refuses those who do not teach the pupil, a lesson not their own, and non-teachers', async () => {
    const note = (pupilId: string, lessonId?: string) => ({
      i: { pupilId, kind: 'REMARK', text: 'Шумел', lessonId },
    });
    const before = (await t.sql(`select id from behaviour_note`)).length;
    const refused = [
      [c.otherTeacher, note(p.pupil.id), 'NOT_FOUND'],
      [c.maths, note(p.stranger.id), 'NOT_FOUND'],
      [c.maths, note(p.pupil.id, l.rus25.id), 'NOT_FOUND'],
      [c.parent, note(p.pupil.id), 'FORBIDDEN'],
      [c.pupil, note(p.classmate.id), 'FORBIDDEN'],
    ] as const;
    for (const [client, vars, code] of refused) {
      expect(codeOf(await client.request(NOTE, vars))).toBe(code);
    }
    expect((await t.sql(`select id from behaviour_note`)).length).toBe(before);
  });

  it('is read by the pupil, the parents, the class teacher and the administration only', async () => {
    for (const who of ['pupil', 'parent', 'classTeacher', 'director', 'maths']) {
      const r = await c[who].request<{ behaviourNotes: unknown[] }>(NOTES, { p: p.pupil.id });
      expect(r.data?.behaviourNotes, who).toHaveLength(1);
    }
    for (const who of ['otherParent', 'classmate', 'otherTeacher', 'russian']) {
      const r = await c[who].request<{ behaviourNotes: unknown[] }>(NOTES, { p: p.pupil.id });
      // The russian teacher teaches the pupil but wrote nothing: an empty list.
      if (who === 'russian') expect(r.data?.behaviourNotes).toEqual([]);
      else expect(codeOf(r), who).toBe('NOT_FOUND');
    }
  });
});

describe('weekly reports', () => {
  it('drafts each pupil’s week from the journal: marks by subject, absences, notes, homework', async () => {
    const r = await c.classTeacher.request<Week>(WEEK, { c: c7.id, w: '2026-11-25' });
    expect(r.errors).toBeUndefined();
    const week = r.data!.classWeeklyReports;
    expect(week).toMatchObject({ weekStart: '2026-11-23', sentAt: null });
    expect(week.reports.map((x) => x.pupilId)).toEqual([p.pupil.id, p.classmate.id]);
    const [own, mate] = week.reports;
    expect(own.content.subjects).toEqual([
      {
        subject: 'Алгебра',
        marks: [
          { date: '2026-11-24', value: '5', workType: 'Ответ на уроке' },
          { date: '2026-11-26', value: '4', workType: 'Контрольная работа' },
        ],
      },
      {
        subject: 'Русский язык',
        marks: [{ date: '2026-11-25', value: '3', workType: 'Ответ на уроке' }],
      },
    ]);
    expect(own.content.absences).toEqual([]);
    expect(own.content.notes).toEqual([
      { date: '2026-11-24', kind: 'PRAISE', text: 'Помог однокласснику', subject: 'Алгебра' },
    ]);
    const homework = [
      { date: '2026-11-24', subject: 'Алгебра', text: 'Стр. 10, № 5' },
      { date: '2026-11-25', subject: 'Русский язык', text: 'Упр. 7' },
    ];
    expect(own.content.homework).toEqual(homework);
    // A removed mark is not in it; absences carry their codes.
    expect(mate.content.subjects).toEqual([]);
    expect(mate.content.absences).toEqual([
      { date: '2026-11-24', subject: 'Алгебра', lessonNumber: 1, code: 'Б' },
      { date: '2026-11-25', subject: 'Русский язык', lessonNumber: 1, code: 'Н' },
    ]);
    expect(mate.content.homework).toEqual(homework);
  });

  it('is the class teacher’s and the administration’s only', async () => {
    const d = await c.director.request<Week>(WEEK, { c: c7.id });
    expect(d.data?.classWeeklyReports.weekStart).toBe('2026-11-23');
    for (const who of ['maths', 'otherTeacher', 'parent', 'pupil']) {
      expect(codeOf(await c[who].request(WEEK, { c: c7.id })), who).toBe('NOT_FOUND');
      const sent = await c[who].request(SEND, { i: { classGroupId: c7.id, week: '2026-11-23' } });
      expect(codeOf(sent), who).toBe('NOT_FOUND');
    }
    expect(await status()).toEqual([]);
  });

  it('refuses a week not begun and a line for a pupil not in the class, sending nothing', async () => {
    const future = await c.classTeacher.request(SEND, {
      i: { classGroupId: c7.id, week: '2026-12-01' },
    });
    expect(future.errors?.[0].extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      reason: 'WEEK_IN_FUTURE',
    });
    const foreign = await c.classTeacher.request(SEND, {
      i: {
        classGroupId: c7.id,
        week: '2026-11-23',
        lines: [{ pupilId: p.stranger.id, line: 'x' }],
      },
    });
    expect(foreign.errors?.[0].extensions).toMatchObject({
      code: 'NOT_FOUND',
      field: 'lines.0.pupilId',
    });
    expect(await status()).toEqual([]);
  });

  it('sends the whole class at once; each family hears of its own child live', async () => {
    const before = t.app.services.bus.listeners;
    const mine = personalFeed(t, c.parent);
    const theirs = personalFeed(t, c.otherParent);
    expect(await waitFor(() => t.app.services.bus.listeners >= before + 2)).toBe(true);
    const r = await c.classTeacher.request<{
      sendWeeklyReports: {
        sentAt: string;
        reports: { pupilId: string; personalLine: string | null }[];
      };
    }>(SEND, {
      i: {
        classGroupId: c7.id,
        week: '2026-11-27',
        lines: [{ pupilId: p.pupil.id, line: 'Хорошая неделя, так держать!' }],
      },
    });
    expect(r.errors).toBeUndefined();
    expect(r.data!.sendWeeklyReports.sentAt).not.toBeNull();
    expect(r.data!.sendWeeklyReports.reports).toEqual([
      {
        pupilId: p.pupil.id,
        personalLine: 'Хорошая неделя, так держать!',
        sentAt: expect.any(String),
      },
      { pupilId: p.classmate.id, personalLine: null, sentAt: expect.any(String) },
    ]);
    expect(await waitFor(() => mine.events.length >= 1 && theirs.events.length >= 1)).toBe(true);
    expect(mine.events.map((e) => [e.type, JSON.parse(e.payload).pupilId])).toEqual([
      ['WEEKLY_REPORT_SENT', p.pupil.id],
    ]);
    expect(theirs.events.map((e) => JSON.parse(e.payload).pupilId)).toEqual([p.classmate.id]);
    await mine.close();
    await theirs.close();
    expect(await status()).toEqual([{ reports: 2, acknowledged: 0, week_start: '2026-11-23' }]);
    const again = await c.classTeacher.request(SEND, {
      i: { classGroupId: c7.id, week: '2026-11-23' },
    });
    expect(again.errors?.[0].extensions).toMatchObject({
      code: 'CONFLICT',
      reason: 'ALREADY_SENT',
    });
  });

  it('shows each parent their own child’s report only', async () => {
    const r = await c.parent.request<{
      weeklyReports: { personalLine: string; senderName: string }[];
    }>(MINE, { p: p.pupil.id });
    expect(r.data!.weeklyReports).toHaveLength(1);
    expect(r.data!.weeklyReports[0]).toMatchObject({
      weekStart: '2026-11-23',
      personalLine: 'Хорошая неделя, так держать!',
    });
    expect(codeOf(await c.parent.request(MINE, { p: p.classmate.id }))).toBe('NOT_FOUND');
    expect(codeOf(await c.otherParent.request(MINE, { p: p.pupil.id }))).toBe('NOT_FOUND');
    expect(codeOf(await c.maths.request(MINE, { p: p.pupil.id }))).toBe('NOT_FOUND');
  });

  it('records the acknowledgement of the child’s own parent, and nobody else’s', async () => {
    for (const who of ['otherParent', 'classTeacher', 'pupil']) {
      const r = await c[who].request(ACK, { p: p.pupil.id, w: '2026-11-23' });
      expect(codeOf(r), who).toBe('NOT_FOUND');
    }
    expect(codeOf(await c.parent.request(ACK, { p: p.pupil.id, w: '2026-11-16' }))).toBe(
      'NOT_FOUND',
    );
    const r = await c.parent.request<{ acknowledgeWeeklyReport: { acknowledgedAt: string } }>(ACK, {
      p: p.pupil.id,
      w: '2026-11-25',
    });
    expect(r.data!.acknowledgeWeeklyReport.acknowledgedAt).not.toBeNull();
    expect(await status()).toEqual([{ reports: 2, acknowledged: 1, week_start: '2026-11-23' }]);
    const week = await c.classTeacher.request<Week>(WEEK, { c: c7.id, w: '2026-11-23' });
    expect(week.data!.classWeeklyReports.acknowledged).toBe(1);
  });

  it('sends a week once when two send it at the same moment; the other hears ALREADY_SENT', async () => {
    const send = () =>
      c.classTeacher.request(SEND, { i: { classGroupId: c7.id, week: '2026-11-16' } });
    const answers = await Promise.all([send(), send(), send()]);
    const failed = answers.filter((a) => a.errors);
    expect(answers.length - failed.length).toBe(1);
    expect(failed.map((a) => a.errors![0].extensions)).toEqual([
      expect.objectContaining({ code: 'CONFLICT', reason: 'ALREADY_SENT' }),
      expect.objectContaining({ code: 'CONFLICT', reason: 'ALREADY_SENT' }),
    ]);
    const [{ n }] = await t.sql<{ n: number }>(
      `select count(*)::int as n from weekly_report_batch where class_group_id = ? and week_start = '2026-11-16'`,
      [c7.id],
    );
    expect(n).toBe(1);
  });
});
