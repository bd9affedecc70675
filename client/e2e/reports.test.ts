import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, openPage, PHONE, screenshot, signInAs } from './browser';

let browser: Browser;

beforeAll(async () => {
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
});

/** A signed-in page; closed by the test that opened it. */
async function open(login: string, viewport?: { width: number; height: number }) {
  const opened = await openPage(browser, viewport ? { viewport } : {});
  await signInAs(opened.page, login);
  return opened;
}

const answered = (page: Page) =>
  page
    .getByTestId('report-table')
    .or(page.getByTestId('report-empty'))
    .or(page.getByTestId('report-error'))
    .first();

/**
 * Runs «Успеваемость по классам за четверть» and gives the class of each row, for the first
 * quarter: the demo school closes it with period marks, while the current one has few or none
 * yet (other suites set some).
 */
async function runProgress(page: Page): Promise<string[]> {
  await page.getByTestId('report-preset-progress').click();
  await answered(page).waitFor();
  // The ready-made report folds the form away; the period is chosen in it.
  await page.getByTestId('report-builder-toggle').click();
  const period = page.getByTestId('report-period-select');
  if ((await period.evaluate((select: HTMLSelectElement) => select.selectedIndex)) !== 1) {
    await period.selectOption({ index: 1 });
    await page.getByTestId('report-build').click();
    // The button reads «Строим…» from the click until the answer has come.
    await page.getByRole('button', { name: 'Построить' }).waitFor();
  }
  expect(await page.getByTestId('report-error').count()).toBe(0);
  await page.getByTestId('report-table').waitFor();
  return (await page.getByTestId('report-row').locator('th').allTextContents()).map((text) =>
    text.trim(),
  );
}

describe('reports', () => {
  it('gives the director every class and a teacher only those of own courses', async () => {
    const director = await open('director');
    await director.page
      .getByRole('navigation')
      .getByRole('link', { name: 'Отчёты', exact: true })
      .click();
    await director.page.getByTestId('page-reports').waitFor();
    const classes = await runProgress(director.page);

    expect(await director.page.getByTestId('report-conditions').textContent()).toMatch(
      /^\d{4}\/\d{4} · I четверть$/,
    );
    expect(classes.length).toBeGreaterThan(1);
    expect(new Set(classes).size).toBe(classes.length);
    for (const name of classes) expect(name).toMatch(/^\d{1,2}[А-ЯЁ]$/);
    const head = await director.page.locator('[data-testid="report-table"] thead').textContent();
    for (const measure of ['Аттестовано учеников', 'Отличники', 'Успеваемость по ученикам']) {
      expect(head).toContain(measure);
    }
    for (const row of await director.page.getByTestId('report-row').all()) {
      // Pupils assessed: a whole number; the success rate: a share in per cent.
      expect(await row.getByTestId('report-cell').first().textContent()).toMatch(/^\d+$/);
      expect(await row.getByTestId('report-cell').nth(5).textContent()).toMatch(/^\d+,\d\s%$/);
    }
    expect(await director.page.getByTestId('report-generated').textContent()).toContain(
      'Данные на',
    );
    const title = await director.page
      .locator('[data-testid="report-table"] thead th[title]')
      .first()
      .getAttribute('title');
    expect(title?.length).toBeGreaterThan(10);
    await screenshot(director.page, 'reports');

    await director.page.getByTestId('report-preset-attendance').click();
    await director.page.getByTestId('report-table').locator('thead >> text=Итого').waitFor();
    expect(await director.page.getByTestId('report-row').count()).toBeGreaterThan(1);
    await screenshot(director.page, 'reports-attendance');

    // Every pupil on every day: more rows than a view may have, refused in words.
    await director.page.getByTestId('report-builder-toggle').click();
    await director.page.getByTestId('report-row-select').selectOption('PUPIL');
    await director.page.getByTestId('report-row2-select').selectOption('DATE');
    await director.page.getByTestId('report-column-select').selectOption('');
    await director.page.getByTestId('report-build').click();
    const refusal = director.page.getByTestId('report-error');
    await refusal.waitFor();
    expect(await refusal.textContent()).toMatch(/В отчёте [\d\s]+ строк.* больше 1000/);
    await screenshot(director.page, 'reports-too-many-rows', false);

    // The same page in English, the refusal included.
    await director.page.getByTestId('language-switch').selectOption('en');
    await director.page.getByRole('heading', { name: 'Reports', level: 1 }).waitFor();
    expect(await refusal.textContent()).toMatch(/The report has [\d,]+ rows, more than 1000/);
    await director.page.getByTestId('report-preset-attendance').click();
    await director.page.getByTestId('report-table').locator('thead >> text=Total').waitFor();
    await screenshot(director.page, 'reports-en');
    await director.context.close();

    const teacher = await open('teacher');
    await teacher.page
      .getByRole('navigation')
      .getByRole('link', { name: 'Отчёты', exact: true })
      .click();
    await teacher.page.getByTestId('page-reports').waitFor();
    const own = await runProgress(teacher.page);
    expect(own.length).toBeGreaterThan(0);
    expect(own.length).toBeLessThan(classes.length);
    for (const name of own) expect(classes).toContain(name);
    await teacher.context.close();
  });

  it('fits a phone: the table scrolls in its own frame', async () => {
    const { context, page } = await open('deputy', PHONE);
    await page.goto('/reports');
    await page.getByTestId('page-reports').waitFor();
    await runProgress(page);
    const frame = page.getByTestId('report-frame');
    const fits = await frame.evaluate(
      (element) =>
        element.scrollWidth > element.clientWidth &&
        document.documentElement.scrollWidth <= window.innerWidth,
    );
    expect(fits).toBe(true);
    await page.getByTestId('report-builder-toggle').click();
    await screenshot(page, 'reports-phone');
    await page.getByTestId('report-preset-attendance').click();
    await page.getByTestId('report-table').locator('thead >> text=Итого').waitFor();
    await screenshot(page, 'reports-attendance-phone');
    await context.close();
  });

  it('offers a parent no reports', async () => {
    const { context, page } = await open('parent');
    const links = page.getByRole('navigation').getByRole('link', { name: 'Отчёты', exact: true });
    expect(await links.count()).toBe(0);
    await page.goto('/reports');
    await page.getByTestId('reports-forbidden').waitFor();
    await context.close();
  });
});
