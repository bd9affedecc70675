import { readFileSync } from 'node:fs';
import ExcelJS from 'exceljs';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, openPage, PHONE, signInAs } from './browser';

let browser: Browser;

beforeAll(async () => {
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
});

describe('built-in reports', () => {
  it("shows the class teacher's quarter report and downloads it as XLSX, on a phone", async () => {
    const { context, page } = await openPage(browser, { viewport: PHONE });
    await signInAs(page, 'classteacher');
    await page.goto('/reports');
    await page.getByTestId('builtin-reports-link').click();
    await page.getByTestId('page-builtin-reports').waitFor();
    await page.getByTestId('builtin-kind-select').selectOption('CLASS_RESULTS');
    // The first quarter: the demo school closes it with period marks.
    await page.getByTestId('builtin-period-select').selectOption({ index: 0 });
    await page.getByTestId('builtin-show').click();
    await page.getByTestId('builtin-report').waitFor();
    expect(await page.getByTestId('builtin-error').count()).toBe(0);
    expect(await page.locator('[data-testid="builtin-report"] h2').textContent()).toMatch(
      /^Итоги учебного периода: \d{1,2}[А-ЯЁ] класс — I четверть$/,
    );
    expect(await page.getByTestId('builtin-generated').textContent()).toContain('Данные на');
    const [marks, summary] = await page.getByTestId('builtin-table').all();
    expect(await marks.getByTestId('builtin-row').count()).toBeGreaterThan(1);
    const head = await summary.locator('thead').textContent();
    for (const measure of ['Отличники', 'Хорошисты', 'С одной «3»', 'Неуспевающие', 'СОУ']) {
      expect(head).toContain(measure);
    }
    // The tables scroll in their own frame; the page itself does not get wider than the phone.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(
      PHONE.width,
    );

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('builtin-export-xlsx').click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^Итоги-учебного-периода-.+\.xlsx$/);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(readFileSync(await download.path()) as unknown as ArrayBuffer);
    expect(workbook.worksheets.map((sheet) => sheet.name)).toEqual(['Отметки за период', 'Итоги']);
    const totals = workbook.worksheets[1].getRow(workbook.worksheets[1].rowCount)
      .values as unknown[];
    // Pupils on the list, then pupils assessed: numbers, not text.
    expect(typeof totals[1]).toBe('number');
    expect(typeof totals[2]).toBe('number');
    await context.close();
  });
});
