import type { EntityManager } from '@mikro-orm/postgresql';
import { Permission, policy } from '../../auth/policy.js';
import { badInput, DomainError, unauthenticated } from '../../errors.js';
import { intInRange, parseId } from '../../graphql/validate.js';
import type { Scope } from '../../scope.js';
import { auditAndPublish } from '../audit/audit.js';
import { accountSql, controlParts } from './account.queries.js';
import {
  Duty,
  type DutyAccount,
  type DutyAccounts,
  type DutyCourseHealth,
  type DutyFigure,
  type DutyMonth,
  type DutyRemark,
  type DutySettings,
  type DutySettingsInput,
  type DutyWeek,
} from './duties.types.js';

/** The school's rule when it has set none (decision 48). */
export const DEFAULT_SETTINGS: DutySettings = {
  reviewDays: 1,
  weightReviews: 25,
  weightReports: 25,
  weightRecords: 20,
  weightRemarks: 10,
  weightHealth: 20,
};

const WEIGHT_FIELDS = [
  ['weightReviews', Duty.REVIEWS],
  ['weightReports', Duty.REPORTS],
  ['weightRecords', Duty.RECORDS],
  ['weightRemarks', Duty.REMARKS],
  ['weightHealth', Duty.HEALTH],
] as const;

interface RawAccount {
  teacherId: string;
  teacherName: string;
  classGroupId: string;
  className: string;
  weeks: (Omit<DutyWeek, 'reviewedAt' | 'reportSentAt'> & {
    reviewedAt: string | null;
    reportSentAt: string | null;
  })[];
  months: {
    monthStart: string;
    monthEnd: string;
    pupils: { pupilId: string; name: string; confirmedAt: string | null }[];
  }[];
  remarks: (Omit<DutyRemark, 'answeredAt'> & { answeredAt: string | null })[] | null;
  health: DutyCourseHealth[] | null;
}

const date = (s: string | null) => (s == null ? null : new Date(s));

/** Done of due for each duty, before weights: the figure the account shows (decision 48). */
export function figures(a: Omit<DutyAccount, 'figures' | 'points' | 'maxPoints'>) {
  const reviews = a.weeks.filter((w) => w.reviewDue);
  const healthDue = (a.health ?? []).reduce((n, h) => n + 3 * h.lessonsHeld, 0);
  const healthGaps = (a.health ?? []).reduce(
    (n, h) => n + h.withoutTopic + h.withoutHomework + h.withoutAttendance,
    0,
  );
  return {
    [Duty.REVIEWS]: { done: reviews.filter((w) => w.reviewedOnTime).length, due: reviews.length },
    [Duty.REPORTS]: {
      done: a.weeks.filter((w) => w.reportSentAt).length,
      due: a.weeks.length,
    },
    [Duty.RECORDS]: { done: a.months.filter((m) => m.done).length, due: a.months.length },
    [Duty.REMARKS]: a.remarks
      ? { done: a.remarks.filter((r) => r.onTime).length, due: a.remarks.length }
      : null,
    [Duty.HEALTH]: a.health ? { done: Math.max(healthDue - healthGaps, 0), due: healthDue } : null,
  };
}

const round1 = (n: number) => Math.round(n * 10) / 10;

/** Figures with their weights: a duty with nothing due earns its full weight; one unavailable, none. */
function withPoints(
  raw: Omit<DutyAccount, 'figures' | 'points' | 'maxPoints'>,
  s: DutySettings,
): DutyAccount {
  const counted = figures(raw);
  const list: DutyFigure[] = WEIGHT_FIELDS.map(([field, duty]) => {
    const f = counted[duty];
    const weight = s[field];
    if (!f) return { duty, available: false, done: 0, due: 0, percent: null, weight, points: null };
    const share = f.due === 0 ? 1 : f.done / f.due;
    return {
      duty,
      available: true,
      ...f,
      percent: round1(share * 100),
      weight,
      points: round1(share * weight),
    };
  });
  const available = list.filter((f) => f.available);
  return {
    ...raw,
    figures: list,
    points: round1(available.reduce((n, f) => n + (f.points ?? 0), 0)),
    maxPoints: available.reduce((n, f) => n + f.weight, 0),
  };
}

function toAccount(r: RawAccount) {
  const months: DutyMonth[] = r.months.map((m) => ({
    ...m,
    done: m.pupils.length > 0 && m.pupils.every((p) => p.confirmedAt),
    pupils: m.pupils.map((p) => ({ ...p, confirmedAt: date(p.confirmedAt) })),
  }));
  return {
    teacherId: r.teacherId,
    teacherName: r.teacherName,
    classGroupId: r.classGroupId,
    className: r.className,
    weeks: r.weeks.map((w) => ({
      ...w,
      reviewedAt: date(w.reviewedAt),
      reportSentAt: date(w.reportSentAt),
    })),
    months,
    remarks: r.remarks?.map((x) => ({ ...x, answeredAt: date(x.answeredAt) })) ?? null,
    health: r.health,
  };
}

export async function readSettings(em: EntityManager, schoolId: number): Promise<DutySettings> {
  const [row] = await em.execute<DutySettings[]>(
    `select review_days as "reviewDays", weight_reviews as "weightReviews",
            weight_reports as "weightReports", weight_records as "weightRecords",
            weight_remarks as "weightRemarks", weight_health as "weightHealth"
       from duty_setting where school_id = ?`,
    [schoolId],
  );
  return row ?? DEFAULT_SETTINGS;
}

/**
 * The year account of the class teachers (R-7.1, decision 48): every figure computed from the
 * records (reviews, weekly reports, confirmations, remarks, the journal), with its evidence, and
 * the points the school's weights give it.
 */
export class DutyAccountService {
  async accounts(
    { em, viewer }: Scope,
    today: string,
    teacherIdIn: string | null,
  ): Promise<DutyAccounts> {
    if (!viewer) throw unauthenticated();
    const teacherId = teacherIdIn == null ? null : parseId('teacherId', teacherIdIn);
    const all = policy.can(viewer, Permission.DutyAccountReadAll);
    if (!all && !(teacherId != null && policy.canReadDutyAccount(viewer, teacherId))) {
      throw new DomainError('NOT_FOUND', 'Not found or not allowed', {
        field: 'teacherId',
        reason: 'NOT_FOUND',
      });
    }
    const parts = await controlParts(em);
    const settings = await readSettings(em, viewer.schoolId);
    const [row] = await em.execute<
      { year: { yearStart: string; upTo: string; accounts: RawAccount[] } | null }[]
    >(accountSql(parts), [today, teacherId, viewer.schoolId]);
    const year = row?.year ?? { yearStart: today, upTo: today, accounts: [] };
    // One class teacher asked for: someone of this school who leads a class this year, else
    // refused like any record the viewer may not read (never an empty account).
    if (teacherId != null && year.accounts.length === 0) {
      throw new DomainError('NOT_FOUND', 'Not found or not allowed', {
        field: 'teacherId',
        reason: 'NOT_FOUND',
      });
    }
    return {
      yearStart: year.yearStart,
      upTo: year.upTo,
      settings,
      accounts: year.accounts.map((a) => withPoints(toAccount(a), settings)),
    };
  }

  async settings({ em, viewer }: Scope): Promise<DutySettings> {
    if (!viewer) throw unauthenticated();
    if (!policy.can(viewer, Permission.DutyAccountReadAll)) {
      policy.require(viewer, Permission.DutySettingsManage);
    }
    return readSettings(em, viewer.schoolId);
  }

  /** The weights (adding up to 100, else WEIGHTS_NOT_100 on the first) and the review deadline. */
  async setSettings({ em, viewer }: Scope, input: DutySettingsInput): Promise<DutySettings> {
    policy.require(viewer, Permission.DutySettingsManage);
    const s: DutySettings = {
      reviewDays: intInRange('reviewDays', input.reviewDays, 0, 14),
      weightReviews: intInRange('weightReviews', input.weightReviews, 0, 100),
      weightReports: intInRange('weightReports', input.weightReports, 0, 100),
      weightRecords: intInRange('weightRecords', input.weightRecords, 0, 100),
      weightRemarks: intInRange('weightRemarks', input.weightRemarks, 0, 100),
      weightHealth: intInRange('weightHealth', input.weightHealth, 0, 100),
    };
    const sum = WEIGHT_FIELDS.reduce((n, [f]) => n + s[f], 0);
    if (sum !== 100) {
      throw badInput('weightReviews', 'WEIGHTS_NOT_100', `The weights add up to ${sum}, not 100`);
    }
    await em.transactional(async (tem) => {
      const before = await readSettings(tem, viewer.schoolId);
      await tem.execute(
        `insert into duty_setting (school_id, review_days, weight_reviews, weight_reports,
                weight_records, weight_remarks, weight_health, updated_by_id, updated_at)
         values (?, ?, ?, ?, ?, ?, ?, ?, now())
         on conflict (school_id) do update set review_days = excluded.review_days,
           weight_reviews = excluded.weight_reviews, weight_reports = excluded.weight_reports,
           weight_records = excluded.weight_records, weight_remarks = excluded.weight_remarks,
           weight_health = excluded.weight_health, updated_by_id = excluded.updated_by_id,
           updated_at = now()`,
        [
          viewer.schoolId,
          s.reviewDays,
          s.weightReviews,
          s.weightReports,
          s.weightRecords,
          s.weightRemarks,
          s.weightHealth,
          viewer.personId,
        ],
      );
      await auditAndPublish(
        tem,
        viewer,
        [
          {
            entity: 'duty_setting',
            entityId: viewer.schoolId,
            action: 'update',
            before: { ...before },
            after: { ...s },
          },
        ],
        [],
      );
    });
    return s;
  }
}
