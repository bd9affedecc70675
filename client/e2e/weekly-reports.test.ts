import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { graphql, launchBrowser, openPage, PHONE, screenshot, signInAs } from './browser';

/**
 * Announcements and weekly reports (issue 21), two people at once: a class teacher's announcement
 * asking for acknowledgement reaches a parent's open page live, and the parent's acknowledgement
 * shows in the teacher's counts; the class teacher sends the week's reports for the whole class
 * and the parent, on a phone, reads their child's and acknowledges it.
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

async function open(login: string, phone = false): Promise<Page> {
  const opened = await openPage(browser, phone ? { viewport: PHONE, touch: true } : {});
  contexts.push(opened.context);
  await signInAs(opened.page, login);
  return opened.page;
}

async function go(page: Page, path: string, heading: string): Promise<void> {
  await page.goto(new URL(path, page.url()).toString());
  await page.getByTestId(heading).waitFor();
}

describe('announcements and weekly reports', () => {
  it('carries an announcement to a parent live and the acknowledgement back', async () => {
    const teacher = await open('classteacher');
    const parent = await open('parent', true);
    const { me } = await graphql<{ me: { ledClasses: { name: string }[] } }>(
      teacher,
      '{ me { ledClasses { name } } }',
    );
    const title = `Родительское собрание (${Date.now()})`;

    await go(parent, '/announcements', 'announcements-title');
    await go(teacher, '/announcements', 'announcements-title');
    await teacher.getByTestId('announcement-new').click();
    await teacher
      .getByTestId('announcement-audience-select')
      .selectOption({ label: `Родители ${me.ledClasses[0].name}` });
    await teacher.getByTestId('announcement-title-input').fill(title);
    await teacher.getByTestId('announcement-body-input').fill('В пятницу в 18:00, кабинет 12.');
    await teacher.getByTestId('announcement-ack-input').check();
    await teacher.getByTestId('announcement-send').click();

    // The parent's page was open: the announcement arrives without a reload.
    const card = parent.getByTestId('announcement').filter({ hasText: title });
    await card.waitFor();
    await screenshot(parent, 'announcement-phone');
    await card.getByTestId('announcement-ack').click();
    await card.getByTestId('announcement-acked').waitFor();

    const own = teacher.getByTestId('announcement').filter({ hasText: title });
    await expect
      .poll(async () => own.getByTestId('announcement-counts').textContent(), { timeout: 10_000 })
      .toMatch(/подтвердили [1-9]/);
    await own.getByTestId('announcement-readers-show').click();
    await own.getByTestId('announcement-readers').waitFor();
  });

  it('lets the class teacher send the week’s reports that a parent acknowledges', async () => {
    const teacher = await open('classteacher');
    await go(teacher, '/weekly-reports', 'weekly-title');
    await teacher.getByTestId('weekly-review').waitFor();
    const pupils = teacher.getByTestId('weekly-pupil');
    await pupils.first().waitFor();
    const count = await pupils.count();
    for (let i = 0; i < count; i++) {
      await pupils.nth(i).getByTestId('weekly-line-input').fill('Спокойная, ровная неделя.');
    }
    await screenshot(teacher, 'weekly-reports-review');
    await teacher.getByTestId('weekly-send').click();
    await teacher.getByTestId('weekly-sent').waitFor();

    const parent = await open('parent', true);
    await go(parent, '/weekly-reports', 'weekly-title');
    const report = parent.getByTestId('weekly-report').first();
    await report.waitFor();
    await expect
      .poll(async () => report.getByTestId('weekly-report-line').textContent())
      .toContain('Спокойная, ровная неделя.');
    await screenshot(parent, 'weekly-report-phone');
    await report.getByTestId('weekly-ack').click();
    await report.getByTestId('weekly-acked').waitFor();

    await teacher.reload();
    await teacher.getByTestId('weekly-sent').waitFor();
    await expect
      .poll(async () => teacher.getByTestId('weekly-sent').textContent())
      .toMatch(/подтвердили [1-9]/);
  });
});
