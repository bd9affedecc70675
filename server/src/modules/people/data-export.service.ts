import { Person } from './person.entity.js';
import { School } from '../school/school.entity.js';
import { policy } from '../../auth/policy.js';
import { notFound, unauthenticated } from '../../errors.js';
import { parseId } from '../../graphql/validate.js';
import type { Scope } from '../../scope.js';
import { FileDownload } from './people.types.js';
import type { Clock } from '../../clock.js';
import {
  formatDateTime,
  formatDay,
  renderPersonalDataExport,
  type ExportSection,
  type Lang,
} from '../../documents/pdf.js';

type Row = Record<string, unknown>;

/** Everything stored about a person, grouped as the export shows it. */
export interface PersonalDataExport {
  generatedAt: string;
  school: string;
  person: Row;
  account: Row | null;
  roles: string[];
  guardians: Row[];
  children: Row[];
  enrollments: Row[];
  consents: Row[];
  marks: Row[];
  attendance: Row[];
  periodMarks: Row[];
  sessions: Row[];
  accessCodes: Row[];
  personalDataReads: Row[];
}

const L = {
  ru: {
    person: 'Личные данные',
    account: 'Учётная запись',
    family: 'Родители и дети',
    enrollments: 'Обучение в классах',
    consents: 'Согласия на обработку персональных данных',
    marks: 'Отметки',
    attendance: 'Посещаемость',
    periodMarks: 'Итоговые отметки',
    sessions: 'Входы в систему',
    codes: 'Коды доступа',
    reads: 'Кто из сотрудников просматривал персональные данные',
    f: {
      lastName: 'Фамилия',
      firstName: 'Имя',
      middleName: 'Отчество',
      sex: 'Пол',
      birthDate: 'Дата рождения',
      phone: 'Телефон',
      email: 'Эл. почта',
      address: 'Адрес',
      document: 'Документ',
      recordConfirmedAt: 'Данные подтверждены',
      createdAt: 'Запись создана',
      login: 'Логин',
      passwordChangedAt: 'Пароль изменён',
      roles: 'Роли',
    },
    cols: {
      family: ['Кто', 'ФИО', 'Кем приходится'],
      enrollments: ['Класс', 'С', 'По', 'Причина'],
      consents: ['Документ', 'Дата', 'Кто дал', 'Отозвано'],
      marks: ['Дата', 'Предмет', 'Отметка', 'Вид работы', 'Комментарий'],
      attendance: ['Дата', 'Предмет', 'Код', 'Причина'],
      periodMarks: ['Предмет', 'Период', 'Отметка'],
      sessions: ['Вход', 'Последняя активность', 'Браузер', 'Завершён'],
      codes: ['Выдан', 'Действует до', 'Активирован', 'Отозван'],
      reads: ['Когда', 'Кто', 'Какие поля'],
    },
    guardian: 'родитель',
    child: 'ребёнок',
  },
  en: {
    person: 'Personal data',
    account: 'Account',
    family: 'Parents and children',
    enrollments: 'Classes',
    consents: 'Consents to processing personal data',
    marks: 'Marks',
    attendance: 'Attendance',
    periodMarks: 'Period marks',
    sessions: 'Sign-ins',
    codes: 'Access codes',
    reads: 'Staff who read the personal data',
    f: {
      lastName: 'Last name',
      firstName: 'First name',
      middleName: 'Middle name',
      sex: 'Sex',
      birthDate: 'Birth date',
      phone: 'Phone',
      email: 'Email',
      address: 'Address',
      document: 'Document',
      recordConfirmedAt: 'Record confirmed',
      createdAt: 'Record created',
      login: 'Login',
      passwordChangedAt: 'Password changed',
      roles: 'Roles',
    },
    cols: {
      family: ['Who', 'Name', 'Relation'],
      enrollments: ['Class', 'From', 'To', 'Reason'],
      consents: ['Document', 'Date', 'Given by', 'Revoked'],
      marks: ['Date', 'Subject', 'Mark', 'Work type', 'Comment'],
      attendance: ['Date', 'Subject', 'Code', 'Reason'],
      periodMarks: ['Subject', 'Period', 'Mark'],
      sessions: ['Signed in', 'Last seen', 'Browser', 'Ended'],
      codes: ['Issued', 'Valid until', 'Activated', 'Revoked'],
      reads: ['When', 'Who', 'Fields'],
    },
    guardian: 'parent',
    child: 'child',
  },
};

const s = (v: unknown) => (v == null ? '' : String(v));

/**
 * A person (or a guardian, for their child) downloads everything stored about them (152-FZ):
 * JSON for machines, a PDF for people. Nobody else can: not even the administration.
 */
export class DataExportService {
  constructor(private readonly clock: Clock) {}

  async collect({ em, viewer }: Scope, personId: string): Promise<PersonalDataExport> {
    if (!viewer) throw unauthenticated();
    const id = parseId('personId', personId);
    if (!policy.isSelfOrGuardian(viewer, id)) throw notFound();
    const person = await em.findOne(Person, { id, school: viewer.schoolId });
    if (!person) throw notFound();
    const school = await em.findOneOrFail(School, viewer.schoolId);
    const q = (sql: string) => em.execute<Row[]>(sql, [id]);
    const [
      account,
      roles,
      guardians,
      children,
      enrollments,
      consents,
      marks,
      attendance,
      periodMarks,
      sessions,
      accessCodes,
      reads,
    ] = await Promise.all([
      q(
        `select login, created_at as "createdAt", password_changed_at as "passwordChangedAt" from user_account where person_id = ?`,
      ),
      q(`select role::text as role from role_grant where person_id = ? order by role`),
      q(
        `select concat_ws(' ', p.last_name, p.first_name, p.middle_name) as name, g.kind from guardianship g join person p on p.id = g.guardian_id where g.pupil_id = ? order by g.kind desc`,
      ),
      q(
        `select concat_ws(' ', p.last_name, p.first_name, p.middle_name) as name, g.kind from guardianship g join person p on p.id = g.pupil_id where g.guardian_id = ? order by p.first_name`,
      ),
      q(
        `select concat(c.grade, c.letter) as class, to_char(e.starts_on, 'YYYY-MM-DD') as "startsOn", to_char(e.ends_on, 'YYYY-MM-DD') as "endsOn", e.leave_reason as "leaveReason" from enrollment e join class_group c on c.id = e.class_group_id where e.pupil_id = ? order by e.starts_on`,
      ),
      q(
        `select c.document, to_char(c.given_on, 'YYYY-MM-DD') as "givenOn", concat_ws(' ', p.last_name, p.first_name, p.middle_name) as "givenBy", to_char(c.revoked_on, 'YYYY-MM-DD') as "revokedOn" from consent c left join person p on p.id = c.given_by_id where c.subject_id = ? order by c.given_on`,
      ),
      q(
        `select to_char(l.date, 'YYYY-MM-DD') as date, s.name as subject, m.value, w.name as "workType", m.comment from mark m join lesson l on l.id = m.lesson_id join course co on co.id = l.course_id join subject s on s.id = co.subject_id join work_type w on w.id = m.work_type_id where m.pupil_id = ? and m.removed_at is null order by l.date, s.name`,
      ),
      q(
        `select to_char(l.date, 'YYYY-MM-DD') as date, s.name as subject, ac.code, a.reason from attendance a join lesson l on l.id = a.lesson_id join course co on co.id = l.course_id join subject s on s.id = co.subject_id left join attendance_code ac on ac.id = a.code_id where a.pupil_id = ? and a.code_id is not null order by l.date, s.name`,
      ),
      q(
        `select s.name as subject, coalesce(sp.name, 'year') as period, pm.value from period_mark pm join course co on co.id = pm.course_id join subject s on s.id = co.subject_id left join study_period sp on sp.id = pm.period_id where pm.pupil_id = ? and pm.value is not null order by s.name, sp.starts_on`,
      ),
      q(
        `select s.created_at as "createdAt", s.last_seen_at as "lastSeenAt", s.user_agent as "userAgent", s.revoked_at as "revokedAt" from session s join user_account a on a.id = s.account_id where a.person_id = ? order by s.created_at desc limit 200`,
      ),
      q(
        `select issued_at as "issuedAt", expires_at as "expiresAt", activated_at as "activatedAt", revoked_at as "revokedAt" from access_code where person_id = ? order by issued_at`,
      ),
      q(
        `select l.at, concat_ws(' ', p.last_name, p.first_name, p.middle_name) as reader, l.fields from personal_data_access l join person p on p.id = l.reader_id where l.subject_id = ? order by l.at desc limit 1000`,
      ),
    ]);
    return {
      generatedAt: this.clock.now().toISOString(),
      school: school.name,
      person: {
        lastName: person.lastName,
        firstName: person.firstName,
        middleName: person.middleName ?? null,
        sex: person.sex ?? null,
        birthDate: person.birthDate ?? null,
        phone: person.phone ?? null,
        email: person.email ?? null,
        address: person.address ?? null,
        document: person.document ?? null,
        recordConfirmedAt: person.recordConfirmedAt ?? null,
        createdAt: person.createdAt,
      },
      account: account[0] ?? null,
      roles: roles.map((r) => String(r.role)),
      guardians,
      children,
      enrollments,
      consents,
      marks,
      attendance,
      periodMarks,
      sessions,
      accessCodes,
      personalDataReads: reads,
    };
  }

  async json(scope: Scope, personId: string): Promise<FileDownload> {
    const data = await this.collect(scope, personId);
    return Object.assign(new FileDownload(), {
      filename: 'my-data.json',
      contentType: 'application/json',
      base64: Buffer.from(JSON.stringify(data, null, 2)).toString('base64'),
    });
  }

  async pdf(scope: Scope, personId: string, lang: Lang): Promise<FileDownload> {
    const d = await this.collect(scope, personId);
    const t = L[lang];
    // Already read with the export: the identity map answers without a query.
    const { timeZone } = await scope.em.findOneOrFail(School, scope.viewer!.schoolId);
    const date = (v: unknown) => (v ? formatDay(String(v), lang) : '');
    const time = (v: unknown) => (v ? formatDateTime(new Date(v as string), timeZone, lang) : '');
    const p = d.person;
    const sections: ExportSection[] = [
      {
        title: t.person,
        fields: (
          [
            'lastName',
            'firstName',
            'middleName',
            'sex',
            'birthDate',
            'phone',
            'email',
            'address',
            'document',
          ] as const
        )
          .filter((k) => p[k] != null)
          .map((k) => ({
            label: t.f[k],
            value: k === 'birthDate' ? date(p[k]) : s(p[k]),
          }))
          .concat([
            { label: t.f.recordConfirmedAt, value: time(p.recordConfirmedAt) },
            { label: t.f.createdAt, value: time(p.createdAt) },
          ]),
      },
      {
        title: t.account,
        fields: d.account
          ? [
              { label: t.f.login, value: s(d.account.login) },
              { label: t.f.passwordChangedAt, value: time(d.account.passwordChangedAt) },
              { label: t.f.roles, value: d.roles.join(', ') },
            ]
          : [],
      },
      {
        title: t.family,
        table: {
          columns: t.cols.family,
          rows: [
            ...d.guardians.map((g) => [t.guardian, s(g.name), s(g.kind)]),
            ...d.children.map((c) => [t.child, s(c.name), s(c.kind)]),
          ],
        },
      },
      {
        title: t.enrollments,
        table: {
          columns: t.cols.enrollments,
          rows: d.enrollments.map((e) => [
            s(e.class),
            date(e.startsOn),
            date(e.endsOn),
            s(e.leaveReason),
          ]),
        },
      },
      {
        title: t.consents,
        table: {
          columns: t.cols.consents,
          rows: d.consents.map((c) => [
            s(c.document),
            date(c.givenOn),
            s(c.givenBy),
            date(c.revokedOn),
          ]),
        },
      },
      {
        title: t.marks,
        table: {
          columns: t.cols.marks,
          rows: d.marks.map((m) => [
            date(m.date),
            s(m.subject),
            s(m.value),
            s(m.workType),
            s(m.comment),
          ]),
        },
      },
      {
        title: t.attendance,
        table: {
          columns: t.cols.attendance,
          rows: d.attendance.map((a) => [date(a.date), s(a.subject), s(a.code), s(a.reason)]),
        },
      },
      {
        title: t.periodMarks,
        table: {
          columns: t.cols.periodMarks,
          rows: d.periodMarks.map((m) => [s(m.subject), s(m.period), s(m.value)]),
        },
      },
      {
        title: t.sessions,
        table: {
          columns: t.cols.sessions,
          rows: d.sessions.map((x) => [
            time(x.createdAt),
            time(x.lastSeenAt),
            s(x.userAgent).slice(0, 60),
            time(x.revokedAt),
          ]),
        },
      },
      {
        title: t.codes,
        table: {
          columns: t.cols.codes,
          rows: d.accessCodes.map((c) => [
            time(c.issuedAt),
            time(c.expiresAt),
            time(c.activatedAt),
            time(c.revokedAt),
          ]),
        },
      },
      {
        title: t.reads,
        table: {
          columns: t.cols.reads,
          rows: d.personalDataReads.map((r) => [
            time(r.at),
            s(r.reader),
            (r.fields as string[]).join(', '),
          ]),
        },
      },
    ];
    const name = [p.lastName, p.firstName, p.middleName].filter(Boolean).join(' ');
    const bytes = await renderPersonalDataExport(
      {
        schoolName: d.school,
        timeZone,
        personName: name,
        generatedAt: new Date(d.generatedAt),
        sections,
      },
      lang,
    );
    return Object.assign(new FileDownload(), {
      filename: 'my-data.pdf',
      contentType: 'application/pdf',
      base64: bytes.toString('base64'),
    });
  }
}
