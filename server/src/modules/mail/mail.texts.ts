import { Lang } from '../../graphql/enums.js';

/** A person's mails are in the language they chose (`mail_setting.lang`), else the school's. */
export const SCHOOL_LANG = Lang.RU;

/** «28.11» / «28 Nov» from «2026-11-28». */
const day = {
  ru: (iso: string) => `${iso.slice(8, 10)}.${iso.slice(5, 7)}`,
  en: (iso: string) =>
    new Date(`${iso}T00:00:00Z`).toLocaleDateString('en-GB', {
      day: 'numeric',
      month: 'short',
      timeZone: 'UTC',
    }),
};

const messagesRu = (n: number) =>
  n % 10 === 1 && n % 100 !== 11
    ? 'сообщение'
    : [2, 3, 4].includes(n % 10) && ![12, 13, 14].includes(n % 100)
      ? 'сообщения'
      : 'сообщений';

const ru = {
  day: day.ru,
  openDiary: 'Открыть дневник',
  unsubscribe: 'Отписаться от этих писем',
  hello: (name: string) => `Здравствуйте, ${name}!`,
  marks: 'Оценки',
  absences: 'Пропуски',
  announcements: 'Объявления',
  unread: 'Непрочитанные сообщения',
  messages: (n: number) => `${n} ${messagesRu(n)}`,
  dailySubject: 'Отметка: новое за день',
  weeklySubject: 'Отметка: итоги недели',
  notes: 'Замечания и похвалы',
  homework: 'Домашние задания',
  fromClassTeacher: 'От классного руководителя',
  lesson: (n: number) => `${n} урок`,
  reportSubject: (pupil: string, week: string) =>
    `Отметка: еженедельный отчёт, ${pupil}, неделя с ${week}`,
  reportGreeting: (name: string, sender: string, pupil: string, cls: string) =>
    `Здравствуйте, ${name}! Отчёт классного руководителя (${sender}) о неделе ученика ${pupil}, ${cls} класс.`,
  page: {
    title: 'Отписка от писем',
    ask: 'Больше не присылать эти письма из «Отметки»?',
    button: 'Отписаться',
    done: 'Вы отписались',
    doneDigest: 'Сводки больше не будут приходить на почту. Включить их снова можно в профиле.',
    doneReport:
      'Еженедельные отчёты больше не будут приходить на почту. Включить их снова можно в профиле.',
  },
};

const en: typeof ru = {
  day: day.en,
  openDiary: 'Open the diary',
  unsubscribe: 'Unsubscribe from these e-mails',
  hello: (name: string) => `Hello, ${name}!`,
  marks: 'Marks',
  absences: 'Absences',
  announcements: 'Announcements',
  unread: 'Unread messages',
  messages: (n: number) => `${n} ${n === 1 ? 'message' : 'messages'}`,
  dailySubject: 'Otmetka: today’s news',
  weeklySubject: 'Otmetka: the week in review',
  notes: 'Remarks and praise',
  homework: 'Homework',
  fromClassTeacher: 'From the class teacher',
  lesson: (n: number) => `lesson ${n}`,
  reportSubject: (pupil: string, week: string) =>
    `Otmetka: weekly report, ${pupil}, week of ${week}`,
  reportGreeting: (name: string, sender: string, pupil: string, cls: string) =>
    `Hello, ${name}! The class teacher’s (${sender}) report on ${pupil}’s week, class ${cls}.`,
  page: {
    title: 'Unsubscribe',
    ask: 'Stop these e-mails from Otmetka?',
    button: 'Unsubscribe',
    done: 'You have unsubscribed',
    doneDigest: 'Digests will no longer be e-mailed. You can turn them on again in your profile.',
    doneReport:
      'Weekly reports will no longer be e-mailed. You can turn them on again in your profile.',
  },
};

/** The words of the mails and of the unsubscribe page, in Russian and English. */
export const MAIL_TEXTS: Record<Lang, typeof ru> = { ru, en };

/** The language stored for a person, as the texts take it (anything else: the school's). */
export const mailLang = (lang: string | null | undefined): Lang =>
  lang === Lang.EN ? Lang.EN : lang === Lang.RU ? Lang.RU : SCHOOL_LANG;
