import { AcademicYear } from './academic-year.entity.js';
import { StudyPeriod } from './study-period.entity.js';
import { Holiday } from './holiday.entity.js';
import { ClassGroup } from './class-group.entity.js';
import { Permission, policy } from '../../auth/policy.js';
import { badInput, conflict, notFound } from '../../errors.js';
import { parseId, requiredText } from '../../graphql/validate.js';
import type { Scope } from '../../scope.js';
import type {
  AcademicYearInput,
  CreateHolidayInput,
  CreateStudyPeriodInput,
  HolidayInput,
  StudyPeriodInput,
} from './school.inputs.js';
import type { EntityManager } from '@mikro-orm/postgresql';

const overlaps = (
  a: { startsOn: string; endsOn: string },
  b: { startsOn: string; endsOn: string },
) => a.startsOn <= b.endsOn && b.startsOn <= a.endsOn;

export class CalendarService {
  async years({ em, viewer }: Scope): Promise<AcademicYear[]> {
    policy.require(viewer, Permission.CalendarRead);
    return em.find(
      AcademicYear,
      { school: viewer.schoolId },
      { populate: ['periods', 'holidays'], orderBy: { startsOn: 'desc' } },
    );
  }

  /** The year that contains today; otherwise the next one to start; otherwise the latest. */
  async currentYear(scope: Scope, today: string): Promise<AcademicYear | null> {
    const years = await this.years(scope);
    return (
      years.find((y) => y.startsOn <= today && today <= y.endsOn) ??
      [...years].reverse().find((y) => y.startsOn > today) ??
      years[0] ??
      null
    );
  }

  async year({ em, viewer }: Scope, id: string | number): Promise<AcademicYear> {
    policy.require(viewer, Permission.CalendarRead);
    const year = await em.findOne(AcademicYear, {
      id: parseId('academicYearId', id),
      school: viewer.schoolId,
    });
    if (!year) throw notFound();
    return year;
  }

  async createYear({ em, viewer }: Scope, input: AcademicYearInput): Promise<AcademicYear> {
    policy.require(viewer, Permission.StructureManage);
    return em.transactional(async (tem) => {
      const fields = await this.checkYear(tem, viewer.schoolId, input, null);
      return tem.create(AcademicYear, { school: viewer.schoolId, ...fields });
    });
  }

  async updateYear(
    { em, viewer }: Scope,
    id: string,
    input: AcademicYearInput,
  ): Promise<AcademicYear> {
    policy.require(viewer, Permission.StructureManage);
    return em.transactional(async (tem) => {
      const year = await this.year({ em: tem, viewer }, id);
      const fields = await this.checkYear(tem, viewer.schoolId, input, year.id);
      const periods = await tem.find(StudyPeriod, { academicYear: year.id });
      if (periods.some((p) => p.startsOn < fields.startsOn || p.endsOn > fields.endsOn)) {
        throw badInput(
          'startsOn',
          'PERIOD_OUTSIDE_YEAR',
          'Some study periods would fall outside the year',
        );
      }
      tem.assign(year, fields);
      await tem.populate(year, ['periods']);
      return year;
    });
  }

  async deleteYear({ em, viewer }: Scope, id: string): Promise<boolean> {
    policy.require(viewer, Permission.StructureManage);
    return em.transactional(async (tem) => {
      const year = await this.year({ em: tem, viewer }, id);
      if ((await tem.count(ClassGroup, { academicYear: year.id })) > 0) {
        throw conflict(undefined, 'HAS_DEPENDENTS', 'The year has classes; remove them first');
      }
      tem.remove(year);
      return true;
    });
  }

  private async checkYear(
    em: EntityManager,
    schoolId: number,
    input: AcademicYearInput,
    selfId: number | null,
  ) {
    const name = requiredText('name', input.name, 50);
    if (input.startsOn >= input.endsOn) {
      throw badInput('endsOn', 'INVALID_DATE_RANGE', 'The year must end after it starts');
    }
    const others = (await em.find(AcademicYear, { school: schoolId })).filter(
      (y) => y.id !== selfId,
    );
    if (others.some((y) => y.name.toLowerCase() === name.toLowerCase())) {
      throw conflict('name', 'NAME_TAKEN', 'A year with this name exists');
    }
    if (others.some((y) => overlaps(y, input))) {
      throw badInput('startsOn', 'YEAR_OVERLAP', 'The dates overlap another academic year');
    }
    return { name, startsOn: input.startsOn, endsOn: input.endsOn };
  }

  async createPeriod({ em, viewer }: Scope, input: CreateStudyPeriodInput): Promise<StudyPeriod> {
    policy.require(viewer, Permission.StructureManage);
    return em.transactional(async (tem) => {
      const year = await this.year({ em: tem, viewer }, input.academicYearId);
      const fields = await this.checkPeriod(tem, year, input, null);
      return tem.create(StudyPeriod, { school: viewer.schoolId, academicYear: year, ...fields });
    });
  }

  async updatePeriod(
    { em, viewer }: Scope,
    id: string,
    input: StudyPeriodInput,
  ): Promise<StudyPeriod> {
    policy.require(viewer, Permission.StructureManage);
    return em.transactional(async (tem) => {
      const period = await this.period(tem, viewer.schoolId, id);
      const year = await period.academicYear.loadOrFail();
      tem.assign(period, await this.checkPeriod(tem, year, input, period.id));
      return period;
    });
  }

  async deletePeriod({ em, viewer }: Scope, id: string): Promise<boolean> {
    policy.require(viewer, Permission.StructureManage);
    return em.transactional(async (tem) => {
      const period = await this.period(tem, viewer.schoolId, id);
      await this.requirePeriodUnused(tem, period.id);
      tem.remove(period);
      return true;
    });
  }

  /**
   * A period's marks and subgroup splits would go with it (the database cascades): a period that
   * holds any is refused, as a year with classes is, so no journal is erased by a calendar edit.
   */
  private async requirePeriodUnused(em: EntityManager, periodId: number): Promise<void> {
    const [row] = await em.execute<{ marks: number; splits: number }[]>(
      `select (select count(*)::int from period_mark where period_id = ?) as marks,
              (select count(*)::int from subgroup_split where period_id = ?) as splits`,
      [periodId, periodId],
    );
    if (row.marks + row.splits > 0) {
      throw conflict(
        undefined,
        'HAS_DEPENDENTS',
        `The period holds ${row.marks} period marks and ${row.splits} subgroup splits; it cannot be deleted`,
      );
    }
  }

  private async period(em: EntityManager, schoolId: number, id: string): Promise<StudyPeriod> {
    const period = await em.findOne(StudyPeriod, { id: parseId('id', id), school: schoolId });
    if (!period) throw notFound();
    return period;
  }

  private async checkPeriod(
    em: EntityManager,
    year: AcademicYear,
    input: StudyPeriodInput,
    selfId: number | null,
  ) {
    const name = requiredText('name', input.name, 50);
    if (input.startsOn > input.endsOn) {
      throw badInput('endsOn', 'INVALID_DATE_RANGE', 'The period must end after it starts');
    }
    if (input.startsOn < year.startsOn) {
      throw badInput(
        'startsOn',
        'PERIOD_OUTSIDE_YEAR',
        'The period starts before its academic year',
      );
    }
    if (input.endsOn > year.endsOn) {
      throw badInput('endsOn', 'PERIOD_OUTSIDE_YEAR', 'The period ends after its academic year');
    }
    const others = (await em.find(StudyPeriod, { academicYear: year.id })).filter(
      (p) => p.id !== selfId,
    );
    if (others.some((p) => p.name.toLowerCase() === name.toLowerCase())) {
      throw conflict('name', 'NAME_TAKEN', 'A period with this name exists in this year');
    }
    const clash = others.find((p) => overlaps(p, input));
    if (clash) throw badInput('startsOn', 'PERIOD_OVERLAP', `The dates overlap «${clash.name}»`);
    return { name, kind: input.kind, startsOn: input.startsOn, endsOn: input.endsOn };
  }

  async createHoliday({ em, viewer }: Scope, input: CreateHolidayInput): Promise<Holiday> {
    policy.require(viewer, Permission.StructureManage);
    return em.transactional(async (tem) => {
      const year = await this.year({ em: tem, viewer }, input.academicYearId);
      return tem.create(Holiday, {
        school: viewer.schoolId,
        academicYear: year,
        ...checkHoliday(year, input),
      });
    });
  }

  async updateHoliday({ em, viewer }: Scope, id: string, input: HolidayInput): Promise<Holiday> {
    policy.require(viewer, Permission.StructureManage);
    return em.transactional(async (tem) => {
      const holiday = await this.holiday(tem, viewer.schoolId, id);
      tem.assign(holiday, checkHoliday(await holiday.academicYear.loadOrFail(), input));
      return holiday;
    });
  }

  async deleteHoliday({ em, viewer }: Scope, id: string): Promise<boolean> {
    policy.require(viewer, Permission.StructureManage);
    return em.transactional(async (tem) => {
      tem.remove(await this.holiday(tem, viewer.schoolId, id));
      return true;
    });
  }

  private async holiday(em: EntityManager, schoolId: number, id: string): Promise<Holiday> {
    const holiday = await em.findOne(Holiday, { id: parseId('id', id), school: schoolId });
    if (!holiday) throw notFound();
    return holiday;
  }
}

function checkHoliday(year: AcademicYear, input: HolidayInput) {
  const name = requiredText('name', input.name, 100);
  if (input.startsOn > input.endsOn) {
    throw badInput('endsOn', 'INVALID_DATE_RANGE', 'The holiday must end after it starts');
  }
  if (input.startsOn < year.startsOn || input.endsOn > year.endsOn) {
    throw badInput(
      'startsOn',
      'PERIOD_OUTSIDE_YEAR',
      'The holiday falls outside its academic year',
    );
  }
  const grades = [...new Set(input.grades ?? [])].sort((a, b) => a - b);
  if (grades.some((g) => !Number.isInteger(g) || g < 1 || g > 11)) {
    throw badInput('grades', 'OUT_OF_RANGE', 'Grades are 1 to 11');
  }
  return {
    name,
    startsOn: input.startsOn,
    endsOn: input.endsOn,
    grades: grades.length > 0 ? grades : null,
  };
}
