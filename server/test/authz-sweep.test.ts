import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createClient, type Client } from 'graphql-ws';
import { isListType, isNonNullType } from 'graphql';
import { buildAppSchema } from '../src/graphql/schema.js';
import { generateSchool } from '../src/seed/generate.js';
import { fillJournal } from '../src/seed/journal.js';
import { fillPersonalData } from '../src/seed/personal.js';
import { hashPassword } from '../src/auth/password.js';
import { publish } from '../src/events/outbox.js';
import {
  codeOf,
  createTestApp,
  DEMO_TODAY,
  waitFor,
  type GqlClient,
  type TestApp,
} from './helpers.js';
import {
  baseVariables,
  documentFor,
  GUARDED_TABLES,
  idSlots,
  kindOf,
  plausible,
  rootOps,
  sampleIds,
  withValue,
  type IdKind,
  type Leaf,
  type RootOp,
  type Slot,
} from './schema-ops.js';

/**
 * Every id-taking field of every query, mutation and subscription, read from the schema, sent by
 * every role with ids it may not use: another school's record of the same kind, and for the roles
 * that see only part of their own school, another family's child or another teacher's course.
 * Each answer must be a refusal or empty; none may carry the foreign records' names (marked
 * «Чуж…»); a refused mutation writes nothing. An id whose kind the tables in schema-ops.ts do not
 * know fails the sweep: a new field is swept, not skipped.
 */
let t: TestApp;
let ops: RootOp[];
const clients = new Map<string, GqlClient>();
/** The demo school (A) and the second school (B) a role belongs to. */
const ROLES = [
  'sysadmin',
  'director',
  'deputy',
  'teacher',
  'classteacher',
  'parent',
  'pupil',
  'b.sysadmin',
] as const;
type RoleName = (typeof ROLES)[number];
let own: Record<'A' | 'B', Record<IdKind, string>>;
/** Per role, the ids it may not use, by kind: the other school's, then its own school's. */
const foreign = new Map<RoleName, Partial<Record<IdKind, { id: string; within: boolean }[]>>>();

/**
 * Slots where a record of one's own school that one cannot read is still a right answer: the
 * policy allows these, so only another school's ids are swept there.
 */
const ALLOWED_WITHIN_SCHOOL: Record<string, string> = {
  'courses.classGroupId': 'the school structure (classes, courses) is readable by all its staff',
  'movePupil.input.toClassGroupId': 'the destination class of a transfer, not a record read',
};
/**
 * Paging cursors: a position in the viewer's own list, not a record read. Any id is a position, so
 * a foreign one may answer the viewer's own page; it must still carry nothing foreign.
 */
const CURSORS: Record<string, string> = {
  'conversations.after': 'the inbox page after a message id, over the viewer’s own conversations',
  'conversation.messages.before':
    'the history page before a message id, in a conversation of theirs',
  'announcements.after': 'the page of the viewer’s own announcements after an announcement id',
  'messageReports.before': 'the page of the school’s reported messages before a report id',
  'reportViews.after': 'the page of the viewer’s own or shared report views after a view id',
};
const schoolOf = (role: RoleName) => (role.startsWith('b.') ? 'B' : 'A');
/** What the answers of a role must never contain. */
const markers: Record<'A' | 'B', RegExp> = { A: /Чуж/, B: /Чуж/ };
/**
 * School B's names alone, without school A's other family and class (Чужесемьин, Чужеклассов):
 * a cursor answers the viewer's own list, whose own-school contents are not the cursor's
 * question (a class channel's member list names every parent of the class, for instance).
 */
const OTHER_SCHOOL =
  /Чужаков|Чужан|Чужпредмет|Чужработа|Чужкод|Чужгод|Чужканикулы|Чужчетверть|Чужо[ейм]/;
let schoolIds: Record<'A' | 'B', number>;

const REFUSALS = ['NOT_FOUND', 'FORBIDDEN', 'BAD_USER_INPUT'];
const SWEEP_DEPTH = 3;

const one = async (sql: string, params: unknown[] = []) => {
  const rows = await t.sql<{ id: number }>(sql, params);
  if (!rows.length) throw new Error(`no row for ${sql}`);
  return String(rows[0].id);
};

async function makeSecondSchool() {
  const passwordHash = await hashPassword('demo');
  await t.orm.em.fork().transactional(async (tem) => {
    const g = await generateSchool(tem, {
      seed: 4242,
      schoolName: 'Чужая школа',
      startYear: 2026,
      grades: [3, 7],
      letters: ['А'],
      pupilsPerClass: [4, 5],
      passwordHash,
      loginPrefix: 'b.',
    });
    await tem.flush();
    await fillJournal(tem, g, { seed: 77, today: DEMO_TODAY, closeFirstPeriod: true });
    await fillPersonalData(tem, g.school.id, DEMO_TODAY, 2026);
  });
  const b = Number(await one(`select id from school where name = 'Чужая школа'`));
  // Every name school B shows carries the marker, so a leak is found by text.
  for (const sql of [
    `update person set last_name = 'Чужаков' || id, first_name = 'Чужан' where school_id = ?`,
    `update subject set name = 'Чужпредмет ' || id, short_name = 'Чуж' || id where school_id = ?`,
    `update lesson set topic = 'Чужтема ' || id, homework = 'Чуждз ' || id where school_id = ?`,
    `update mark set comment = 'Чужкоммент' where school_id = ?`,
    `update holiday set name = 'Чужканикулы ' || id where school_id = ?`,
    `update study_period set name = 'Чужчетверть ' || id where school_id = ?`,
    `update work_type set name = 'Чужработа ' || id where school_id = ?`,
    `update attendance_code set name = 'Чужкод ' || id where school_id = ?`,
    `update academic_year set name = 'Чужгод' where school_id = ?`,
  ]) {
    await t.sql(sql, [b]);
  }
  return b;
}

/** Rows only an API call makes the usual way (events, access codes) or that the seed lacks. */
async function addRecords(school: 'A' | 'B') {
  const p = school === 'B' ? 'b.' : '';
  const sid = schoolIds[school];
  const admin = await t.as(`${p}sysadmin`);
  const english = await one(
    `select person_id id from user_account where login = ? and school_id = ?`,
    [`${p}english`, sid],
  );
  const issued = await admin.request(
    'mutation($p:[ID!]!){issueAccessCodes(personIds:$p){__typename}}',
    {
      p: [english],
    },
  );
  expect(issued.errors, `issueAccessCodes in ${school}`).toBeUndefined();
  await addSplit(admin, sid);
  await writeMark(school);
  await addConversation(admin, school, sid);
  await addSchoolNews(school, sid);
  await addLaterAreas(school, sid);
}

/**
 * A saved report view of the director's, a report of the conversation's message, a cancelled
 * day on the sampled lesson's date with a remote task for that lesson, and an attachment: so that
 * those ids name a real record in each school (issues 18, 21 and the cancelled days).
 */
async function addLaterAreas(school: 'A' | 'B', sid: number) {
  const director = await t.as(school === 'B' ? 'b.director' : 'director');
  const name = school === 'B' ? 'Чужой вид' : 'Вид';
  const view = await director.request(
    'mutation($i:ReportViewInput!){createReportView(input:$i){id}}',
    { i: { name, spec: { rows: ['CLASS_GROUP'], measures: ['MARK_COUNT'] } } },
  );
  expect(view.errors, `createReportView in ${school}`).toBeUndefined();
  const { message, lesson, classGroup, staff } = await sampleIds(t, sid);
  const reported = await director.request(
    'mutation($m:ID!,$r:String!){reportMessage(messageId:$m,reason:$r){id}}',
    { m: message, r: `${name}: жалоба` },
  );
  expect(reported.errors, `reportMessage in ${school}`).toBeUndefined();
  const directorId = await one(
    `select person_id id from user_account where login = ? and school_id = ?`,
    [school === 'B' ? 'b.director' : 'director', sid],
  );
  await t.sql(
    `insert into cancelled_day (school_id, date, class_ids, reason, note, declared_by_id)
     select ?, l.date, array[?::int], 'OTHER', ?, ? from lesson l where l.id = ?`,
    [sid, classGroup, `${name}: отмена`, directorId, lesson],
  );
  await t.sql(
    `insert into remote_task (school_id, lesson_id, text, due_on, author_id)
     select ?, l.id, ?, l.date, co.teacher_id from lesson l join course co on co.id = l.course_id
      where l.id = ?`,
    [sid, `${name}: задание`, lesson],
  );
  await t.sql(
    `insert into attachment (school_id, owner_id, name, content_type, size, data)
     values (?, ?, ?, 'text/plain', 4, '\\x74657374')`,
    [sid, staff, `${name}.txt`],
  );
  // The sampled pupil's tick on that task with the work attached (decision 62), and a second
  // task not yet done (the owed list).
  const { pupil } = await sampleIds(t, sid);
  await t.sql(
    `with k as (insert into remote_task_check (school_id, task_id, pupil_id, checked_by_id)
                select ?, t.id, ?, ? from remote_task t where t.lesson_id = ? returning id),
          a as (insert into attachment (school_id, owner_id, name, content_type, size, data, attached_at)
                values (?, ?, ?, 'text/plain', 4, '\\x74657374', now()) returning id)
     insert into remote_work_attachment (attachment_id, check_id, position) select a.id, k.id, 0 from a, k`,
    [sid, pupil, pupil, lesson, sid, pupil, `${name}: работа.txt`],
  );
  await t.sql(
    `insert into remote_task (school_id, lesson_id, text, due_on, author_id)
     select ?, l.id, ?, l.date, co.teacher_id from lesson l join course co on co.id = l.course_id
      where l.id = ?`,
    [sid, `${name}: второе задание`, lesson],
  );
  // A check of the sampled course with a remark to its teacher (issue 14).
  const { course } = await sampleIds(t, sid);
  const checked = await director.request(
    'mutation($i:CreateControlCheckInput!){createControlCheck(input:$i){id}}',
    {
      i: {
        courseId: course,
        from: '2026-11-02',
        to: '2026-11-27',
        findings: `${name}: проверка`,
        remarks: [{ text: `${name}: замечание`, dueOn: '2026-12-11' }],
      },
    },
  );
  expect(checked.errors, `createControlCheck in ${school}`).toBeUndefined();
  // A push device of the director's (issue 17).
  await t.sql(
    `insert into push_device (school_id, person_id, endpoint, p256dh, auth, label)
     values (?, ?, ?, 'key', 'auth', ?)`,
    [sid, directorId, `https://push.example/${sid}`, `${name}: телефон`],
  );
}

/**
 * An announcement of the director's to all staff, a behaviour note and a sent weekly report of the
 * sampled pupil (issue 21), so that those reads have something to answer.
 */
async function addSchoolNews(school: 'A' | 'B', sid: number) {
  const director = await t.as(school === 'B' ? 'b.director' : 'director');
  const title = school === 'B' ? 'Чужое объявление' : 'Объявление';
  const posted = await director.request(
    'mutation($i:PostAnnouncementInput!){createAnnouncement(input:$i){id}}',
    { i: { audience: 'ALL_STAFF', title, body: title } },
  );
  expect(posted.errors, `createAnnouncement in ${school}`).toBeUndefined();
  const { pupil, classGroup, staff } = await sampleIds(t, sid);
  await t.sql(
    `insert into behaviour_note (school_id, pupil_id, author_id, kind, text, date)
     values (?, ?, ?, 'PRAISE', ?, '2026-11-27')`,
    [sid, pupil, staff, `${title}: похвала`],
  );
  await t.sql(
    `with b as (insert into weekly_report_batch (school_id, class_group_id, week_start, sent_by_id)
                values (?, ?, '2026-11-16', ?) returning id)
     insert into weekly_report (school_id, batch_id, pupil_id, content, personal_line)
     select ?, b.id, ?, '{"subjects":[],"absences":[],"notes":[],"homework":[]}', ? from b`,
    [sid, classGroup, staff, sid, pupil, title],
  );
}

/** A conversation of the SYSADMIN's with the director, its message edited once (a revision). */
async function addConversation(admin: GqlClient, school: 'A' | 'B', sid: number) {
  const director = await one(
    `select person_id id from user_account where login = ? and school_id = ?`,
    [school === 'B' ? 'b.director' : 'director', sid],
  );
  const text = school === 'B' ? 'Чужое сообщение' : 'Сообщение';
  const started = await admin.request<{ startConversation: { lastMessage: { id: string } } }>(
    'mutation($i:StartConversationInput!){startConversation(input:$i){lastMessage{id}}}',
    { i: { memberIds: [director], text } },
  );
  expect(started.errors, `startConversation in ${school}`).toBeUndefined();
  const edited = await admin.request(
    'mutation($id:ID!,$t:String!){editMessage(id:$id,text:$t){id}}',
    {
      id: started.data!.startConversation.lastMessage.id,
      t: `${text}, исправленное`,
    },
  );
  expect(edited.errors, `editMessage in ${school}`).toBeUndefined();
}

/** A split made as the SYSADMIN makes one: the sampled course's class halved for the last quarter. */
async function addSplit(admin: GqlClient, sid: number) {
  const [course] = await t.sql<{ cls: number; subject: number; teacher: number }>(
    `select class_group_id cls, subject_id subject, teacher_id teacher from course
      where id = ?`,
    [(await sampleIds(t, sid)).course],
  );
  const period = await one(
    `select id from study_period where school_id = ? order by starts_on desc limit 1`,
    [sid],
  );
  const pupils = (
    await t.sql<{ id: number }>(
      `select pupil_id id from enrollment where class_group_id = ? and ends_on is null order by 1`,
      [course.cls],
    )
  ).map((r) => String(r.id));
  const half = Math.ceil(pupils.length / 2);
  const r = await admin.request(
    'mutation($i:SubgroupSplitInput!){createSubgroupSplit(input:$i){__typename}}',
    {
      i: {
        classGroupId: String(course.cls),
        subjectId: String(course.subject),
        periodId: period,
        groups: [
          {
            name: 'Чужгруппа 1',
            teacherId: String(course.teacher),
            pupilIds: pupils.slice(0, half),
          },
          { name: 'Чужгруппа 2', teacherId: String(course.teacher), pupilIds: pupils.slice(half) },
        ],
      },
    },
  );
  expect(r.errors, `a split in school ${sid}`).toBeUndefined();
}

/** A mark written by the course's teacher over HTTP: a live event, and a foreign one to leak. */
async function writeMark(school: 'A' | 'B') {
  const ids = own[school] ?? (await sampleIds(t, schoolIds[school]));
  const [{ login }] = await t.sql<{ login: string }>(
    `select u.login from course co join user_account u on u.person_id = co.teacher_id
      where co.id = (select course_id from lesson where id = ?)`,
    [ids.lesson],
  );
  const teacher = await t.as(login);
  const workType = await one(`select id from work_type where school_id = ? order by id limit 1`, [
    schoolIds[school],
  ]);
  const save = 'mutation($c:[MarkChangeInput!]!){setMarks(changes:$c){saved{id version}}}';
  const r = await teacher.request<{ setMarks: { saved: { id: string; version: number }[] } }>(
    save,
    { c: [{ lessonId: ids.lesson, pupilId: ids.pupil, workTypeId: workType, value: '4' }] },
  );
  expect(r.errors, `a mark in ${school}: ${JSON.stringify(ids)}`).toBeUndefined();
  // Changed once, so that the mark has a history to show (or to leak).
  const [mark] = r.data!.setMarks.saved;
  const changed = await teacher.request(save, {
    c: [{ id: mark.id, value: '5', version: mark.version }],
  });
  expect(changed.errors, `a changed mark in ${school}`).toBeUndefined();
}

/** Ids within school A that some roles may not use, marked so a leak is found by text. */
async function ownSchoolForeign() {
  const a = schoolIds.A;
  const child = own.A.pupil;
  const classmate = await one(
    `select e.pupil_id id from enrollment e join enrollment m on m.class_group_id = e.class_group_id
      where m.pupil_id = ? and e.pupil_id <> ? and not exists (select 1 from guardianship g
        join guardianship h on h.guardian_id = g.guardian_id where g.pupil_id = e.pupil_id and h.pupil_id = ?)
      order by e.pupil_id limit 1`,
    [child, child, child],
  );
  const classmateGuardian = await one(
    `select guardian_id id from guardianship where pupil_id = ? limit 1`,
    [classmate],
  );
  const classmateMark = await one(
    `select id from mark where pupil_id = ? and removed_at is null limit 1`,
    [classmate],
  );
  const cls3 = await one(`select id from class_group where school_id = ? and grade = 3`, [a]);
  const pupil3 = await one(
    `select e.pupil_id id from enrollment e where e.class_group_id = ? and not exists
      (select 1 from guardianship g join user_account u on u.person_id = g.guardian_id
        where g.pupil_id = e.pupil_id and u.login = 'parent') limit 1`,
    [cls3],
  );
  const russian7 = await one(`select co.id from course co join subject s on s.id = co.subject_id
      join class_group c on c.id = co.class_group_id
      where co.school_id = ${a} and c.grade = 7 and s.name = 'Русский язык'`);
  const course3 = await one(`select id from course where class_group_id = ? order by id limit 1`, [
    cls3,
  ]);
  const lessonOf = (course: string) =>
    one(`select id from lesson where course_id = ? and date <= ? order by date desc limit 1`, [
      course,
      DEMO_TODAY,
    ]);
  const markOf = (course: string) =>
    one(
      `select m.id from mark m join lesson l on l.id = m.lesson_id where l.course_id = ? limit 1`,
      [course],
    );
  await t.sql(`update person set last_name = 'Чужесемьин' where id in (?, ?)`, [
    classmate,
    classmateGuardian,
  ]);
  await t.sql(`update person set last_name = 'Чужеклассов' where id = ?`, [pupil3]);
  await t.sql(`update lesson set topic = 'Чужтема', homework = 'Чуждз' where course_id in (?, ?)`, [
    russian7,
    course3,
  ]);
  const family = {
    pupil: [classmate],
    guardian: [classmateGuardian],
    mark: [classmateMark],
  };
  const teacher = {
    course: [russian7],
    lesson: [await lessonOf(russian7)],
    mark: [await markOf(russian7)],
    classGroup: [cls3],
    pupil: [pupil3],
  };
  const classTeacher = {
    course: [course3],
    lesson: [await lessonOf(course3)],
    mark: [await markOf(course3)],
    classGroup: [cls3],
    pupil: [pupil3],
  };
  return { parent: family, pupil: family, teacher, classteacher: classTeacher } as Partial<
    Record<RoleName, Partial<Record<IdKind, string[]>>>
  >;
}

beforeAll(async () => {
  t = await createTestApp({
    env: { LOGIN_MAX_FAILURES: '1000', LOGIN_MAX_FAILURES_PER_ADDRESS: '1000' },
  });
  ops = rootOps(await buildAppSchema());
  const b = await makeSecondSchool();
  schoolIds = {
    A: Number(await one(`select school_id id from user_account where login = 'sysadmin'`)),
    B: b,
  };
  own = {} as typeof own;
  await addRecords('A');
  await addRecords('B');
  own = { A: await sampleIds(t, schoolIds.A), B: await sampleIds(t, schoolIds.B) };
  const within = await ownSchoolForeign();
  for (const role of ROLES) {
    const other = own[schoolOf(role) === 'A' ? 'B' : 'A'];
    const ids: Partial<Record<IdKind, { id: string; within: boolean }[]>> = {};
    for (const [kind, id] of Object.entries(other)) ids[kind as IdKind] = [{ id, within: false }];
    for (const [kind, list] of Object.entries(within[role] ?? {})) {
      const more = list.map((id) => ({ id, within: true }));
      ids[kind as IdKind] = [...(ids[kind as IdKind] ?? []), ...more];
    }
    foreign.set(role, ids);
  }
  const aNames = await t.sql<{ last_name: string }>(
    `select last_name from person where id in (?, ?)`,
    [own.A.pupil, own.A.staff],
  );
  markers.B = new RegExp(['Берёзов', 'Алгебра', ...aNames.map((r) => r.last_name)].join('|'));
  for (const role of ROLES) clients.set(role, await t.as(role));
}, 240_000);
afterAll(() => t?.close());

/** The plausible value of a slot for a role: its own school's record, or a dummy. */
function leafFor(role: RoleName, op: string): Leaf {
  return (name, typeName, path) => {
    if (typeName === 'ID') {
      const kind = kindOf(op, { path, name } as Slot);
      return kind ? own[schoolOf(role)][kind] : '2147483647';
    }
    return plausible(name, typeName);
  };
}

interface Finding {
  op: string;
  slot: string;
  role: RoleName;
  id: string;
  problem: string;
  answer: string;
}

/**
 * For the control only: queries whose required arguments alone ask for nothing (a report needs
 * its kind's class, a preview its classes, a remote day the date of a cancelled day) get the
 * role's own records here (the gaps behind a course's health, a span holding some), so that their answer shows the plausible values reach the data.
 */
async function controlArgs(role: RoleName, op: string): Promise<Record<string, unknown>> {
  const ids = own[schoolOf(role)];
  const report = { kind: 'CLASS_RESULTS', periodId: ids.studyPeriod, classGroupId: ids.classGroup };
  const day = async () =>
    (
      await t.sql<{ date: string }>(`select date::text from cancelled_day where id = ?`, [
        ids.cancelledDay,
      ])
    )[0]?.date;
  switch (op) {
    case 'builtinReport':
      return { input: report, lang: 'RU' };
    case 'builtinReportExport':
      return { input: report, lang: 'RU', format: 'PDF' };
    case 'cancelledDayPreview':
      // A school day to come (a day that has passed is refused).
      return { classIds: [ids.classGroup], date: '2026-11-30' };
    case 'remoteDay':
      return { pupilId: ids.pupil, date: await day() };
    case 'remoteClassTable':
      return { from: await day() };
    case 'journalHealthGaps':
      // The autumn so far: a span long enough to hold the course's gaps.
      return { courseId: ids.course, from: '2026-09-01', to: '2026-11-28' };
    default:
      return {};
  }
}

/** The value of a slot holding `id`: a list of one where the slot is a list. */
const slotValue = (slot: Slot, id: string) => {
  const bare = isNonNullType(slot.type) ? slot.type.ofType : slot.type;
  return isListType(bare) ? [id] : id;
};

/** Whether data answered to a refused-or-empty request is empty: null, [], 0, false. */
function isEmpty(value: unknown): boolean {
  if (value === null || value === undefined || value === 0 || value === false) return true;
  if (Array.isArray(value)) return value.length === 0;
  if (typeof value === 'object') {
    // A page of nothing still names its type: `{ __typename, items: [] }` is empty.
    return Object.entries(value as object).every(([k, v]) => k === '__typename' || isEmpty(v));
  }
  return false;
}

const depthOf = new Map<string, number>();

async function send(role: RoleName, op: RootOp, vars: Record<string, unknown>) {
  let depth = depthOf.get(op.name) ?? SWEEP_DEPTH;
  for (;;) {
    const r = await clients.get(role)!.request(documentFor(op, depth), vars);
    const code = codeOf(r);
    // A document too deep or costly for the limits is sent again with less selected.
    if (r.status === 400 && code !== 'BAD_USER_INPUT' && depth > 1) {
      depthOf.set(op.name, --depth);
      continue;
    }
    return r;
  }
}

/** Row counts and contents of every table a refused request must leave alone. */
async function checksum(): Promise<string> {
  const parts = GUARDED_TABLES.map(
    (table) => `(select count(*) || ':' || coalesce(sum(hashtext(x::text)), 0) from ${table} x)`,
  );
  const [row] = await t.sql<{ c: string }>(`select concat_ws(',', ${parts.join(', ')}) c`);
  return row.c;
}

const unmapped: string[] = [];
const readable = (list: Finding[]) =>
  list.map((f) => `${f.op}(${f.slot}=${f.id}) as ${f.role}: ${f.problem} ${f.answer}`);
const findings: Finding[] = [];
let sent = 0;
/** Answers by code and reason, printed at the end: a sweep answered only by one input error would prove little. */
const answers = new Map<string, number>();

async function sweepOp(op: RootOp) {
  for (const slot of idSlots(op.field)) {
    const kind = kindOf(op.name, slot);
    if (!kind) {
      unmapped.push(`unmapped id argument ${op.name}.${slot.path.join('.')}: add it to the sweep`);
      continue;
    }
    const slotPath = [op.name, ...slot.path].join('.');
    const allowedWithin = slotPath in ALLOWED_WITHIN_SCHOOL;
    for (const role of ROLES) {
      for (const { id, within } of foreign.get(role)![kind] ?? []) {
        if (within && allowedWithin) continue;
        const leaf = leafFor(role, op.name);
        const base = baseVariables(op.field, leaf);
        const vars = withValue(op.field, base, slot.path, slotValue(slot, id), leaf);
        const r = await send(role, op, vars);
        sent++;
        const answer = JSON.stringify({ data: r.data, errors: r.errors });
        const code = codeOf(r);
        const reason = r.errors?.[0]?.extensions?.reason;
        const key = `${String(code ?? 'data')}${reason ? `/${String(reason)}` : ''}`;
        answers.set(key, (answers.get(key) ?? 0) + 1);
        // Where a foreign marker is, the answer is shown around it; otherwise its start.
        // School A's names carry no marker, so a cursor page is searched from school A's side.
        const marker = !(slotPath in CURSORS)
          ? markers[schoolOf(role)]
          : schoolOf(role) === 'A'
            ? OTHER_SCHOOL
            : /$^/;
        const at = Math.max(0, answer.search(marker) - 200);
        const report = (problem: string) =>
          findings.push({
            op: op.name,
            slot: slot.path.join('.'),
            role,
            id,
            problem,
            answer: answer.slice(at, at + 300),
          });
        if (marker.test(answer)) report('foreign names in the answer');
        else if (code === 'UNAUTHENTICATED') report('the client was signed out');
        else if (r.errors?.length) {
          if (!REFUSALS.includes(String(code))) report(`refused with ${String(code)}`);
        } else if (!isEmpty(r.data?.[op.name]) && !(slotPath in CURSORS)) report('data answered');
      }
    }
  }
}

/** Every role still signed in: a mutation that ended another's session is a finding. */
async function stillSignedIn(op: string) {
  for (const role of ROLES) {
    const r = await clients.get(role)!.request<{ me: { login: string } | null }>('{me{login}}');
    if (r.data?.me?.login !== role) {
      findings.push({ op, slot: '-', role, id: '-', problem: 'session ended', answer: '' });
      clients.set(role, await t.as(role));
    }
  }
}

describe('authorization sweep over every id-taking operation', () => {
  it('finds id arguments in the schema and maps each to a kind of record', () => {
    const withIds = ops.filter((op) => idSlots(op.field).length > 0);
    expect(withIds.length).toBeGreaterThan(50);
    const missing = withIds.flatMap((op) =>
      idSlots(op.field)
        .filter((s) => !kindOf(op.name, s))
        .map((s) => `unmapped id argument ${op.name}.${s.path.join('.')}: add it to the sweep`),
    );
    expect(missing).toEqual([]);
  });

  it('answers the same queries with data when the ids are the role’s own (the sweep’s control)', async () => {
    // Without this, a sweep whose plausible values were all wrong would pass on refusals alone.
    const answered = new Set<string>();
    let marked = false;
    for (const op of ops.filter((o) => o.kind === 'query' && idSlots(o.field).length)) {
      for (const role of ROLES) {
        const base = baseVariables(op.field, leafFor(role, op.name));
        const vars = { ...base, ...(await controlArgs(role, op.name)) };
        const r = await send(role, op, vars);
        if (!r.errors && !isEmpty(r.data?.[op.name])) answered.add(op.name);
        if (role === 'b.sysadmin' && /Чуж/.test(JSON.stringify(r.data))) marked = true;
      }
    }
    const silent = ops
      .filter((o) => o.kind === 'query' && idSlots(o.field).length && !answered.has(o.name))
      .map((o) => o.name);
    expect(silent).toEqual([]);
    // School B's own answers carry the marker the others' answers are searched for.
    expect(marked).toBe(true);
  }, 120_000);

  it('answers queries with foreign ids by a refusal or nothing', async () => {
    findings.length = 0;
    for (const op of ops.filter((o) => o.kind === 'query')) await sweepOp(op);
    expect(unmapped).toEqual([]);
    expect(readable(findings)).toEqual([]);
    expect(sent).toBeGreaterThan(100);
  }, 300_000);

  it('refuses mutations with foreign ids and writes nothing', async () => {
    findings.length = 0;
    let before = await checksum();
    for (const op of ops.filter((o) => o.kind === 'mutation' && idSlots(o.field).length)) {
      const found = findings.length;
      await sweepOp(op);
      const after = await checksum();
      if (after !== before && findings.length === found) {
        findings.push({
          op: op.name,
          slot: '*',
          role: 'sysadmin',
          id: '*',
          problem: 'a refused mutation wrote',
          answer: '',
        });
      }
      before = after;
      await stillSignedIn(op.name);
    }
    expect(unmapped).toEqual([]);
    expect(readable(findings)).toEqual([]);
  }, 600_000);

  it('refuses subscriptions to foreign pupils and courses, and delivers nothing foreign', async () => {
    findings.length = 0;
    const subs = ops.filter((o) => o.kind === 'subscription');
    expect(subs.length).toBeGreaterThan(0);
    const sockets = new Map<RoleName, Client>();
    const wsUrl = t.url.replace('http', 'ws');
    // The bus's listeners before any subscription: each accepted feed adds one.
    const bus = t.app.services.bus;
    const base = bus.listeners;
    for (const role of ROLES) {
      const { cookie } = clients.get(role)!;
      const origin = t.origin;
      class Authed extends WebSocket {
        constructor(url: string, protocols?: string | string[]) {
          super(url, protocols, { headers: { cookie, origin } });
        }
      }
      sockets.set(role, createClient({ url: wsUrl, webSocketImpl: Authed, retryAttempts: 0 }));
    }
    const open: {
      what: Omit<Finding, 'problem' | 'answer'>;
      messages: unknown[];
      errors: unknown[];
      stop: () => void;
      mustRefuse: boolean;
    }[] = [];
    try {
      for (const op of subs) {
        for (const slot of idSlots(op.field)) {
          const kind = kindOf(op.name, slot);
          if (!kind) {
            unmapped.push(`unmapped id argument ${op.name}.${slot.path.join('.')}`);
            continue;
          }
          for (const role of ROLES) {
            for (const { id } of foreign.get(role)![kind] ?? []) {
              const leaf = leafFor(role, op.name);
              const vars = withValue(op.field, baseVariables(op.field, leaf), slot.path, id, leaf);
              const entry = {
                what: { op: op.name, slot: slot.name, role, id },
                messages: [] as unknown[],
                errors: [] as unknown[],
                stop: () => {},
                // Resuming after another school's event is harmless; following its pupil is not.
                mustRefuse: kind !== 'event',
              };
              entry.stop = sockets.get(role)!.subscribe(
                { query: documentFor(op, 1), variables: vars },
                {
                  next: (m) => entry.messages.push(m),
                  error: (e) => entry.errors.push(e),
                  complete: () => {},
                },
              );
              open.push(entry);
              sent++;
            }
          }
        }
      }
      const controls = await openControls(sockets);
      // Every subscription settled: refused, or listening (so it cannot miss the marks below).
      const settled = () =>
        open.filter(refusedOrFailed).length + bus.listeners - base ===
        open.length + controls.length;
      expect(await waitFor(settled, 30_000), 'every subscription refused or listening').toBe(true);
      await writeMark('A');
      await writeMark('B');
      // The control: a probe published after the marks, heard on every socket; a socket sends in
      // the bus's order, so whatever the marks brought any subscription has arrived by then.
      await hearControls(controls);
      for (const c of controls) c.stop();
      for (const s of open) {
        const answer = JSON.stringify({ m: s.messages, e: s.errors });
        const refused = s.messages.some((m) =>
          REFUSALS.includes(
            String(
              (m as { errors?: { extensions?: { code?: string } }[] }).errors?.[0]?.extensions
                ?.code,
            ),
          ),
        );
        const delivered = s.messages.some((m) => (m as { data?: unknown }).data);
        const problem = markers[schoolOf(s.what.role)].test(answer)
          ? 'foreign names delivered'
          : s.mustRefuse && !refused
            ? delivered
              ? 'foreign events delivered'
              : 'accepted without a refusal'
            : '';
        if (problem) findings.push({ ...s.what, problem, answer: answer.slice(0, 300) });
      }
    } finally {
      for (const s of open) s.stop();
      for (const socket of sockets.values()) await socket.dispose();
    }
    expect(unmapped).toEqual([]);
    expect(readable(findings)).toEqual([]);
  }, 120_000);
});

/** Whether a subscription was answered by a refusal (a result with errors) or failed. */
const refusedOrFailed = (s: { messages: unknown[]; errors: unknown[] }) =>
  s.errors.length > 0 || s.messages.some((m) => (m as { errors?: unknown[] }).errors?.length);

const PROBE = 'PROBE';
interface Control {
  role: RoleName;
  personId: number;
  schoolId: number;
  probes: number;
  stop: () => void;
}

/** One `messagingEvents` subscription per socket, that a probe named to its person reaches. */
async function openControls(sockets: Map<RoleName, Client>): Promise<Control[]> {
  const controls: Control[] = [];
  for (const [role, socket] of sockets) {
    const [me] = await t.sql<{ personId: number; schoolId: number }>(
      `select person_id as "personId", school_id as "schoolId" from user_account where login = ?`,
      [role],
    );
    const control: Control = { role, ...me, probes: 0, stop: () => {} };
    control.stop = socket.subscribe(
      { query: 'subscription{messagingEvents{type}}' },
      {
        next: (m) => {
          const e = (m.data as { messagingEvents?: { type: string } } | null)?.messagingEvents;
          if (e?.type === PROBE) control.probes++;
        },
        error: () => {},
        complete: () => {},
      },
    );
    controls.push(control);
  }
  return controls;
}

/** Publishes a probe to each control's person until every control has heard one more. */
async function hearControls(controls: Control[]): Promise<void> {
  const before = controls.map((c) => c.probes);
  const heard = () => controls.every((c, i) => c.probes > before[i]);
  const done = await waitFor(
    async () => {
      if (heard()) return true;
      for (const c of controls) {
        await t.orm.em
          .fork()
          .transactional((tem) =>
            publish(tem, c.schoolId, [{ type: PROBE, personIds: [c.personId], payload: {} }]),
          );
      }
      return heard();
    },
    30_000,
    100,
  );
  expect(done, 'every socket heard its control probe').toBe(true);
}

afterAll(() => {
  console.log(`authz sweep: ${sent} requests sent`, Object.fromEntries(answers));
});
