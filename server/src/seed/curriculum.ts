/**
 * The federal curriculum for a five-day week (2025/26), weekly hours by grade 1–9.
 * Source: ../shared/docs/DOMAIN-DATA.md, section 1.
 */
export interface CurriculumSubject {
  name: string;
  shortName: string;
  hours: Partial<Record<number, number>>;
}

export const CURRICULUM: CurriculumSubject[] = [
  {
    name: 'Русский язык',
    shortName: 'Рус. яз.',
    hours: { 1: 5, 2: 5, 3: 5, 4: 5, 5: 5, 6: 6, 7: 4, 8: 3, 9: 3 },
  },
  { name: 'Литературное чтение', shortName: 'Лит. чт.', hours: { 1: 4, 2: 4, 3: 4, 4: 4 } },
  { name: 'Литература', shortName: 'Лит.', hours: { 5: 3, 6: 3, 7: 2, 8: 2, 9: 3 } },
  {
    name: 'Иностранный язык (английский)',
    shortName: 'Англ. яз.',
    hours: { 2: 2, 3: 2, 4: 2, 5: 3, 6: 3, 7: 3, 8: 3, 9: 3 },
  },
  { name: 'Математика', shortName: 'Матем.', hours: { 1: 4, 2: 4, 3: 4, 4: 4, 5: 5, 6: 5 } },
  { name: 'Алгебра', shortName: 'Алг.', hours: { 7: 3, 8: 3, 9: 3 } },
  { name: 'Геометрия', shortName: 'Геом.', hours: { 7: 2, 8: 2, 9: 2 } },
  { name: 'Вероятность и статистика', shortName: 'Вер. и стат.', hours: { 7: 1, 8: 1, 9: 1 } },
  { name: 'Информатика', shortName: 'Информ.', hours: { 7: 1, 8: 1, 9: 1 } },
  { name: 'Окружающий мир', shortName: 'Окр. мир', hours: { 1: 2, 2: 2, 3: 2, 4: 2 } },
  { name: 'Основы религиозных культур и светской этики', shortName: 'ОРКСЭ', hours: { 4: 1 } },
  { name: 'История', shortName: 'Ист.', hours: { 5: 3, 6: 3, 7: 3, 8: 3, 9: 2 } },
  { name: 'Обществознание', shortName: 'Общ.', hours: { 9: 1 } },
  { name: 'География', shortName: 'Геогр.', hours: { 5: 1, 6: 1, 7: 2, 8: 2, 9: 2 } },
  { name: 'Биология', shortName: 'Биол.', hours: { 5: 1, 6: 1, 7: 1, 8: 2, 9: 2 } },
  { name: 'Физика', shortName: 'Физ.', hours: { 7: 2, 8: 2, 9: 3 } },
  { name: 'Химия', shortName: 'Хим.', hours: { 8: 2, 9: 2 } },
  {
    name: 'Изобразительное искусство',
    shortName: 'ИЗО',
    hours: { 1: 1, 2: 1, 3: 1, 4: 1, 5: 1, 6: 1, 7: 1 },
  },
  { name: 'Музыка', shortName: 'Муз.', hours: { 1: 1, 2: 1, 3: 1, 4: 1, 5: 1, 6: 1, 7: 1, 8: 1 } },
  {
    name: 'Труд (технология)',
    shortName: 'Труд',
    hours: { 1: 1, 2: 1, 3: 1, 4: 1, 5: 2, 6: 2, 7: 2, 8: 1, 9: 1 },
  },
  { name: 'Основы безопасности и защиты Родины', shortName: 'ОБЗР', hours: { 8: 1, 9: 1 } },
  {
    name: 'Физическая культура',
    shortName: 'Физ-ра',
    hours: { 1: 2, 2: 2, 3: 2, 4: 2, 5: 2, 6: 2, 7: 2, 8: 2, 9: 2 },
  },
];

/** Study periods of a school year starting in `y` (DOMAIN-DATA.md, section 2: 8/8/11/7 weeks). */
export function quartersOf(y: number) {
  return [
    { name: 'I четверть', startsOn: `${y}-09-01`, endsOn: `${y}-10-24` },
    { name: 'II четверть', startsOn: `${y}-11-05`, endsOn: `${y}-12-29` },
    { name: 'III четверть', startsOn: `${y + 1}-01-12`, endsOn: `${y + 1}-03-27` },
    { name: 'IV четверть', startsOn: `${y + 1}-04-06`, endsOn: `${y + 1}-05-26` },
  ];
}

/**
 * Holidays of a school year starting in `y`: the breaks between quarters, the extra week of first
 * graders, and public holidays inside quarters (DOMAIN-DATA.md, section 2; transfers of days off
 * change by decree each year and are not modelled).
 */
export function holidaysOf(
  y: number,
): { name: string; startsOn: string; endsOn: string; grades?: number[] }[] {
  const n = y + 1;
  return [
    { name: 'Осенние каникулы', startsOn: `${y}-10-25`, endsOn: `${y}-11-04` },
    { name: 'Зимние каникулы', startsOn: `${y}-12-30`, endsOn: `${n}-01-11` },
    { name: 'Дополнительные каникулы', startsOn: `${n}-02-15`, endsOn: `${n}-02-21`, grades: [1] },
    { name: 'День защитника Отечества', startsOn: `${n}-02-23`, endsOn: `${n}-02-23` },
    { name: 'Международный женский день', startsOn: `${n}-03-08`, endsOn: `${n}-03-08` },
    { name: 'Весенние каникулы', startsOn: `${n}-03-28`, endsOn: `${n}-04-05` },
    { name: 'Праздник Весны и Труда', startsOn: `${n}-05-01`, endsOn: `${n}-05-01` },
    { name: 'День Победы', startsOn: `${n}-05-09`, endsOn: `${n}-05-09` },
  ];
}
