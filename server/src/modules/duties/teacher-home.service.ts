import { policy } from '../../auth/policy.js';
import { forbidden, unauthenticated } from '../../errors.js';
import type { Clock } from '../../clock.js';
import type { Scope } from '../../scope.js';
import {
  controlParts,
  HEALTH_JOINS,
  HEALTH_JSON,
  openRemarksSql,
  type ControlParts,
} from './account.queries.js';
import type {
  DutyCourseHealth,
  DutyRemark,
  TeacherHomePage,
  TeacherLesson,
} from './duties.types.js';

/**
 * The bell times by lesson number (DOMAIN-DATA §3, the demo's 45-minute lessons). The school has
 * no bell schedule of its own yet; they only pick which of today's lessons is "current".
 */
export const BELLS: Record<number, [string, string]> = {
  1: ['08:30', '09:15'],
  2: ['09:25', '10:10'],
  3: ['10:30', '11:15'],
  4: ['11:35', '12:20'],
  5: ['12:30', '13:15'],
  6: ['13:25', '14:10'],
  7: ['14:20', '15:05'],
  8: ['15:15', '16:00'],
};

/**
 * One statement: the teacher's lessons today (their own courses' not given to a substitute, and
 * those they substitute in), their courses' journal health over the year so far, and the control
 * remarks addressed to them that wait for an answer. Parameters: today, teacher, school.
 */
function homeSql(parts: ControlParts): string {
  return `
with s as (select sc.id as school, ?::date as today, ?::int as me, sc.time_zone as tz
             from school sc where sc.id = ?),
y as (select ay.starts_on from academic_year ay, s
       where ay.school_id = s.school and ay.starts_on <= s.today order by ay.starts_on desc limit 1)
select json_build_object(
  'healthFrom', coalesce((select starts_on from y), s.today),
  'lessons', coalesce((select json_agg(json_build_object('id', l.id::text, 'courseId', co.id::text,
      'number', l.number, 'className', cg.grade || cg.letter, 'subject', sj.name, 'topic', l.topic,
      'homework', l.homework, 'version', l.version) order by l.number, cg.grade, cg.letter, l.id)
    from lesson l join course co on co.id = l.course_id join class_group cg on cg.id = co.class_group_id
    join subject sj on sj.id = co.subject_id
   where l.school_id = s.school and l.date = s.today and not l.cancelled
     and (co.teacher_id = s.me and l.substitute_id is null or l.substitute_id = s.me)), '[]'),
  'health', ${
    parts.health
      ? `(select coalesce(json_agg(${HEALTH_JSON} order by hc.grade, hc.letter, hs.name), '[]')
           from y, journal_health_of_courses(s.school, y.starts_on, s.today, array(
                  select c.id from course c where c.school_id = s.school and c.teacher_id = s.me)) h
                ${HEALTH_JOINS})`
      : 'null'
  },
  'remarks', ${openRemarksSql(parts, 's.me')}) as page
  from s`;
}

type Raw = Omit<TeacherHomePage, 'lessons' | 'remarks' | 'today'> & {
  lessons: Omit<TeacherLesson, 'current' | 'time'>[];
  remarks: (Omit<DutyRemark, 'answeredAt'> & { answeredAt: string | null })[] | null;
  health: DutyCourseHealth[] | null;
};

/** The lesson in progress at `time` (HH:MM), else the next to begin: it goes first. */
export function currentFirst(
  lessons: Omit<TeacherLesson, 'current' | 'time'>[],
  time: string,
): TeacherLesson[] {
  const timed = lessons.map((l) => {
    const bell = BELLS[l.number];
    return { ...l, time: bell ? `${bell[0]}–${bell[1]}` : null, current: false };
  });
  const current =
    timed.find((l) => BELLS[l.number] && BELLS[l.number][0] <= time && time < BELLS[l.number][1]) ??
    timed.find((l) => BELLS[l.number] && time < BELLS[l.number][0]);
  if (!current) return timed;
  current.current = true;
  return [current, ...timed.filter((l) => l !== current)];
}

/** The teacher's working home page (R-6.2). */
export class TeacherHomeService {
  constructor(private readonly clock: Clock) {}

  async page({ em, viewer }: Scope, today: string, timeZone: string): Promise<TeacherHomePage> {
    if (!viewer) throw unauthenticated();
    if (!policy.isStaff(viewer)) throw forbidden();
    const parts = await controlParts(em);
    const [row] = await em.execute<{ page: Raw }[]>(homeSql(parts), [
      today,
      viewer.personId,
      viewer.schoolId,
    ]);
    const time = new Intl.DateTimeFormat('en-GB', {
      timeZone,
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    }).format(this.clock.now());
    const page = row.page;
    return {
      today,
      healthFrom: page.healthFrom,
      lessons: currentFirst(page.lessons, time),
      health: page.health,
      remarks:
        page.remarks?.map((r) => ({
          ...r,
          answeredAt: r.answeredAt ? new Date(r.answeredAt) : null,
        })) ?? null,
    };
  }
}
