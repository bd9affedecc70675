import {
  astFromValue,
  getNamedType,
  isEnumType,
  isInputObjectType,
  isLeafType,
  isListType,
  isNonNullType,
  isObjectType,
  isInterfaceType,
  isRequiredArgument,
  print,
  type GraphQLArgument,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLNamedType,
  type GraphQLSchema,
} from 'graphql';
import type { TestApp } from './helpers.js';

/**
 * The schema walked as data, for the suites that must cover every operation without anyone
 * listing them: the hostile-input suite (test/abuse) and the authorization sweep. A field added to
 * the schema is sent by both on the next run.
 */
export type OpKind = 'query' | 'mutation' | 'subscription';

export interface RootOp {
  kind: OpKind;
  name: string;
  field: GraphQLField<unknown, unknown>;
}

export function rootOps(schema: GraphQLSchema): RootOp[] {
  const roots = [
    ['query', schema.getQueryType()],
    ['mutation', schema.getMutationType()],
    ['subscription', schema.getSubscriptionType()],
  ] as const;
  return roots.flatMap(([kind, type]) =>
    type ? Object.values(type.getFields()).map((field) => ({ kind, name: field.name, field })) : [],
  );
}

/** Every scalar field to `depth` levels, skipping fields that need arguments. */
export function selection(type: GraphQLNamedType, depth: number): string {
  if (isLeafType(type)) return '';
  if (!isObjectType(type) && !isInterfaceType(type)) return '{__typename}';
  const parts = ['__typename'];
  for (const f of Object.values(type.getFields())) {
    if (f.args.some((a) => isRequiredArgument(a))) continue;
    const named = getNamedType(f.type);
    if (isLeafType(named)) parts.push(f.name);
    else if (depth > 1) parts.push(`${f.name}${selection(named, depth - 1)}`);
  }
  return `{${parts.join(' ')}}`;
}

/** One document for an operation, every argument a variable of its own name. */
export function documentFor(op: RootOp, depth = 1): string {
  // An argument's default goes on its variable too: a `String!` variable left out is an error,
  // an argument with a default left out is not.
  const vars = op.field.args.map((a) => {
    const given = a.defaultValue === undefined ? null : astFromValue(a.defaultValue, a.type);
    return `$${a.name}:${a.type.toString()}${given ? `=${print(given)}` : ''}`;
  });
  const args = op.field.args.map((a) => `${a.name}:$${a.name}`);
  const call = args.length ? `${op.name}(${args.join(',')})` : op.name;
  const head = vars.length ? `${op.kind}(${vars.join(',')})` : op.kind;
  return `${head}{${call}${selection(getNamedType(op.field.type), depth)}}`;
}

/**
 * A place where a value goes: an argument, or a field of an input object inside it. `path` names
 * the argument and then the input fields; a list on the way is entered at its first element.
 */
export interface Slot {
  path: string[];
  /** The last name on the path, e.g. `pupilId`. */
  name: string;
  type: GraphQLInputType;
  /** Whether a list is on the way (including the slot's own type). */
  inList: boolean;
}

export function slots(field: GraphQLField<unknown, unknown>): Slot[] {
  const out: Slot[] = [];
  const walk = (
    name: string,
    type: GraphQLInputType,
    path: string[],
    inList: boolean,
    seen: Set<string>,
  ) => {
    const listed = inList || isListType(isNonNullType(type) ? type.ofType : type);
    out.push({ path, name, type, inList: listed });
    const named = getNamedType(type);
    if (isInputObjectType(named) && !seen.has(named.name)) {
      for (const f of Object.values(named.getFields())) {
        walk(f.name, f.type, [...path, f.name], listed, new Set([...seen, named.name]));
      }
    }
  };
  for (const a of field.args as readonly GraphQLArgument[]) {
    walk(a.name, a.type, [a.name], false, new Set());
  }
  return out;
}

/** Scalar slots of type ID (alone or in a list). */
export const idSlots = (field: GraphQLField<unknown, unknown>) =>
  slots(field).filter((s) => getNamedType(s.type).name === 'ID');

export type Leaf = (name: string, typeName: string, path: string[]) => unknown;

/**
 * A value of `type`: required parts always, optional ones only when `all`. `leaf` gives each
 * scalar and enum value by its slot (so an `id` can be a real record).
 */
export function buildValue(
  type: GraphQLInputType,
  path: string[],
  leaf: Leaf,
  all = false,
): unknown {
  if (isNonNullType(type)) return buildValue(type.ofType, path, leaf, all);
  if (isListType(type)) return [buildValue(type.ofType, path, leaf, all)];
  if (isEnumType(type)) {
    const own = leaf(path[path.length - 1], type.name, path);
    return own ?? type.getValues()[0].name;
  }
  if (isInputObjectType(type)) {
    const obj: Record<string, unknown> = {};
    for (const f of Object.values(type.getFields())) {
      const required = isNonNullType(f.type) && f.defaultValue === undefined;
      if (required || all) obj[f.name] = buildValue(f.type, [...path, f.name], leaf, all);
    }
    return obj;
  }
  return leaf(path[path.length - 1], type.name, path);
}

/** Variables for every required argument (every argument when `all`). */
export function baseVariables(
  field: GraphQLField<unknown, unknown>,
  leaf: Leaf,
  all = false,
): Record<string, unknown> {
  const vars: Record<string, unknown> = {};
  for (const a of field.args) {
    if (isRequiredArgument(a) || all) vars[a.name] = buildValue(a.type, [a.name], leaf, all);
  }
  return vars;
}

/**
 * A copy of `vars` with the slot at `path` set to `value`, creating optional parts on the way
 * (an optional input object gets its required fields first) and entering lists at their first
 * element. A slot whose own type is a list takes `value` as the whole list.
 */
export function withValue(
  field: GraphQLField<unknown, unknown>,
  vars: Record<string, unknown>,
  path: string[],
  value: unknown,
  leaf: Leaf,
): Record<string, unknown> {
  const arg = field.args.find((a) => a.name === path[0])!;
  return { ...vars, [path[0]]: setIn(vars[path[0]], arg.type, path, 1, value, leaf) };
}

function setIn(
  current: unknown,
  type: GraphQLInputType,
  path: string[],
  at: number,
  value: unknown,
  leaf: Leaf,
): unknown {
  if (at === path.length) return value;
  const bare = isNonNullType(type) ? type.ofType : type;
  if (isListType(bare)) {
    const list: unknown[] =
      Array.isArray(current) && current.length
        ? [...(current as unknown[])]
        : [buildValue(bare.ofType, path.slice(0, at), leaf)];
    list[0] = setIn(list[0], bare.ofType, path, at, value, leaf);
    return list;
  }
  if (!isInputObjectType(bare)) throw new Error(`no field ${path.join('.')}`);
  const obj = {
    ...((current && typeof current === 'object'
      ? current
      : buildValue(bare, path.slice(0, at), leaf)) as Record<string, unknown>),
  };
  const f = bare.getFields()[path[at]];
  obj[path[at]] = setIn(obj[path[at]], f.type, path, at + 1, value, leaf);
  return obj;
}

/** The kinds of record an id names. `person` ids are split by who the person is. */
export const ID_KINDS = [
  'academicYear',
  'accessCode',
  'absence',
  'announcement',
  'attachment',
  'attendanceCode',
  'cancelledDay',
  'classGroup',
  'consent',
  'controlCheck',
  'controlRemark',
  'conversation',
  'course',
  'event',
  'guardian',
  'holiday',
  'lesson',
  'mark',
  'message',
  'messageReport',
  'pupil',
  'pushDevice',
  'remoteTask',
  'reportView',
  'session',
  'staff',
  'studyPeriod',
  'subgroup',
  'subgroupSplit',
  'subject',
  'timetableSlot',
  'workType',
] as const;
export type IdKind = (typeof ID_KINDS)[number];

/**
 * Which kind of record each id slot names: first by `operation.path` (for the ambiguous `id`
 * and for names that mean different things in different places), then by the slot's own name.
 * A slot in neither table fails the authorization sweep, so a new id is never skipped silently.
 */
export const ID_BY_PATH: Record<string, IdKind> = {
  'deleteAcademicYear.id': 'academicYear',
  'updateAcademicYear.id': 'academicYear',
  'deleteClassGroup.id': 'classGroup',
  'updateClassGroup.id': 'classGroup',
  'deleteCourse.id': 'course',
  'updateCourse.id': 'course',
  'deleteHoliday.id': 'holiday',
  'updateHoliday.id': 'holiday',
  'deleteStudyPeriod.id': 'studyPeriod',
  'updateStudyPeriod.id': 'studyPeriod',
  'deleteSubject.id': 'subject',
  'updateSubject.id': 'subject',
  'deleteSubgroupSplit.id': 'subgroupSplit',
  'updateSubgroupSplit.id': 'subgroupSplit',
  'updateSubgroupSplit.input.groups.id': 'subgroup',
  'endSession.id': 'session',
  'revokeAccessCode.id': 'accessCode',
  'revokeConsent.id': 'consent',
  'deleteTimetableSlot.id': 'timetableSlot',
  'updateAttendanceCode.id': 'attendanceCode',
  'updateWorkType.id': 'workType',
  'scheduleLesson.id': 'lesson',
  'updateLesson.id': 'lesson',
  'person.id': 'pupil',
  'updatePersonRecord.id': 'pupil',
  'confirmPersonRecords.ids': 'pupil',
  'myDataExport.personId': 'pupil',
  'issueAccessCodes.personIds': 'pupil',
  'resetStaffPassword.id': 'staff',
  'updateStaff.id': 'staff',
  'personalDataAccessLog.subjectId': 'pupil',
  'personalDataAccessLog.readerId': 'staff',
  'setMarks.changes.id': 'mark',
  'conversation.id': 'conversation',
  'conversations.after': 'message',
  'conversation.messages.before': 'message',
  'editMessage.id': 'message',
  'deleteMessage.id': 'message',
  'announcement.id': 'announcement',
  'announcements.after': 'announcement',
  'markAnnouncementRead.id': 'announcement',
  'acknowledgeAnnouncement.id': 'announcement',
  'remindAnnouncement.id': 'announcement',
  'replyToAnnouncement.id': 'announcement',
  'messageReports.before': 'messageReport',
  'reportView.id': 'reportView',
  'copyReportView.id': 'reportView',
  'updateReportView.id': 'reportView',
  'deleteReportView.id': 'reportView',
  'updateCancelledDay.input.id': 'cancelledDay',
  'withdrawCancelledDay.id': 'cancelledDay',
  'setRemoteWork.input.tasks.id': 'remoteTask',
  'removePushDevice.id': 'pushDevice',
  'updateReviewAbsence.input.id': 'absence',
  'reportViewExport.id': 'reportView',
  'controlCheck.id': 'controlCheck',
  'answerControlRemark.input.id': 'controlRemark',
  'acceptControlRemark.id': 'controlRemark',
  'reopenControlRemark.id': 'controlRemark',
};
export const ID_BY_NAME: Record<string, IdKind> = {
  academicYearId: 'academicYear',
  classGroupId: 'classGroup',
  toClassGroupId: 'classGroup',
  courseId: 'course',
  periodId: 'studyPeriod',
  subjectId: 'subject',
  lessonId: 'lesson',
  pupilId: 'pupil',
  pupilIds: 'pupil',
  teacherId: 'staff',
  classTeacherId: 'staff',
  guardianId: 'guardian',
  givenById: 'guardian',
  markId: 'mark',
  codeId: 'attendanceCode',
  workTypeId: 'workType',
  after: 'event',
  conversationId: 'conversation',
  messageId: 'message',
  memberIds: 'staff',
  staffIds: 'staff',
  classIds: 'classGroup',
  attachmentIds: 'attachment',
  taskId: 'remoteTask',
  lessonIds: 'lesson',
  classId: 'classGroup',
};

export const kindOf = (op: string, slot: Slot): IdKind | undefined =>
  ID_BY_PATH[[op, ...slot.path].join('.')] ?? ID_BY_NAME[slot.name];

/**
 * One record of each kind in a school, for requests that must name a real one: the demo's
 * `pupil`, `teacher`, `parent` and 7А algebra where the school has them, else the first found.
 */
export async function sampleIds(t: TestApp, schoolId: number): Promise<Record<IdKind, string>> {
  const q = async (sql: string) => {
    const rows = await t.sql<{ id: number | string }>(sql, [schoolId]);
    return rows.length ? String(rows[0].id) : '2147483647';
  };
  const course = await q(`select co.id from course co join subject s on s.id = co.subject_id
      join class_group c on c.id = co.class_group_id where co.school_id = ?
      order by (s.name = 'Алгебра' and c.grade = 7) desc, co.id limit 1`);
  const personBy = (role: string, login: string) =>
    q(`select p.id from person p join role_grant g on g.person_id = p.id and g.role = '${role}'
      left join user_account u on u.person_id = p.id where p.school_id = ?
      order by (u.login like '%${login}') desc nulls last, p.id limit 1`);
  const pupil = await q(`select p.id from person p join enrollment e on e.pupil_id = p.id
      join course co on co.class_group_id = e.class_group_id and co.id = ${course}
      left join user_account u on u.person_id = p.id where p.school_id = ?
      order by (u.login like '%pupil') desc nulls last, p.id limit 1`);
  const lesson = await q(`select id from lesson where school_id = ? and course_id = ${course}
      and not cancelled and date <= '2026-11-28' order by date desc limit 1`);
  return {
    academicYear: await q(`select id from academic_year where school_id = ? order by id limit 1`),
    accessCode: await q(`select id from access_code where school_id = ? order by id limit 1`),
    absence: await q(`select id from attendance where school_id = ? and code_id is not null
      order by id limit 1`),
    announcement: await q(`select id from announcement where school_id = ? order by id limit 1`),
    attachment: await q(`select id from attachment where school_id = ? order by id limit 1`),
    cancelledDay: await q(`select id from cancelled_day where school_id = ? order by id limit 1`),
    attendanceCode: await q(
      `select id from attendance_code where school_id = ? order by id limit 1`,
    ),
    classGroup: await q(
      `select class_group_id id from course where school_id = ? and id = ${course}`,
    ),
    consent: await q(`select id from consent where school_id = ? order by id limit 1`),
    controlCheck: await q(`select id from control_check where school_id = ? order by id limit 1`),
    controlRemark: await q(`select id from control_remark where school_id = ? order by id limit 1`),
    conversation: await q(`select id from conversation where school_id = ? order by id limit 1`),
    course,
    event: await q(`select id from domain_event where school_id = ? order by id limit 1`),
    guardian: await q(`select g.guardian_id id from guardianship g where g.school_id = ?
      and g.pupil_id = ${pupil} order by g.id limit 1`),
    holiday: await q(`select id from holiday where school_id = ? order by id limit 1`),
    lesson,
    // One that was changed, so that its history is not empty.
    mark: await q(`select id from mark where school_id = ? and lesson_id in
      (select id from lesson where course_id = ${course}) order by version desc, id limit 1`),
    message: await q(`select m.id from message m join conversation c on c.id = m.conversation_id
      where c.school_id = ? order by m.id limit 1`),
    messageReport: await q(`select id from message_report where school_id = ? order by id limit 1`),
    pupil,
    pushDevice: await q(`select id from push_device where school_id = ? order by id limit 1`),
    remoteTask: await q(`select id from remote_task where school_id = ? order by id limit 1`),
    reportView: await q(`select id from report_view where school_id = ? order by id limit 1`),
    session: await q(`select id from session where school_id = ? order by id limit 1`),
    staff: await personBy('TEACHER', 'teacher'),
    studyPeriod: await q(`select id from study_period where school_id = ?
      order by (starts_on <= '2026-11-28' and ends_on >= '2026-11-28') desc, id limit 1`),
    subgroup: await q(`select id from subgroup where school_id = ? order by id limit 1`),
    subgroupSplit: await q(`select id from subgroup_split where school_id = ? order by id limit 1`),
    subject: await q(`select subject_id id from course where id = ${course} and school_id = ?`),
    timetableSlot: await q(`select id from timetable_slot where school_id = ? order by id limit 1`),
    workType: await q(`select id from work_type where school_id = ? order by id limit 1`),
  };
}

/** A plausible value for a non-id scalar or enum, by its name where the name decides. */
export function plausible(name: string, typeName: string): unknown {
  const byName: Record<string, unknown> = {
    format: 'json',
    lang: 'ru',
    filename: 'list.csv',
    fileBase64: Buffer.from('Фамилия;Имя\nИванов;Иван\n').toString('base64'),
    password: 'a long enough password 42',
    newPassword: 'a long enough password 42',
    currentPassword: 'not the password',
    value: '5',
    kind: 'mother',
    timeZone: 'Europe/Moscow',
    code: 'зч',
    login: 'nobody',
    reason: 'Проверка',
    letter: 'Я',
    grade: 5,
    weekday: 1,
    lessonNumber: 1,
    number: 1,
    scaleMin: 2,
    scaleMax: 5,
    hoursPerWeek: 1,
    weight: 1,
    limit: 10,
    offset: 0,
    document: 'Паспорт',
  };
  if (name in byName) {
    const v = byName[name];
    if (typeName === 'String' && typeof v === 'string') return v;
    if ((typeName === 'Int' || typeName === 'Float') && typeof v === 'number') return v;
  }
  const byType: Record<string, unknown> = {
    String: 'Проверка',
    Int: 1,
    Float: 1,
    Boolean: false,
    LocalDate: '2026-11-28',
    DateTimeISO: '2026-11-28T09:00:00Z',
    ID: '2147483647',
  };
  return byType[typeName];
}

/**
 * The tables a refused request must leave as they were, for the hostile-input suite and the
 * authorization sweep alike: the school's records, the journal, people and access, messaging, and
 * the outbox (a refused write announces nothing). Add a new area's tables here.
 */
export const GUARDED_TABLES = [
  'academic_year',
  'access_code',
  'attendance',
  'attendance_code',
  'audit_event',
  'class_group',
  'consent',
  'course',
  'domain_event',
  'enrollment',
  'guardianship',
  'holiday',
  'lesson',
  'mark',
  'period_mark',
  'person',
  'role_grant',
  'school',
  'study_period',
  'subgroup',
  'subgroup_member',
  'subgroup_split',
  'subject',
  'timetable_slot',
  'user_account',
  'work_type',
  'conversation',
  'conversation_member',
  'message',
  'message_revision',
  'announcement',
  'announcement_recipient',
  'behaviour_note',
  'weekly_report_batch',
  'weekly_report',
  'notification_cursor',
  'report_view',
  'report_view_delivery',
  'cancelled_day',
  'remote_material',
  'remote_task',
  'remote_task_check',
  'attachment',
  'message_attachment',
  'message_report',
  'announcement_attachment',
  'remote_material_attachment',
  'remote_work_attachment',
  'push_device',
  'push_setting',
  'attendance_review',
  'duty_setting',
  'control_check',
  'control_remark',
  'control_setting',
];
