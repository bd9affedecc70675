import type { DigestContent, ReportContent } from './mail.queries.js';

/** A mail ready to send: subject, plain text and the same as HTML. */
export interface Composed {
  subject: string;
  text: string;
  html: string;
}

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** «28.11» from «2026-11-28». */
const day = (iso: string) => `${iso.slice(8, 10)}.${iso.slice(5, 7)}`;

interface Section {
  title: string;
  lines: string[];
}

function render(subject: string, greeting: string, sections: Section[], links: Links): Composed {
  const shown = sections.filter((s) => s.lines.length > 0);
  const footer = [
    `Открыть дневник: ${links.app}`,
    `Отписаться от этих писем: ${links.unsubscribe}`,
  ];
  const text = [
    greeting,
    '',
    ...shown.flatMap((s) => [s.title, ...s.lines.map((l) => `  ${l}`), '']),
    ...footer,
  ].join('\n');
  const html = [
    `<!doctype html><html lang="ru"><head><meta charset="utf-8"><title>${esc(subject)}</title></head><body>`,
    `<p>${esc(greeting)}</p>`,
    ...shown.map(
      (s) =>
        `<h2>${esc(s.title)}</h2><ul>${s.lines.map((l) => `<li>${esc(l)}</li>`).join('')}</ul>`,
    ),
    `<p><a href="${esc(links.app)}">Открыть дневник</a></p>`,
    `<p><small><a href="${esc(links.unsubscribe)}">Отписаться от этих писем</a></small></p>`,
    '</body></html>',
  ].join('\n');
  return { subject, text, html };
}

export interface Links {
  app: string;
  unsubscribe: string;
}

/** The digest, or null when nothing happened in its period (no mail is sent then). */
export function composeDigest(d: DigestContent, weekly: boolean, links: Links): Composed | null {
  const sections: Section[] = [
    {
      title: 'Оценки',
      lines: d.marks.map(
        (m) => `${m.pupil}, ${m.subject}, ${day(m.date)}: ${m.value} (${m.workType})`,
      ),
    },
    {
      title: 'Пропуски',
      lines: d.absences.map(
        (a) => `${a.pupil}, ${a.subject}, ${day(a.date)}: «${a.code}» ${a.codeName}`,
      ),
    },
    {
      title: 'Объявления',
      lines: d.announcements.map((a) => `${a.title} (${a.author})`),
    },
    {
      title: 'Непрочитанные сообщения',
      lines: d.messages.map(
        (m) => `${m.title ?? m.authors.join(', ')}: ${m.unread} ${plural(m.unread)}`,
      ),
    },
  ];
  if (sections.every((s) => s.lines.length === 0)) return null;
  const subject = weekly ? 'Отметка: итоги недели' : 'Отметка: новое за день';
  return render(subject, `Здравствуйте, ${d.name}!`, sections, links);
}

const plural = (n: number) =>
  n % 10 === 1 && n % 100 !== 11
    ? 'сообщение'
    : [2, 3, 4].includes(n % 10) && ![12, 13, 14].includes(n % 100)
      ? 'сообщения'
      : 'сообщений';

/** The class teacher's weekly report (R-4.2.4) as it was sent, in a mail to a guardian. */
export function composeReport(r: ReportContent, links: Links): Composed {
  const c = r.content;
  const sections: Section[] = [
    {
      title: 'Оценки',
      lines: c.subjects.map(
        (s) => `${s.subject}: ${s.marks.map((m) => `${m.value} (${day(m.date)})`).join(', ')}`,
      ),
    },
    {
      title: 'Пропуски',
      lines: c.absences.map(
        (a) => `${day(a.date)}, ${a.lessonNumber} урок, ${a.subject}: ${a.code}`,
      ),
    },
    {
      title: 'Замечания и похвалы',
      lines: c.notes.map((n) => `${day(n.date)}: ${n.text}${n.subject ? ` (${n.subject})` : ''}`),
    },
    {
      title: 'Домашние задания',
      lines: c.homework.map((h) => `${day(h.date)}, ${h.subject}: ${h.text}`),
    },
    { title: 'От классного руководителя', lines: r.personalLine ? [r.personalLine] : [] },
  ];
  return render(
    `Отметка: еженедельный отчёт, ${r.pupil}, неделя с ${day(r.weekStart)}`,
    `Здравствуйте, ${r.name}! Отчёт классного руководителя (${r.sender}) о неделе ученика ${r.pupil}, ${r.className} класс.`,
    sections,
    links,
  );
}
