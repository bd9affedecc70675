import type { EntityManager } from '@mikro-orm/postgresql';
import { badInput } from '../../../errors.js';

/** What a built-in report is about, read within the viewer's school: the period, course, class. */

export interface Period {
  id: number;
  name: string;
  startsOn: string;
  endsOn: string;
  /** The period before it in the same year, for comparisons; null for the first. */
  previous: { id: number; name: string } | null;
}

export interface CourseInfo {
  id: number;
  classId: number;
  className: string;
  subjectName: string;
  /** «7А, Алгебра (1 группа)». */
  name: string;
  teacherName: string | null;
}

export interface ClassInfo {
  id: number;
  name: string;
  teacherName: string | null;
}

/** An id argument: digits, else BAD_USER_INPUT naming it. */
export function idArg(value: string | null | undefined, field: string): number {
  if (value == null) throw badInput(field, 'REQUIRED', 'This report needs it');
  if (!/^[1-9][0-9]{0,9}$/.test(value)) throw badInput(field, 'INVALID_ID', 'Not an id');
  return Number(value);
}

const NAME = `concat_ws(' ', p.last_name, p.first_name, p.middle_name)`;

export async function loadPeriod(em: EntityManager, schoolId: number, id: number): Promise<Period> {
  const [row] = await em.execute<
    (Omit<Period, 'previous'> & { prev_id: number | null; prev_name: string | null })[]
  >(
    `select sp.id, sp.name, sp.starts_on::text as "startsOn", sp.ends_on::text as "endsOn",
            pr.id as prev_id, pr.name as prev_name
       from study_period sp
       join academic_year y on y.id = sp.academic_year_id and y.school_id = ?
       left join lateral (select p2.id, p2.name from study_period p2
          where p2.academic_year_id = sp.academic_year_id and p2.ends_on < sp.starts_on
          order by p2.ends_on desc limit 1) pr on true
      where sp.id = ?`,
    [schoolId, id],
  );
  if (!row) throw badInput('input.periodId', 'INVALID_ID', 'No such study period in this school');
  const { prev_id, prev_name, ...period } = row;
  return { ...period, previous: prev_id ? { id: prev_id, name: prev_name! } : null };
}

export async function loadCourse(
  em: EntityManager,
  schoolId: number,
  id: number,
): Promise<CourseInfo> {
  const [row] = await em.execute<CourseInfo[]>(
    `select co.id, co.class_group_id as "classId", cg.grade || cg.letter as "className",
            s.name as "subjectName",
            concat_ws(' ', cg.grade || cg.letter || ',', s.name, '(' || sg.name || ')') as name,
            (select ${NAME} from person p where p.id = co.teacher_id) as "teacherName"
       from course co join class_group cg on cg.id = co.class_group_id
       join subject s on s.id = co.subject_id left join subgroup sg on sg.id = co.subgroup_id
      where co.id = ? and co.school_id = ?`,
    [id, schoolId],
  );
  if (!row) throw badInput('input.courseId', 'INVALID_ID', 'No such course in this school');
  return row;
}

export async function loadClass(
  em: EntityManager,
  schoolId: number,
  id: number,
): Promise<ClassInfo> {
  const [row] = await em.execute<ClassInfo[]>(
    `select cg.id, cg.grade || cg.letter as name,
            (select ${NAME} from person p where p.id = cg.class_teacher_id) as "teacherName"
       from class_group cg where cg.id = ? and cg.school_id = ?`,
    [id, schoolId],
  );
  if (!row) throw badInput('input.classGroupId', 'INVALID_ID', 'No such class in this school');
  return row;
}

/** Attendance codes of the school: which are absences with a valid reason (sick, excused), which without. */
export async function codeKinds(em: EntityManager, schoolId: number): Promise<Map<string, string>> {
  const rows = await em.execute<{ id: number; kind: string }[]>(
    'select id, kind from attendance_code where school_id = ?',
    [schoolId],
  );
  return new Map(rows.map((r) => [String(r.id), r.kind]));
}
