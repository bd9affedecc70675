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

async function openSettings() {
  await page.goto('/admin/journal-settings');
  await page.getByTestId('page-journal-settings').waitFor();
  await page.getByTestId('worktypes-table').waitFor();
}

const workTypeRow = (name: string) =>
  page.getByTestId('worktype-row').filter({ has: page.getByRole('cell', { name, exact: true }) });

describe('journal settings', () => {
  it('is reached from the admin home', async () => {
    await page.setViewportSize(PHONE);
    await page.getByTestId('admin-card-journalSettings').click();
    await page.getByTestId('page-journal-settings').waitFor();
    await page.getByTestId('symbols-form').waitFor();
    await screenshot(page, 'settings-phone');
  });

  it('changes a weight, refuses one out of range and keeps a new mark symbol', async () => {
    await openSettings();
    const test = workTypeRow('Контрольная работа');
    expect(await test.getByTestId('worktype-weight').textContent()).toBe('5');

    const answer = workTypeRow('Ответ на уроке');
    await answer.getByTestId('worktype-edit').click();
    await page.getByTestId('worktype-weight-input').fill('1,5');
    await page.getByTestId('worktype-save').click();
    await page.getByTestId('editor-dialog').waitFor({ state: 'hidden' });

    await page.reload();
    await page.getByTestId('worktypes-table').waitFor();
    expect(await answer.getByTestId('worktype-weight').textContent()).toBe('1,5');

    await answer.getByTestId('worktype-edit').click();
    await page.getByTestId('worktype-weight-input').fill('20');
    await page.getByTestId('worktype-save').click();
    const error = page.getByTestId('worktype-weight-error');
    await error.waitFor();
    expect(await error.textContent()).toContain('Значение вне допустимого диапазона');
    expect(await page.getByTestId('worktype-weight-input').getAttribute('aria-invalid')).toBe(
      'true',
    );
    await page.getByRole('button', { name: 'Отмена' }).click();
    await page.getByTestId('editor-dialog').waitFor({ state: 'hidden' });

    await page.getByTestId('symbols-form').waitFor();
    await page.getByTestId('symbol-add').click();
    await page.getByTestId('symbol-code-input').last().fill('ув');
    await page.getByTestId('symbol-name-input').last().fill('уважительно');
    await page.getByTestId('symbols-save').click();
    await page.getByTestId('symbols-saved').waitFor();

    await page.reload();
    await page.getByTestId('symbols-form').waitFor();
    await expect
      .poll(() =>
        page
          .getByTestId('symbol-code-input')
          .evaluateAll((inputs) => inputs.map((input) => (input as HTMLInputElement).value)),
      )
      .toContain('ув');
    const codes = await page
      .getByTestId('symbol-code-input')
      .evaluateAll((inputs) => inputs.map((input) => (input as HTMLInputElement).value));
    const names = await page
      .getByTestId('symbol-name-input')
      .evaluateAll((inputs) => inputs.map((input) => (input as HTMLInputElement).value));
    expect(names[codes.indexOf('ув')]).toBe('уважительно');
    await screenshot(page, 'settings');
  });

  it('adds and edits attendance codes in their own dialog', async () => {
    await openSettings();
    const dialog = page.getByTestId('attendance-dialog');
    await page.getByTestId('attendance-add').click();
    await dialog.waitFor();
    expect(await dialog.getByRole('heading').first().textContent()).toContain('Добавить отметку');
    expect(await page.getByTestId('attendance-code-input').inputValue()).toBe('');
    await page.getByRole('button', { name: 'Отмена' }).click();
    await dialog.waitFor({ state: 'hidden' });

    const row = page
      .getByTestId('attendance-row')
      .filter({ has: page.getByRole('cell', { name: 'Н', exact: true }) });
    const rename = async (name: string) => {
      await row.getByTestId('attendance-edit').click();
      await dialog.waitFor();
      expect(await dialog.getByRole('heading').first().textContent()).toContain(
        'Изменить отметку посещаемости',
      );
      expect(await page.getByTestId('attendance-code-input').inputValue()).toBe('Н');
      await page.getByTestId('attendance-name-input').fill(name);
      await page.getByTestId('attendance-save').click();
      await dialog.waitFor({ state: 'hidden' });
      await row.getByRole('cell', { name, exact: true }).waitFor();
    };
    const original = (await row.getByRole('cell').nth(1).textContent()) ?? '';
    await rename('Не был на уроке');
    await rename(original);
  });
});
