import type { Lang } from '../../graphql/enums.js';
import type { CellValue, DocumentTable, ReportDocument } from './report.document.js';
import { asOfLine } from './report.document.js';

/**
 * A report's tables as CSV: UTF-8 with a byte order mark (so that Excel opens Cyrillic), the
 * delimiter of the language's Excel (`;` in Russian, where the comma is the decimal separator,
 * `,` in English), numbers unformatted (a dot, no grouping, percents 0–100) for programs to read.
 * The title lines come first, each a row of one cell; tables are separated by an empty line.
 */

export const CSV_DELIMITER: Record<Lang, string> = { ru: ';', en: ',' };

function field(v: CellValue, delimiter: string): string {
  if (v == null) return '';
  const text = typeof v === 'number' ? String(v) : v;
  return text.includes(delimiter) || /["\r\n]/.test(text) || /^\s|\s$/.test(text)
    ? `"${text.replaceAll('"', '""')}"`
    : text;
}

export function renderCsv(doc: ReportDocument, lang: Lang): Buffer {
  const d = CSV_DELIMITER[lang];
  const line = (values: CellValue[]) => values.map((v) => field(v, d)).join(d);
  const out: string[] = [doc.schoolName, doc.title, ...doc.lines, asOfLine(doc, lang)].map((t) =>
    line([t]),
  );
  doc.tables.forEach((t: DocumentTable) => {
    out.push('');
    if (t.title) out.push(line([t.title]));
    out.push(line(t.columns.map((c) => c.label)));
    t.rows.forEach((r) => out.push(line(r)));
    if (t.total) out.push(line(t.total));
  });
  return Buffer.from(`\ufeff${out.join('\r\n')}\r\n`, 'utf8');
}
