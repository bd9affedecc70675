import type { Lang } from '../../graphql/enums.js';
import type { DigestContent, ReportContent } from './mail.queries.js';
import { MAIL_TEXTS } from './mail.texts.js';

/** A mail ready to send: subject, plain text and the same as HTML. */
export interface Composed {
  subject: string;
  text: string;
  html: string;
}

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

interface Section {
  title: string;
  lines: string[];
}

function render(
  lang: Lang,
  subject: string,
  greeting: string,
  sections: Section[],
  links: Links,
): Composed {
  const T = MAIL_TEXTS[lang];
  const shown = sections.filter((s) => s.lines.length > 0);
  const footer = [`${T.openDiary}: ${links.app}`, `${T.unsubscribe}: ${links.unsubscribe}`];
  const text = [
    greeting,
    '',
    ...shown.flatMap((s) => [s.title, ...s.lines.map((l) => `  ${l}`), '']),
    ...footer,
  ].join('\n');
  const html = [
    `<!doctype html><html lang="${lang}"><head><meta charset="utf-8"><title>${esc(subject)}</title></head><body>`,
    `<p>${esc(greeting)}</p>`,
    ...shown.map(
      (s) =>
        `<h2>${esc(s.title)}</h2><ul>${s.lines.map((l) => `<li>${esc(l)}</li>`).join('')}</ul>`,
    ),
    `<p><a href="${esc(links.app)}">${esc(T.openDiary)}</a></p>`,
    `<p><small><a href="${esc(links.unsubscribe)}">${esc(T.unsubscribe)}</a></small></p>`,
    '</body></html>',
  ].join('\n');
  return { subject, text, html };
}

export interface Links {
  app: string;
  unsubscribe: string;
}

/**
 * The digest in the person's language, or null when nothing happened in its period (no mail is
 * sent then). Names (subjects, work types, codes) are the school's own, as the diary shows them.
 */
export function composeDigest(
  d: DigestContent,
  weekly: boolean,
  links: Links,
  lang: Lang,
): Composed | null {
  const T = MAIL_TEXTS[lang];
  const sections: Section[] = [
    {
      title: T.marks,
      lines: d.marks.map(
        (m) => `${m.pupil}, ${m.subject}, ${T.day(m.date)}: ${m.value} (${m.workType})`,
      ),
    },
    {
      title: T.absences,
      lines: d.absences.map(
        (a) => `${a.pupil}, ${a.subject}, ${T.day(a.date)}: «${a.code}» ${a.codeName}`,
      ),
    },
    {
      title: T.announcements,
      lines: d.announcements.map((a) => `${a.title} (${a.author})`),
    },
    {
      title: T.unread,
      lines: d.messages.map((m) => `${m.title ?? m.authors.join(', ')}: ${T.messages(m.unread)}`),
    },
  ];
  if (sections.every((s) => s.lines.length === 0)) return null;
  const subject = weekly ? T.weeklySubject : T.dailySubject;
  return render(lang, subject, T.hello(d.name), sections, links);
}

/** The class teacher's weekly report (R-4.2.4) as it was sent, in a mail to a guardian. */
export function composeReport(r: ReportContent, links: Links, lang: Lang): Composed {
  const T = MAIL_TEXTS[lang];
  const c = r.content;
  const sections: Section[] = [
    {
      title: T.marks,
      lines: c.subjects.map(
        (s) => `${s.subject}: ${s.marks.map((m) => `${m.value} (${T.day(m.date)})`).join(', ')}`,
      ),
    },
    {
      title: T.absences,
      lines: c.absences.map(
        (a) => `${T.day(a.date)}, ${T.lesson(a.lessonNumber)}, ${a.subject}: ${a.code}`,
      ),
    },
    {
      title: T.notes,
      lines: c.notes.map((n) => `${T.day(n.date)}: ${n.text}${n.subject ? ` (${n.subject})` : ''}`),
    },
    {
      title: T.homework,
      lines: c.homework.map((h) => `${T.day(h.date)}, ${h.subject}: ${h.text}`),
    },
    { title: T.fromClassTeacher, lines: r.personalLine ? [r.personalLine] : [] },
  ];
  return render(
    lang,
    T.reportSubject(r.pupil, T.day(r.weekStart)),
    T.reportGreeting(r.name, r.sender, r.pupil, r.className),
    sections,
    links,
  );
}
