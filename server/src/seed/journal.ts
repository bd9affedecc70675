import { Faker, base, ru } from '@faker-js/faker';
import type { EntityManager } from '@mikro-orm/postgresql';
import { TimetableSlot } from '../modules/journal/timetable-slot.entity.js';
import { Lesson } from '../modules/journal/lesson.entity.js';
import { Mark } from '../modules/journal/mark.entity.js';
import { Attendance } from '../modules/journal/attendance.entity.js';
import { PeriodMark } from '../modules/journal/period-mark.entity.js';
import { AttendanceKind } from '../modules/journal/attendance-code.entity.js';
import { Course } from '../modules/school/course.entity.js';
import { StudyPeriod } from '../modules/school/study-period.entity.js';
import { Holiday } from '../modules/school/holiday.entity.js';
import { Enrollment } from '../modules/people/enrollment.entity.js';
import { suggestedMark, weightedAverage } from '../modules/journal/grading.js';
import type { Generated } from './generate.js';
import { topicFor, homeworkFor } from './topics.js';

export interface FillOptions {
  seed: number;
  /** The school's today: lessons up to it are held, with marks and absences. */
  today: string;
  /** Close the first period with period marks when it has ended. */
  closeFirstPeriod: boolean;
}

const iso = (d: Date) => d.toISOString().slice(0, 10);
const addDays = (s: string, n: number) =>
  iso(new Date(Date.parse(`${s}T00:00:00Z`) + n * 86_400_000));
const weekday = (s: string) => ((new Date(`${s}T00:00:00Z`).getUTCDay() + 6) % 7) + 1;

/** Rows as the database sees them (foreign keys as ids), inserted 1000 at a time. */
type Row = Record<string, unknown>;

async function insertAll(
  em: EntityManager,
  entity: new () => object,
  rows: Row[],
): Promise<number[]> {
  const meta = em.getMetadata().get(entity.name);
  const columns = (row: Row) =>
    Object.fromEntries(
      Object.entries(row).map(([k, v]) => [meta.properties[k]?.fieldNames?.[0] ?? k, v]),
    );
  const knex = em.getConnection().getKnex();
  const trx = em.getTransactionContext();
  const ids: number[] = [];
  for (let i = 0; i < rows.length; i += 1000) {
    let q = knex
      .insert(rows.slice(i, i + 1000).map(columns))
      .into(meta.tableName)
      .returning('id');
    if (trx) q = q.transacting(trx);
    ids.push(...((await q) as { id: number }[]).map((r) => r.id));
  }
  return ids;
}

interface SlotRow {
  course: Course;
  weekday: number;
  lessonNumber: number;
}

/** Fills days 1–5 from lesson 1 on, taking the first hour whose teacher is free at that time. */
function placeContiguously(
  hours: Course[],
  busy: Set<string>,
): { placed: SlotRow[]; remaining: Course[] } {
  const remaining = [...hours];
  const placed: SlotRow[] = [];
  const perDay = Math.ceil(hours.length / 5);
  for (let day = 1; day <= 5 && remaining.length > 0; day++) {
    const count = new Map<number, number>();
    for (let n = 1; n <= perDay && remaining.length > 0; n++) {
      const i = remaining.findIndex(
        (c) =>
          !busy.has(`${c.teacher.id}:${day}:${n}`) &&
          (count.get(c.id) ?? 0) < (c.hoursPerWeek >= 4 ? 2 : 1),
      );
      if (i < 0) break;
      const [course] = remaining.splice(i, 1);
      count.set(course.id, (count.get(course.id) ?? 0) + 1);
      placed.push({ course, weekday: day, lessonNumber: n });
    }
  }
  return { placed, remaining };
}

interface LessonRow {
  course: Course;
  seq: number;
  date: string;
  number: number;
  topic: string;
  homework: string | null;
  cancelled: boolean;
}

/**
 * Fills a generated school's journal up to `today` the way a real one is kept: a timetable from
 * the curriculum's weekly hours, lessons on school days, topics and homework, marks of the
 * school's work types at a realistic density and spread, absences with their codes, and a closed
 * first quarter with period marks.
 */
export async function fillJournal(em: EntityManager, g: Generated, o: FillOptions): Promise<void> {
  const faker = new Faker({ locale: [ru, base], seed: o.seed });
  const schoolId = g.school.id;
  em.setFilterParams('tenant', { schoolId });
  const courses = await em.find(
    Course,
    { school: schoolId },
    { populate: ['classGroup', 'subject'], orderBy: { id: 'asc' } },
  );
  const periods = await em.find(
    StudyPeriod,
    { academicYear: g.year.id },
    { orderBy: { startsOn: 'asc' } },
  );
  const holidays = await em.find(Holiday, { academicYear: g.year.id });
  const enrollments = await em.find(Enrollment, { school: schoolId });

  // 1. The timetable: each class's weekly hours over five days, lessons 1, 2, 3… without gaps,
  // one subject at most twice a day, and no teacher in two places at once. A few shuffles per
  // class; the one that leaves the fewest hours unplaced wins.
  const busy = new Set<string>();
  const slots: SlotRow[] = [];
  for (const cls of g.classes) {
    const hours = courses
      .filter((c) => c.classGroup.id === cls.id)
      .flatMap((c) => Array.from({ length: Math.round(c.hoursPerWeek) }, () => c));
    let best: { placed: SlotRow[]; remaining: Course[] } | undefined;
    for (let attempt = 0; attempt < 40 && (!best || best.remaining.length > 0); attempt++) {
      const tried = placeContiguously(faker.helpers.shuffle(hours), busy);
      if (!best || tried.remaining.length < best.remaining.length) best = tried;
    }
    for (const x of best!.placed) busy.add(`${x.course.teacher.id}:${x.weekday}:${x.lessonNumber}`);
    slots.push(...best!.placed);
    // What still did not fit goes to the first free number of the lightest day.
    const used = (d: number, n: number) =>
      slots.some(
        (x) => x.course.classGroup.id === cls.id && x.weekday === d && x.lessonNumber === n,
      );
    const length = (d: number) =>
      slots.filter((x) => x.course.classGroup.id === cls.id && x.weekday === d).length;
    for (const course of best!.remaining) {
      const days = [1, 2, 3, 4, 5].sort((a, b) => length(a) - length(b) || a - b);
      let place: { d: number; n: number } | undefined;
      for (let n = 1; n <= 10 && !place; n++) {
        const d = days.find(
          (day) => !used(day, n) && !busy.has(`${course.teacher.id}:${day}:${n}`),
        );
        if (d) place = { d, n };
      }
      if (!place) continue;
      busy.add(`${course.teacher.id}:${place.d}:${place.n}`);
      slots.push({ course, weekday: place.d, lessonNumber: place.n });
    }
  }
  await insertAll(
    em,
    TimetableSlot,
    slots.map((s) => ({
      school: schoolId,
      course: s.course.id,
      weekday: s.weekday,
      lessonNumber: s.lessonNumber,
      validFrom: g.year.startsOn,
      validTo: g.year.endsOn,
    })),
  );

  // 2. Lessons on every school day of every period, skipping holidays of the class's grade.
  const off = (date: string, grade: number) =>
    holidays.some(
      (h) => h.startsOn <= date && date <= h.endsOn && (!h.grades || h.grades.includes(grade)),
    );
  const lessonRows: LessonRow[] = [];
  const lessonCount = new Map<number, number>();
  for (const period of periods) {
    for (let date = period.startsOn; date <= period.endsOn; date = addDays(date, 1)) {
      const wd = weekday(date);
      for (const slot of slots) {
        const course = slot.course;
        if (slot.weekday !== wd || off(date, course.classGroup.getEntity().grade)) continue;
        const n = (lessonCount.get(course.id) ?? 0) + 1;
        lessonCount.set(course.id, n);
        const held = date <= o.today;
        lessonRows.push({
          course,
          seq: n,
          date,
          number: slot.lessonNumber,
          topic: topicFor(course.subject.getEntity().name, course.classGroup.getEntity().grade, n),
          homework:
            date <= addDays(o.today, 7) && faker.number.float() < 0.8
              ? homeworkFor(faker, course.subject.getEntity().name, n)
              : null,
          cancelled: held && faker.number.float() < 0.003,
        });
      }
    }
  }
  const lessonIds = await insertAll(
    em,
    Lesson,
    lessonRows.map(({ course, seq: _s, ...row }) => ({
      ...row,
      school: schoolId,
      course: course.id,
    })),
  );

  // 3. Marks and absences in held lessons, for pupils enrolled that day.
  const ability = new Map<number, number>();
  const pupilsOf = (classId: number, date: string) =>
    enrollments
      .filter(
        (e) => e.classGroup.id === classId && e.startsOn <= date && (!e.endsOn || e.endsOn >= date),
      )
      .map((e) => e.pupil.id);
  for (const e of enrollments) {
    if (!ability.has(e.pupil.id)) {
      ability.set(e.pupil.id, faker.number.float({ min: 2.9, max: 4.9 }));
    }
  }
  const codeOf = (kind: AttendanceKind) => g.codes.find((c) => c.kind === kind)!;
  const sickUntil = new Map<number, string>();
  const workType = (name: string) => g.workTypes.find((w) => w.name === name)!;
  const marks: { lesson: number; pupil: number; workType: number; value: string; score: number }[] =
    [];
  const absences: { lesson: number; pupil: number; code: number; reason?: string }[] = [];
  lessonRows.forEach((l, i) => {
    if (l.date > o.today || l.cancelled) return;
    const course = l.course;
    const cls = course.classGroup.getEntity();
    const test = l.seq % 9 === 0;
    const grade1 = cls.grade === 1; // first graders get no marks (no grading in grade 1)
    for (const pupil of pupilsOf(cls.id, l.date)) {
      const sick = sickUntil.get(pupil);
      if (sick && sick >= l.date) {
        absences.push({
          lesson: lessonIds[i],
          pupil,
          code: codeOf(AttendanceKind.SICK).id,
          reason: 'Справка',
        });
        continue;
      }
      const r = faker.number.float();
      if (r < 0.004) {
        sickUntil.set(pupil, addDays(l.date, faker.number.int({ min: 2, max: 7 })));
        absences.push({ lesson: lessonIds[i], pupil, code: codeOf(AttendanceKind.SICK).id });
        continue;
      }
      if (r < 0.009) {
        absences.push({ lesson: lessonIds[i], pupil, code: codeOf(AttendanceKind.ABSENT).id });
        continue;
      }
      if (r < 0.012) {
        absences.push({
          lesson: lessonIds[i],
          pupil,
          code: codeOf(AttendanceKind.EXCUSED).id,
          reason: 'Заявление родителей',
        });
        continue;
      }
      if (r < 0.016) {
        absences.push({ lesson: lessonIds[i], pupil, code: codeOf(AttendanceKind.LATE).id });
      }
      if (grade1 || (!test && faker.number.float() > 0.22)) continue;
      const score = Math.max(
        2,
        Math.min(5, Math.round(faker.number.float({ min: -0.9, max: 0.9 }) + ability.get(pupil)!)),
      );
      const kind = test
        ? workType('Контрольная работа')
        : faker.helpers.weightedArrayElement([
            { weight: 6, value: workType('Ответ на уроке') },
            { weight: 3, value: workType('Домашняя работа') },
            { weight: 2, value: workType('Самостоятельная работа') },
            { weight: 1, value: workType('Проверочная работа') },
          ]);
      marks.push({ lesson: lessonIds[i], pupil, workType: kind.id, value: String(score), score });
    }
  });
  await insertAll(
    em,
    Mark,
    marks.map((m) => ({ ...m, school: schoolId })),
  );
  await insertAll(
    em,
    Attendance,
    absences.map((a) => ({ reason: null, ...a, school: schoolId })),
  );

  // 4. A first quarter that has ended is closed with period marks from the suggested ones.
  const first = periods[0];
  if (o.closeFirstPeriod && first && first.endsOn < o.today) {
    const weights = new Map(g.workTypes.map((w) => [w.id, Number(w.weight)]));
    const lessonsById = new Map(lessonRows.map((l, i) => [lessonIds[i], l]));
    const scores = new Map<string, { score: number; weight: number }[]>();
    for (const m of marks) {
      const l = lessonsById.get(m.lesson)!;
      if (l.date > first.endsOn) continue;
      const key = `${l.course.id}:${m.pupil}`;
      scores.set(key, [
        ...(scores.get(key) ?? []),
        { score: m.score, weight: weights.get(m.workType) ?? 1 },
      ]);
    }
    const finals: Row[] = [];
    for (const [key, list] of scores) {
      const [courseId, pupilId] = key.split(':').map(Number);
      const mark = suggestedMark(weightedAverage(list), g.school.scaleMin, g.school.thresholds);
      finals.push({
        school: schoolId,
        course: courseId,
        pupil: pupilId,
        period: first.id,
        value: String(mark),
      });
    }
    await insertAll(em, PeriodMark, finals);
    await em.nativeUpdate(
      StudyPeriod,
      { id: first.id },
      { lockedAt: new Date(`${addDays(first.endsOn, 3)}T12:00:00Z`) },
    );
  }
}
