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

/**
 * Presses a key of the Russian layout as a keyboard does (a trusted keydown with `key: 'н'`):
 * Playwright's keyboard knows the US layout only and would type the letter as text.
 */
async function pressRussian(letter: string, code: string): Promise<void> {
  const cdp = await context.newCDPSession(page);
  await cdp.send('Input.dispatchKeyEvent', { type: 'keyDown', key: letter, code, text: letter });
  await cdp.send('Input.dispatchKeyEvent', { type: 'keyUp', key: letter, code });
  await cdp.detach();
}

/** The teacher's first course card leads to its journal; returns the journal's path. */
async function openFirstJournal(): Promise<string> {
  await page.getByTestId('journal-link').first().click();
  await page.getByTestId('journal-grid').waitFor();
  await page.getByTestId('journal-period-select').selectOption({ label: 'II четверть' });
  await expect
    .poll(() => page.getByTestId('journal-period').textContent())
    .toContain('II четверть');
  await page.getByTestId('journal-grid').waitFor();
  const url = new URL(page.url());
  return `${url.pathname}${url.search}`;
}

const cell = (pupilId: string, lessonId: string): Locator =>
  page.locator(`[data-testid=journal-cell][data-pupil="${pupilId}"][data-lesson="${lessonId}"]`);

/** Two neighbouring empty cells of a pupil in lessons already held, both open for writing. */
async function emptyPair(): Promise<{ pupil: string; first: string; second: string }> {
  const pair = await page.evaluate(() => {
    for (const row of document.querySelectorAll('[data-testid=journal-row]')) {
      const cells = [...row.querySelectorAll<HTMLElement>('[data-testid=journal-cell]')];
      for (let i = 0; i + 1 < cells.length; i++) {
        const [a, b] = [cells[i], cells[i + 1]];
        const open = (c: HTMLElement) => c.dataset.editable === 'true' && !c.textContent?.trim();
        if (open(a) && open(b)) {
          return { pupil: a.dataset.pupil!, first: a.dataset.lesson!, second: b.dataset.lesson! };
        }
      }
    }
    return null;
  });
  if (!pair) throw new Error('No two neighbouring empty lessons held in the current period');
  return pair;
}

describe('class journal', () => {
  it('saves a mark and an absence as the teacher types them', async () => {
    await signInAs(page, 'teacher');
    await openFirstJournal();
    expect(await page.getByTestId('journal-toolbar').isVisible()).toBe(true);

    const { pupil, first, second } = await emptyPair();
    const mark = cell(pupil, first);
    const absence = cell(pupil, second);
    await mark.click();
    await page.keyboard.press('5');
    await page.keyboard.press('Tab');
    expect(await absence.evaluate((el) => el === document.activeElement)).toBe(true);
    await pressRussian('н', 'KeyY');
    // Both show at once, then as saved once the server has them.
    expect(await mark.textContent()).toBe('5');
    expect(await absence.textContent()).toBe('Н');
    await expect.poll(() => mark.getAttribute('data-state')).toBe('saved');
    await expect.poll(() => absence.getAttribute('data-state')).toBe('saved');
    const row = page.getByTestId('journal-row').filter({ has: mark });
    expect(await row.getByTestId('journal-average').textContent()).toMatch(/^\d,\d\d$/);
    await screenshot(page, 'journal');

    await page.reload();
    await page.getByTestId('journal-grid').waitFor();
    expect(await mark.textContent()).toBe('5');
    expect(await absence.textContent()).toBe('Н');

    // «+» adds a second mark; Delete takes it away again.
    await mark.click();
    await page.keyboard.press('+');
    await page.keyboard.press('4');
    expect(await mark.textContent()).toBe('5 4');
    await expect.poll(() => mark.getAttribute('data-state')).toBe('saved');
    await page.keyboard.press('Delete');
    await expect.poll(() => mark.textContent()).toBe('5');
    await expect.poll(() => mark.getAttribute('data-state')).toBe('saved');

    await page.setViewportSize(PHONE);
    await page.evaluate(() => window.scrollTo(0, 0));
    await screenshot(page, 'journal-phone');
  });

  it('edits the topic and homework of a lesson', async () => {
    await signInAs(page, 'teacher');
    await openFirstJournal();
    const header = page.getByTestId('journal-lesson').first();
    await header.click();
    await page.getByTestId('lesson-dialog').waitFor();
    await page.getByTestId('lesson-topic-input').fill('Повторение: многочлены');
    await page.getByTestId('lesson-homework-input').fill('№ 101, 102');
    await page.getByTestId('lesson-save').click();
    await page.getByTestId('lesson-dialog').waitFor({ state: 'hidden' });
    expect(await header.getAttribute('title')).toBe('Повторение: многочлены');

    await page.reload();
    await page.getByTestId('journal-lesson').first().press('Enter');
    await page.getByTestId('lesson-dialog').waitFor();
    expect(await page.getByTestId('lesson-homework-input').inputValue()).toBe('№ 101, 102');
  });

  it('shows the journal to the director without letting her edit it', async () => {
    await signInAs(page, 'teacher');
    const path = await openFirstJournal();
    await context.clearCookies();
    await signInAs(page, 'director');
    await page.goto(path);
    await page.getByTestId('journal-grid').waitFor();
    await page.getByTestId('journal-read-only').waitFor();
    expect(await page.getByTestId('journal-toolbar').count()).toBe(0);
    expect(await page.locator('[data-testid=journal-cell][data-editable=true]').count()).toBe(0);
    expect(await page.getByTestId('journal-cell').count()).toBeGreaterThan(0);

    const first = page.getByTestId('journal-cell').first();
    const before = await first.textContent();
    await first.click();
    await page.keyboard.press('5');
    await page.getByTestId('journal-hint').waitFor();
    expect(await page.getByTestId('journal-hint').textContent()).toContain('только для просмотра');
    expect(await first.textContent()).toBe(before);
    await screenshot(page, 'journal-director');
  });
});
