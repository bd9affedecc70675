import type { EntityManager } from '@mikro-orm/postgresql';
import type { School } from '../school/school.entity.js';
import { WorkType } from './work-type.entity.js';
import { AttendanceCode, AttendanceKind } from './attendance-code.entity.js';

/** Work types and weights for a new school (DOMAIN-DATA.md, section 4); the school may change them. */
export const DEFAULT_WORK_TYPES: { name: string; shortName: string; weight: number }[] = [
  { name: 'Ответ на уроке', shortName: 'Отв', weight: 2 },
  { name: 'Домашняя работа', shortName: 'ДЗ', weight: 1 },
  { name: 'Самостоятельная работа', shortName: 'СР', weight: 3 },
  { name: 'Практическая работа', shortName: 'Практ', weight: 3 },
  { name: 'Лабораторная работа', shortName: 'ЛР', weight: 3 },
  { name: 'Проверочная работа', shortName: 'ПР', weight: 3 },
  { name: 'Тест', shortName: 'Тест', weight: 3 },
  { name: 'Чтение наизусть', shortName: 'Наиз', weight: 2 },
  { name: 'Диктант', shortName: 'Дикт', weight: 3 },
  { name: 'Сочинение', shortName: 'Соч', weight: 4 },
  { name: 'Изложение', shortName: 'Изл', weight: 4 },
  { name: 'Проект', shortName: 'Проект', weight: 4 },
  { name: 'Контрольная работа', shortName: 'КР', weight: 5 },
];

/** Attendance codes as dnevnik.ru has them (DOMAIN-DATA.md, section 5). */
export const DEFAULT_ATTENDANCE_CODES: { code: string; name: string; kind: AttendanceKind }[] = [
  { code: 'Н', name: 'Отсутствовал без уважительной причины', kind: AttendanceKind.ABSENT },
  { code: 'Б', name: 'Болел', kind: AttendanceKind.SICK },
  { code: 'П', name: 'Отсутствовал по уважительной причине', kind: AttendanceKind.EXCUSED },
  { code: 'О', name: 'Опоздал', kind: AttendanceKind.LATE },
];

export function addJournalDefaults(
  em: EntityManager,
  school: School,
): { workTypes: WorkType[]; codes: AttendanceCode[] } {
  const workTypes = DEFAULT_WORK_TYPES.map((w, sort) =>
    em.create(WorkType, { school, ...w, sort }),
  );
  const codes = DEFAULT_ATTENDANCE_CODES.map((c) => em.create(AttendanceCode, { school, ...c }));
  return { workTypes, codes };
}
