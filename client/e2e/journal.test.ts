import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { graphql, launchBrowser, openPage, PHONE, screenshot, signInAs } from './browser';

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

/**
 * Clicks where the element is on screen, as a mouse does: `locator.click()` would first scroll it
 * into view, which for the sticky «Итог» column carries the lessons away as no real click does.
 */
async function clickInPlace(target: Locator): Promise<void> {
  const box = await target.boundingBox();
  if (!box) throw new Error('The element is not on screen');
  await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
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
  it('takes a mark by touch on a phone, and tells how', async () => {
    await context.close();
    ({ context, page } = await openPage(browser, { viewport: PHONE, touch: true }));
    await signInAs(page, 'teacher');
    await openFirstJournal();
    const help = page.locator('.help:visible');
    expect(await help.count()).toBe(1);
    expect(await help.textContent()).toContain('Нажмите на ячейку');
    const { pupil, first } = await emptyPair();
    const target = cell(pupil, first);
    await target.tap();
    await page
      .getByRole('group', { name: 'Выставить в выбранную ячейку' })
      .getByRole('button', { name: '4', exact: true })
      .tap();
    await expect.poll(() => target.textContent()).toBe('4');
    await expect.poll(() => target.getAttribute('data-state')).toBe('saved');
  });

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

  it('warns of a mark typed for a pupil marked absent, without stopping the typing', async () => {
    await signInAs(page, 'teacher');
    await openFirstJournal();
    const { pupil, first, second } = await emptyPair();
    const absent = cell(pupil, first);
    const present = cell(pupil, second);
    const warning = page.getByTestId('journal-absent-mark');
    await absent.click();
    await pressRussian('н', 'KeyY');
    expect(await warning.count()).toBe(0);
    await page.keyboard.press('3');
    expect(await absent.textContent()).toBe('Н3');
    expect(await warning.textContent()).toContain('«Н»');
    expect(await page.getByRole('status').filter({ has: warning }).count()).toBe(1);
    expect(await absent.getAttribute('data-absent-mark')).toBe('true');
    await screenshot(page, 'journal-absent-mark');
    // The next cell takes a mark at once and says nothing.
    await page.keyboard.press('Tab');
    await page.keyboard.press('4');
    expect(await present.textContent()).toBe('4');
    expect(await warning.count()).toBe(0);
    // Back on the absent pupil's cell, ⌫ takes the mark away and the warning with it.
    await page.keyboard.press('Shift+Tab');
    expect(await warning.count()).toBe(1);
    await page.keyboard.press('Backspace');
    expect(await absent.textContent()).toBe('Н');
    expect(await warning.count()).toBe(0);
    await expect.poll(() => absent.getAttribute('data-state')).toBe('saved');
    await expect.poll(() => present.getAttribute('data-state')).toBe('saved');
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

  it('sets a final mark for the period that stays after a reload', async () => {
    await signInAs(page, 'teacher');
    // Without `?period=` the journal opens on the school's current period.
    await page.getByTestId('journal-link').first().click();
    await page.getByTestId('journal-grid').waitFor();
    const final = page.getByTestId('journal-final').first();
    expect(await final.getAttribute('data-editable')).toBe('true');
    await clickInPlace(final);
    await page.keyboard.press('5');
    expect(await final.textContent()).toBe('5');
    await expect.poll(() => final.getAttribute('data-state')).toBe('saved');
    expect(await page.getByTestId('journal-status').textContent()).toContain('Отметка за период');
    await screenshot(page, 'journal-final');

    await page.reload();
    await page.getByTestId('journal-grid').waitFor();
    await expect.poll(() => page.getByTestId('journal-final').first().textContent()).toBe('5');

    // Arrow keys reach «Итог» from the lessons; Delete withdraws the mark.
    const second = page.getByTestId('journal-final').nth(1);
    const row = page.getByTestId('journal-row').nth(1);
    await row.getByTestId('journal-cell').last().click();
    await page.keyboard.press('ArrowRight');
    expect(await second.evaluate((el) => el === document.activeElement)).toBe(true);
    await page.getByTestId('journal-not-assessed').click();
    expect(await second.textContent()).toBe('н/а');
    await expect.poll(() => second.getAttribute('data-state')).toBe('saved');
    await page.keyboard.press('Delete');
    expect(await second.textContent()).toBe('');
    await expect.poll(() => second.getAttribute('data-state')).toBe('saved');
  });

  it('shows the history of a mark the teacher typed and changed', async () => {
    await signInAs(page, 'teacher');
    await openFirstJournal();
    const { pupil, first } = await emptyPair();
    const mark = cell(pupil, first);
    await mark.click();
    await page.keyboard.press('5');
    await expect.poll(() => mark.getAttribute('data-state')).toBe('saved');
    await page.keyboard.press('4');
    expect(await mark.textContent()).toBe('4');
    await expect.poll(() => mark.getAttribute('data-state')).toBe('saved');

    await page.keyboard.press('h');
    const dialog = page.getByTestId('history-dialog');
    await dialog.locator('[data-testid=history-mark], [data-testid=form-error]').first().waitFor();
    const failed = await dialog.getByTestId('form-error').count();
    expect(failed, 'markHistory failed on the server: the dialog shows its error').toBe(0);
    const entries = dialog.getByTestId('history-entry');
    expect(await entries.count()).toBe(2);
    expect(await entries.nth(0).textContent()).toContain('создана');
    expect(await entries.nth(0).getByTestId('history-change').textContent()).toBe(
      '— → 5 (Ответ на уроке)',
    );
    expect(await entries.nth(1).textContent()).toContain('изменена');
    expect(await entries.nth(1).getByTestId('history-change').textContent()).toBe('5 → 4');
    expect(await entries.nth(1).textContent()).toContain('Петухов');
    await screenshot(page, 'journal-history');

    // The button in the line above the grid opens it too; the keyboard comes back to the cell.
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    expect(await mark.evaluate((el) => el === document.activeElement)).toBe(true);
    await page.getByTestId('journal-history-open').click();
    await dialog.getByTestId('history-mark').waitFor();
    expect(await dialog.getByTestId('history-entry').count()).toBe(2);
  });

  it('takes a behaviour note about a pupil in a lesson, for the weekly report', async () => {
    await signInAs(page, 'teacher');
    await openFirstJournal();
    const { pupil, first } = await emptyPair();
    await cell(pupil, first).click();
    await page.getByTestId('behaviour-note-add').click();
    await page.getByTestId('behaviour-note-kind').selectOption('PRAISE');
    const text = `Помог однокласснику (${Date.now()})`;
    await page.getByTestId('behaviour-note-text').fill(text);
    await page.getByTestId('behaviour-note-form').locator('button[type=submit]').click();
    await page.getByTestId('behaviour-note-saved').waitFor();
    await screenshot(page, 'journal-behaviour-note');
    // Notes are read by the pupil's family, the class teacher and the administration.
    await context.clearCookies();
    await signInAs(page, 'director');
    const notes = await graphql<{ behaviourNotes: { text: string; kind: string }[] }>(
      page,
      'query($p:ID!){behaviourNotes(pupilId:$p){text kind}}',
      { p: pupil },
    );
    expect(notes.behaviourNotes).toContainEqual({ text, kind: 'PRAISE' });
  });

  it('adds a lesson outside the timetable', async () => {
    await signInAs(page, 'teacher');
    await openFirstJournal();
    const lessons = page.getByTestId('journal-lesson');
    const before = await lessons.count();
    await page.getByTestId('journal-add-lesson').click();
    await page.getByTestId('add-lesson-dialog').waitFor();
    await page.getByTestId('add-lesson-save').click();
    await page.getByTestId('add-lesson-dialog').waitFor({ state: 'hidden' });
    await expect.poll(() => lessons.count()).toBe(before + 1);
    // The keyboard is on the new lesson's date.
    const added = await page.evaluate(() => {
      const th = document.activeElement as HTMLElement | null;
      return th?.dataset.testid === 'journal-lesson'
        ? th.querySelector('.number')?.textContent
        : undefined;
    });
    expect(added).toMatch(/^\d+$/);

    // The same day and number again: the server refuses, the dialog says why.
    await page.getByTestId('journal-add-lesson').click();
    await page.getByTestId('new-lesson-number-input').fill(added!);
    await page.getByTestId('add-lesson-save').click();
    await page.getByTestId('new-lesson-number-error').waitFor();
    expect(await page.getByTestId('new-lesson-number-error').textContent()).toContain(
      'уже есть урок',
    );
    expect(await lessons.count()).toBe(before + 1);
  });

  it('cancels, restores and moves a lesson not yet held', async () => {
    await signInAs(page, 'teacher');
    await openFirstJournal();
    const header = page.getByTestId('journal-lesson').last();
    const id = await header.getAttribute('data-lesson');
    const lesson = page.locator(`[data-testid=journal-lesson][data-lesson="${id}"]`);
    await lesson.click();
    await page.getByTestId('lesson-cancel-open').click();
    await page.getByTestId('lesson-note-input').fill('§ 12, задачи 1–5');
    await page.getByTestId('lesson-cancel-save').click();
    await page.getByTestId('lesson-dialog').waitFor({ state: 'hidden' });
    await expect.poll(() => lesson.getAttribute('class')).toContain('cancelled');

    await lesson.click();
    await page.getByTestId('lesson-restore').click();
    await page.getByTestId('lesson-dialog').waitFor({ state: 'hidden' });
    await expect.poll(() => lesson.getAttribute('class')).not.toContain('cancelled');

    await lesson.click();
    await page.getByTestId('lesson-move-open').click();
    const number = page.getByTestId('lesson-number-input');
    await number.fill('9');
    await page.getByTestId('lesson-move-save').click();
    await page.getByTestId('lesson-dialog').waitFor({ state: 'hidden' });
    await expect.poll(() => lesson.locator('.number').textContent()).toBe('9');
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

  it('opens to a substitute only the cells of the lesson substituted', async () => {
    await signInAs(page, 'english');
    const { me } = await graphql<{ me: { personId: string } }>(page, '{ me { personId } }');
    await context.clearCookies();
    await signInAs(page, 'teacher');
    const path = await openFirstJournal();
    const lessonId = await page
      .locator('[data-testid=journal-cell][data-editable=true]')
      .first()
      .getAttribute('data-lesson');
    await context.clearCookies();
    await signInAs(page, 'director');
    const set = 'mutation($l:ID!,$t:ID){setSubstitute(lessonId:$l,teacherId:$t){id}}';
    await graphql(page, set, { l: lessonId, t: me.personId });
    try {
      await context.clearCookies();
      await signInAs(page, 'english');
      await page.goto(path);
      await page.getByTestId('journal-grid').waitFor();
      const open = page.locator('[data-testid=journal-cell][data-editable=true]');
      await expect.poll(() => open.count()).toBeGreaterThan(0);
      const lessons = await open.evaluateAll((cells) => [
        ...new Set(cells.map((c) => (c as HTMLElement).dataset.lesson)),
      ]);
      expect(lessons).toEqual([lessonId]);
      // Final marks and new lessons are the course teacher's: closed to a substitute.
      expect(await page.locator('[data-testid=journal-final][data-editable=true]').count()).toBe(0);
      expect(await page.getByTestId('journal-add-lesson').count()).toBe(0);
      // Another lesson's cell refuses typing as read-only.
      const other = page
        .locator(`[data-testid=journal-cell]:not([data-lesson="${lessonId}"])`)
        .first();
      const before = await other.textContent();
      await other.click();
      await page.keyboard.press('5');
      await page.getByTestId('journal-hint').waitFor();
      expect(await page.getByTestId('journal-hint').textContent()).toContain(
        'только для просмотра',
      );
      expect(await other.textContent()).toBe(before);
    } finally {
      await context.clearCookies();
      await signInAs(page, 'director');
      await graphql(page, set, { l: lessonId, t: null });
    }
  });

  it('lets the director reach a journal from the school overview', async () => {
    await signInAs(page, 'director');
    const seventh = page
      .locator('li')
      .filter({ has: page.getByTestId('class-summary-link').filter({ hasText: /^7А$/ }) });
    await seventh.getByTestId('class-journals-toggle').click();
    await seventh.getByTestId('class-journal-link').filter({ hasText: 'Алгебра' }).click();
    await page.getByTestId('journal-grid').waitFor();
    expect(await page.getByTestId('page-journal').textContent()).toContain('Алгебра');
    await page.getByTestId('journal-read-only').waitFor();
  });

  it('lets the class teacher open the journals of their class', async () => {
    await signInAs(page, 'classteacher');
    const journals = page.getByTestId('led-class-journals');
    await journals.getByTestId('class-journal-link').first().waitFor();
    expect(await journals.getByTestId('class-journal-link').count()).toBeGreaterThan(3);
    await journals.getByTestId('class-journal-link').filter({ hasText: 'Алгебра' }).click();
    await page.getByTestId('journal-grid').waitFor();
    expect(await page.getByTestId('page-journal').textContent()).toContain('7А');
  });
});
