import type { EntityManager } from '@mikro-orm/postgresql';
import { policy } from '../../auth/policy.js';
import type { Viewer } from '../../auth/viewer.js';
import { badInput, conflict, DomainError, unauthenticated, versionConflict } from '../../errors.js';
import { optionalText, parseId } from '../../graphql/validate.js';
import type { Scope } from '../../scope.js';
import { auditAndPublish } from '../audit/audit.js';
import { absenceFacts, reviewWeek, type AbsenceFacts } from './review.queries.js';
import type { AttendanceReviewWeek, UpdateReviewAbsenceInput } from './duties.types.js';

const notFound = (field: string) =>
  new DomainError('NOT_FOUND', 'Not found or not allowed', { field, reason: 'NOT_FOUND' });

/** The Monday of the ISO week of a date (YYYY-MM-DD). */
export function mondayOf(date: string): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() - ((d.getUTCDay() + 6) % 7));
  return d.toISOString().slice(0, 10);
}

/** «справка от 20.11.2026» and the reason given, as the journal's reason text keeps it. */
function reasonText(input: UpdateReviewAbsenceInput, today: string): string | null {
  const own = optionalText('reason', input.reason, 250);
  if (!input.noteDate) return own;
  if (input.noteDate > today) {
    throw badInput('noteDate', 'DATE_OUT_OF_RANGE', 'A note cannot be dated after today');
  }
  const [y, m, d] = input.noteDate.split('-');
  return [`справка от ${d}.${m}.${y}`, own].filter(Boolean).join('; ');
}

/**
 * The class teacher's weekly attendance review (R-4.2.2, decision 48): the class's week of
 * absences, codes corrected (audited and announced live like the journal's own attendance
 * writes), and the week confirmed once it has ended. Its class teacher, or the DIRECTOR and
 * DEPUTY; anyone else is told NOT_FOUND.
 */
export class AttendanceReviewService {
  async week(
    { em, viewer }: Scope,
    today: string,
    classGroupIdIn: string,
    week: string | null,
  ): Promise<AttendanceReviewWeek> {
    if (!viewer) throw unauthenticated();
    const classGroupId = parseId('classGroupId', classGroupIdIn);
    if (!policy.canReviewAttendance(viewer, classGroupId)) throw notFound('classGroupId');
    const lastWeek = new Date(Date.parse(`${today}T00:00:00Z`) - 7 * 86_400_000);
    const day = week ?? lastWeek.toISOString().slice(0, 10);
    const found = await reviewWeek(em, viewer.schoolId, classGroupId, day, today);
    if (!found) throw notFound('classGroupId');
    return found;
  }

  /** Confirms an ended week as reviewed, once; who and when are recorded. */
  async confirm(
    scope: Scope,
    today: string,
    classGroupIdIn: string,
    week: string,
  ): Promise<AttendanceReviewWeek> {
    const current = await this.week(scope, today, classGroupIdIn, week);
    const { em, viewer } = scope as { em: EntityManager; viewer: Viewer };
    if (!current.ended) {
      throw badInput('week', 'WEEK_NOT_ENDED', 'A week can be confirmed once it has ended');
    }
    if (current.reviewedAt) {
      throw conflict('week', 'ALREADY_REVIEWED', 'This week was confirmed already');
    }
    await em.transactional(async (tem) => {
      const rows = await tem.execute<{ id: number }[]>(
        `insert into attendance_review (school_id, class_group_id, week_start, reviewed_by_id)
         values (?, ?, ?, ?) on conflict (class_group_id, week_start) do nothing returning id`,
        [viewer.schoolId, Number(current.classGroupId), current.weekStart, viewer.personId],
      );
      if (rows.length === 0) {
        throw conflict('week', 'ALREADY_REVIEWED', 'This week was confirmed already');
      }
      await auditAndPublish(
        tem,
        viewer,
        [
          {
            entity: 'attendance_review',
            entityId: rows[0].id,
            action: 'confirm',
            before: null,
            after: { classGroupId: current.classGroupId, weekStart: current.weekStart },
          },
        ],
        [],
      );
    });
    return this.week(scope, today, classGroupIdIn, current.weekStart);
  }

  /** Changes an absence's code (and its reason, e.g. the doctor's note's date). */
  async updateAbsence(
    { em, viewer }: Scope,
    today: string,
    input: UpdateReviewAbsenceInput,
  ): Promise<AttendanceReviewWeek> {
    if (!viewer) throw unauthenticated();
    const id = parseId('id', input.id);
    const codeId = parseId('codeId', input.codeId);
    const reason = reasonText(input, today);
    let classGroupId = 0;
    let date = '';
    await em.transactional(async (tem) => {
      const facts = await absenceFacts(tem, viewer.schoolId, id);
      const cls = facts?.classIds.find((c) => policy.canReviewAttendance(viewer, c));
      if (!facts || cls === undefined) throw notFound('id');
      if (facts.locked) throw badInput('id', 'PERIOD_LOCKED', 'The study period is closed');
      await checkCode(tem, viewer.schoolId, codeId);
      await writeAbsence(tem, viewer, facts, { codeId, reason, version: input.version });
      classGroupId = cls;
      date = facts.date;
    });
    return (await reviewWeek(em, viewer.schoolId, classGroupId, date, today))!;
  }
}

async function checkCode(em: EntityManager, schoolId: number, codeId: number): Promise<void> {
  const [ok] = await em.execute<{ id: number }[]>(
    `select id from attendance_code where id = ? and school_id = ? and active`,
    [codeId, schoolId],
  );
  if (!ok) throw badInput('codeId', 'NOT_AN_ABSENCE_CODE', 'Not an attendance code of the school');
}

/**
 * The journal's attendance write, as `setAttendance` records it: the entry's new version, an
 * audit row (before and after: code and reason) and an ATTENDANCE_SAVED event to the pupil's
 * family and the course's page, in the same transaction.
 */
async function writeAbsence(
  em: EntityManager,
  viewer: Viewer,
  facts: AbsenceFacts,
  change: { codeId: number; reason: string | null; version: number },
): Promise<void> {
  const rows = await em.execute<{ version: number }[]>(
    `update attendance set code_id = ?, reason = ?, version = version + 1, updated_at = now()
      where id = ? and version = ? returning version`,
    [change.codeId, change.reason, facts.id, change.version],
  );
  const before = { codeId: facts.codeId, reason: facts.reason };
  if (rows.length === 0) {
    throw versionConflict('The entry was changed by someone else', {
      ...before,
      version: facts.version,
    });
  }
  const after = { codeId: change.codeId, reason: change.reason };
  const dto = {
    id: String(facts.id),
    lessonId: String(facts.lessonId),
    pupilId: String(facts.pupilId),
    codeId: String(change.codeId),
    reason: change.reason,
    version: rows[0].version,
  };
  await auditAndPublish(
    em,
    viewer,
    [{ entity: 'attendance', entityId: facts.id, action: 'update', before, after }],
    [
      {
        type: 'ATTENDANCE_SAVED',
        pupilIds: [facts.pupilId],
        courseId: facts.courseId,
        payload: { ...dto, date: facts.date },
      },
    ],
  );
}
