import { badInput } from '../../errors.js';
import { FileFormat, type Lang } from '../../graphql/enums.js';
import { FileDownload } from '../../graphql/file-download.js';
import { MEASURES } from './report.model.js';
import type { ReportResult, ReportRow } from './report.types.js';
import { renderCsv } from './report.csv.js';
import {
  fileName,
  TEXTS,
  type CellValue,
  type DocumentColumn,
  type DocumentTable,
  type ReportDocument,
} from './report.document.js';
import { renderPdf } from './report.pdf.js';
import { renderXlsx } from './report.xlsx.js';
import { dimensionLabel } from './report.words.js';

/** Exports of report views and built-in reports: XLSX, CSV, PDF of a ReportDocument. */

const CONTENT_TYPES: Partial<Record<FileFormat, string>> = {
  [FileFormat.XLSX]: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  [FileFormat.CSV]: 'text/csv; charset=utf-8',
  [FileFormat.PDF]: 'application/pdf',
};

/** Refuses a format the exports do not offer (JSON), naming the argument. */
export function checkFormat(format: FileFormat): void {
  if (!CONTENT_TYPES[format]) {
    throw badInput('format', 'UNSUPPORTED_FORMAT', 'Reports export to XLSX, CSV or PDF');
  }
}

export async function exportDocument(
  doc: ReportDocument,
  format: FileFormat,
  lang: Lang,
): Promise<FileDownload> {
  checkFormat(format);
  const bytes =
    format === FileFormat.XLSX
      ? await renderXlsx(doc, lang)
      : format === FileFormat.CSV
        ? renderCsv(doc, lang)
        : await renderPdf(doc, lang);
  return Object.assign(new FileDownload(), {
    filename: fileName(doc.title, format),
    contentType: CONTENT_TYPES[format]!,
    base64: bytes.toString('base64'),
  });
}

/**
 * A view's result as one table: the row dimensions' labels, then each measure (in a pivot, each
 * column value × measure, then each measure's total over the columns), and the totals row.
 */
export function resultTable(result: ReportResult, lang: Lang): DocumentTable {
  const t = TEXTS[lang];
  const measureLabel = (m: (typeof result.measures)[number]) =>
    lang === 'ru' ? MEASURES[m].ru : MEASURES[m].en;
  const several = result.measures.length > 1;
  const slots: { column: string | null; measure: (typeof result.measures)[number] }[] = [];
  const columns: DocumentColumn[] = result.rowDimensions.map((d) => ({
    label: dimensionLabel(d, lang),
    unit: 'TEXT',
  }));
  const add = (column: string | null, heading: string) =>
    result.measures.forEach((measure) => {
      slots.push({ column, measure });
      columns.push({
        label: several ? `${heading} · ${measureLabel(measure)}` : heading,
        unit: MEASURES[measure].unit,
      });
    });
  if (result.columnDimension) {
    for (const c of result.columns) add(c.key, c.label ?? c.key ?? t.none);
    add(null, t.total);
  } else {
    result.measures.forEach((measure) => {
      slots.push({ column: null, measure });
      columns.push({ label: measureLabel(measure), unit: MEASURES[measure].unit });
    });
  }
  const cells = (row: ReportRow): CellValue[] =>
    slots.map(
      (s) => row.cells.find((c) => c.measure === s.measure && c.column === s.column)?.value ?? null,
    );
  const rows = result.rows.map((row) => [
    ...row.values.map((v) => v.label ?? v.key ?? t.none),
    ...cells(row),
  ]);
  const dims = result.rowDimensions.length;
  const total = [
    ...Array.from({ length: dims }, (_, i) => (i === 0 ? t.total : null)),
    ...cells(result.total),
  ];
  return { title: null, columns, rows, total };
}
