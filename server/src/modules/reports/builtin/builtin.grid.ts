import type { EntityManager } from '@mikro-orm/postgresql';
import type { Period } from './builtin.context.js';

/**
 * A class's pupils × courses period marks for a period, in one statement: the pupils on the list
 * at any time in the period (with the day one left), the class's courses (or the one asked for),
 * and the period marks as written («5», «зч», «н/а»).
 */

export interface Grid {
  pupils: { id: number; name: string; leftOn: string | null }[];
  courses: { id: number; name: string }[];
  /** `pupilId:courseId` → the period mark as written. */
  marks: Map<string, string>;
}

export async function classGrid(
  em: EntityManager,
  schoolId: number,
  classId: number,
  period: Period,
  courseId?: number,
): Promise<Grid> {
  const [row] = await em.execute<
    {
      pupils: Grid['pupils'] | null;
      courses: Grid['courses'] | null;
      marks: { k: string; v: string }[] | null;
    }[]
  >(
    `with pupils as (
       select e.pupil_id as id, concat_ws(' ', p.last_name, p.first_name, p.middle_name) as name,
              case when bool_and(e.ends_on is not null) and max(e.ends_on) < ?::date then max(e.ends_on)::text end as "leftOn"
         from enrollment e join person p on p.id = e.pupil_id
        where e.school_id = ? and e.class_group_id = ? and e.starts_on <= ?::date
          and (e.ends_on is null or e.ends_on >= ?::date)
        group by e.pupil_id, p.last_name, p.first_name, p.middle_name),
     courses as (
       select co.id, concat_ws(' ', s.name, '(' || sg.name || ')') as name
         from course co join subject s on s.id = co.subject_id left join subgroup sg on sg.id = co.subgroup_id
        where co.school_id = ? and co.class_group_id = ? and (?::int is null or co.id = ?::int))
     select (select json_agg(p order by p.name, p.id) from pupils p) as pupils,
            (select json_agg(c order by c.name, c.id) from courses c) as courses,
            (select json_agg(json_build_object('k', pm.pupil_id || ':' || pm.course_id, 'v', pm.value))
               from period_mark pm
              where pm.school_id = ? and pm.period_id = ? and pm.value is not null
                and pm.course_id in (select id from courses) and pm.pupil_id in (select id from pupils)) as marks`,
    [
      period.endsOn,
      schoolId,
      classId,
      period.endsOn,
      period.startsOn,
      schoolId,
      classId,
      courseId ?? null,
      courseId ?? null,
      schoolId,
      period.id,
    ],
  );
  return {
    pupils: row.pupils ?? [],
    courses: row.courses ?? [],
    marks: new Map((row.marks ?? []).map((m) => [m.k, m.v])),
  };
}
