import type { Browser, BrowserContext, Page } from 'playwright-core';
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
  await signInAs(page, 'sysadmin');
});

afterEach(async () => {
  await context?.close();
});

/** The demo school year is the one in progress, as the server's demo seed picks it. */
function demoYearStart(today = new Date()): number {
  return today.getMonth() >= 7 ? today.getFullYear() : today.getFullYear() - 1;
}

async function openAdmin(path: string, testid: string) {
  await page.goto(path);
  await page.getByTestId(testid).waitFor();
}

describe('system administrator', () => {
  it('creates a class and then a course for it', async () => {
    await openAdmin('/admin/classes', 'page-classes');
    await page.getByTestId('classes-table').waitFor();
    await page.getByTestId('class-add').click();
    await page.getByTestId('class-grade-select').selectOption('10');
    await page.getByTestId('class-letter-input').fill('Б');
    await screenshot(page, 'class-form');
    await page.getByTestId('class-save').click();
    const row = page.getByTestId('class-row').filter({ hasText: '10Б' });
    await row.waitFor();
    await page.getByTestId('editor-dialog').waitFor({ state: 'hidden' });
    await screenshot(page, 'classes');

    await openAdmin('/admin/courses', 'page-courses');
    await page.getByTestId('course-add').click();
    await page.getByTestId('course-class-select').selectOption({ label: '10Б' });
    await page.getByTestId('course-subject-select').selectOption({ index: 1 });
    await page.getByTestId('course-teacher-select').selectOption({ index: 1 });
    await page.getByTestId('course-hours-input').fill('2');
    const subject = await page
      .getByTestId('course-subject-select')
      .evaluate((select: HTMLSelectElement) => select.selectedOptions[0].text);
    await screenshot(page, 'course-form');
    await page.getByTestId('course-save').click();
    await page.getByTestId('editor-dialog').waitFor({ state: 'hidden' });

    await page.getByTestId('course-class-filter').selectOption({ label: '10Б' });
    await expect.poll(() => page.getByTestId('course-row').count()).toBe(1);
    const courseRow = page.getByTestId('course-row');
    expect(await courseRow.textContent()).toContain('10Б');
    expect(await courseRow.textContent()).toContain(subject);
    await screenshot(page, 'courses');
  });

  it('shows a duplicate subject name next to the name field', async () => {
    await openAdmin('/admin/subjects', 'page-subjects');
    for (const attempt of ['first', 'second']) {
      await page.getByTestId('subject-add').click();
      await page.getByTestId('subject-name-input').fill('Астрономия');
      await page.getByTestId('subject-save').click();
      if (attempt === 'first') {
        await page.getByTestId('editor-dialog').waitFor({ state: 'hidden' });
      }
    }
    const error = page.getByTestId('subject-name-error');
    await error.waitFor();
    expect(await error.textContent()).toContain('Такое название уже есть');
    expect(await page.getByTestId('subject-name-input').getAttribute('aria-invalid')).toBe('true');
    await screenshot(page, 'subject-duplicate');
  });

  it('registers a staff member and shows the initial password once', async () => {
    await openAdmin('/admin/staff', 'page-staff');
    await page.getByTestId('staff-add').click();
    await page.getByTestId('staff-last-name-input').fill('Смирнова');
    await page.getByTestId('staff-first-name-input').fill('Ольга');
    await page.getByTestId('staff-middle-name-input').fill('Петровна');
    await page.getByTestId('staff-login-input').fill('smirnova.op');
    await page.getByTestId('staff-save').click();
    await page.getByTestId('password-dialog').waitFor();
    expect(await page.getByTestId('credential-login').textContent()).toBe('smirnova.op');
    expect((await page.getByTestId('credential-password').textContent())?.length).toBeGreaterThan(
      5,
    );
    await screenshot(page, 'staff-password');
    await page.getByTestId('password-done').click();
    await page.getByTestId('staff-row').filter({ hasText: 'Смирнова Ольга Петровна' }).waitFor();
    await screenshot(page, 'staff');
  });

  it('edits the school profile and shows study periods', async () => {
    await openAdmin('/admin/school', 'page-school');
    await page.getByTestId('school-save').waitFor();
    await screenshot(page, 'school');
    await page.getByTestId('school-save').click();
    await page.getByTestId('school-saved').waitFor();

    await openAdmin('/admin/years', 'page-years');
    await page.getByTestId('year-card').first().waitFor();
    await screenshot(page, 'years');
  });

  it('adds a holiday and shows a date outside the year next to its start', async () => {
    const start = demoYearStart();
    await openAdmin('/admin/years', 'page-years');
    const card = page.getByTestId('year-card').filter({ hasText: `${start}/${start + 1}` });
    const autumn = card.getByTestId('holiday-row').filter({ hasText: 'Осенние каникулы' });
    await autumn.waitFor();
    expect(await autumn.textContent()).toMatch(/г\.\s–\s4\s/);
    const firstGraders = card.getByTestId('holiday-row').filter({ hasText: 'Дополнительные' });
    expect(await firstGraders.textContent()).toContain('1 класс');

    await card.getByTestId('holiday-add').click();
    await page.getByTestId('holiday-name-input').fill('День учителя');
    await page.getByTestId('holiday-starts-on-input').fill(`${start}-10-05`);
    await page.getByTestId('holiday-ends-on-input').fill(`${start}-10-05`);
    await page.getByTestId('holiday-save').click();
    await page.getByTestId('editor-dialog').waitFor({ state: 'hidden' });
    const row = card.getByTestId('holiday-row').filter({ hasText: 'День учителя' });
    await row.waitFor();
    expect(await row.textContent()).toContain('Вся школа');
    expect(await row.textContent()).not.toContain('–');

    await card.getByTestId('holiday-add').click();
    await page.getByTestId('holiday-name-input').fill('Летний праздник');
    await page.getByTestId('holiday-starts-on-input').fill(`${start + 1}-07-01`);
    await page.getByTestId('holiday-ends-on-input').fill(`${start + 1}-07-01`);
    await page.getByTestId('holiday-save').click();
    const error = page.getByTestId('holiday-starts-on-error');
    await error.waitFor();
    expect(await error.textContent()).toContain('Даты выходят за границы учебного года');
    expect(await page.getByTestId('holiday-starts-on-input').getAttribute('aria-invalid')).toBe(
      'true',
    );
    // The sticky header would show up mid-page in a full-page picture of a scrolled page.
    await page.evaluate(() => window.scrollTo(0, 0));
    await screenshot(page, 'holiday-outside-year');
    await page.getByTestId('holiday-name-input').press('Escape');
    await page.getByTestId('editor-dialog').waitFor({ state: 'hidden' });
    await page.evaluate(() => window.scrollTo(0, 0));
    await screenshot(page, 'years-holidays');
    await page.setViewportSize(PHONE);
    await screenshot(page, 'years-holidays-phone');
  });
});
