import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphql, launchBrowser, openPage, PHONE, screenshot, signInAs } from './browser';

/**
 * A frost morning (issue 15): the director declares a cancelled-class day for grades 1–4 from the
 * temperature; the parent of a 3rd-grader, with the diary open on a phone, sees the banner without
 * reloading; the 7th-grader's diary shows none. Widened to the 7th grade, the algebra teacher sees
 * the banner live and posts the lesson's material with a file and a task; the parent downloads the
 * file and sees the task owed in the diary; the pupil marks it done with the work attached, the
 * teacher's table shows the tick and the file, the parent's owed list empties live, the class
 * teacher's table across subjects shows the tick, and the journal marks the lesson remote.
 */

/** A 1×1 PNG: the file the teacher attaches. */
const PNG = Buffer.from(
  '89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8ffff3f0005fe02fea7d6a4e10000000049454e44ae426082',
  'hex',
);

let browser: Browser;
const contexts: BrowserContext[] = [];
let director: Page | undefined;

beforeAll(async () => {
  browser = await launchBrowser();
});

afterAll(async () => {
  // Other suites use today's lessons: the day goes back to ordinary.
  if (director) {
    const { cancelledDays } = await graphql<{ cancelledDays: { id: string }[] }>(
      director,
      '{cancelledDays{id}}',
    );
    for (const day of cancelledDays) {
      await graphql(director, 'mutation($id:ID!){withdrawCancelledDay(id:$id)}', { id: day.id });
    }
  }
  await Promise.all(contexts.splice(0).map((context) => context.close()));
  await browser?.close();
});

async function open(login: string, viewport = PHONE): Promise<Page> {
  const opened = await openPage(browser, { viewport });
  contexts.push(opened.context);
  await signInAs(opened.page, login);
  return opened.page;
}

async function openDiary(page: Page, path = '/diary'): Promise<void> {
  await page.goto(path);
  await expect
    .poll(() => page.getByTestId('cancelled-day-feed').getAttribute('data-status'), {
      timeout: 20_000,
    })
    .toBe('live');
}

describe('cancelled-class day', () => {
  it('reaches the 3rd-grader’s parent live, and not the 7th grade', async () => {
    const parent = await open('parent');
    const pupil7 = await open('pupil');
    await Promise.all([openDiary(parent), openDiary(pupil7)]);
    await expect.poll(() => parent.getByTestId('cancelled-day-banner').count()).toBe(0);

    director = await open('director');
    await director.goto('/cancelled-days');
    await director.getByTestId('declare-temperature-input').fill('-29');
    await director.getByTestId('declare-suggest').click();
    await expect
      .poll(() => director!.getByTestId('declare-suggested').textContent(), { timeout: 10_000 })
      .toContain('1, 2, 3, 4');
    expect(await director.getByTestId('declare-grade-3').isChecked()).toBe(true);
    expect(await director.getByTestId('declare-grade-7').isChecked()).toBe(false);
    await expect
      .poll(() => director!.getByTestId('declare-preview').textContent(), { timeout: 10_000 })
      .toContain('3А');
    await director.getByTestId('declare-submit').click();
    await director.getByTestId('declare-done').waitFor();
    await screenshot(director, 'cancelled-day-declare-phone');

    const banner = parent.getByTestId('cancelled-day-banner');
    await banner.waitFor({ timeout: 10_000 });
    expect(await banner.textContent()).toContain('3А');
    expect(await banner.textContent()).not.toContain('7А');
    await screenshot(parent, 'cancelled-day-banner-phone');

    // The 7th grade's diary heard nothing, nor does its banner query answer a day.
    expect(await pupil7.getByTestId('cancelled-day-banner').count()).toBe(0);
    const own = await graphql<{ myCancelledDays: unknown[] }>(pupil7, '{myCancelledDays{id}}');
    expect(own.myCancelledDays).toEqual([]);
  });

  it('goes remote for the 7th grade: material with a file, the download, the tick, the table', async () => {
    const teacher = await open('teacher');
    await openDiary(teacher, '/');
    expect(await teacher.getByTestId('cancelled-day-banner').count()).toBe(0);

    // Widened to the 7th grade: the algebra teacher's lessons of the day go remote.
    const { cancelledDays } = await graphql<{
      cancelledDays: { id: string; version: number; temperature: number; windMs: number | null }[];
    }>(director!, '{cancelledDays{id version temperature windMs}}');
    const [day] = cancelledDays;
    await graphql(
      director!,
      'mutation($i:UpdateCancelledDayInput!){updateCancelledDay(input:$i){id}}',
      {
        i: {
          id: day.id,
          version: day.version,
          grades: [1, 2, 3, 4, 7],
          reason: 'FROST',
          temperature: day.temperature,
          windMs: day.windMs,
        },
      },
    );
    const banner = teacher.getByTestId('cancelled-day-banner');
    await banner.waitFor({ timeout: 10_000 });
    await teacher.getByTestId('cancelled-day-post').click();
    const lesson = teacher.getByTestId('remote-lesson').filter({ hasText: '7А' }).first();
    await lesson.waitFor({ timeout: 10_000 });
    await lesson
      .locator('[data-testid$="-material-input"]')
      .fill('Прочитать § 12, разобрать пример 3');
    await lesson.getByTestId('remote-file-input').setInputFiles({
      name: 'пример.png',
      mimeType: 'image/png',
      buffer: PNG,
    });
    await expect.poll(() => lesson.getByTestId('remote-file').count(), { timeout: 10_000 }).toBe(1);
    await lesson.getByTestId('remote-add-task').click();
    await lesson.locator('[data-testid$="-task-0-input"]').fill('№ 245, 246');
    await lesson.getByTestId('remote-work-submit').click();
    await lesson.getByTestId('remote-work-saved').waitFor({ timeout: 10_000 });
    await screenshot(teacher, 'cancelled-day-teacher-posts-phone');

    // The parent opens the 7th-grader's work from the banner and downloads the file.
    const pupil = await open('pupil');
    const mine = await graphql<{ myCancelledDays: { pupils: { id: string }[] }[] }>(
      pupil,
      '{myCancelledDays{pupils{id}}}',
    );
    const pupilId = mine.myCancelledDays[0].pupils[0].id;
    const parent = await open('parent');
    await openDiary(parent);
    await parent.locator(`[data-testid="cancelled-day-work"][href$="/${pupilId}"]`).click();
    await parent
      .getByTestId('remote-lesson')
      .filter({ hasText: 'Прочитать § 12' })
      .waitFor({ timeout: 10_000 });
    const file = parent.getByTestId('remote-file').first();
    const href = (await file.getAttribute('href'))!;
    const download = await parent.request.get(href);
    expect(download.status()).toBe(200);
    expect(download.headers()['content-type']).toBe('image/png');
    expect(Buffer.from(await download.body()).equals(PNG)).toBe(true);
    await screenshot(parent, 'cancelled-day-parent-work-phone');

    // The 7th-grader's diary tells the parent what is still owed.
    await parent.goto(`/diary/${pupilId}`);
    await parent
      .getByTestId('remote-owed-task')
      .filter({ hasText: '№ 245, 246' })
      .waitFor({ timeout: 10_000 });
    await expect
      .poll(() => parent.getByTestId('remote-owed-feed').getAttribute('data-status'), {
        timeout: 20_000,
      })
      .toBe('live');
    await screenshot(parent, 'cancelled-day-owed-phone');

    // The pupil marks the task done with the work attached; the teacher's table shows the tick
    // and the file.
    await pupil.goto('/diary');
    await pupil.getByTestId('cancelled-day-work').first().click();
    const own = pupil.getByTestId('remote-lesson').filter({ hasText: 'Прочитать § 12' });
    await own.getByTestId('remote-work-attach').click();
    await own.getByTestId('remote-work-upload-input').setInputFiles({
      name: 'решение.png',
      mimeType: 'image/png',
      buffer: PNG,
    });
    await expect
      .poll(() => own.getByTestId('remote-work-upload').count(), { timeout: 10_000 })
      .toBe(1);
    await own.getByTestId('remote-work-send').click();
    await expect
      .poll(() => own.getByTestId('remote-work-file').count(), { timeout: 10_000 })
      .toBe(1);
    expect(await own.getByTestId('remote-task-done').isChecked()).toBe(true);
    await screenshot(pupil, 'cancelled-day-pupil-work-phone');
    // Live: the teacher's page stayed open and nobody pressed «Обновить».
    await expect
      .poll(
        async () => (await lesson.getByTestId('remote-completion-cell').allTextContents()).join(''),
        { timeout: 10_000 },
      )
      .toContain('✓');
    const work = lesson.getByTestId('remote-completion-file');
    await work.first().waitFor({ timeout: 10_000 });
    expect(await work.first().textContent()).toContain('решение.png');
    const workDownload = await teacher.request.get((await work.first().getAttribute('href'))!);
    expect(workDownload.status()).toBe(200);
    await screenshot(teacher, 'cancelled-day-teacher-sees-work-phone');

    // The parent's owed list shrinks without a reload.
    await expect
      .poll(() => parent.getByTestId('remote-owed-task').count(), { timeout: 10_000 })
      .toBe(0);

    // The class teacher's table across subjects shows the tick.
    const classTeacher = await open('classteacher');
    await classTeacher.goto('/cancelled-days/class');
    await expect
      .poll(
        async () =>
          (await classTeacher.getByTestId('remote-class-cell').allTextContents()).join(''),
        { timeout: 10_000 },
      )
      .toContain('✓');
    expect(await classTeacher.getByTestId('remote-class-lesson').count()).toBeGreaterThan(0);
    await screenshot(classTeacher, 'cancelled-day-class-table-phone');
    await expect
      .poll(() => classTeacher.getByTestId('remote-class-feed').getAttribute('data-status'), {
        timeout: 20_000,
      })
      .toBe('live');
    const ticks = async () =>
      (await classTeacher.getByTestId('remote-class-cell').allTextContents()).join('').split('✓')
        .length - 1;
    const ticked = await ticks();

    // Unticked after a warning, the work's file goes and the task is owed again.
    // A click, not `uncheck()`: the box stays ticked until the family confirms.
    await own.getByTestId('remote-task-done').click();
    await own.getByTestId('confirm-dialog').waitFor({ timeout: 10_000 });
    await screenshot(pupil, 'cancelled-day-untick-phone');
    await own.getByTestId('confirm-button').click();
    await expect
      .poll(() => own.getByTestId('remote-work-file').count(), { timeout: 10_000 })
      .toBe(0);
    expect(await own.getByTestId('remote-task-done').isChecked()).toBe(false);
    await parent
      .getByTestId('remote-owed-task')
      .filter({ hasText: '№ 245, 246' })
      .waitFor({ timeout: 10_000 });
    // Live: the class teacher's table, left open, loses the tick without «Обновить».
    await expect.poll(ticks, { timeout: 10_000 }).toBe(ticked - 1);

    // The journal marks the lesson remote, and the pupil's diary the day's lesson.
    const { remoteLesson } = await graphql<{ remoteLesson: { courseId: string } }>(
      teacher,
      'query($l:ID!){remoteLesson(lessonId:$l){courseId}}',
      { l: await lesson.getAttribute('data-lesson-id') },
    );
    await teacher.goto(`/journal/${remoteLesson.courseId}`);
    await teacher.getByTestId('journal-remote').first().waitFor({ timeout: 10_000 });
    await screenshot(teacher, 'cancelled-day-journal-phone');
    await pupil.goto('/diary');
    await pupil.getByTestId('diary-remote').first().waitFor({ timeout: 10_000 });
  }, 240_000);

  it('lets the administrator keep the frost bands, field by field', async () => {
    const admin = await open('sysadmin');
    await admin.goto('/cancelled-days');
    const calm = admin.getByTestId('band-0-calm-input');
    await calm.waitFor({ timeout: 10_000 });
    const { cancellationThresholds: rules } = await graphql<{
      cancellationThresholds: { gradeFrom: number; calmCelsius: number }[];
    }>(admin, '{cancellationThresholds{gradeFrom calmCelsius}}');
    // Each band's five fields carry the rule as loaded; saved again unchanged.
    expect(await calm.inputValue()).toBe(String(rules[0].calmCelsius));
    expect(await admin.getByTestId('band-0-from-input').inputValue()).toBe(
      String(rules[0].gradeFrom),
    );
    expect(await admin.locator('[data-testid^="band-0-"][data-testid$="-input"]').count()).toBe(5);
    await calm.fill(String(rules[0].calmCelsius));
    await admin.getByTestId('thresholds-submit').click();
    await admin.getByTestId('thresholds-form').getByText('Сохранено').waitFor({ timeout: 10_000 });
  }, 60_000);
});
