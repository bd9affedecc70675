import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { launchBrowser, openPage, signInAs } from './browser';

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

async function openAdmin(path: string, testid: string) {
  await page.goto(path);
  await page.getByTestId(testid).waitFor();
}

/** The notice a save shows at the foot of the page (decision 29). */
async function expectSavedNotice() {
  await expect.poll(() => page.getByTestId('saved-notice').textContent()).toContain('Сохранено');
}

/** The names the class-teacher picker offers, without its "none" choice. */
async function pickerTeachers(): Promise<string[]> {
  const select = page.getByTestId('class-teacher-select');
  await select.waitFor();
  const options = await select.locator('option').allTextContents();
  return options.slice(1).map((text) => text.trim());
}

describe('class-teacher picker', () => {
  it('offers only teachers who lead no class this year, and the edited class’s own', async () => {
    await openAdmin('/admin/classes', 'page-classes');
    const rows = page.getByTestId('class-row');
    await rows.first().waitFor();
    const leaders = (await rows.locator('td:nth-child(2)').allTextContents())
      .map((text) => text.trim())
      .filter((name) => name !== 'Не назначен' && name !== '');
    expect(leaders.length).toBeGreaterThan(0);

    await page.getByTestId('class-add').click();
    const offeredForNew = await pickerTeachers();
    expect(offeredForNew.length).toBeGreaterThan(0);
    for (const leader of leaders) expect(offeredForNew).not.toContain(leader);
    await page.keyboard.press('Escape');
    await page.getByTestId('editor-dialog').waitFor({ state: 'hidden' });

    const led = rows.filter({ hasText: leaders[0] }).first();
    await led.getByRole('button', { name: 'Изменить' }).click();
    const offeredForEdit = await pickerTeachers();
    expect(offeredForEdit).toContain(leaders[0]);
    for (const other of leaders.slice(1)) expect(offeredForEdit).not.toContain(other);
  });
});

describe('admin forms', () => {
  it('say "Saved" after a subject, a work type and a study year are saved', async () => {
    await openAdmin('/admin/subjects', 'page-subjects');
    await page.getByTestId('subject-add').click();
    await page.getByTestId('subject-name-input').fill('Черчение');
    await page.getByTestId('subject-save').click();
    await page.getByTestId('editor-dialog').waitFor({ state: 'hidden' });
    await expectSavedNotice();

    await openAdmin('/admin/journal-settings', 'page-journal-settings');
    await page.getByTestId('worktype-add').click();
    await page.getByTestId('worktype-name-input').fill('Зачёт по чертежу');
    await page.getByTestId('worktype-short-name-input').fill('Чрт');
    await page.getByTestId('worktype-save').click();
    await page.getByTestId('editor-dialog').waitFor({ state: 'hidden' });
    await expectSavedNotice();

    await openAdmin('/admin/years', 'page-years');
    await page
      .getByTestId('year-card')
      .first()
      .getByRole('button', { name: 'Изменить' })
      .first()
      .click();
    await page.getByTestId('year-save').click();
    await page.getByTestId('editor-dialog').waitFor({ state: 'hidden' });
    await expectSavedNotice();
  });

  it('shows a bad value next to its field and keeps the dialog open', async () => {
    await openAdmin('/admin/journal-settings', 'page-journal-settings');
    await page.getByTestId('worktype-add').click();
    await page.getByTestId('worktype-name-input').fill('Диктант с весом');
    await page.getByTestId('worktype-short-name-input').fill('Дкв');
    await page.getByTestId('worktype-weight-input').fill('много');
    await page.getByTestId('worktype-save').click();
    const error = page.getByTestId('worktype-weight-error');
    await error.waitFor();
    expect(await page.getByTestId('worktype-weight-input').getAttribute('aria-invalid')).toBe(
      'true',
    );
    expect(await page.getByTestId('editor-dialog').isVisible()).toBe(true);
  });

  it('asks before deleting a record and deletes it on confirmation', async () => {
    await openAdmin('/admin/subjects', 'page-subjects');
    const name = 'Астрономия (проба)';
    await page.getByTestId('subject-add').click();
    await page.getByTestId('subject-name-input').fill(name);
    await page.getByTestId('subject-save').click();
    const row = page
      .getByTestId('subject-row')
      .filter({ has: page.getByRole('cell', { name, exact: true }) });
    await row.waitFor();

    await row.getByRole('button', { name: 'Удалить' }).click();
    const dialog = page.getByTestId('confirm-dialog');
    await dialog.waitFor();
    expect(await dialog.textContent()).toContain(`Удалить предмет «${name}»?`);
    await page.getByTestId('confirm-button').click();
    await row.waitFor({ state: 'detached' });
  });
});
