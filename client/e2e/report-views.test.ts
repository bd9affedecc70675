import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, openPage, PHONE, screenshot, signInAs } from './browser';
import type { Browser } from 'playwright-core';

/**
 * Saved report views (issue 18): the director builds a view, saves it pinned and shared with
 * the deputy; the deputy finds it on the home page (on a phone) and watches it change when a
 * teacher writes a mark in the journal.
 */
let browser: Browser;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  browser = await launchBrowser();
});

afterEach(async () => {
  await Promise.all(contexts.splice(0).map((context) => context.close()));
});

afterAll(async () => {
  await browser?.close();
});

async function open(login: string, viewport?: { width: number; height: number }) {
  const opened = await openPage(browser, viewport ? { viewport } : {});
  contexts.push(opened.context);
  await signInAs(opened.page, login);
  return opened;
}

/** The number in the total row's first cell ("1 234" → 1234). */
async function totalOf(card: ReturnType<Page['getByTestId']>): Promise<number> {
  const text = await card.getByTestId('report-total').locator('td').first().textContent();
  return Number((text ?? '').replace(/\D/g, ''));
}

describe('saved report views', () => {
  it('saves, shares with the deputy, and updates live on the deputy’s home page', async () => {
    const name = `Отметки по классам ${Date.now()}`;
    const director = await open('director');
    await director.page.goto('/reports');
    await director.page.getByTestId('page-reports').waitFor();
    await director.page.getByTestId('saved-views').waitFor();
    await director.page.getByTestId('report-measure-MARK_COUNT').check();
    await director.page.getByTestId('report-build').click();
    await director.page.getByTestId('report-table').waitFor();
    await director.page.getByTestId('report-chart').waitFor();

    await director.page.getByTestId('report-view-open-save').click();
    const dialog = director.page.getByTestId('report-view-dialog');
    await dialog.getByTestId('report-view-name-input').fill(name);
    await dialog.getByTestId('report-view-pinned-input').check();
    await dialog.getByTestId('report-view-roles-summary').click();
    await dialog.getByTestId('report-view-roles-list').getByLabel('Завуч').check();
    await dialog.getByTestId('report-view-save').click();
    await expect
      .poll(async () => ((await dialog.isVisible()) ? await dialog.textContent() : 'closed'))
      .toBe('closed');
    await director.page.getByTestId('saved-views').getByText(name).waitFor();

    // The deputy, on a phone: the view is on the home page and fits the screen.
    const deputy = await open('deputy', PHONE);
    const card = deputy.page
      .getByTestId('pinned-views')
      .locator('article')
      .filter({ has: deputy.page.getByText(name) });
    await card.getByTestId('report-total').waitFor();
    const before = await totalOf(card);
    expect(before).toBeGreaterThan(0);
    await card.getByTestId('report-chart').waitFor();
    const widths = await deputy.page.evaluate(() => ({
      page: document.documentElement.scrollWidth,
      chart: document.querySelector('[data-testid=pinned-views] [data-testid=report-chart]')!
        .clientWidth,
    }));
    expect(widths.page).toBeLessThanOrEqual(PHONE.width);
    expect(widths.chart).toBeLessThanOrEqual(PHONE.width);
    await screenshot(deputy.page, 'report-view-pinned-phone');
    // The deputy downloads the view as XLSX: the server's file of the deputy's own rows.
    const [file] = await Promise.all([
      deputy.page.waitForEvent('download'),
      card.getByTestId('pinned-view-xlsx').click(),
    ]);
    expect(file.suggestedFilename()).toBe(`${name.replaceAll(' ', '-')}.xlsx`);

    // A teacher writes a mark in 7А's algebra journal through the real UI.
    const teacher = await open('teacher');
    await teacher.page
      .getByTestId('journal-link')
      .filter({ hasText: '7А' })
      .filter({ hasText: 'Алгебра' })
      .first()
      .click();
    await teacher.page.getByTestId('journal-grid').waitFor();
    // The latest empty cell open for writing, by its pupil and lesson (its text changes).
    const target = await teacher.page.evaluate(() => {
      const cells = [
        ...document.querySelectorAll<HTMLElement>('[data-testid=journal-cell][data-editable=true]'),
      ].filter((cell) => !cell.textContent?.trim());
      cells.sort((a, b) => Number(b.dataset.col) - Number(a.dataset.col));
      return cells[0] && { pupil: cells[0].dataset.pupil!, lesson: cells[0].dataset.lesson! };
    });
    expect(target).toBeTruthy();
    const cell = teacher.page.locator(
      `[data-testid=journal-cell][data-pupil="${target.pupil}"][data-lesson="${target.lesson}"]`,
    );
    await cell.click();
    await teacher.page.keyboard.press('5');
    await expect.poll(() => cell.getAttribute('data-state')).toBe('saved');

    await expect.poll(() => totalOf(card), { timeout: 15_000 }).toBe(before + 1);
  });

  it('lets the owner schedule a view, and the list says when it is sent', async () => {
    const name = `Рассылка ${Date.now()}`;
    const director = await open('director');
    await director.page.goto('/reports');
    await director.page.getByTestId('page-reports').waitFor();
    await director.page.getByTestId('report-measure-MARK_COUNT').check();
    await director.page.getByTestId('report-build').click();
    await director.page.getByTestId('report-table').waitFor();

    await director.page.getByTestId('report-view-open-save').click();
    const dialog = director.page.getByTestId('report-view-dialog');
    await dialog.getByTestId('report-view-name-input').fill(name);
    await dialog.getByTestId('report-view-schedule-frequency-select').selectOption('WEEKLY');
    await dialog.getByTestId('report-view-schedule-weekday-select').selectOption('1');
    await dialog.getByTestId('report-view-schedule-hour-select').selectOption('8');
    await screenshot(director.page, 'report-view-schedule-form');
    await dialog.getByTestId('report-view-save').click();
    await expect
      .poll(async () => ((await dialog.isVisible()) ? await dialog.textContent() : 'closed'))
      .toBe('closed');
    const item = director.page.getByTestId('saved-views').locator('li').filter({ hasText: name });
    await expect
      .poll(() => item.getByTestId('saved-view-schedule').textContent())
      .toContain('пн, 08:00');

    // Opened again for editing, the dialog shows the saved schedule; a monthly day 32 does not
    // submit (the field's range), and the list keeps the weekly schedule.
    await item.getByTestId('saved-view-edit').click();
    await expect
      .poll(() => dialog.getByTestId('report-view-schedule-frequency-select').inputValue())
      .toBe('WEEKLY');
    await dialog.getByTestId('report-view-schedule-frequency-select').selectOption('MONTHLY');
    const day = dialog.getByTestId('report-view-schedule-day-input');
    await day.fill('32');
    await dialog.getByTestId('report-view-save').click();
    expect(await day.evaluate((e) => (e as HTMLInputElement).validity.rangeOverflow)).toBe(true);
    await screenshot(director.page, 'report-view-schedule-refused');
    await day.fill('31');
    await dialog.getByTestId('report-view-save').click();
    await expect
      .poll(() => item.getByTestId('saved-view-schedule').textContent())
      .toContain('31-го числа, 08:00');
  });
});
