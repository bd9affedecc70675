import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, DEMO_TODAY, type TestApp } from './helpers.js';
import { factory, type Factory, type MadeSchool } from './factory.js';

/** The test data factory: its defaults make a school the app accepts as it is. */
let t: TestApp;
let f: Factory;
let school: MadeSchool;
beforeAll(async () => {
  t = await createTestApp({ demo: false });
  f = factory(t);
  school = await f.newSchool();
});
afterAll(() => t.close());

const WEEK = `query($p:ID!,$d:LocalDate!){diaryWeek(pupilId:$p,date:$d){pupil{className} weekStart
  days{date lessons{lessonId subjectName marks{value workType}}}}}`;
const PAGE = `query($c:ID!,$p:ID!){journalPage(courseId:$c,periodId:$p){className subjectName canWrite
  pupils{id enrolled{from to}} lessons{id date} marks{lessonId pupilId value}}}`;
type Week = {
  diaryWeek: {
    pupil: { className: string };
    weekStart: string;
    days: { date: string; lessons: { lessonId: string; marks: { value: string }[] }[] }[];
  };
};

describe('the test data factory', () => {
  it('makes a school year around the tests’ today, with quarters and journal defaults', () => {
    expect(school.startsOn <= DEMO_TODAY && DEMO_TODAY <= school.endsOn).toBe(true);
    expect(school.periods.map((p) => p.name)).toEqual([
      'I четверть',
      'II четверть',
      'III четверть',
      'IV четверть',
    ]);
    expect(Object.keys(school.workTypes)).toContain('Ответ на уроке');
    expect(Object.keys(school.codes)).toEqual(['Н', 'Б', 'П', 'О']);
  });

  it("lets a made parent see the child's week with a made mark", async () => {
    const cls = await f.newClass({ grade: 5 });
    const pupil = await f.newPupil({ classGroup: cls });
    const parent = await f.newParent({ children: [pupil] });
    const course = await f.newCourse({ classGroup: cls, subject: 'Математика' });
    const lesson = await f.newLesson({ course, date: '2026-11-24' });
    await f.newMark({ lesson, pupil, value: '4', workType: 'Контрольная работа' });
    const r = await (await parent.client()).request<Week>(WEEK, { p: pupil.id, d: DEMO_TODAY });
    expect(r.errors).toBeUndefined();
    expect(r.data!.diaryWeek.pupil.className).toBe('5А');
    const tuesday = r.data!.diaryWeek.days.find((d) => d.date === '2026-11-24')!;
    expect(tuesday.lessons).toEqual([
      {
        lessonId: lesson.id,
        subjectName: 'Математика',
        marks: [{ value: '4', workType: 'Контрольная работа' }],
      },
    ]);
  });

  it('lets a made teacher read and write the journal of their own course', async () => {
    const teacher = await f.newTeacher();
    const cls = await f.newClass({ grade: 5 });
    const pupil = await f.newPupil({ classGroup: cls });
    const course = await f.newCourse({ classGroup: cls, subject: 'Алгебра', teacher });
    const slot = await f.newSlot({ course, weekday: 3, number: 2 });
    await f.newMark({ lesson: slot.lessons[0], pupil });
    const r = await (
      await teacher.client()
    ).request<{
      journalPage: {
        className: string;
        canWrite: boolean;
        lessons: { id: string }[];
        marks: { lessonId: string; pupilId: string; value: string }[];
      };
    }>(PAGE, { c: course.id, p: school.periods[0].id });
    expect(r.errors).toBeUndefined();
    const page = r.data!.journalPage;
    expect(page).toMatchObject({ className: '5Б', canWrite: true });
    // Wednesdays of the I quarter: 1 September 2026 is a Tuesday, the quarter ends on 24 October.
    expect(page.lessons).toHaveLength(8);
    expect(page.marks).toEqual([{ lessonId: slot.lessons[0].id, pupilId: pupil.id, value: '5' }]);
  });

  it('keeps a pupil who joined yesterday out of the earlier lessons', async () => {
    const cls = await f.newClass({ grade: 6 });
    const teacher = await f.newTeacher();
    const course = await f.newCourse({ classGroup: cls, teacher });
    const monday = await f.newLesson({ course, date: '2026-11-23' });
    const friday = await f.newLesson({ course, date: '2026-11-27' });
    const newcomer = await f.newPupil({ classGroup: cls, enrolledFrom: '2026-11-27' });
    const r = await (
      await newcomer.client()
    ).request<Week>(WEEK, { p: newcomer.id, d: DEMO_TODAY });
    const seen = r.data!.diaryWeek.days.flatMap((d) => d.lessons.map((l) => l.lessonId));
    expect(seen).toEqual([friday.id]);
    const SAVE = `mutation($c:[MarkChangeInput!]!){setMarks(changes:$c){saved{id}}}`;
    const mark = (lessonId: string) => ({
      lessonId,
      pupilId: newcomer.id,
      value: '5',
      workTypeId: school.workTypes['Ответ на уроке'],
    });
    const w = await (await teacher.client()).request(SAVE, { c: [mark(monday.id)] });
    expect((w.errors?.[0].extensions?.entries as { reason: string }[])[0].reason).toBe(
      'NOT_ENROLLED',
    );
    const ok = await (await teacher.client()).request(SAVE, { c: [mark(friday.id)] });
    expect(ok.errors).toBeUndefined();
  });

  it('makes a pupil who has left, a class of one and an empty period as asked', async () => {
    const cls = await f.newClass({ grade: 9 });
    const leaver = await f.newPupil({ classGroup: cls, leftOn: '2026-11-15' });
    const teacher = await f.newTeacher();
    const course = await f.newCourse({ classGroup: cls, teacher });
    const r = await (
      await teacher.client()
    ).request<{
      journalPage: { pupils: { id: string; enrolled: unknown }[]; lessons: unknown[] };
    }>(PAGE, { c: course.id, p: school.periods[2].id });
    expect(r.data!.journalPage.lessons).toEqual([]);
    const q2 = await (
      await teacher.client()
    ).request<{ journalPage: { pupils: { id: string; enrolled: unknown }[] } }>(PAGE, {
      c: course.id,
      p: school.periods[1].id,
    });
    expect(q2.data!.journalPage.pupils).toEqual([
      { id: leaver.id, enrolled: [{ from: '2026-09-01', to: '2026-11-15' }] },
    ]);
  });
});
