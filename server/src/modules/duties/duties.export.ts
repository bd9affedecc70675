import ExcelJS from 'exceljs';
import type { Content, TableCell } from 'pdfmake';
import { pdfMake } from '../../documents/fonts.js';
import { formatDateTime, formatDay } from '../../documents/pdf.js';
import { Lang } from '../../graphql/enums.js';
import { Duty, type DutyAccount, type DutyAccounts } from './duties.types.js';

/**
 * The year account for the bonus commission: a summary table (each class teacher's
 * figures, weights and points) and the evidence behind every figure (weeks, months, remarks,
 * courses), as PDF (landscape A4) and XLSX (a sheet per table). Built from the same answer the
 * page shows, so the paper and the screen agree.
 */

type Cell = string | number;
interface Table {
  title: string;
  columns: string[];
  rows: Cell[][];
}

const WORDS = {
  ru: {
    title: 'Учёт работы классных руководителей за учебный год',
    span: (a: string, b: string) => `С ${a} по ${b} (не включая)`,
    generated: 'Сформировано',
    na: 'нет данных',
    yes: 'да',
    no: 'нет',
    duties: {
      [Duty.REVIEWS]: 'Проверка посещаемости в срок',
      [Duty.REPORTS]: 'Еженедельные отчёты родителям',
      [Duty.RECORDS]: 'Ежемесячное подтверждение сведений',
      [Duty.REMARKS]: 'Замечания, отвеченные в срок',
      [Duty.HEALTH]: 'Ведение журналов класса',
    },
    summary: 'Итог',
    teacher: 'Классный руководитель',
    cls: 'Класс',
    points: 'Баллы',
    weeks: 'Недели',
    week: 'Неделя с',
    due: 'Срок',
    reviewed: 'Проверено',
    onTime: 'В срок',
    report: 'Отчёт отправлен',
    months: 'Месяцы',
    month: 'Месяц',
    confirmed: 'Подтверждено',
    missing: 'Не подтверждены',
    remarks: 'Замечания',
    remark: 'Замечание',
    answered: 'Отвечено',
    health: 'Журналы',
    subject: 'Предмет',
    held: 'Уроков',
    noTopic: 'Без темы',
    noHomework: 'Без д/з',
    noAttendance: 'Без посещаемости',
    late: 'Поздние записи',
  },
  en: {
    title: 'Class teachers’ year account',
    span: (a: string, b: string) => `From ${a} to ${b} (not included)`,
    generated: 'Generated',
    na: 'not available',
    yes: 'yes',
    no: 'no',
    duties: {
      [Duty.REVIEWS]: 'Attendance reviews on time',
      [Duty.REPORTS]: 'Weekly reports to parents',
      [Duty.RECORDS]: 'Records confirmed monthly',
      [Duty.REMARKS]: 'Remarks answered on time',
      [Duty.HEALTH]: 'Class journals kept',
    },
    summary: 'Summary',
    teacher: 'Class teacher',
    cls: 'Class',
    points: 'Points',
    weeks: 'Weeks',
    week: 'Week from',
    due: 'Due',
    reviewed: 'Reviewed',
    onTime: 'On time',
    report: 'Report sent',
    months: 'Months',
    month: 'Month',
    confirmed: 'Confirmed',
    missing: 'Not confirmed',
    remarks: 'Remarks',
    remark: 'Remark',
    answered: 'Answered',
    health: 'Journals',
    subject: 'Subject',
    held: 'Lessons',
    noTopic: 'No topic',
    noHomework: 'No homework',
    noAttendance: 'No attendance',
    late: 'Late entries',
  },
};
type Words = (typeof WORDS)['ru'];

function figureText(a: DutyAccount, duty: Duty, w: Words): string {
  const f = a.figures.find((x) => x.duty === duty)!;
  return f.available ? `${f.done}/${f.due} (${f.percent}%) → ${f.points} / ${f.weight}` : w.na;
}

function tables(doc: DutyAccounts, lang: Lang, zone: string): Table[] {
  const w = WORDS[lang];
  const at = (d: Date | null) => (d ? formatDateTime(d, zone, lang) : '—');
  const day = (d: string) => formatDay(d, lang);
  const duties = Object.values(Duty);
  const each = <T>(pick: (a: DutyAccount) => T[] | null, row: (a: DutyAccount, x: T) => Cell[]) =>
    doc.accounts.flatMap((a) => (pick(a) ?? []).map((x) => row(a, x)));
  return [
    {
      title: w.summary,
      columns: [w.teacher, w.cls, ...duties.map((d) => w.duties[d]), w.points],
      rows: doc.accounts.map((a) => [
        a.teacherName,
        a.className,
        ...duties.map((d) => figureText(a, d, w)),
        `${a.points} / ${a.maxPoints}`,
      ]),
    },
    {
      title: w.weeks,
      columns: [w.cls, w.week, w.due, w.reviewed, w.onTime, w.report],
      rows: each(
        (a) => a.weeks,
        (a, x) => [
          a.className,
          day(x.weekStart),
          day(x.dueOn),
          at(x.reviewedAt),
          x.reviewedOnTime ? w.yes : w.no,
          at(x.reportSentAt),
        ],
      ),
    },
    {
      title: w.months,
      columns: [w.cls, w.month, w.confirmed, w.missing],
      rows: each(
        (a) => a.months,
        (a, m) => [
          a.className,
          day(m.monthStart),
          `${m.pupils.filter((p) => p.confirmedAt).length}/${m.pupils.length}`,
          m.pupils
            .filter((p) => !p.confirmedAt)
            .map((p) => p.name)
            .join(', '),
        ],
      ),
    },
    {
      title: w.remarks,
      columns: [w.cls, w.remark, w.due, w.answered, w.onTime],
      rows: each(
        (a) => a.remarks,
        (a, r) => [a.className, r.text, day(r.dueOn), at(r.answeredAt), r.onTime ? w.yes : w.no],
      ),
    },
    {
      title: w.health,
      columns: [
        w.cls,
        w.subject,
        w.teacher,
        w.held,
        w.noTopic,
        w.noHomework,
        w.noAttendance,
        w.late,
      ],
      rows: each(
        (a) => a.health,
        (a, h) => [
          a.className,
          h.subject,
          h.teacherName,
          h.lessonsHeld,
          h.withoutTopic,
          h.withoutHomework,
          h.withoutAttendance,
          h.lateEntries,
        ],
      ),
    },
  ];
}

const headLines = (doc: DutyAccounts, school: string, lang: Lang, zone: string, now: Date) => {
  const w = WORDS[lang];
  return [
    school,
    w.title,
    w.span(formatDay(doc.yearStart, lang), formatDay(doc.upTo, lang)),
    `${w.generated}: ${formatDateTime(now, zone, lang)}`,
  ];
};

export async function accountXlsx(
  doc: DutyAccounts,
  school: string,
  lang: Lang,
  zone: string,
  now: Date,
): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'Otmetka';
  for (const t of tables(doc, lang, zone)) {
    const ws = wb.addWorksheet(t.title);
    headLines(doc, school, lang, zone, now).forEach((text, i) => {
      ws.addRow([text]).font = { bold: i < 2 };
    });
    ws.addRow([]);
    const header = ws.addRow(t.columns);
    header.font = { bold: true };
    t.rows.forEach((r) => ws.addRow(r));
    t.columns.forEach((c, i) => {
      ws.getColumn(i + 1).width = Math.min(Math.max(c.length + 2, 12), 40);
    });
    ws.views = [{ state: 'frozen', ySplit: header.number, xSplit: 0 }];
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}

export async function accountPdf(
  doc: DutyAccounts,
  school: string,
  lang: Lang,
  zone: string,
  now: Date,
): Promise<Buffer> {
  const [schoolLine, title, ...lines] = headLines(doc, school, lang, zone, now);
  const content: Content[] = [
    { text: title, bold: true, fontSize: 13 },
    {
      text: [schoolLine, ...lines].join('\n'),
      fontSize: 9,
      color: '#444444',
      margin: [0, 0, 0, 8],
    },
  ];
  for (const t of tables(doc, lang, zone)) {
    if (t.rows.length === 0) continue;
    const body: TableCell[][] = [
      t.columns.map((text) => ({ text, bold: true })),
      ...t.rows.map((r) => r.map((c) => String(c))),
    ];
    content.push(
      { text: t.title, bold: true, fontSize: 11, margin: [0, 8, 0, 4] },
      { table: { headerRows: 1, body, widths: t.columns.map(() => '*') }, fontSize: 8 },
    );
  }
  const pdf = pdfMake().createPdf({
    pageSize: 'A4',
    pageOrientation: 'landscape',
    pageMargins: [30, 30, 30, 30],
    content,
    defaultStyle: { font: 'Roboto', fontSize: 9 },
    info: { title, creator: 'Otmetka', producer: 'Otmetka' },
  });
  return pdf.getBuffer();
}
