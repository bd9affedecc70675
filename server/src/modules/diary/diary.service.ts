import type { EntityManager } from '@mikro-orm/postgresql';
import { canReadDiary } from '../../auth/records.js';
import { badInput, notFound, unauthenticated } from '../../errors.js';
import { parseId } from '../../graphql/validate.js';
import { prepared } from '../../db/prepared.js';
import type { Viewer } from '../../auth/viewer.js';
import type { Scope } from '../../scope.js';
import { weightedAverage } from '../journal/grading.js';
import type { DiaryMark, DiaryPeriod, DiaryPupil, DiaryWeek, DiaryYear } from './diary.types.js';

/** The pupil, and the classes they were ever in, for the policy; className as on `on`. */
const PUPIL_CTE = `pupil as (
  select p.id, concat_ws(' ', p.last_name, p.first_name, p.middle_name) as "fullName",
         array(select e.class_group_id from enrollment e where e.pupil_id = p.id) as "classIds",
         (select c.grade || c.letter from enrollment e join class_group c on c.id = e.class_group_id
           where e.pupil_id = p.id and e.starts_on <= params.on_date and (e.ends_on is null or e.ends_on >= params.on_date)
           order by e.starts_on desc limit 1) as "className"
    from person p, params
   where p.id = params.pupil_id and p.school_id = params.school_id
     and exists(select 1 from role_grant g where g.person_id = p.id and g.role = 'STUDENT'))`;

type PupilRow = DiaryPupil & { classIds: number[] };

/** The diary rule (`canReadDiary`, auth/records.ts); anyone it refuses is told the pupil does not exist. */
function allowPupil(viewer: Viewer, pupil: PupilRow | null): PupilRow {
  if (!pupil || !canReadDiary(viewer, pupil)) throw notFound();
  return pupil;
}

/**
 * For subscriptions: the same rule as the diary itself. The rule holds whatever the day (it counts
 * every class the pupil was ever in) and a feed names no class, so there is no "today" to ask the
 * school's clock for: the pupil comes without `className`.
 */
export function requireDiaryPupil(
  em: EntityManager,
  viewer: Viewer | null,
  id: string,
): Promise<PupilRow> {
  return requirePupil(em, viewer, id, null);
}

/** `on`: the school's today (from the Clock), which names the pupil's class; null names none. */
async function requirePupil(
  em: EntityManager,
  viewer: Viewer | null,
  id: string,
  on: string | null,
): Promise<PupilRow> {
  if (!viewer) throw unauthenticated();
  const [row] = await em.execute<{ pupil: PupilRow | null }[]>(
    `with params as (select ?::date as on_date, ?::int as pupil_id, ?::int as school_id), ${PUPIL_CTE}
     select (select row_to_json(pupil) from pupil) as pupil`,
    [on, parseId('pupilId', id), viewer.schoolId],
  );
  return allowPupil(viewer, row.pupil);
}

const addDays = (s: string, n: number) =>
  new Date(Date.parse(`${s}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);

/**
 * The whole week in one statement: the pupil (for the policy) and each day's lessons with the
 * pupil's marks and absences. Parameters: week start, week end, pupil, school.
 */
export const WEEK_SQL = `
with params as (select ?::date as week_start, ?::date as week_end, ?::int as pupil_id, ?::int as school_id,
                       ?::date as on_date),
${PUPIL_CTE},
les as (
  select l.id, l.date, l.number, l.topic, l.homework, l.cancelled, s.name as subject_name,
         concat_ws(' ', t.last_name, t.first_name, t.middle_name) as teacher_name
    from params, lesson l join course co on co.id = l.course_id join subject s on s.id = co.subject_id
    join person t on t.id = coalesce(l.substitute_id, co.teacher_id)
    join enrollment e on e.class_group_id = co.class_group_id
     and e.starts_on <= l.date and (e.ends_on is null or e.ends_on >= l.date)
   where e.pupil_id = params.pupil_id and l.school_id = params.school_id and l.date between params.week_start and params.week_end
     and (co.subgroup_id is null or exists(select 1 from subgroup_member sm where sm.subgroup_id = co.subgroup_id and sm.pupil_id = params.pupil_id)))
select (select row_to_json(pupil) from pupil) as pupil,
  (select json_agg(json_build_object('date', d.date::date, 'holiday',
    (select h.name from holiday h join academic_year y on y.id = h.academic_year_id
      where y.school_id = params.school_id and d.date between h.starts_on and h.ends_on
        and (h.grades is null or (select c.grade from enrollment e join class_group c on c.id = e.class_group_id
              where e.pupil_id = params.pupil_id and e.starts_on <= d.date and (e.ends_on is null or e.ends_on >= d.date) limit 1) = any(h.grades))
      order by h.starts_on desc limit 1),
    'lessons', coalesce((select json_agg(json_build_object(
      'lessonId', l.id, 'number', l.number, 'subjectName', l.subject_name, 'teacherName', l.teacher_name,
      'topic', l.topic, 'homework', l.homework, 'cancelled', l.cancelled,
      'marks', coalesce((select json_agg(json_build_object('id', m.id, 'value', m.value, 'workType', w.name,
                 'weight', w.weight, 'comment', m.comment, 'date', l.date) order by m.id)
                 from mark m join work_type w on w.id = m.work_type_id
                where m.lesson_id = l.id and m.pupil_id = params.pupil_id and m.removed_at is null), '[]'),
      'absence', (select json_build_object('code', ac.code, 'name', ac.name, 'reason', a.reason)
                    from attendance a join attendance_code ac on ac.id = a.code_id
                   where a.lesson_id = l.id and a.pupil_id = params.pupil_id))
      order by l.number, l.id) from les l where l.date = d.date), '[]')) order by d.date)
   from generate_series(params.week_start, params.week_end, interval '1 day') d(date)) as days
from params`;

export class DiaryService {
  /**
   * The week that contains `date`, Monday to Saturday, and Sunday too when a lesson falls on it (a
   * lesson added on a Sunday must reach the family): two SQL statements with the session.
   */
  async week({ em, viewer }: Scope, pupilId: string, date: string): Promise<DiaryWeek> {
    if (!viewer) throw unauthenticated();
    const weekday = (new Date(`${date}T00:00:00Z`).getUTCDay() + 6) % 7;
    const weekStart = addDays(date, -weekday);
    const weekEnd = addDays(weekStart, 6);
    // Prepared (decision 22): parsed and planned once per connection, not on every week read.
    const [row] = await prepared<{ pupil: PupilRow | null; days: DiaryWeek['days'] }>(
      em,
      WEEK_SQL,
      [weekStart, weekEnd, parseId('pupilId', pupilId), viewer.schoolId, weekStart],
    );
    // The data were read together with the pupil; nothing leaves unless the policy allows.
    const pupil = allowPupil(viewer, row.pupil);
    return {
      pupil,
      weekStart,
      days: row.days
        .filter((d, i) => i < 6 || d.lessons.length > 0)
        .map((d) => ({
          ...d,
          lessons: d.lessons.map((l) => ({
            ...l,
            marks: l.marks.map((m) => ({ ...m, weight: Number(m.weight) })),
          })),
        })),
    };
  }

  /** Every subject of a period: the pupil's marks, weighted average, class average and period mark. */
  async period(
    { em, viewer }: Scope,
    pupilId: string,
    periodId: string,
    today: string,
  ): Promise<DiaryPeriod> {
    const pupil = await requirePupil(em, viewer, pupilId, today);
    const [period] = await em.execute<
      { id: number; name: string; starts_on: string; ends_on: string }[]
    >(
      `select id, name, starts_on::text, ends_on::text from study_period where id = ? and school_id = ?`,
      [parseId('periodId', periodId), viewer!.schoolId],
    );
    if (!period) throw notFound();
    const rows = await em.execute<
      {
        course_id: number;
        subject_name: string;
        teacher_name: string;
        marks: (DiaryMark & { pupilId: number; score: number | null })[];
        period_mark: string | null;
        absences: number;
      }[]
    >(
      `select co.id as course_id, s.name as subject_name, concat_ws(' ', t.last_name, t.first_name, t.middle_name) as teacher_name,
              coalesce((select json_agg(json_build_object('id', m.id, 'pupilId', m.pupil_id, 'value', m.value, 'score', m.score,
                        'workType', w.name, 'weight', w.weight, 'comment', m.comment, 'date', l.date) order by l.date, m.id)
                 from lesson l join mark m on m.lesson_id = l.id and m.removed_at is null join work_type w on w.id = m.work_type_id
                where l.course_id = co.id and l.date between ?::date and ?::date), '[]') as marks,
              (select pm.value from period_mark pm where pm.course_id = co.id and pm.pupil_id = ? and pm.period_id = ?) as period_mark,
              (select count(*)::int from attendance a join lesson l on l.id = a.lesson_id join attendance_code ac on ac.id = a.code_id
                where l.course_id = co.id and a.pupil_id = ? and ac.kind <> 'LATE' and l.date between ?::date and ?::date) as absences
         from course co join subject s on s.id = co.subject_id join person t on t.id = co.teacher_id
        where co.school_id = ? and (co.subgroup_id is null or exists(select 1 from subgroup_member sm where sm.subgroup_id = co.subgroup_id and sm.pupil_id = ?)) and exists(select 1 from enrollment e where e.pupil_id = ? and e.class_group_id = co.class_group_id
                and e.starts_on <= ?::date and (e.ends_on is null or e.ends_on >= ?::date))
        order by s.name`,
      [
        period.starts_on,
        period.ends_on,
        pupil.id,
        period.id,
        pupil.id,
        period.starts_on,
        period.ends_on,
        viewer!.schoolId,
        pupil.id,
        pupil.id,
        period.ends_on,
        period.starts_on,
      ],
    );
    return {
      pupil,
      periodId: period.id,
      periodName: period.name,
      subjects: rows.map((r) => {
        const all = r.marks.map((m) => ({ ...m, weight: Number(m.weight) }));
        const own = all.filter((m) => m.pupilId === pupil.id);
        return {
          courseId: r.course_id,
          subjectName: r.subject_name,
          teacherName: r.teacher_name,
          // Only the pupil's own marks leave the server; the class's marks only as one average.
          marks: own.map(({ pupilId: _p, score: _s, ...m }) => m),
          average: weightedAverage(own),
          classAverage: weightedAverage(all),
          periodMark: r.period_mark,
          absences: r.absences,
        };
      }),
    };
  }

  /** Period marks and the year mark of every subject the pupil had this year. */
  async year(
    { em, viewer }: Scope,
    pupilId: string,
    academicYearId: string | null,
    today: string,
  ): Promise<DiaryYear> {
    const pupil = await requirePupil(em, viewer, pupilId, today);
    const [year] = await em.execute<{ id: number }[]>(
      academicYearId
        ? `select id from academic_year where id = ? and school_id = ?`
        : `select id from academic_year where school_id = ? order by (starts_on <= ? and ends_on >= ?) desc, starts_on desc limit 1`,
      academicYearId
        ? [parseId('academicYearId', academicYearId), viewer!.schoolId]
        : [viewer!.schoolId, today, today],
    );
    if (!year) throw badInput('academicYearId', 'NOT_FOUND', 'No such academic year');
    const periods = await em.execute<{ id: number; name: string }[]>(
      `select id, name from study_period where academic_year_id = ? order by starts_on`,
      [year.id],
    );
    const rows = await em.execute<
      { subject_name: string; marks: { periodId: number | null; value: string | null }[] }[]
    >(
      `select s.name as subject_name,
              coalesce((select json_agg(json_build_object('periodId', pm.period_id, 'value', pm.value))
                 from period_mark pm where pm.course_id = co.id and pm.pupil_id = ?), '[]') as marks
         from course co join subject s on s.id = co.subject_id
        where co.academic_year_id = ? and exists(select 1 from enrollment e where e.pupil_id = ? and e.class_group_id = co.class_group_id)
        order by s.name`,
      [pupil.id, year.id, pupil.id],
    );
    return {
      pupil,
      periodNames: periods.map((p) => p.name),
      subjects: rows.map((r) => ({
        subjectName: r.subject_name,
        periodMarks: periods.map((p) => r.marks.find((m) => m.periodId === p.id)?.value ?? null),
        yearMark: r.marks.find((m) => m.periodId === null)?.value ?? null,
      })),
    };
  }
}
