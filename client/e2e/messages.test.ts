import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { graphql, launchBrowser, openPage, PHONE, screenshot, signInAs } from './browser';

/**
 * Messaging (issue 21) between two people at once: a parent writes to the child's class teacher,
 * whose open messages page shows it live; the teacher's reply shows in the parent's open
 * conversation without a reload.
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

async function personOf(page: Page): Promise<{ personId: string; fullName: string }> {
  const { me } = await graphql<{ me: { personId: string; fullName: string } }>(
    page,
    '{ me { personId fullName } }',
  );
  return me;
}

describe('messages', () => {
  it('carries a parent’s question to the class teacher and the reply back, live', async () => {
    const teacher = await open('classteacher');
    const parent = await open('parent', true);
    const classTeacher = await personOf(teacher);
    const question = `Здравствуйте! Что задано по литературе? (${Date.now()})`;
    const reply = `Добрый день! Прочитать главы 1–3. (${Date.now()})`;

    // The teacher's messages page is open before the parent writes.
    await teacher.getByTestId('messages-link').click();
    await teacher.getByTestId('page-messages').waitFor();
    await teacher.getByTestId('messages-choose').waitFor();

    // The parent, on a phone, finds the class teacher by name among those one may write to.
    await parent.getByTestId('messages-link').click();
    await parent.getByTestId('page-messages').waitFor();
    await parent.getByTestId('new-conversation').click();
    await parent.getByTestId('new-conversation-form').waitFor();
    const lastName = classTeacher.fullName.split(' ')[0];
    await parent.getByTestId('recipient-search-input').fill(lastName);
    await expect
      .poll(async () => {
        const found = await parent.getByTestId('recipient').allTextContents();
        return found.length > 0 && found.every((text) => text.includes(lastName));
      })
      .toBe(true);
    const recipient = parent.locator(
      `[data-testid=recipient][data-person-id="${classTeacher.personId}"]`,
    );
    await recipient.click();
    await parent.getByTestId('recipients-chosen').getByText(lastName).waitFor();
    await screenshot(parent, 'messages-new-phone');
    await parent.getByTestId('new-message-text-input').fill(question);
    await parent.getByTestId('new-conversation-send').click();
    await parent.waitForURL(/\/messages\/\d+$/);
    const conversationId = new URL(parent.url()).pathname.split('/').pop()!;
    await parent.getByTestId('message-text').filter({ hasText: question }).waitFor();
    // On a phone the open conversation is the whole screen: the list is hidden.
    expect(await parent.getByTestId('conversation-list').isVisible()).toBe(false);

    // The teacher's list shows it at once, with its unread count and the total in the header.
    const item = teacher.locator(
      `[data-testid=conversation-item][data-conversation-id="${conversationId}"]`,
    );
    await item.getByText(question).waitFor();
    expect(await item.getByTestId('conversation-unread').textContent()).toBe('1');
    await expect.poll(() => teacher.getByTestId('messages-unread').textContent()).toBe('1');
    await screenshot(teacher, 'messages-inbox-desktop');

    // Opening it reads it; the reply goes with Ctrl+Enter.
    await item.click();
    await teacher.getByTestId('conversation').getByText(question).waitFor();
    await expect.poll(() => item.getByTestId('conversation-unread').count()).toBe(0);
    await expect.poll(() => teacher.getByTestId('messages-unread').count()).toBe(0);
    await teacher.getByTestId('message-text-input').fill(reply);
    await teacher.getByTestId('message-text-input').press('Control+Enter');
    await teacher.getByTestId('message-text').filter({ hasText: reply }).waitFor();
    expect(await teacher.getByTestId('message-text-input').inputValue()).toBe('');

    // The parent's open conversation shows the reply, and that the teacher has read the question.
    await parent.getByTestId('message-text').filter({ hasText: reply }).waitFor();
    const own = parent.locator('[data-testid=message][data-own=true]').last();
    await own.getByTestId('message-read').waitFor();
    expect(await own.getByTestId('message-read').textContent()).toContain('Прочитано');
    // The parent's own message can still be changed; the teacher's cannot be, by the parent.
    await own.getByTestId('message-edit').waitFor();
    const theirs = parent.locator('[data-testid=message][data-own=false]').last();
    expect(await theirs.getByTestId('message-edit').count()).toBe(0);
    await screenshot(parent, 'messages-conversation-phone', false);
    await screenshot(teacher, 'messages-conversation-desktop');

    // The parent corrects the question and the teacher takes the reply back: each side sees it.
    const corrected = `${question} И по русскому?`;
    await own.getByTestId('message-edit').click();
    await own.getByTestId('message-edit-input').fill(corrected);
    await own.getByTestId('message-edit-save').click();
    await teacher.getByTestId('message-text').filter({ hasText: corrected }).waitFor();
    const mine = teacher.locator('[data-testid=message][data-own=true]').last();
    await mine.getByTestId('message-delete').click();
    await mine.getByTestId('message-delete-confirm').click();
    await mine.getByTestId('message-text').filter({ hasText: 'Сообщение удалено' }).waitFor();
    await theirs.getByTestId('message-text').filter({ hasText: 'Сообщение удалено' }).waitFor();

    // Back to the list on the phone: the conversation is there, read.
    await parent.getByTestId('conversation-back').click();
    await parent.getByTestId('conversation-list').waitFor();
    await parent
      .locator(`[data-testid=conversation-item][data-conversation-id="${conversationId}"]`)
      .getByText('Сообщение удалено')
      .waitFor();
    await screenshot(parent, 'messages-list-phone');
  });
});
