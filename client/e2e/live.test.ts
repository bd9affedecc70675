import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, openPage, PHONE, screenshot, signInAs } from './browser';

/**
 * Live updates (R-2.4) between two people at once: a teacher writes in the journal, and a
 * parent with the diary open sees it without reloading, also after losing the connection.
 */

let browser: Browser;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
});

afterEach(async () => {
  await Promise.all(contexts.splice(0).map((context) => context.close()));
});

async function open(login: string): Promise<{ context: BrowserContext; page: Page }> {
  const opened = await openPage(browser);
  contexts.push(opened.context);
  await signInAs(opened.page, login);
  return opened;
}

/** The demo school year is the one in progress, as the server's demo seed picks it. */
function demoYearStart(today = new Date()): number {
  return today.getMonth() >= 7 ? today.getFullYear() : today.getFullYear() - 1;
}

/** "2026-11-27" for the journal's «27.11» in the demo school year. */
function isoDate(dayMonth: string): string {
  const [day, month] = dayMonth.split('.').map(Number);
  const year = month >= 8 ? demoYearStart() : demoYearStart() + 1;
  return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** The latest lesson held in which the pupil has no mark yet and the teacher may write. */
async function latestEmptyCell(page: Page, pupilId: string): Promise<string> {
  const [cell] = await emptyCells(page, pupilId);
  if (!cell) throw new Error('The pupil has no empty lesson held in the current period');
  return cell.lesson;
}

/** Empty cells open for writing (of one pupil, or of all), the latest lessons first. */
function emptyCells(page: Page, pupilId = ''): Promise<{ pupil: string; lesson: string }[]> {
  return page.evaluate((pupil) => {
    const selector = `[data-testid=journal-cell][data-editable=true]${pupil ? `[data-pupil="${pupil}"]` : ''}`;
    const cells = [...document.querySelectorAll<HTMLElement>(selector)];
    return cells
      .filter((cell) => !cell.textContent?.trim())
      .sort((a, b) => Number(b.dataset.col) - Number(a.dataset.col))
      .map((cell) => ({ pupil: cell.dataset.pupil!, lesson: cell.dataset.lesson! }));
  }, pupilId);
}

async function openAlgebra7(page: Page): Promise<void> {
  await page
    .getByTestId('journal-link')
    .filter({ hasText: '7А' })
    .filter({ hasText: 'Алгебра' })
    .first()
    .click();
  await page.getByTestId('journal-grid').waitFor();
  await expect
    .poll(() => page.locator('[data-connection]').getAttribute('data-connection'))
    .toBe('live');
}

const journalCell = (page: Page, { pupil, lesson }: { pupil: string; lesson: string }) =>
  page.locator(`[data-testid=journal-cell][data-pupil="${pupil}"][data-lesson="${lesson}"]`);

describe('live diary', () => {
  it("shows a parent the teacher's new marks at once, and those missed while offline", async () => {
    const parent = await open('parent');
    const teacher = await open('teacher');

    // The parent's child in 7А, whom the demo teacher teaches algebra.
    await parent.page.getByTestId('child-diary-link').first().waitFor();
    await parent.page.getByRole('navigation').getByRole('link', { name: 'Дневник' }).click();
    const child = parent.page.getByTestId('pupil-switch').filter({ hasText: '7А' });
    await child.waitFor();
    const pupilId = (await child.getAttribute('data-pupil-id'))!;

    // The teacher opens the algebra journal of 7А on the current period.
    await openAlgebra7(teacher.page);
    const lessonId = await latestEmptyCell(teacher.page, pupilId);
    const header = teacher.page.locator(`[data-testid=journal-lesson][data-lesson="${lessonId}"]`);
    const date = isoDate((await header.locator('.date').textContent())!.trim());
    const cell = teacher.page.locator(
      `[data-testid=journal-cell][data-pupil="${pupilId}"][data-lesson="${lessonId}"]`,
    );

    // The parent has the week of that lesson open, and the page is listening.
    await parent.page.goto(`/diary/${pupilId}?date=${date}`);
    const lesson = parent.page.locator(`[data-testid=diary-lesson][data-lesson-id="${lessonId}"]`);
    await lesson.waitFor();
    expect(await lesson.textContent()).toContain('Алгебра');
    const marks = lesson.getByTestId('diary-mark');
    expect(await marks.count()).toBe(0);
    const connection = parent.page.locator('[data-connection]');
    await expect.poll(() => connection.getAttribute('data-connection')).toBe('live');
    // Other browser tests may have told this parent something already (a cancelled-class day of
    // the 7th grade, an announcement): opening the bell marks those read, so the count starts at 0.
    const count = parent.page.getByTestId('notification-count');
    if ((await count.count()) > 0) {
      await parent.page.getByTestId('notification-bell').click();
      await parent.page.keyboard.press('Escape');
    }
    await expect.poll(() => count.count()).toBe(0);

    await cell.click();
    await teacher.page.keyboard.press('5');
    await expect.poll(() => cell.getAttribute('data-state')).toBe('saved');

    // The «5» appears without a reload, flashing, and the bell counts it.
    await expect.poll(() => marks.allTextContents()).toEqual([expect.stringMatching(/^5/)]);
    expect(await marks.first().getAttribute('data-fresh')).toBe('true');
    await expect.poll(() => count.textContent()).toBe('1');
    await screenshot(parent.page, 'live-diary');
    await parent.page.getByTestId('notification-bell').click();
    const item = parent.page.getByTestId('notification-item').first();
    await expect.poll(() => item.textContent()).toMatch(/Новая отметка 5 — Алгебра/);
    await screenshot(parent.page, 'live-bell');
    await parent.page.keyboard.press('Escape');

    // The parent's connection drops while the teacher adds a «4» to the same lesson.
    await parent.context.setOffline(true);
    const lost = parent.page.getByTestId('connection-lost');
    await lost.waitFor();
    expect(await lost.textContent()).toContain('Нет связи — переподключаемся…');
    await cell.click();
    await teacher.page.keyboard.press('+');
    await teacher.page.keyboard.press('4');
    await expect.poll(() => cell.getAttribute('data-state')).toBe('saved');
    expect(await cell.textContent()).toBe('5 4');
    await screenshot(parent.page, 'live-offline');
    expect(await marks.count()).toBe(1);
    // On a phone the bell stays in the top bar, beside the menu button, and the notice floats at
    // the foot of the screen: in sight, and over neither the page's title nor the bar.
    await parent.page.setViewportSize(PHONE);
    expect(await lost.isVisible()).toBe(true);
    expect(await parent.page.getByTestId('notification-bell').isVisible()).toBe(true);
    const notice = (await lost.boundingBox())!;
    const title = (await parent.page.getByRole('heading', { level: 1 }).boundingBox())!;
    const bar = (await parent.page.getByRole('banner').boundingBox())!;
    expect(notice.y + notice.height).toBeLessThanOrEqual(PHONE.height);
    for (const other of [title, bar]) {
      expect(notice.y >= other.y + other.height || notice.y + notice.height <= other.y).toBe(true);
    }
    await screenshot(parent.page, 'live-offline-phone', false);

    // Back online, the page catches up on what it missed, showing it once.
    await parent.context.setOffline(false);
    await lost.waitFor({ state: 'detached' });
    const values = async (list: Locator) =>
      (await list.allTextContents()).map((text) => text.trim().charAt(0));
    await expect.poll(() => values(marks)).toEqual(['5', '4']);
    // The bell was opened after the «5» (which marks the list read): the «4» alone is unread.
    await expect.poll(() => count.textContent()).toBe('1');
    await parent.page.waitForTimeout(1500);
    expect(await values(marks)).toEqual(['5', '4']);
    expect(await count.textContent()).toBe('1');
  });

  it("applies another editor's journal changes, and shows one that crossed an edit as a conflict", async () => {
    // The same teacher in two browsers: each is "someone else" to the other.
    const here = await open('teacher');
    const there = await open('teacher');
    await openAlgebra7(here.page);
    await openAlgebra7(there.page);
    const [first, second] = await emptyCells(here.page);
    if (!first || !second) throw new Error('No two empty cells held in the current period');

    await journalCell(there.page, first).click();
    await there.page.keyboard.press('4');
    await expect
      .poll(() => journalCell(there.page, first).getAttribute('data-state'))
      .toBe('saved');
    const shown = journalCell(here.page, first);
    await expect.poll(() => shown.textContent()).toBe('4');
    expect(await shown.getAttribute('class')).toContain('fresh');
    expect(await shown.getAttribute('data-state')).toBe('idle');
    const row = here.page.getByTestId('journal-row').filter({ has: shown });
    expect(await row.getByTestId('journal-average').textContent()).toMatch(/^\d,\d\d$/);

    // Offline, this browser's edit cannot be sent; meanwhile the other writes in the same cell.
    await here.context.setOffline(true);
    await here.page.getByTestId('connection-lost').waitFor();
    const mine = journalCell(here.page, second);
    await mine.click();
    await here.page.keyboard.press('3');
    await expect.poll(() => mine.getAttribute('data-state')).toBe('failed');
    await journalCell(there.page, second).click();
    await there.page.keyboard.press('2');
    await expect
      .poll(() => journalCell(there.page, second).getAttribute('data-state'))
      .toBe('saved');

    // Back online, their change arrives and stands against the edit not yet saved.
    await here.context.setOffline(false);
    await expect.poll(() => mine.getAttribute('data-state')).toBe('conflict');
    const conflict = here.page.getByTestId('journal-conflict');
    await conflict.waitFor();
    expect(await conflict.textContent()).toContain('Сейчас: 2');
    expect(await mine.textContent()).toBe('3');
    await screenshot(here.page, 'live-journal-conflict');
    await here.page.getByTestId('journal-keep-theirs').click();
    await expect.poll(() => mine.textContent()).toBe('2');
    expect(await mine.getAttribute('data-state')).toBe('idle');
  });
});
