import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Role } from '../src/auth/role.js';
import { codeOf, createTestApp, type GqlClient, type TestApp } from './helpers.js';
import { factory, type MadeClass, type MadeLesson, type MadePerson } from './factory.js';

/**
 * The class teacher's duties (issue 14 part B): the weekly attendance review, the year account
 * with its evidence and weights, and who is refused. The tests' today is Saturday 2026-11-28:
 * the week of 23 November has not ended, that of 16 November has.
 */
let t: TestApp;
let f: ReturnType<typeof factory>;
let cls: MadeClass;
let classTeacher: MadePerson;
let otherTeacher: MadePerson;
let director: MadePerson;
let sysadmin: MadePerson;
let pupilA: MadePerson;
let pupilB: MadePerson;
let lessons: MadeLesson[];
let absenceId: string;
let ct: GqlClient;
let control = false;

const REVIEW = `query($c: ID!, $w: LocalDate) { attendanceReview(classGroupId: $c, week: $w) {
  classGroupId weekStart weekEnd ended dueOn reviewedAt reviewerName onTime
  absences { id pupilId pupilName date subject code codeName reason version locked }
  codes { id code } } }`;
const UPDATE = `mutation($i: UpdateReviewAbsenceInput!) { updateReviewAbsence(input: $i) {
  absences { id code reason version } } }`;
const CONFIRM = `mutation($c: ID!, $w: LocalDate!) { confirmAttendanceReview(classGroupId: $c, week: $w) {
  reviewedAt reviewerName onTime } }`;
const ACCOUNTS = `query($t: ID) { dutyAccounts(teacherId: $t) { yearStart upTo
  settings { weightReviews weightHealth reviewDays }
  accounts { teacherId className points maxPoints
    figures { duty available done due percent weight points }
    weeks { weekStart dueOn reviewedAt reviewedOnTime reviewDue reportSentAt }
    months { monthStart done pupils { name confirmedAt } }
    remarks { text dueOn onTime }
    health { subject lessonsHeld withoutTopic withoutHomework withoutAttendance } } } }`;
const SET = `mutation($i: DutySettingsInput!) { setDutySettings(input: $i) { weightReviews weightHealth } }`;

beforeAll(async () => {
  t = await createTestApp({ demo: false });
  f = factory(t);
  await f.newSchool();
  classTeacher = await f.newTeacher();
  otherTeacher = await f.newTeacher();
  director = await f.newStaff({ roles: [Role.DIRECTOR] });
  sysadmin = await f.newStaff({ roles: [Role.SYSADMIN] });
  cls = await f.newClass({ classTeacher });
  await f.newClass({ classTeacher: otherTeacher });
  pupilA = await f.newPupil({ classGroup: cls, lastName: 'Антонов' });
  pupilB = await f.newPupil({ classGroup: cls, lastName: 'Борисов' });
  const course = await f.newCourse({ classGroup: cls, subject: 'Алгебра', teacher: otherTeacher });
  lessons = [];
  for (const date of ['2026-11-02', '2026-11-09', '2026-11-16', '2026-11-23']) {
    lessons.push(await f.newLesson({ course, date }));
  }
  absenceId = (await f.newAbsence({ lesson: lessons[2], pupil: pupilA })).id;
  await f.newAbsence({ lesson: lessons[3], pupil: pupilB });
  ct = await classTeacher.client();
  [{ control }] = await t.sql<{ control: boolean }>(
    `select to_regclass('public.control_remark') is not null as control`,
  );
});

afterAll(() => t.close());

describe('weekly attendance review', () => {
  it('shows the class teacher the week of absences with their codes', async () => {
    const r = await ct.request(REVIEW, { c: cls.id, w: '2026-11-18' });
    const week = r.data!.attendanceReview as Record<string, unknown> & { absences: unknown[] };
    expect(week).toMatchObject({ weekStart: '2026-11-16', weekEnd: '2026-11-22', ended: true });
    expect(week.dueOn).toBe('2026-11-23');
    expect(week.reviewedAt).toBeNull();
    expect(week.absences).toEqual([
      expect.objectContaining({ id: absenceId, pupilId: pupilA.id, code: 'Н', subject: 'Алгебра' }),
    ]);
  });

  it('corrects a code to «Б» with the note’s date, audited and live like a journal write', async () => {
    const r = await ct.request(UPDATE, {
      i: { id: absenceId, codeId: f.school.codes['Б'], noteDate: '2026-11-20', version: 1 },
    });
    expect(r.errors).toBeUndefined();
    const [a] = (r.data!.updateReviewAbsence as { absences: Record<string, unknown>[] }).absences;
    expect(a).toMatchObject({ code: 'Б', reason: 'справка от 20.11.2026', version: 2 });
    const audit = await t.sql<{ actor_id: number; before: unknown; after: unknown }>(
      `select actor_id, before, after from audit_event where entity = 'attendance' and entity_id = ?`,
      [absenceId],
    );
    expect(audit).toEqual([
      {
        actor_id: Number(classTeacher.id),
        before: { codeId: Number(f.school.codes['Н']), reason: null },
        after: { codeId: Number(f.school.codes['Б']), reason: 'справка от 20.11.2026' },
      },
    ]);
    const events = await t.sql<{ type: string }>(
      `select type from domain_event where type = 'ATTENDANCE_SAVED' and payload->>'id' = ?`,
      [absenceId],
    );
    expect(events).toHaveLength(1);
  });

  it('refuses an old version, another school’s code and a note dated after today', async () => {
    const base = { id: absenceId, codeId: f.school.codes['П'] };
    expect(codeOf(await ct.request(UPDATE, { i: { ...base, version: 1 } }))).toBe('CONFLICT');
    const late = await ct.request(UPDATE, { i: { ...base, version: 2, noteDate: '2026-12-01' } });
    expect(late.errors?.[0].extensions).toMatchObject({
      reason: 'DATE_OUT_OF_RANGE',
      field: 'noteDate',
    });
    const [{ version }] = await t.sql<{ version: number }>(
      `select version from attendance where id = ?`,
      [absenceId],
    );
    expect(version).toBe(2);
  });

  it('refuses to confirm a week that has not ended, and writes nothing', async () => {
    const r = await ct.request(CONFIRM, { c: cls.id, w: '2026-11-25' });
    expect(r.errors?.[0].extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      reason: 'WEEK_NOT_ENDED',
      field: 'week',
    });
    expect(await t.sql(`select 1 from attendance_review`)).toHaveLength(0);
  });

  it('confirms an ended week once, recording who and when', async () => {
    const r = await ct.request(CONFIRM, { c: cls.id, w: '2026-11-16' });
    expect(r.errors).toBeUndefined();
    expect(
      (r.data!.confirmAttendanceReview as { reviewedAt: string | null }).reviewedAt,
    ).not.toBeNull();
    const again = await ct.request(CONFIRM, { c: cls.id, w: '2026-11-22' });
    expect(again.errors?.[0].extensions).toMatchObject({
      code: 'CONFLICT',
      reason: 'ALREADY_REVIEWED',
    });
    const rows = await t.sql<{ reviewed_by_id: number; week_start: string }>(
      `select reviewed_by_id, week_start::text from attendance_review`,
    );
    expect(rows).toEqual([{ reviewed_by_id: Number(classTeacher.id), week_start: '2026-11-16' }]);
  });

  it('refuses another class’s teacher, a pupil, a parent and another school, and lets the director read', async () => {
    const parent = await f.newParent({ children: [pupilA] });
    for (const who of [otherTeacher, pupilA, parent, sysadmin]) {
      const c = await who.client();
      expect(codeOf(await c.request(REVIEW, { c: cls.id, w: '2026-11-09' }))).toBe('NOT_FOUND');
      expect(codeOf(await c.request(CONFIRM, { c: cls.id, w: '2026-11-09' }))).toBe('NOT_FOUND');
      const u = await c.request(UPDATE, {
        i: { id: absenceId, codeId: f.school.codes['Н'], version: 2 },
      });
      expect(codeOf(u)).toBe('NOT_FOUND');
    }
    const d = await director.client();
    expect((await d.request(REVIEW, { c: cls.id, w: '2026-11-09' })).errors).toBeUndefined();
    const other = factory(t);
    await other.newSchool({ name: 'Чужая школа' });
    const foreign = await other.newTeacher();
    await other.newClass({ classTeacher: foreign });
    const fc = await foreign.client();
    expect(codeOf(await fc.request(REVIEW, { c: cls.id }))).toBe('NOT_FOUND');
    const u = await fc.request(UPDATE, {
      i: { id: absenceId, codeId: other.school.codes['Н'], version: 2 },
    });
    expect(codeOf(u)).toBe('NOT_FOUND');
    expect(
      await t.sql(`select 1 from attendance_review where week_start = '2026-11-09'`),
    ).toHaveLength(0);
  });
});

describe('year account', () => {
  beforeAll(async () => {
    // Reviews: 2 Nov on time (by Monday 9 Nov, Moscow), 9 Nov late; 16 Nov confirmed above (on time).
    // The confirmation above was made at the real clock's time: put it on the Monday after.
    await t.sql(`update attendance_review set reviewed_at = '2026-11-23T18:00:00+03:00'`);
    await t.sql(
      `insert into attendance_review (school_id, class_group_id, week_start, reviewed_by_id, reviewed_at)
       values (?, ?, '2026-11-02', ?, '2026-11-09T23:30:00+03:00'),
              (?, ?, '2026-11-09', ?, '2026-11-17T00:10:00+03:00')`,
      [f.school.id, cls.id, classTeacher.id, f.school.id, cls.id, classTeacher.id],
    );
    await t.sql(
      `insert into weekly_report_batch (school_id, class_group_id, week_start, sent_by_id)
       values (?, ?, '2026-11-02', ?), (?, ?, '2026-11-16', ?)`,
      [f.school.id, cls.id, classTeacher.id, f.school.id, cls.id, classTeacher.id],
    );
    // September: both records confirmed; October: only Антонов's.
    for (const [pupil, at] of [
      [pupilA, '2026-09-20T10:00:00+03:00'],
      [pupilB, '2026-09-30T23:00:00+03:00'],
      [pupilA, '2026-10-05T10:00:00+03:00'],
      [pupilB, '2026-11-01T00:30:00+03:00'],
    ] as const) {
      await t.sql(
        `insert into audit_event (school_id, actor_id, at, entity, entity_id, action)
         values (?, ?, ?, 'person', ?, 'confirm')`,
        [f.school.id, classTeacher.id, at, pupil.id],
      );
    }
    if (control) {
      const [check] = await t.sql<{ id: number }>(
        `insert into control_check (school_id, class_group_id, checker_id, span_from, span_to, snapshot)
         values (?, ?, ?, '2026-09-01', '2026-10-31', '{}') returning id`,
        [f.school.id, cls.id, director.id],
      );
      await t.sql(
        `insert into control_remark (school_id, check_id, teacher_id, text, due_on, answered_at, status)
         values (?, ?, ?, 'Заполнить темы', '2026-11-10', '2026-11-09T12:00:00+03:00', 'answered'),
                (?, ?, ?, 'Выставить оценки', '2026-11-20', null, 'open'),
                (?, ?, ?, 'Ещё не срок', '2026-12-10', null, 'open'),
                (?, ?, ?, 'Другому учителю', '2026-11-10', null, 'open')`,
        [
          ...[f.school.id, check.id, classTeacher.id],
          ...[f.school.id, check.id, classTeacher.id],
          ...[f.school.id, check.id, classTeacher.id],
          ...[f.school.id, check.id, otherTeacher.id],
        ],
      );
    }
  });

  type Account = {
    teacherId: string;
    points: number;
    maxPoints: number;
    figures: {
      duty: string;
      available: boolean;
      done: number;
      due: number;
      points: number | null;
    }[];
    weeks: Record<string, unknown>[];
    months: {
      monthStart: string;
      done: boolean;
      pupils: { name: string; confirmedAt: string | null }[];
    }[];
    remarks: { text: string; onTime: boolean }[] | null;
    health: Record<string, unknown>[] | null;
  };
  const mine = async (c: GqlClient, teacher?: string) => {
    const r = await c.request(ACCOUNTS, { t: teacher ?? null });
    expect(r.errors).toBeUndefined();
    const all = (r.data!.dutyAccounts as { accounts: Account[] }).accounts;
    return all.find((a) => a.teacherId === classTeacher.id)!;
  };
  const figure = (a: Account, duty: string) => a.figures.find((x) => x.duty === duty)!;

  it('counts weekly reviews on time against the ended weeks with lessons, with each week', async () => {
    const a = await mine(await director.client());
    expect(a.weeks.map((w) => [w.weekStart, w.reviewedOnTime, w.reviewDue])).toEqual([
      ['2026-11-02', true, true],
      ['2026-11-09', false, true],
      ['2026-11-16', true, true],
    ]);
    expect(a.weeks[0].dueOn).toBe('2026-11-09');
    expect(figure(a, 'REVIEWS')).toMatchObject({ available: true, done: 2, due: 3, points: 16.7 });
  });

  it('counts the weeks whose report went to the parents', async () => {
    const a = await mine(await director.client());
    expect(a.weeks.map((w) => w.reportSentAt !== null)).toEqual([true, false, true]);
    expect(figure(a, 'REPORTS')).toMatchObject({ done: 2, due: 3, points: 16.7 });
  });

  it('counts the months in which every pupil’s record was confirmed (school time)', async () => {
    const a = await mine(await director.client());
    expect(a.months.map((m) => [m.monthStart, m.done])).toEqual([
      ['2026-09-01', true],
      ['2026-10-01', false],
    ]);
    const october = a.months[1].pupils.filter((p) => !p.confirmedAt).map((p) => p.name);
    expect(october).toEqual([expect.stringMatching(/^Борисов /)]);
    expect(figure(a, 'RECORDS')).toMatchObject({ done: 1, due: 2, points: 10 });
  });

  it('counts remarks answered by their due date, and the class’s journal health', async () => {
    const a = await mine(await director.client());
    if (!control) {
      expect(figure(a, 'REMARKS')).toMatchObject({ available: false, points: null });
      expect(a.remarks).toBeNull();
      return;
    }
    expect(a.remarks!.map((r) => [r.text, r.onTime])).toEqual([
      ['Заполнить темы', true],
      ['Выставить оценки', false],
    ]);
    expect(figure(a, 'REMARKS')).toMatchObject({ done: 1, due: 2, points: 5 });
    // Four lessons held up to yesterday, each with a topic, none with homework, one with attendance.
    expect(a.health).toEqual([
      expect.objectContaining({
        subject: 'Алгебра',
        lessonsHeld: 4,
        withoutTopic: 0,
        withoutHomework: 4,
        withoutAttendance: 2,
      }),
    ]);
    expect(figure(a, 'HEALTH')).toMatchObject({ done: 6, due: 12, points: 10 });
    expect(a.points).toBe(58.4);
    expect(a.maxPoints).toBe(100);
  });

  it('lets the class teacher read only their own account', async () => {
    expect((await mine(ct, classTeacher.id)).teacherId).toBe(classTeacher.id);
    expect(codeOf(await ct.request(ACCOUNTS, { t: null }))).toBe('NOT_FOUND');
    expect(codeOf(await ct.request(ACCOUNTS, { t: otherTeacher.id }))).toBe('NOT_FOUND');
    const teacher = await f.newTeacher();
    for (const who of [teacher, pupilA, sysadmin]) {
      const c = await who.client();
      expect(codeOf(await c.request(ACCOUNTS, { t: null }))).toBe('NOT_FOUND');
      expect(codeOf(await c.request(ACCOUNTS, { t: classTeacher.id }))).toBe('NOT_FOUND');
    }
  });

  it('exports the accounts as XLSX and PDF for the director only', async () => {
    const d = await director.client();
    const q = `query($f: FileFormat!) { dutyAccountsExport(format: $f) { filename contentType base64 } }`;
    const x = await d.request(q, { f: 'XLSX' });
    const file = x.data!.dutyAccountsExport as { base64: string; filename: string };
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.from(file.base64, 'base64') as unknown as ArrayBuffer);
    const summary = wb.worksheets[0];
    const values = summary.getSheetValues().flat().map(String);
    expect(values.some((v) => v.includes(cls.name))).toBe(true);
    expect(wb.worksheets.map((w) => w.name)).toContain('Недели');
    const p = await d.request(q, { f: 'PDF' });
    const pdf = Buffer.from((p.data!.dutyAccountsExport as { base64: string }).base64, 'base64');
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    const csv = await d.request(q, { f: 'CSV' });
    expect(csv.errors?.[0].extensions).toMatchObject({
      reason: 'UNSUPPORTED_FORMAT',
      field: 'format',
    });
    expect(codeOf(await ct.request(q, { f: 'PDF' }))).toBe('NOT_FOUND');
  });
});

describe('weights', () => {
  const input = (o: Record<string, number> = {}) => ({
    reviewDays: 1,
    weightReviews: 40,
    weightReports: 20,
    weightRecords: 20,
    weightRemarks: 10,
    weightHealth: 10,
    ...o,
  });

  it('refuses weights that do not add up to 100, naming the field, and changes nothing', async () => {
    const d = await director.client();
    const r = await d.request(SET, { i: input({ weightHealth: 20 }) });
    expect(r.errors?.[0].extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      reason: 'WEIGHTS_NOT_100',
      field: 'weightReviews',
    });
    const neg = await d.request(SET, { i: input({ weightHealth: -10, weightReviews: 60 }) });
    expect(neg.errors?.[0].extensions).toMatchObject({
      reason: 'OUT_OF_RANGE',
      field: 'weightHealth',
    });
    expect(await t.sql(`select 1 from duty_setting`)).toHaveLength(0);
  });

  it('lets the SYSADMIN and the DIRECTOR set them, and the points follow', async () => {
    const s = await sysadmin.client();
    expect((await s.request(SET, { i: input() })).errors).toBeUndefined();
    const a = await mine2();
    expect(a.figures.find((x) => x.duty === 'REVIEWS')).toMatchObject({ weight: 40, points: 26.7 });
    const d = await director.client();
    const back = await d.request(SET, {
      i: input({
        reviewDays: 1,
        weightReviews: 25,
        weightReports: 25,
        weightRecords: 20,
        weightRemarks: 10,
        weightHealth: 20,
      }),
    });
    expect(back.errors).toBeUndefined();
  });

  it('refuses every other role', async () => {
    const deputy = await f.newStaff({ roles: [Role.DEPUTY] });
    for (const who of [deputy, classTeacher, otherTeacher, pupilA]) {
      const c = await who.client();
      expect(codeOf(await c.request(SET, { i: input() }))).toBe('FORBIDDEN');
    }
    const [row] = await t.sql<{ weight_reviews: number }>(
      `select weight_reviews from duty_setting`,
    );
    expect(row.weight_reviews).toBe(25);
  });

  async function mine2() {
    const r = await (await director.client()).request(ACCOUNTS, { t: classTeacher.id });
    return (r.data!.dutyAccounts as { accounts: { figures: { duty: string }[] }[] }).accounts[0];
  }
});

describe('journal health of a set of courses (decision 49)', () => {
  it('gives control’s figures for the courses asked, and only for them', async () => {
    if (!control) return;
    const second = await f.newCourse({
      classGroup: cls,
      subject: 'Геометрия',
      teacher: classTeacher,
    });
    const held = await f.newLesson({ course: second, date: '2026-11-10', topic: '' });
    await f.newMark({ lesson: held, pupil: pupilA });
    await f.newMark({ lesson: lessons[0], pupil: pupilB });
    await t.sql(`update mark set created_at = '2026-11-20T12:00:00+03:00' where lesson_id = ?`, [
      lessons[0].id,
    ]);
    const cols = `course_id, teacher_id, class_id, lessons_held, without_topic, without_homework,
      without_attendance, pupils_short, late_entries, period_marks_missing`;
    const control_ = await t.sql<Record<string, number>>(
      `select ${cols} from journal_health_by_course(?, '2026-09-01', '2026-11-27') order by course_id`,
      [f.school.id],
    );
    const ours = await t.sql<Record<string, number>>(
      `select ${cols} from journal_health_of_courses(?, '2026-09-01', '2026-11-27',
         array(select id from course where school_id = ?)) order by course_id`,
      [f.school.id, f.school.id],
    );
    expect(control_.length).toBeGreaterThan(1);
    expect(ours).toEqual(control_);
    expect(control_.reduce((n, r) => n + r.late_entries + r.without_topic, 0)).toBeGreaterThan(0);
    const one = await t.sql<Record<string, number>>(
      `select ${cols} from journal_health_of_courses(?, '2026-09-01', '2026-11-27', array[?]::int[])`,
      [f.school.id, Number(second.id)],
    );
    expect(one).toEqual(control_.filter((r) => String(r.course_id) === String(second.id)));
  });
});

describe('teacher home page', () => {
  it('shows the teacher’s own courses’ health only, and refuses a pupil', async () => {
    const home = `{ teacherHome { today healthFrom health { subject lessonsHeld } remarks { text } } }`;
    const r = await ct.request(home);
    expect(r.errors).toBeUndefined();
    const page = r.data!.teacherHome as { health: { subject: string }[] | null };
    if (control) expect(page.health!.map((h) => h.subject)).toEqual(['Геометрия']);
    const other = await (await otherTeacher.client()).request(home);
    const theirs = other.data!.teacherHome as { health: { subject: string }[] | null };
    if (control) expect(theirs.health!.map((h) => h.subject)).toEqual(['Алгебра']);
    const denied = await (await pupilA.client()).request(home);
    expect(codeOf(denied)).toBe('FORBIDDEN');
  });
});
