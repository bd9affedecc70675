import type { Content, TableCell } from 'pdfmake';
import { pdfMake } from '../../documents/fonts.js';
import type { Lang } from '../../graphql/enums.js';
import {
  asOfLine,
  formatNumber,
  TEXTS,
  type CellValue,
  type DocumentTable,
  type ReportDocument,
} from './report.document.js';

/**
 * A report as a PDF (pdfmake): the same title lines as the workbook, each table with its header
 * repeated on every page, numbers right-aligned in the language's format. A4, turned to landscape
 * when a table has more columns than fit upright; the font shrinks for very wide tables.
 */

type DocDefinition = Parameters<ReturnType<typeof pdfMake>['createPdf']>[0];

/** Columns that fit on an upright A4 page at 8 pt. */
const PORTRAIT_COLUMNS = 8;
const LANDSCAPE_COLUMNS = 14;

const widest = (doc: ReportDocument) => Math.max(0, ...doc.tables.map((t) => t.columns.length));

function table(t: DocumentTable, lang: Lang, fontSize: number): Content[] {
  const header: TableCell[] = t.columns.map((c) => ({ text: c.label, bold: true }));
  const row = (values: CellValue[], bold = false): TableCell[] =>
    values.map((v, i) => {
      const unit = t.columns[i].unit;
      return {
        text: formatNumber(v, unit, lang),
        alignment: unit === 'TEXT' ? 'left' : 'right',
        bold,
      };
    });
  const body = [header, ...t.rows.map((r) => row(r)), ...(t.total ? [row(t.total, true)] : [])];
  const pageBreak = t.pageBreak ? { pageBreak: 'before' as const } : {};
  return [
    ...(t.title
      ? [
          {
            text: t.title,
            bold: true,
            fontSize: 11,
            margin: [0, 10, 0, 4],
            ...pageBreak,
          } as Content,
        ]
      : []),
    t.rows.length === 0 && !t.total
      ? { text: TEXTS[lang].empty, italics: true }
      : {
          table: {
            headerRows: 1,
            widths: t.columns.map((c, i) => (i === 0 && c.unit === 'TEXT' ? '*' : 'auto')),
            body,
          },
          layout: 'lightHorizontalLines',
          fontSize,
        },
  ];
}

export function documentDefinition(doc: ReportDocument, lang: Lang): DocDefinition {
  const columns = widest(doc);
  const landscape = columns > PORTRAIT_COLUMNS;
  const fontSize = columns > LANDSCAPE_COLUMNS ? 6 : 8;
  return {
    pageSize: 'A4',
    pageOrientation: landscape ? 'landscape' : 'portrait',
    pageMargins: [30, 30, 30, 40],
    info: { title: doc.title, creator: 'Otmetka', producer: 'Otmetka' },
    defaultStyle: { font: 'Roboto', fontSize: 9 },
    content: [
      { text: doc.schoolName, fontSize: 9, color: '#444444' },
      { text: doc.title, bold: true, fontSize: 14, margin: [0, 2, 0, 4] },
      ...doc.lines.map((text) => ({ text, fontSize: 9 })),
      { text: asOfLine(doc, lang), fontSize: 9, color: '#444444', margin: [0, 0, 0, 6] },
      ...doc.tables.flatMap((t) => table(t, lang, fontSize)),
    ],
    footer: (page: number, pages: number) => ({
      text: `${page} / ${pages}`,
      alignment: 'right',
      fontSize: 8,
      color: '#555555',
      margin: [0, 12, 30, 0],
    }),
  };
}

export function renderPdf(doc: ReportDocument, lang: Lang): Promise<Buffer> {
  return pdfMake().createPdf(documentDefinition(doc, lang)).getBuffer();
}
