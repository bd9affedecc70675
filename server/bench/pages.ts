/**
 * The journal page and the diary week as the benchmarks read them: the GraphQL document, the
 * signed-in person and the page statement's parameters for the bare baseline
 * (`servers/baseline.ts`), found on the benchmark school. Shared by `run.ts` (journal, diary) and
 * `profile.ts`.
 */
import type { MikroORM } from '@mikro-orm/postgresql';

export interface Scenario {
  name: 'journal' | 'diary';
  login: string;
  /** The person signed in as `login`, for a session without the password (`benchSession`). */
  personId: number;
  query: string;
  variables: Record<string, unknown>;
  sqlParams: unknown[];
  describe: string;
}

export const JOURNAL_QUERY = `query Journal($c:ID!,$p:ID!){journalPage(courseId:$c,periodId:$p){courseId className subjectName teacherName
  periodId periodName startsOn endsOn locked canWrite
  pupils{id lastName firstName middleName enrolled{from to}}
  lessons{id date number topic homework cancelled substituteId version}
  marks{id lessonId pupilId value score workTypeId comment version}
  attendance{id lessonId pupilId codeId reason version}
  results{pupilId average suggested periodMark periodMarkVersion}
  workTypes{id name shortName weight sort active} attendanceCodes{id code name kind active}}}`;

export const DIARY_QUERY = `query Week($p:ID!,$d:LocalDate!){diaryWeek(pupilId:$p,date:$d){pupil{id fullName className} weekStart
  days{date holiday lessons{lessonId number subjectName teacherName topic homework cancelled
  marks{id value workType weight comment date} absence{code name reason}}}}}`;

export async function journalScenario(orm: MikroORM): Promise<Scenario> {
  // The page closest to 30 pupils × 60 lessons: the course and period with about 60 lessons.
  const [row] = await orm.em.execute<
    {
      course_id: number;
      period_id: number;
      n: number;
      login: string;
      person_id: number;
      school_id: number;
      year_id: number;
      class_id: number;
      pupils: number;
    }[]
  >(
    `select l.course_id, sp.id as period_id, count(*)::int as n, a.login, a.person_id, co.school_id, co.academic_year_id as year_id,
            co.class_group_id as class_id,
            (select count(*)::int from enrollment e where e.class_group_id = co.class_group_id) as pupils
       from lesson l join course co on co.id = l.course_id join school s on s.id = co.school_id and s.name like 'Бенчмарк%'
       join study_period sp on sp.academic_year_id = co.academic_year_id and l.date between sp.starts_on and sp.ends_on
       join user_account a on a.person_id = co.teacher_id
      group by 1, 2, 4, 5, 6, 7, 8 order by abs(count(*) - 60), count(*) desc limit 1`,
  );
  return {
    name: 'journal',
    login: row.login,
    personId: row.person_id,
    query: JOURNAL_QUERY,
    variables: { c: String(row.course_id), p: String(row.period_id) },
    sqlParams: [
      row.period_id,
      row.school_id,
      row.year_id,
      row.course_id,
      row.school_id,
      row.class_id,
      row.course_id,
      row.course_id,
      row.school_id,
      row.school_id,
    ],
    describe: `journal page: ${row.pupils} pupils × ${row.n} lessons`,
  };
}

export async function diaryScenario(orm: MikroORM): Promise<Scenario> {
  const [row] = await orm.em.execute<
    { pupil_id: number; guardian_id: number; school_id: number; monday: string }[]
  >(
    `select g.pupil_id, g.guardian_id, a.school_id,
            (select (sp.starts_on + ((8 - extract(isodow from sp.starts_on)::int) % 7) + 14)::text from study_period sp
              where sp.academic_year_id = (select id from academic_year y where y.school_id = a.school_id limit 1)
              order by sp.starts_on offset 2 limit 1) as monday
       from user_account a join guardianship g on g.guardian_id = a.person_id where a.login = 'bench.parent' limit 1`,
  );
  const sunday = new Date(Date.parse(`${row.monday}T00:00:00Z`) + 6 * 86_400_000)
    .toISOString()
    .slice(0, 10);
  return {
    name: 'diary',
    login: 'bench.parent',
    personId: row.guardian_id,
    query: DIARY_QUERY,
    variables: { p: String(row.pupil_id), d: row.monday },
    sqlParams: [row.monday, sunday, row.pupil_id, row.school_id, row.monday],
    describe: `parent's week view (${row.monday})`,
  };
}
