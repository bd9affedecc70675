import type { Faker } from '@faker-js/faker';
import { Sex } from '../modules/people/person.entity.js';

/** The feminine form of a Russian surname: Иванов → Иванова, Полянский → Полянская. */
export function feminineSurname(male: string): string {
  if (/(ов|ев|ёв|ин|ын)$/.test(male)) return `${male}а`;
  if (/(ский|цкий)$/.test(male)) return `${male.slice(0, -2)}ая`;
  if (/ой$/.test(male)) return `${male.slice(0, -2)}ая`;
  return male;
}

/** A patronymic from the father's first name: Иван → Иванович / Ивановна, Сергей → Сергеевич. */
export function patronymic(name: string, sex: Sex): string {
  const male = sex === Sex.M;
  const fatherName =
    ({ Пётр: 'Петр', Павел: 'Павл', Лев: 'Льв' } as Record<string, string>)[name] ?? name;
  if (/[ая]$/.test(fatherName)) {
    const stem = fatherName.slice(0, -1);
    return male ? `${stem}ич` : `${stem}ична`;
  }
  if (/ий$/.test(fatherName)) {
    const stem = fatherName.slice(0, -2);
    return male ? `${stem}ьевич` : `${stem}ьевна`;
  }
  if (/[йь]$/.test(fatherName)) {
    const stem = fatherName.slice(0, -1);
    return male ? `${stem}евич` : `${stem}евна`;
  }
  return male ? `${fatherName}ович` : `${fatherName}овна`;
}

/**
 * Common first names by generation. faker's Russian list is rich in rare and archaic names
 * («Синклитикия»); a village school is full of Sashas and Nastyas, so names are drawn from here.
 */
const NAMES = {
  adult: {
    male: [
      'Сергей',
      'Андрей',
      'Алексей',
      'Дмитрий',
      'Александр',
      'Евгений',
      'Владимир',
      'Игорь',
      'Олег',
      'Николай',
      'Роман',
      'Павел',
      'Михаил',
      'Виктор',
      'Денис',
      'Максим',
      'Юрий',
      'Иван',
      'Антон',
      'Василий',
    ],
    female: [
      'Елена',
      'Ольга',
      'Наталья',
      'Татьяна',
      'Ирина',
      'Светлана',
      'Юлия',
      'Анна',
      'Екатерина',
      'Марина',
      'Мария',
      'Надежда',
      'Людмила',
      'Галина',
      'Оксана',
      'Анастасия',
      'Валентина',
      'Лариса',
      'Евгения',
      'Вера',
    ],
  },
  child: {
    male: [
      'Александр',
      'Максим',
      'Артём',
      'Михаил',
      'Иван',
      'Дмитрий',
      'Даниил',
      'Кирилл',
      'Матвей',
      'Егор',
      'Никита',
      'Андрей',
      'Илья',
      'Алексей',
      'Тимофей',
      'Роман',
      'Владимир',
      'Ярослав',
      'Фёдор',
      'Марк',
    ],
    female: [
      'Анна',
      'София',
      'Мария',
      'Алиса',
      'Виктория',
      'Полина',
      'Елизавета',
      'Дарья',
      'Варвара',
      'Ксения',
      'Анастасия',
      'Вероника',
      'Александра',
      'Арина',
      'Ева',
      'Василиса',
      'Екатерина',
      'Милана',
      'Ульяна',
      'Валерия',
    ],
  },
  grandfather: [
    'Иван',
    'Николай',
    'Владимир',
    'Виктор',
    'Пётр',
    'Александр',
    'Сергей',
    'Михаил',
    'Анатолий',
    'Геннадий',
    'Юрий',
    'Василий',
    'Валерий',
    'Григорий',
    'Алексей',
  ],
};

export interface Name {
  lastName: string;
  firstName: string;
  middleName: string;
  sex: Sex;
}

export function adultName(faker: Faker, sex: Sex, familyName?: string): Name {
  const fs = sex === Sex.M ? 'male' : 'female';
  const male = familyName ?? faker.person.lastName('male');
  return {
    lastName: sex === Sex.M ? male : feminineSurname(male),
    firstName: faker.helpers.arrayElement(NAMES.adult[fs]),
    middleName: patronymic(faker.helpers.arrayElement(NAMES.grandfather), sex),
    sex,
  };
}

export function childName(faker: Faker, familyName: string, fatherFirstName: string): Name {
  const sex = faker.datatype.boolean() ? Sex.M : Sex.F;
  return {
    lastName: sex === Sex.M ? familyName : feminineSurname(familyName),
    firstName: faker.helpers.arrayElement(NAMES.child[sex === Sex.M ? 'male' : 'female']),
    middleName: patronymic(fatherFirstName, sex),
    sex,
  };
}
