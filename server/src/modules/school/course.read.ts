import type { EntityManager } from '@mikro-orm/postgresql';
import { pgIntArray, prepared } from '../../db/prepared.js';
import { Staff } from '../../graphql/types.js';
import { fullNameOf, shortNameOf } from '../people/person.entity.js';
import type { Role } from '../../auth/role.js';

/**
 * The course list as a read model (decision 50): one statement reads the courses with their class,
 * subject, subgroup and teacher, and the GraphQL objects are built from its rows without the
 * unit of work (no hydration, no identity map). The objects have the GraphQL types' fields as
 * values and their references as `{ id }`, as entities do, so the types' field resolvers answer
 * for both: an embedded value at once, a bare reference through a batched loader.
 */

/** A class as the `ClassGroup` type answers it, read without the unit of work. */
export class ClassGroupView {
  id!: number;
  grade!: number;
  letter!: string;
  name!: string;
  academicYear!: { id: number };
  classTeacher!: { id: number } | null;
}

/** A subject as the `Subject` type answers it. */
export class SubjectView {
  id!: number;
  name!: string;
  shortName!: string | null;
}

/** A course of the read model; a reference outside the course's school is null (never shown). */
export interface CourseRow {
  id: number;
  hoursPerWeek: number;
  classGroup: ClassGroupView | null;
  subject: SubjectView | null;
  teacher: Staff | null;
  subgroup: { id: number } | null;
  subgroupName: string | null;
}

/** A course's row; a reference's columns are null when it points outside the course's school. */
interface Row {
  id: number;
  hours: number;
  subgroup_id: number | null;
  subgroup_name: string | null;
  c_id: number | null;
  c_grade: number;
  c_letter: string;
  c_year: number;
  c_teacher: number | null;
  s_id: number | null;
  s_name: string;
  s_short: string | null;
  t_id: number | null;
  t_last: string;
  t_first: string;
  t_middle: string | null;
  t_login: string | null;
  t_roles: Role[];
}

/**
 * The year's courses (or one class's, `classId`), of one school, ordered as the entity path did:
 * by class (grade, letter) and subject name. With neither a class nor a year, the year is the one
 * `CalendarService.currentYear` picks, chosen in the same statement.
 */
const LIST_SQL = `
with y as (
  select id from academic_year where school_id = ?
   order by (starts_on <= ?::date and ?::date <= ends_on) desc, (starts_on > ?::date) desc,
            case when starts_on > ?::date then starts_on end, starts_on desc
   limit 1)
select co.id, co.hours_per_week as hours, co.subgroup_id, sg.name as subgroup_name,
       c.id as c_id, c.grade as c_grade, c.letter as c_letter, c.academic_year_id as c_year,
       c.class_teacher_id as c_teacher, s.id as s_id, s.name as s_name, s.short_name as s_short,
       t.id as t_id, t.last_name as t_last, t.first_name as t_first, t.middle_name as t_middle,
       (select a.login from user_account a where a.person_id = t.id) as t_login,
       array(select g.role::text from role_grant g where g.person_id = t.id) as t_roles
  from course co
  left join class_group c on c.id = co.class_group_id and c.school_id = co.school_id
  left join subject s on s.id = co.subject_id and s.school_id = co.school_id
  left join person t on t.id = co.teacher_id and t.school_id = co.school_id
  left join subgroup sg on sg.id = co.subgroup_id and sg.school_id = co.school_id
 where co.school_id = ?
   and (case when ?::int[] is not null then co.id = any(?::int[])
             when ?::int is not null then co.class_group_id = ?::int
             else co.academic_year_id = coalesce(?::int, (select id from y)) end)
 order by c.grade, c.letter, s.name`;

// Every reference is read with the course's school, as the tenant filter reads it (decision 24):
// one that points across schools (data that should not exist) is left null, and the non-null
// field fails there, as it failed through the entities.

/**
 * Courses by id (`ids`: those a teacher teaches, in every year), of a class (`classId`), of a year
 * (`yearId`), or of the current year (none of them).
 */
export async function readCourses(
  em: EntityManager,
  schoolId: number,
  today: string | null,
  filter: { ids?: readonly number[]; classId?: number | null; yearId?: number | null },
): Promise<CourseRow[]> {
  const { classId = null, yearId = null } = filter;
  const ids = filter.ids ? pgIntArray(filter.ids) : null;
  const rows = await prepared<Row>(em, LIST_SQL, [
    schoolId,
    ...[today, today, today, today],
    schoolId,
    ...[ids, ids],
    ...[classId, classId],
    yearId,
  ]);
  return rows.map(toCourse);
}

/** A class from its columns (`classGroupView({ id, grade, letter, year, teacher })`). */
export function classGroupView(c: {
  id: number;
  grade: number;
  letter: string;
  year: number;
  teacher: number | null;
}): ClassGroupView {
  return Object.assign(new ClassGroupView(), {
    id: c.id,
    grade: c.grade,
    letter: c.letter,
    name: `${c.grade}${c.letter}`,
    academicYear: { id: c.year },
    classTeacher: c.teacher === null ? null : { id: c.teacher },
  });
}

function toCourse(r: Row): CourseRow {
  const classGroup =
    r.c_id === null
      ? null
      : classGroupView({
          id: r.c_id,
          grade: r.c_grade,
          letter: r.c_letter,
          year: r.c_year,
          teacher: r.c_teacher,
        });
  const subject =
    r.s_id === null
      ? null
      : Object.assign(new SubjectView(), { id: r.s_id, name: r.s_name, shortName: r.s_short });
  return {
    id: r.id,
    hoursPerWeek: r.hours,
    classGroup,
    subject,
    teacher: r.t_id === null ? null : staffOf(r, r.t_id),
    subgroup: r.subgroup_id === null ? null : { id: r.subgroup_id },
    subgroupName: r.subgroup_name,
  };
}

function staffOf(r: Row, id: number): Staff {
  const names = { lastName: r.t_last, firstName: r.t_first, middleName: r.t_middle };
  return Object.assign(new Staff(), {
    id,
    ...names,
    fullName: fullNameOf(names),
    shortName: shortNameOf(names),
    login: r.t_login,
    roles: r.t_roles,
  });
}
