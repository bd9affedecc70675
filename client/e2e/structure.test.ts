import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { launchBrowser, openPage, PHONE, screenshot, signInAs } from './browser';

let browser: Browser;
let context: BrowserContext;
let page: Page;

beforeAll(async () => {
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
});

beforeEach(async () => {
  ({ context, page } = await openPage(browser));
});

afterEach(async () => {
  await context?.close();
});

/** Chooses the option whose text starts with `text` (labels of periods carry their dates). */
async function selectStartingWith(select: Locator, text: string): Promise<string> {
  const value = await select.evaluate(
    (element: HTMLSelectElement, start) =>
      [...element.options].find((option) => option.text.trim().startsWith(start))?.value,
    text,
  );
  if (value === undefined) throw new Error(`No option starts with «${text}»`);
  await select.selectOption(value);
  return value;
}

const cell = (weekday: number, lesson: number) =>
  page.locator(
    `[data-testid="timetable-cell"][data-weekday="${weekday}"][data-lesson="${lesson}"]`,
  );

async function openClassTimetable(name: string) {
  await page.getByTestId('timetable-class-select').selectOption({ label: name });
  await page.getByTestId('page-timetable').filter({ hasText: name }).waitFor();
  await page.getByTestId('timetable-slot').or(page.getByTestId('query-error')).first().waitFor();
  const refused = page.getByTestId('query-error');
  const why = (await refused.count()) > 0 ? await refused.textContent() : '';
  expect(why, `the timetable of ${name} did not load`).toBe('');
}

async function addSlot(weekday: number, lesson: number, course: string) {
  await cell(weekday, lesson).getByTestId('timetable-add').click();
  await page.getByTestId('slot-form').waitFor();
  await selectStartingWith(page.getByTestId('slot-course-select'), course);
  await page.getByTestId('slot-save').click();
}

describe('timetable', () => {
  it('lets the system administrator fill a class week, refuses clashes and makes lessons', async () => {
    await signInAs(page, 'sysadmin');
    await page.getByTestId('admin-card-timetable').click();
    await page.getByTestId('page-timetable').waitFor();
    await page.getByTestId('timetable-choose-class').waitFor();
    await openClassTimetable('7А');
    // The demo timetable fills Monday to Friday from the first lesson on.
    expect(await page.getByTestId('timetable-slot').count()).toBeGreaterThan(20);
    expect(await cell(1, 1).getByTestId('timetable-slot').count()).toBe(1);
    expect(await cell(6, 1).getByTestId('timetable-slot').count()).toBe(0);

    await addSlot(6, 1, 'Информатика');
    await page.getByTestId('editor-dialog').waitFor({ state: 'hidden' });
    const saturday = cell(6, 1).getByTestId('timetable-slot');
    await saturday.waitFor();
    expect(await saturday.textContent()).toContain('Информ.');

    // A place the class already has a lesson in: chosen in the form, refused by the server.
    await page.getByTestId('slot-add').click();
    await selectStartingWith(page.getByTestId('slot-course-select'), 'Информатика');
    await page.getByTestId('slot-weekday-select').selectOption('1');
    await page.getByTestId('slot-lesson-number-select').selectOption('1');
    await page.getByTestId('slot-save').click();
    const overlap = page.getByTestId('slot-lesson-number-error');
    await overlap.waitFor();
    expect(await overlap.textContent()).toContain('У класса уже есть урок в это время');
    await page.getByTestId('slot-weekday-select').press('Escape');
    await page.getByTestId('editor-dialog').waitFor({ state: 'hidden' });

    // Lessons for the new Saturday slot in the second quarter.
    const row = page.locator('[data-testid="generation-row"]', { hasText: 'Информатика' });
    await selectStartingWith(page.getByTestId('generation-period-select'), 'II четверть');
    await row.getByTestId('generate-lessons').click();
    await expect
      .poll(() => row.getByTestId('generation-result').textContent())
      .toMatch(/Создано \d+ урок/);
    await page.evaluate(() => window.scrollTo(0, 0));
    await screenshot(page, 'timetable');

    // The same teacher on Saturday's first lesson in another class: the teacher is busy.
    await openClassTimetable('8А');
    await addSlot(6, 1, 'Алгебра');
    const busy = page.getByTestId('slot-lesson-number-error');
    await busy.waitFor();
    expect(await busy.textContent()).toContain('Учитель в это время ведёт урок в другом классе');
    await page.evaluate(() => window.scrollTo(0, 0));
    await screenshot(page, 'timetable-teacher-busy');
    await page.getByTestId('editor-dialog').getByRole('button', { name: 'Отмена' }).click();
    await page.getByTestId('editor-dialog').waitFor({ state: 'hidden' });

    // Taking the Saturday lesson of 7А off again, after a confirmation.
    await openClassTimetable('7А');
    await cell(6, 1).getByTestId('timetable-slot').click();
    await page.getByTestId('confirm-dialog').waitFor();
    expect(await page.getByTestId('confirm-dialog').textContent()).toContain('Суббота, 1-й урок');
    await page.getByTestId('confirm-button').click();
    await cell(6, 1).getByTestId('timetable-add').waitFor();
    expect(await cell(6, 1).getByTestId('timetable-slot').count()).toBe(0);

    await page.setViewportSize(PHONE);
    await page.evaluate(() => window.scrollTo(0, 0));
    await screenshot(page, 'timetable-phone');
  });
});

describe('study periods', () => {
  it('lets the director close a period and reopen it with a reason', async () => {
    await signInAs(page, 'director');
    await page.getByRole('navigation').getByRole('link', { name: 'Учебные периоды' }).click();
    await page.getByTestId('page-periods').waitFor();
    const second = page.getByTestId('lock-period-row').filter({ hasText: /^\s*II четверть/ });
    await second.waitFor();
    const first = page.getByTestId('lock-period-row').filter({ hasText: /^\s*I четверть/ });
    expect(await first.getAttribute('data-state')).toBe('locked');
    expect(await second.getAttribute('data-state')).not.toBe('locked');

    await second.getByTestId('period-lock').click();
    await page.getByTestId('confirm-dialog').waitFor();
    expect(await page.getByTestId('confirm-dialog').textContent()).toContain('II четверть');
    await page.getByTestId('confirm-button').click();
    await page.getByTestId('confirm-dialog').waitFor({ state: 'hidden' });
    await expect.poll(() => second.getAttribute('data-state')).toBe('locked');
    expect(await second.getByTestId('period-state').textContent()).toContain('Закрыт');
    await screenshot(page, 'periods');

    await second.getByTestId('period-unlock').click();
    await page.getByTestId('unlock-dialog').waitFor();
    await page.getByTestId('unlock-save').click();
    const error = page.getByTestId('unlock-reason-error');
    await error.waitFor();
    expect(await error.textContent()).toContain('Обязательное поле');
    expect(await page.getByTestId('unlock-reason-input').getAttribute('aria-invalid')).toBe('true');
    await screenshot(page, 'periods-unlock-reason');

    await page.getByTestId('unlock-reason-input').fill('Исправление итоговой отметки');
    await page.getByTestId('unlock-save').click();
    await page.getByTestId('unlock-dialog').waitFor({ state: 'hidden' });
    await expect.poll(() => second.getAttribute('data-state')).not.toBe('locked');
    expect(await second.getByTestId('period-unlock').count()).toBe(0);
    await page.setViewportSize(PHONE);
    await screenshot(page, 'periods-phone');
  });
});

describe('subgroups', () => {
  it('lets the class teacher split the class for a subject and period', async () => {
    await signInAs(page, 'classteacher');
    const summaryLink = page.getByTestId('class-summary-link').first();
    await summaryLink.click();
    await page.getByTestId('page-class-summary').waitFor();
    await page.getByTestId('subgroups-link').click();
    await page.getByTestId('page-subgroups').waitFor();
    await expect.poll(() => page.getByTestId('page-subgroups').textContent()).toContain('7А');
    await page.getByTestId('splits-empty').waitFor();

    await page.getByTestId('split-open').click();
    await page.getByTestId('split-form').waitFor();
    await page
      .getByTestId('split-subject-select')
      .selectOption({ label: 'Иностранный язык (английский)' });
    await selectStartingWith(page.getByTestId('split-period-select'), 'II четверть');
    const rows = page.getByTestId('split-pupil-row');
    await rows.first().waitFor();
    const pupils = await rows.count();
    expect(pupils).toBeGreaterThan(1);

    // The first group's teacher is the subject's; the second gets one of the class's teachers.
    const teachers = page.getByTestId('split-group-teacher-select');
    expect(await teachers.first().inputValue()).not.toBe('');
    await teachers.nth(1).selectOption({ index: 1 });

    // Nobody placed yet: the form says so and sends nothing.
    await page.getByTestId('split-save').click();
    const leftOut = page.getByTestId('split-left-out');
    await leftOut.waitFor();
    expect(await leftOut.textContent()).toContain('не распределен');
    expect(
      await page.locator('[data-testid="split-pupil-row"][data-unassigned="true"]').count(),
    ).toBe(pupils);

    for (let i = 0; i < pupils; i++) {
      await rows
        .nth(i)
        .getByTestId('split-pupil-group')
        .nth(i % 2)
        .check();
    }
    await expect.poll(() => leftOut.count()).toBe(0);
    expect(await page.getByTestId('split-group-size').allTextContents()).toEqual([
      String(Math.ceil(pupils / 2)),
      String(Math.floor(pupils / 2)),
    ]);
    await screenshot(page, 'subgroups-form');
    await page.getByTestId('split-save').click();
    await page.getByTestId('split-dialog').waitFor({ state: 'hidden' });

    const card = page.getByTestId('split-card');
    await card.waitFor();
    expect(await card.getByTestId('split-subject').textContent()).toBe(
      'Иностранный язык (английский)',
    );
    expect(await card.getByTestId('split-period').textContent()).toBe('II четверть');
    expect(await card.getByTestId('split-group-card').count()).toBe(2);
    const links = card.getByTestId('subgroup-journal-link');
    expect(await links.count()).toBe(2);
    for (const href of await links.evaluateAll((anchors: HTMLAnchorElement[]) =>
      anchors.map((a) => a.getAttribute('href')),
    )) {
      expect(href).toMatch(/^\/journal\/\d+\?period=\d+$/);
    }
    await screenshot(page, 'subgroups');

    // The same split again: the subject is marked, and the server refuses it too.
    await page.getByTestId('split-open').click();
    await page
      .getByTestId('split-subject-select')
      .selectOption({ label: 'Иностранный язык (английский)' });
    await selectStartingWith(page.getByTestId('split-period-select'), 'II четверть');
    const already = page.getByTestId('split-subject-error');
    await already.waitFor();
    expect(await already.textContent()).toContain('уже разделён');
    await page.getByTestId('split-subject-select').press('Escape');

    await page.setViewportSize(PHONE);
    await screenshot(page, 'subgroups-phone');

    // The class teacher's home leads here too.
    await page.goto('/');
    await page.getByTestId('class-subgroups-link').click();
    await page.getByTestId('split-card').waitFor();
  });
});
