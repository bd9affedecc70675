import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { graphql, launchBrowser, openPage, PHONE, screenshot, signInAs } from './browser';

/**
 * Messaging's attachments, search and moderation (issue 21) with three people at once: a parent on
 * a phone sends a photo to the class teacher, who sees its preview live and downloads it; a
 * renamed executable is refused in Russian; the teacher finds the message by a word and reports
 * it; the deputy closes the conversation from the reported messages and the parent's composer
 * gives way to a notice, live.
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

describe('messages: attachments, search, moderation', () => {
  it('carries a photo live, finds a word, and a closed conversation stops the parent', async () => {
    const teacher = await open('classteacher');
    const parent = await open('parent', true);
    const { me } = await graphql<{ me: { personId: string } }>(teacher, '{ me { personId } }');
    // A group of the two (not their one-to-one conversation, which other tests use and which
    // this one closes).
    const title = `Справка (${Date.now()})`;
    const { startConversation } = await graphql<{ startConversation: { id: string } }>(
      parent,
      'mutation($i: StartConversationInput!) { startConversation(input: $i) { id } }',
      { i: { memberIds: [me.personId], title, text: 'Здравствуйте! Пришлю справку.' } },
    );
    const id = startConversation.id;
    await teacher.goto(`/messages/${id}`);
    await parent.goto(`/messages/${id}`);
    await teacher.getByTestId('conversation-title').getByText(title).waitFor();
    await parent.getByTestId('composer').waitFor();

    // A renamed executable is refused by its content, in Russian; the parent removes it.
    await parent.getByTestId('attach-input').setInputFiles({
      name: 'справка.pdf',
      mimeType: 'application/pdf',
      buffer: Buffer.concat([Buffer.from('MZ\x90\x00\x03\x00\x00\x00'), Buffer.alloc(512, 1)]),
    });
    const refused = parent.getByTestId('pending-file').filter({ hasText: 'справка.pdf' });
    expect(await refused.getByTestId('upload-error').textContent()).toContain('не принимается');
    await screenshot(parent, 'messages-attach-refused-phone', false);
    await refused.getByTestId('pending-file-remove').click();
    await expect.poll(() => parent.getByTestId('pending-file').count()).toBe(0);

    // A photo (a real PNG: a piece of the teacher's page) with a word to find later.
    const png = await teacher.screenshot({ clip: { x: 0, y: 0, width: 160, height: 120 } });
    await parent.getByTestId('attach-input').setInputFiles({
      name: 'справка.png',
      mimeType: 'image/png',
      buffer: png,
    });
    await parent.locator('[data-testid=pending-file][data-state=ready]').waitFor();
    const text = `Медсправка за неделю (${Date.now()})`;
    await parent.getByTestId('message-text-input').fill(text);
    await screenshot(parent, 'messages-attach-ready-phone', false);
    await parent.getByTestId('message-send').click();
    await parent.getByTestId('message-text').filter({ hasText: text }).waitFor();
    await expect.poll(() => parent.getByTestId('pending-file').count()).toBe(0);

    // The teacher sees the preview live, through the authenticated address.
    const message = teacher.getByTestId('message').filter({ hasText: text });
    const image = message.getByTestId('attachment-image');
    await image.waitFor();
    await expect
      .poll(() => image.locator('img').evaluate((img: HTMLImageElement) => img.naturalWidth))
      .toBe(160);
    await screenshot(teacher, 'messages-attachment-desktop');
    await screenshot(parent, 'messages-attachment-phone', false);

    // Clicking downloads it; the file's answer says attachment, nosniff, and its sniffed type.
    const href = (await image.getAttribute('href'))!;
    const [download] = await Promise.all([teacher.waitForEvent('download'), image.click()]);
    expect(download.suggestedFilename()).toBe('справка.png');
    const file = await teacher.request.get(href);
    expect(file.status()).toBe(200);
    expect(file.headers()['content-type']).toBe('image/png');
    expect(file.headers()['content-disposition']).toMatch(/^attachment;/);
    expect(file.headers()['x-content-type-options']).toBe('nosniff');
    expect((await file.body()).equals(png)).toBe(true);
    // Someone outside the conversation gets nothing.
    const stranger = await open('teacher');
    expect((await stranger.request.get(href)).status()).toBe(404);

    // The teacher finds it by another form of the word; the result opens at the message.
    await teacher.getByTestId('message-search-input').fill('медсправки');
    const result = teacher.getByTestId('search-result').filter({ hasText: text });
    await result.waitFor();
    expect(await result.locator('mark').first().textContent()).toBe('Медсправка');
    await screenshot(teacher, 'messages-search-desktop');
    await result.click();
    await teacher.waitForURL(new RegExp(`/messages/${id}\\?message=\\d+$`));
    await teacher.getByTestId('message').filter({ hasText: text }).waitFor();
    await teacher.getByTestId('message-search-input').fill('');

    // The teacher reports it; the deputy closes the conversation from the reported messages.
    const reported = teacher.getByTestId('message').filter({ hasText: text });
    await reported.getByTestId('message-report').click();
    await reported.getByTestId('report-reason-input').fill('Проверка жалобы');
    await reported.getByTestId('report-send').click();
    await reported.getByTestId('message-reported').waitFor();

    const deputy = await open('deputy');
    await deputy.getByTestId('messages-link').click();
    await deputy.getByTestId('message-reports-link').click();
    const report = deputy.getByTestId('message-report').filter({ hasText: text });
    await report.waitFor();
    expect(await report.textContent()).toContain('Проверка жалобы');
    await screenshot(deputy, 'messages-reports-desktop');
    await report.getByTestId('report-close-conversation').click();
    await report.getByTestId('report-closed').waitFor();

    // The parent's open conversation says it is closed and has no composer, live.
    await parent.getByTestId('conversation-closed').waitFor();
    expect(await parent.getByTestId('composer').count()).toBe(0);
    await screenshot(parent, 'messages-closed-phone', false);
    await teacher.getByTestId('conversation-closed').waitFor();
  });
});
