import type { EntityManager } from '@mikro-orm/postgresql';
import { prepared } from '../../db/prepared.js';
import { Permission, policy } from '../../auth/policy.js';
import { Role } from '../../auth/role.js';
import type { Viewer } from '../../auth/viewer.js';
import type { Clock } from '../../clock.js';
import { badInput, conflict, notFound, versionConflict } from '../../errors.js';
import type { NewEvent } from '../../events/outbox.js';
import { optionalText, parseId } from '../../graphql/validate.js';
import type { Scope } from '../../scope.js';
import { auditAndPublish, type AuditEntry } from '../audit/audit.js';
import type {
  CancelledDayFields,
  DeclareCancelledDayInput,
  ThresholdInput,
  UpdateCancelledDayInput,
} from './cancelled-days.inputs.js';
import {
  readAudience,
  readDays,
  readNotices,
  readPreview,
  readThresholds,
} from './cancelled-days.queries.js';
import {
  CancelReason,
  type CancelledDay,
  type CancelledDayPreview,
} from './cancelled-days.types.js';
import {
  checkThresholds,
  COMMON_THRESHOLDS,
  gradesCancelled,
  type Threshold,
} from './thresholds.js';

/** The live event of a declaration and of each change: one type, the change in `action`. */
export const CANCELLED_DAY_EVENT = 'CANCELLED_DAY';

/** What the school's calendar says of a date: its time zone, its year, a whole-school holiday. */
interface DateFacts {
  today: string;
  yearId: number | null;
  holiday: boolean;
}

/** A declared day's row as the writes need it. */
interface DayRow {
  id: number;
  date: string;
  classIds: number[];
  reason: CancelReason;
  temperature: number | null;
  windMs: number | null;
  note: string | null;
  version: number;
}

/**
 * Cancelled-class days: the school's frost thresholds, and the DIRECTOR's or DEPUTY's
 * declaration of a day for some grades or classes, widened, narrowed or withdrawn while the day
 * has not passed. Each write is one transaction: the row, the audit entry and the live event to
 * every pupil (so every family) and teacher of the classes concerned, before and after.
 */
export class CancelledDaysService {
  constructor(private readonly clock: Clock) {}

  async thresholds({ em, viewer }: Scope): Promise<Threshold[]> {
    policy.require(viewer, Permission.SchoolRead);
    return thresholdsOf(em, viewer.schoolId);
  }

  async setThresholds({ em, viewer }: Scope, rules: ThresholdInput[]): Promise<Threshold[]> {
    policy.require(viewer, Permission.CancellationRulesManage);
    const checked = checkThresholds(
      rules.map((r) => ({ ...r, windyCelsius: r.windyCelsius ?? null, windMs: r.windMs ?? null })),
    );
    return em.transactional(async (tem) => {
      const before = await readThresholds(tem, viewer.schoolId);
      await prepared(tem, `delete from cancellation_rule where school_id = ?`, [viewer.schoolId]);
      await prepared(
        tem,
        `insert into cancellation_rule (school_id, grade_from, grade_to, calm_celsius, windy_celsius, wind_ms)
         select ?, x."gradeFrom", x."gradeTo", x."calmCelsius", x."windyCelsius", x."windMs"
           from jsonb_to_recordset(?::jsonb) as x("gradeFrom" int, "gradeTo" int, "calmCelsius" real, "windyCelsius" real, "windMs" real)`,
        [viewer.schoolId, JSON.stringify(checked)],
      );
      const entry: AuditEntry = {
        entity: 'cancellation_rule',
        entityId: viewer.schoolId,
        action: 'update',
        before: { rules: before },
        after: { rules: checked },
      };
      await auditAndPublish(tem, viewer, [entry], []);
      return thresholdsOf(tem, viewer.schoolId);
    });
  }

  /** The grades the school's rules cancel at this reading. */
  async suggestGrades(
    { em, viewer }: Scope,
    celsius: number,
    wind: number | null,
  ): Promise<number[]> {
    policy.require(viewer, Permission.CancelledDayDeclare);
    checkReading(celsius, wind);
    return gradesCancelled(await thresholdsOf(em, viewer.schoolId), celsius, wind ?? 0);
  }

  /** The administration's list: the declared days from today on. */
  async days({ em, viewer }: Scope): Promise<CancelledDay[]> {
    policy.require(viewer, Permission.CancelledDayDeclare);
    return readDays(em, viewer.schoolId, await this.today(em, viewer));
  }

  /** The banner: the days from today on that concern the viewer's family, class or lessons. */
  async notices({ em, viewer }: Scope): Promise<CancelledDay[]> {
    policy.require(viewer, Permission.SchoolRead);
    const today = await this.today(em, viewer);
    if (policy.can(viewer, Permission.CancelledDayDeclare)) {
      return readDays(em, viewer.schoolId, today);
    }
    return readNotices(em, viewer.schoolId, today, {
      pupilIds: [...viewer.childIds, ...(viewer.roles.has(Role.STUDENT) ? [viewer.personId] : [])],
      classIds: [...viewer.ledClassIds],
      courseIds: [...viewer.courseIds],
    });
  }

  /** Who would be told of a day for these grades and classes, before it is declared. */
  async preview(
    scope: Scope,
    date: string,
    grades: number[],
    classIds: string[],
  ): Promise<CancelledDayPreview> {
    const { em, viewer } = scope;
    policy.require(viewer, Permission.CancelledDayDeclare);
    const facts = await this.checkDate(em, viewer, date);
    const classes = await classesOf(em, viewer.schoolId, facts.yearId!, grades, classIds);
    return readPreview(em, viewer.schoolId, date, classes);
  }

  async declare({ em, viewer }: Scope, input: DeclareCancelledDayInput): Promise<CancelledDay> {
    policy.require(viewer, Permission.CancelledDayDeclare);
    const facts = await this.checkDate(em, viewer, input.date);
    const fields = checkFields(input);
    const classIds = await classesOf(
      em,
      viewer.schoolId,
      facts.yearId!,
      input.grades,
      input.classIds,
    );
    return em.transactional(async (tem) => {
      const [taken] = await prepared(
        tem,
        `select 1 from cancelled_day where school_id = ? and date = ?::date for update`,
        [viewer.schoolId, input.date],
      );
      if (taken) {
        throw conflict('date', 'ALREADY_DECLARED', 'This day is declared already: change it');
      }
      const [row] = await prepared<{ id: number }>(
        tem,
        `insert into cancelled_day (school_id, date, class_ids, reason, temperature, wind_ms, note, declared_by_id)
         values (?, ?::date, ?::int[], ?, ?, ?, ?, ?) returning id`,
        [
          viewer.schoolId,
          input.date,
          classIds,
          fields.reason,
          fields.temperature,
          fields.windMs,
          fields.note,
          viewer.personId,
        ],
      );
      const after = { date: input.date, classIds, ...fields };
      await this.record(tem, viewer, row.id, 'create', null, after, 'DECLARED', classIds);
      return (await readDays(tem, viewer.schoolId, input.date, row.id))[0];
    });
  }

  /** Widens or narrows a day (its classes and reason as they are now), if it has not passed. */
  async update({ em, viewer }: Scope, input: UpdateCancelledDayInput): Promise<CancelledDay> {
    policy.require(viewer, Permission.CancelledDayDeclare);
    const fields = checkFields(input);
    return em.transactional(async (tem) => {
      const day = await this.lockDay(tem, viewer, input.id);
      if (day.version !== input.version) {
        throw versionConflict(
          'The day was changed by someone else',
          (await readDays(tem, viewer.schoolId, day.date, day.id))[0],
        );
      }
      const facts = await this.checkDate(tem, viewer, day.date);
      const classIds = await classesOf(
        tem,
        viewer.schoolId,
        facts.yearId!,
        input.grades,
        input.classIds,
      );
      await prepared(
        tem,
        `update cancelled_day set class_ids = ?::int[], reason = ?, temperature = ?, wind_ms = ?, note = ?,
                version = version + 1, updated_at = now() where id = ?`,
        [classIds, fields.reason, fields.temperature, fields.windMs, fields.note, day.id],
      );
      const { id, version, ...before } = day;
      const after = { date: day.date, classIds, ...fields };
      const told = [...new Set([...day.classIds, ...classIds])];
      await this.record(tem, viewer, id, 'update', before, after, 'CHANGED', told, version + 1);
      return (await readDays(tem, viewer.schoolId, day.date, day.id))[0];
    });
  }

  /** Withdraws a day that has not passed: its lessons are ordinary again. */
  async withdraw({ em, viewer }: Scope, idArg: string): Promise<string> {
    policy.require(viewer, Permission.CancelledDayDeclare);
    return em.transactional(async (tem) => {
      const day = await this.lockDay(tem, viewer, idArg);
      await this.checkDate(tem, viewer, day.date);
      await prepared(tem, `delete from cancelled_day where id = ?`, [day.id]);
      const { id, ...before } = day;
      await this.record(tem, viewer, id, 'remove', before, null, 'WITHDRAWN', day.classIds);
      return String(id);
    });
  }

  /** The audit entry and the live event to the pupils and teachers of `classIds`, last. */
  private async record(
    em: EntityManager,
    viewer: Viewer,
    id: number,
    action: 'create' | 'update' | 'remove',
    before: Record<string, unknown> | null,
    after: Record<string, unknown> | null,
    change: 'DECLARED' | 'CHANGED' | 'WITHDRAWN',
    classIds: number[],
    version = 1,
  ): Promise<void> {
    const date = String((after ?? before)!.date);
    const { pupilIds, staffIds } = await readAudience(em, viewer.schoolId, date, classIds);
    const event: NewEvent = {
      type: CANCELLED_DAY_EVENT,
      pupilIds,
      personIds: staffIds,
      payload: { change, cancelledDayId: String(id), date, version },
    };
    await auditAndPublish(
      em,
      viewer,
      [{ entity: 'cancelled_day', entityId: id, action, before, after }],
      [event],
    );
  }

  private async lockDay(em: EntityManager, viewer: Viewer, idArg: string): Promise<DayRow> {
    const [day] = await prepared<DayRow>(
      em,
      `select id, date::text, class_ids as "classIds", reason, temperature, wind_ms as "windMs", note, version
         from cancelled_day where school_id = ? and id = ? for update`,
      [viewer.schoolId, parseId('id', idArg)],
    );
    if (!day) throw notFound();
    return day;
  }

  /** The school's today, by its time zone (the owed list's "overdue" reads it too). */
  async today(em: EntityManager, viewer: Viewer): Promise<string> {
    const [s] = await prepared<{ tz: string }>(
      em,
      `select time_zone as tz from school where id = ?`,
      [viewer.schoolId],
    );
    return this.clock.today(s.tz);
  }

  /** Today or a coming day of the school year, not a whole-school holiday. */
  private async checkDate(em: EntityManager, viewer: Viewer, date: string): Promise<DateFacts> {
    const today = await this.today(em, viewer);
    const [f] = await prepared<{ yearId: number | null; holiday: boolean }>(
      em,
      `select (select ay.id from academic_year ay where ay.school_id = ? and ?::date between ay.starts_on and ay.ends_on limit 1) as "yearId",
              exists(select 1 from holiday h where h.school_id = ? and ?::date between h.starts_on and h.ends_on and h.grades is null) as holiday`,
      [viewer.schoolId, date, viewer.schoolId, date],
    );
    if (date < today) throw badInput('date', 'DAY_PASSED', 'The day has passed');
    if (f.yearId == null) {
      throw badInput('date', 'OUTSIDE_SCHOOL_YEAR', 'The day is outside the school year');
    }
    if (f.holiday) throw badInput('date', 'HOLIDAY', 'The day is a holiday: there are no lessons');
    return { today, ...f };
  }
}

async function thresholdsOf(em: EntityManager, schoolId: number): Promise<Threshold[]> {
  const own = await readThresholds(em, schoolId);
  return own.length > 0 ? own : [...COMMON_THRESHOLDS];
}

function checkReading(celsius: number, wind: number | null | undefined): void {
  if (!Number.isFinite(celsius) || celsius < -70 || celsius > 45) {
    throw badInput('temperature', 'OUT_OF_RANGE', 'A temperature is −70…45 °C');
  }
  if (wind != null && (!Number.isFinite(wind) || wind < 0 || wind > 60)) {
    throw badInput('windMs', 'OUT_OF_RANGE', 'Wind is 0–60 m/s');
  }
}

/** The reason and its details: FROST needs the reading, OTHER a note. */
function checkFields(input: CancelledDayFields) {
  const note = optionalText('note', input.note, 1000);
  if (input.reason === CancelReason.FROST) {
    if (input.temperature == null) {
      throw badInput('temperature', 'REQUIRED', 'Give the morning’s temperature');
    }
    checkReading(input.temperature, input.windMs);
  }
  if (input.reason === CancelReason.OTHER && !note) throw badInput('note', 'REQUIRED', 'Say why');
  const frost = input.reason === CancelReason.FROST;
  return {
    reason: input.reason,
    temperature: frost ? input.temperature! : null,
    windMs: frost ? (input.windMs ?? null) : null,
    note,
  };
}

/** The classes of the year named by grade or id; an unknown class or none at all is refused. */
async function classesOf(
  em: EntityManager,
  schoolId: number,
  yearId: number,
  grades: number[],
  classIdArgs: string[],
): Promise<number[]> {
  grades.forEach((g, i) => {
    if (!Number.isInteger(g) || g < 1 || g > 11) {
      throw badInput(`grades.${i}`, 'OUT_OF_RANGE', 'A grade is 1–11');
    }
  });
  const ids = classIdArgs.map((c, i) => parseId(`classIds.${i}`, c));
  const rows = await prepared<{ id: number; named: boolean }>(
    em,
    `select id, id = any(?::int[]) as named from class_group
      where school_id = ? and academic_year_id = ? and (grade = any(?::int[]) or id = any(?::int[])) order by id`,
    [ids, schoolId, yearId, grades, ids],
  );
  const found = new Set(rows.filter((r) => r.named).map((r) => r.id));
  const unknown = ids.findIndex((id) => !found.has(id));
  if (unknown >= 0) throw badInput(`classIds.${unknown}`, 'INVALID_ID', 'No such class this year');
  if (rows.length === 0) throw badInput('grades', 'REQUIRED', 'Choose the grades or classes');
  return rows.map((r) => r.id);
}
