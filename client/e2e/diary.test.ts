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
});

afterEach(async () => {
  await context?.close();
});

/** The demo school year is the one in progress, as the server's demo seed picks it. */
function demoYearStart(today = new Date()): number {
  return today.getMonth() >= 7 ? today.getFullYear() : today.getFullYear() - 1;
}

async function openDiaryFromMenu() {
  await page.getByRole('navigation').getByRole('link', { name: 'Дневник' }).click();
  await page.getByTestId('page-diary').waitFor();
  await page.waitForURL(/\/diary\/\d+/);
}

/**
 * Waits for the week on screen; during holidays (or in summer) moves to a mid-October week of
 * the demo year, which always has lessons with topics.
 */
async function showSchoolWeek() {
  await page.getByTestId('diary-day').or(page.getByTestId('diary-week-empty')).first().waitFor();
  if ((await page.getByTestId('lesson-topic').count()) === 0) {
    await page.goto(`${new URL(page.url()).pathname}?date=${demoYearStart()}-10-14`);
  }
  await page.getByTestId('lesson-topic').first().waitFor();
  await expect.poll(() => page.getByTestId('loading').count()).toBe(0);
}

describe('diary', () => {
  it('lets a parent switch between children and between week, period and year', async () => {
    await signInAs(page, 'parent');
    await page.getByTestId('child-diary-link').first().waitFor();
    await openDiaryFromMenu();

    const switches = page.getByTestId('pupil-switch');
    await switches.first().waitFor();
    expect(await switches.count()).toBe(2);
    const texts = await switches.allTextContents();
    expect(texts.every((text) => /\d+[А-Я] класс/.test(text))).toBe(true);

    const otherId = await page
      .locator('[data-testid="pupil-switch"]:not([aria-current])')
      .getAttribute('data-pupil-id');
    const other = page.locator(`[data-testid="pupil-switch"][data-pupil-id="${otherId}"]`);
    await other.click();
    await page.waitForURL(`**/diary/${otherId}`);
    expect(await other.getAttribute('aria-current')).toBe('page');
    await showSchoolWeek();
    expect((await page.getByTestId('lesson-topic').first().textContent())?.trim()).not.toBe('');
    await screenshot(page, 'diary-week');

    await page.getByTestId('diary-view-period').click();
    await page.waitForURL(/view=period/);
    const table = page.getByTestId('diary-period-table');
    await table.waitFor();
    expect(await table.locator('thead').textContent()).toContain('Средний по классу');
    expect(await page.getByTestId('diary-subject').count()).toBeGreaterThan(0);
    const withAverage = () =>
      page
        .getByTestId('subject-class-average')
        .allTextContents()
        .then((all) => all.filter((text) => /\d,\d\d/.test(text)).length);
    if ((await withAverage()) === 0) {
      // A period that has only just begun: the first one of the year has marks.
      await page.getByTestId('period-select').selectOption({ index: 0 });
      await page.waitForURL(/period=/);
    }
    await expect.poll(withAverage).toBeGreaterThan(0);
    await screenshot(page, 'diary-period');

    await page.getByTestId('diary-view-year').click();
    await page.getByTestId('diary-year-table').waitFor();
    expect(await page.getByTestId('diary-year-subject').count()).toBeGreaterThan(0);
    await screenshot(page, 'diary-year');

    // The week, on a phone: the day cards stack.
    await page.getByTestId('diary-view-week').click();
    await page.setViewportSize(PHONE);
    await showSchoolWeek();
    const [first, second] = await page.getByTestId('diary-day').all();
    if (second) {
      const a = await first.boundingBox();
      const b = await second.boundingBox();
      expect(b!.y).toBeGreaterThan(a!.y + a!.height - 1);
      expect(Math.abs(b!.x - a!.x)).toBeLessThan(2);
    }
    await screenshot(page, 'diary-phone');
  });

  it('shows a pupil their own diary', async () => {
    await signInAs(page, 'pupil');
    await page.getByTestId('own-diary-link').waitFor();
    await openDiaryFromMenu();
    expect(await page.getByTestId('page-diary').textContent()).toContain('Мой дневник');
    expect(await page.getByTestId('diary-pupil').textContent()).toContain('7А класс');
    expect(await page.getByTestId('pupil-switcher').count()).toBe(0);
    await showSchoolWeek();

    await page.getByTestId('week-previous').click();
    await page.waitForURL(/date=\d{4}-\d{2}-\d{2}/);
    await page.getByTestId('week-today').click();
    await page.waitForURL((url) => !url.searchParams.has('date'));
  });

  it("shows a class teacher their class's summary, and a parent only their own children", async () => {
    await signInAs(page, 'classteacher');
    await page.getByTestId('class-summary-link').click();
    const table = page.getByTestId('class-summary-table');
    await table.waitFor();
    expect(await page.getByTestId('page-class-summary').textContent()).toContain(
      'Сводка класса 7А',
    );
    const pupils = await page.getByTestId('summary-row').count();
    const subjects = await page.getByTestId('summary-subject').count();
    expect(pupils).toBeGreaterThan(0);
    expect(subjects).toBeGreaterThan(0);
    expect(await page.getByTestId('summary-cell').count()).toBe(pupils * subjects);
    expect(await table.locator('thead').textContent()).toMatch(/Н\s*Б\s*П\s*О/);
    await expect
      .poll(() =>
        page
          .getByTestId('summary-cell')
          .allTextContents()
          .then((all) => all.some((text) => /\d,\d\d/.test(text))),
      )
      .toBe(true);
    await screenshot(page, 'class-summary');
    const classPupilIds = await page
      .getByTestId('summary-row')
      .evaluateAll((rows) => rows.map((row) => row.getAttribute('data-pupil-id') ?? ''));
    const classPath = new URL(page.url()).pathname;

    await context.clearCookies();
    await signInAs(page, 'parent');
    await openDiaryFromMenu();
    await page.getByTestId('pupil-switch').first().waitFor();
    const childIds = await page
      .getByTestId('pupil-switch')
      .evaluateAll((links) => links.map((link) => link.getAttribute('data-pupil-id') ?? ''));
    const stranger = classPupilIds.find((id) => !childIds.includes(id));
    expect(stranger).toBeDefined();

    await page.goto(`/diary/${stranger}`);
    const notFound = page.getByTestId('diary-not-found');
    await notFound.waitFor();
    expect(await notFound.textContent()).toContain('Дневник не найден');
    expect(await page.getByTestId('lesson-topic').count()).toBe(0);

    await page.goto(classPath);
    await page.getByTestId('class-not-found').waitFor();
  });

  it("leads the director from the school overview to a class's summary", async () => {
    await signInAs(page, 'director');
    await page.getByTestId('class-summary-link').filter({ hasText: '7А' }).click();
    await page.getByTestId('class-summary-table').waitFor();
    expect(await page.getByTestId('page-class-summary').textContent()).toContain('7А');
  });
});
