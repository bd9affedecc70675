import { UniqueConstraintViolationException, type EntityManager } from '@mikro-orm/postgresql';
import { policy } from '../../auth/policy.js';
import type { Viewer } from '../../auth/viewer.js';
import { badInput, conflict, DomainError, unauthenticated } from '../../errors.js';
import { publish } from '../../events/outbox.js';
import { intInRange, optionalText, parseId } from '../../graphql/validate.js';
import type { Scope } from '../../scope.js';
import { classWeek, pupilReports } from './weekly-report.queries.js';
import type {
  ClassWeeklyReports,
  SendWeeklyReportsInput,
  WeeklyReportInfo,
} from './weekly-report.types.js';

export const LINE_MAX = 500;
/** To the pupil's guardians: their child's report of the week has come. */
export const WEEKLY_REPORT_SENT = 'WEEKLY_REPORT_SENT';
/** To the class teacher who sent it: a family acknowledged. */
export const WEEKLY_REPORT_ACKNOWLEDGED = 'WEEKLY_REPORT_ACKNOWLEDGED';

const notFound = (field: string) =>
  new DomainError('NOT_FOUND', 'Not found or not allowed', { field, reason: 'NOT_FOUND' });

/** The Monday of the ISO week of a date (YYYY-MM-DD). */
export function mondayOf(date: string): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() - ((d.getUTCDay() + 6) % 7));
  return d.toISOString().slice(0, 10);
}

/**
 * The class teacher's weekly report to parents (R-4.2.4, decision 44): drafted from the journal's
 * week, reviewed, sent for the whole class in one transaction; each family sees its own child's
 * report and acknowledges it. `weekly_report_status` records sent and acknowledged per class-week.
 */
export class WeeklyReportService {
  async classWeek(
    { em, viewer }: Scope,
    today: string,
    classGroupIdIn: string,
    week: string | null,
  ): Promise<ClassWeeklyReports> {
    if (!viewer) throw unauthenticated();
    const classGroupId = parseId('classGroupId', classGroupIdIn);
    if (!policy.canSendWeeklyReports(viewer, classGroupId)) throw notFound('classGroupId');
    const found = await classWeek(em, viewer.schoolId, classGroupId, week ?? today);
    if (!found) throw notFound('classGroupId');
    return found;
  }

  /** Sends the whole class's week at once: every report or none, each family hearing live. */
  async send(
    { em, viewer }: Scope,
    today: string,
    input: SendWeeklyReportsInput,
  ): Promise<ClassWeeklyReports> {
    if (!viewer) throw unauthenticated();
    const classGroupId = parseId('classGroupId', input.classGroupId);
    if (!policy.canSendWeeklyReports(viewer, classGroupId)) throw notFound('classGroupId');
    const weekStart = mondayOf(input.week);
    if (weekStart > today) {
      throw badInput('week', 'WEEK_IN_FUTURE', 'A week can be sent once it has begun');
    }
    const lines = checkLines(input);
    await em.transactional(async (tem) => {
      const draft = await classWeek(tem, viewer.schoolId, classGroupId, weekStart);
      if (!draft) throw notFound('classGroupId');
      if (draft.sentAt) throw conflict('week', 'ALREADY_SENT', 'This week was sent already');
      const pupils = new Set(draft.reports.map((r) => r.pupilId));
      lines.forEach((l, i) => {
        if (!pupils.has(l.pupilId)) throw notFound(`lines.${i}.pupilId`);
      });
      if (draft.reports.length === 0) {
        throw badInput('classGroupId', 'NO_PUPILS', 'Nobody was in this class that week');
      }
      await writeBatch(tem, viewer, classGroupId, weekStart, draft.reports, lines).catch(
        (error: unknown) => {
          // Another send of the same week committed first (the batch is unique per class week).
          if (error instanceof UniqueConstraintViolationException) {
            throw conflict('week', 'ALREADY_SENT', 'This week was sent already');
          }
          throw error;
        },
      );
    });
    return (await classWeek(em, viewer.schoolId, classGroupId, weekStart))!;
  }

  /** A pupil's sent reports: the pupil, their parents, the class teacher, the administration. */
  async ofPupil(
    { em, viewer }: Scope,
    today: string,
    pupilIdIn: string,
    first: number,
  ): Promise<WeeklyReportInfo[]> {
    if (!viewer) throw unauthenticated();
    const pupilId = parseId('pupilId', pupilIdIn);
    const n = intInRange('first', first, 1, 100);
    const [row] = await em.execute<{ classes: number[] }[]>(
      `select array(select en.class_group_id from enrollment en where en.pupil_id = ?
          and en.school_id = ? and en.starts_on <= ?::date
          and (en.ends_on is null or en.ends_on >= ?::date)) as classes`,
      [pupilId, viewer.schoolId, today, today],
    );
    if (!policy.canReadBehaviourNotes(viewer, { id: pupilId, classIds: row.classes })) {
      throw notFound('pupilId');
    }
    return pupilReports(em, viewer.schoolId, pupilId, n);
  }

  /** A guardian acknowledges their child's report of a week; anyone else NOT_FOUND. */
  async acknowledge(
    { em, viewer }: Scope,
    pupilIdIn: string,
    week: string,
  ): Promise<WeeklyReportInfo> {
    if (!viewer) throw unauthenticated();
    const pupilId = parseId('pupilId', pupilIdIn);
    if (!viewer.childIds.includes(pupilId)) throw notFound('pupilId');
    await em.transactional(async (tem) => {
      const rows = await tem.execute<{ sender: number; first: boolean }[]>(
        `update weekly_report r set acknowledged_at = coalesce(r.acknowledged_at, now()),
                acknowledged_by_id = coalesce(r.acknowledged_by_id, ?)
           from weekly_report_batch b
          where b.id = r.batch_id and r.pupil_id = ? and r.school_id = ?
            and b.week_start = date_trunc('week', ?::date)::date
         returning b.sent_by_id as sender,
                   (select x.acknowledged_at is null from weekly_report x where x.id = r.id) as first`,
        [viewer.personId, pupilId, viewer.schoolId, week],
      );
      if (rows.length === 0) throw notFound('week');
      const senders = rows.filter((r) => r.first).map((r) => r.sender);
      if (senders.length) {
        await publish(tem, viewer.schoolId, [
          {
            type: WEEKLY_REPORT_ACKNOWLEDGED,
            personIds: senders,
            payload: { pupilId: String(pupilId), weekStart: mondayOf(week) },
          },
        ]);
      }
    });
    const reports = await pupilReports(em, viewer.schoolId, pupilId, 100);
    return reports.find((r) => r.weekStart === mondayOf(week))!;
  }
}

function checkLines(input: SendWeeklyReportsInput): { pupilId: string; line: string }[] {
  const seen = new Set<string>();
  const out: { pupilId: string; line: string }[] = [];
  input.lines.forEach((l, i) => {
    const pupilId = String(parseId(`lines.${i}.pupilId`, l.pupilId));
    if (seen.has(pupilId)) {
      throw badInput(`lines.${i}.pupilId`, 'DUPLICATE_PUPIL', 'One line per pupil');
    }
    seen.add(pupilId);
    const line = optionalText(`lines.${i}.line`, l.line, LINE_MAX);
    if (line) out.push({ pupilId, line });
  });
  return out;
}

/** The batch, a report per pupil with the content as drafted, and an event to each family. */
async function writeBatch(
  em: EntityManager,
  viewer: Viewer,
  classGroupId: number,
  weekStart: string,
  reports: WeeklyReportInfo[],
  lines: { pupilId: string; line: string }[],
): Promise<void> {
  const byPupil = new Map(lines.map((l) => [l.pupilId, l.line]));
  const rows = reports.map((r) => ({
    pupilId: Number(r.pupilId),
    content: r.content,
    line: byPupil.get(r.pupilId) ?? null,
  }));
  const written = await em.execute<{ pupil: number; guardians: number[] }[]>(
    `with b as (insert into weekly_report_batch (school_id, class_group_id, week_start, sent_by_id)
                values (?, ?, ?, ?) returning id, school_id),
     r as (insert into weekly_report (school_id, batch_id, pupil_id, content, personal_line)
           select b.school_id, b.id, x."pupilId", x.content, x.line
             from b, jsonb_to_recordset(?::jsonb) as x("pupilId" int, content jsonb, line text)
           returning pupil_id)
     select r.pupil_id as pupil,
            array(select gs.guardian_id from guardianship gs where gs.pupil_id = r.pupil_id
                  order by gs.guardian_id) as guardians
       from r`,
    [viewer.schoolId, classGroupId, weekStart, viewer.personId, JSON.stringify(rows)],
  );
  await publish(
    em,
    viewer.schoolId,
    written
      .filter((w) => w.guardians.length > 0)
      .map((w) => ({
        type: WEEKLY_REPORT_SENT,
        personIds: w.guardians,
        payload: { pupilId: String(w.pupil), weekStart, classGroupId: String(classGroupId) },
      })),
  );
}
