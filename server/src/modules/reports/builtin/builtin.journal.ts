import type { EntityManager } from '@mikro-orm/postgresql';
import { formatDay } from '../../../documents/pdf.js';
import type { Lang } from '../../../graphql/enums.js';
import type { DocumentTable } from '../report.document.js';
import type { CourseInfo, Period } from './builtin.context.js';
import type { Built } from './builtin.reports.js';
import { BUILTIN_TEXTS } from './builtin.texts.js';

/**
 * The archive copy of a course's journal for a period, laid out as the paper journal: spreads of
 * up to DATES_PER_SPREAD lessons, the left page pupils × dates (marks, attendance codes) and the
 * facing page the same lessons' dates, topics and homework. Read in one statement.
 */

const DATES_PER_SPREAD = 25;

interface Data {
  pupils: { id: number; name: string }[] | null;
  lessons: { id: number; date: string; topic: string | null; homework: string | null }[] | null;
  cells: { l: number; p: number; v: string }[] | null;
  finals: { p: number; v: string }[] | null;
}

async function read(
  em: EntityManager,
  schoolId: number,
  course: CourseInfo,
  period: Period,
): Promise<Data> {
  const [row] = await em.execute<Data[]>(
    `with co as (select * from course where id = ? and school_id = ?),
     pupils as (
       select distinct p.id, concat_ws(' ', p.last_name, p.first_name, p.middle_name) as name
         from co join enrollment e on e.class_group_id = co.class_group_id join person p on p.id = e.pupil_id
        where e.starts_on <= ?::date and (e.ends_on is null or e.ends_on >= ?::date)
          and (co.subgroup_id is null or exists (select 1 from subgroup_member sm
                where sm.subgroup_id = co.subgroup_id and sm.pupil_id = e.pupil_id))),
     lessons as (
       select l.id, l.date::text as date, l.number, l.topic, l.homework from lesson l join co on co.id = l.course_id
        where l.school_id = ? and not l.cancelled and l.date between ?::date and ?::date)
     select (select json_agg(p order by p.name, p.id) from pupils p) as pupils,
            (select json_agg(json_build_object('id', l.id, 'date', l.date, 'topic', l.topic, 'homework', l.homework)
               order by l.date, l.number) from lessons l) as lessons,
            (select json_agg(json_build_object('l', x.lesson_id, 'p', x.pupil_id, 'v', x.v)) from (
               select m.lesson_id, m.pupil_id, m.value as v from mark m
                where m.school_id = ? and m.removed_at is null and m.lesson_id in (select id from lessons)
               union all
               select a.lesson_id, a.pupil_id, ac.code from attendance a join attendance_code ac on ac.id = a.code_id
                where a.school_id = ? and a.lesson_id in (select id from lessons)) x) as cells,
            (select json_agg(json_build_object('p', pm.pupil_id, 'v', pm.value)) from period_mark pm
              where pm.school_id = ? and pm.course_id = ? and pm.period_id = ? and pm.value is not null) as finals`,
    [
      course.id,
      schoolId,
      period.endsOn,
      period.startsOn,
      schoolId,
      period.startsOn,
      period.endsOn,
      schoolId,
      schoolId,
      schoolId,
      course.id,
      period.id,
    ],
  );
  return row;
}

export async function journalArchive(
  em: EntityManager,
  schoolId: number,
  course: CourseInfo,
  period: Period,
  lang: Lang,
): Promise<Built> {
  const t = BUILTIN_TEXTS[lang];
  const data = await read(em, schoolId, course, period);
  const pupils = data.pupils ?? [];
  const lessons = data.lessons ?? [];
  const cells = new Map<string, string[]>();
  for (const c of data.cells ?? []) {
    const k = `${c.p}:${c.l}`;
    cells.set(k, [...(cells.get(k) ?? []), c.v]);
  }
  const finals = new Map((data.finals ?? []).map((f) => [f.p, f.v]));
  const day = (date: string) =>
    formatDay(date, lang)
      .slice(0, 5)
      .replace(/^(\d{4})-/, '');
  const tables: DocumentTable[] = [];
  for (let i = 0; i === 0 || i < lessons.length; i += DATES_PER_SPREAD) {
    const spread = lessons.slice(i, i + DATES_PER_SPREAD);
    const last = i + DATES_PER_SPREAD >= lessons.length;
    tables.push({
      title: null,
      columns: [
        { label: t.pupil, unit: 'TEXT' },
        ...spread.map((l) => ({ label: day(l.date), unit: 'TEXT' as const })),
        ...(last ? [{ label: t.periodMark, unit: 'TEXT' as const }] : []),
      ],
      rows: pupils.map((p) => [
        p.name,
        ...spread.map((l) => cells.get(`${p.id}:${l.id}`)?.join(' ') ?? null),
        ...(last ? [finals.get(p.id) ?? null] : []),
      ]),
      total: null,
    });
    tables.push({
      title: t.lessonsTable,
      pageBreak: true,
      columns: [
        { label: t.dates, unit: 'TEXT' },
        { label: t.topic, unit: 'TEXT' },
        { label: t.homework, unit: 'TEXT' },
      ],
      rows: spread.map((l) => [formatDay(l.date, lang), l.topic, l.homework]),
      total: null,
    });
  }
  return {
    title: t.journalTitle(course.name, period.name),
    lines: [
      t.period(period.startsOn, period.endsOn),
      ...(course.teacherName ? [t.teacher(course.teacherName)] : []),
    ],
    tables,
  };
}
