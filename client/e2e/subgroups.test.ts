import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { graphql, DESKTOP, launchBrowser, openPage, PHONE, screenshot, signInAs } from './browser';

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

const PERIOD = 'II четверть';
const cardOf = (subject: string) =>
  page.getByTestId('split-card').filter({
    has: page.getByTestId('split-subject').getByText(subject, { exact: true }),
  });

/** Splits 7А for a subject in the period: the subject's teacher first, the pupils evenly. */
async function split(subject: string) {
  await page.getByTestId('split-open').click();
  await page.getByTestId('split-form').waitFor();
  await page.getByTestId('split-subject-select').selectOption({ label: subject });
  await selectStartingWith(page.getByTestId('split-period-select'), PERIOD);
  await page.getByTestId('split-pupil-row').first().waitFor();
  await page.getByTestId('split-group-teacher-select').nth(1).selectOption({ index: 1 });
  await page.getByTestId('split-distribute').click();
  await page.getByTestId('split-save').click();
  await page.getByTestId('split-dialog').waitFor({ state: 'hidden' });
  await cardOf(subject).waitFor();
}

interface StoredSplit {
  id: string;
  subjectName: string;
  periodId: string;
  groups: { name: string; courseId: string; pupils: { id: string; fullName: string }[] }[];
}

async function splitOf(classGroupId: string, subject: string): Promise<StoredSplit> {
  const data = await graphql<{ subgroupSplits: StoredSplit[] }>(
    page,
    `
      query ($c: ID!) {
        subgroupSplits(classGroupId: $c) {
          id
          subjectName
          periodId
          groups {
            name
            courseId
            pupils {
              id
              fullName
            }
          }
        }
      }
    `,
    { c: classGroupId },
  );
  return data.subgroupSplits.find((s) => s.subjectName === subject)!;
}

const namesIn = (card: Locator, group: number) =>
  card.getByTestId('split-group-card').nth(group).locator('.pupils li').allTextContents();

describe('changing and deleting subgroups', () => {
  it('lets the class teacher move a pupil, keeping their marks in the old journal, and delete a split', async () => {
    await signInAs(page, 'classteacher');
    await page.getByTestId('class-subgroups-link').click();
    await page.getByTestId('page-subgroups').waitFor();
    const classGroupId = /\/class\/(\d+)\/subgroups/.exec(page.url())![1];

    // Literature (taught by the class teacher herself) and computer science, both split.
    await split('Литература');
    await split('Информатика');
    const literature = cardOf('Литература');
    const informatics = cardOf('Информатика');

    // A mark in group 1's journal for its first pupil.
    const stored = await splitOf(classGroupId, 'Литература');
    const [first, second] = stored.groups;
    const pupil = first.pupils[0];
    const period = await graphql<{
      journalPage: { startsOn: string; workTypes: { id: string; active: boolean }[] };
    }>(
      page,
      'query ($c: ID!, $p: ID!) { journalPage(courseId: $c, periodId: $p) { startsOn workTypes { id active } } }',
      { c: first.courseId, p: stored.periodId },
    );
    const lesson = await graphql<{ createLesson: { id: string } }>(
      page,
      'mutation ($i: NewLessonInput!) { createLesson(input: $i) { id } }',
      { i: { courseId: first.courseId, date: period.journalPage.startsOn, number: 9 } },
    );
    const given = await graphql<{ setMarks: { saved: { id: string; version: number }[] } }>(
      page,
      'mutation ($c: [MarkChangeInput!]!) { setMarks(changes: $c) { saved { id version } } }',
      {
        c: [
          {
            lessonId: lesson.createLesson.id,
            pupilId: pupil.id,
            value: '5',
            workTypeId: period.journalPage.workTypes.find((w) => w.active)!.id,
          },
        ],
      },
    );

    // The form opens with the split as it is.
    await literature.getByTestId('split-edit').click();
    const dialog = page.getByTestId('split-edit-dialog');
    await dialog.getByTestId('split-form').waitFor();
    expect(await dialog.getByTestId('split-facts-subject').textContent()).toBe('Литература');
    const names = dialog.getByTestId('split-group-name-input');
    expect([await names.nth(0).inputValue(), await names.nth(1).inputValue()]).toEqual([
      first.name,
      second.name,
    ]);
    expect(await dialog.getByTestId('split-count-2').count()).toBe(0);
    const row = dialog.locator(`[data-testid="split-pupil-row"][data-pupil-id="${pupil.id}"]`);
    await row.waitFor();
    expect(await row.getByTestId('split-pupil-group').nth(0).isChecked()).toBe(true);

    // The pupil goes to group 2, which gets a new name.
    await row.getByTestId('split-pupil-group').nth(1).check();
    expect(await row.getAttribute('data-moved')).toBe('true');
    expect(await row.getByTestId('split-pupil-moved').textContent()).toContain(first.name);
    await names.nth(1).fill('Вторая группа');
    await screenshot(page, 'subgroups-edit-form');
    await page.setViewportSize(PHONE);
    await screenshot(page, 'subgroups-edit-form-phone');
    await page.setViewportSize(DESKTOP);

    // The mark holds the pupil: the form names them and asks before moving.
    await dialog.getByTestId('split-save').click();
    const conflict = dialog.getByTestId('split-journal-conflict');
    await conflict.waitFor();
    expect(await conflict.getByTestId('split-conflict-pupil').allTextContents()).toEqual([
      expect.stringContaining(pupil.fullName),
    ]);
    expect(await conflict.textContent()).toContain('останутся в журнале прежней группы');
    expect(await row.getAttribute('data-has-entries')).toBe('true');
    await screenshot(page, 'subgroups-edit-conflict');
    await conflict.getByTestId('split-force').click();
    await dialog.waitFor({ state: 'hidden' });

    const groupNames = literature.getByTestId('split-group-card').locator('h3');
    await expect.poll(() => groupNames.allTextContents()).toEqual([first.name, 'Вторая группа']);
    expect(await namesIn(literature, 1)).toContain(pupil.fullName);
    expect(await namesIn(literature, 0)).not.toContain(pupil.fullName);

    // The mark stays in group 1's journal: the split cannot be deleted, and the dialog says why.
    await literature.getByTestId('split-delete').click();
    const confirm = page.getByTestId('split-delete-dialog');
    await confirm.getByTestId('split-delete-confirm').click();
    const refusal = confirm.getByTestId('split-delete-error');
    await refusal.waitFor();
    expect(await refusal.textContent()).toContain('удалить нельзя');
    await screenshot(page, 'subgroups-delete-refused');
    await confirm.getByRole('button', { name: 'Отмена' }).click();
    await confirm.waitFor({ state: 'hidden' });
    expect(await literature.count()).toBe(1);

    // A split without marks goes, with its groups' journals.
    await informatics.getByTestId('split-delete').click();
    await confirm.getByTestId('split-delete-confirm').waitFor();
    expect(await confirm.textContent()).toContain('Информатика');
    expect(await confirm.getByTestId('split-delete-error').count()).toBe(0);
    await screenshot(page, 'subgroups-delete-confirm');
    await confirm.getByTestId('split-delete-confirm').click();
    await confirm.waitFor({ state: 'hidden' });
    await expect.poll(() => informatics.count()).toBe(0);

    // The mark removed, literature's split can go too (and leaves the class as it was).
    const [mark] = given.setMarks.saved;
    await graphql(
      page,
      'mutation ($c: [MarkChangeInput!]!) { setMarks(changes: $c) { saved { id } } }',
      { c: [{ id: mark.id, version: mark.version, remove: true }] },
    );
    await literature.getByTestId('split-delete').click();
    await confirm.getByTestId('split-delete-confirm').click();
    await confirm.waitFor({ state: 'hidden' });
    await expect.poll(() => literature.count()).toBe(0);
  });
});
