import { LockMode } from '@mikro-orm/core';
import { School } from './school.entity.js';
import { Permission, policy } from '../../auth/policy.js';
import { badInput } from '../../errors.js';
import { intInRange, isValidTimeZone, optionalText, requiredText } from '../../graphql/validate.js';
import type { Scope } from '../../scope.js';
import type { UpdateSchoolInput } from './school.inputs.js';

export class SchoolService {
  async get({ em, viewer }: Scope): Promise<School> {
    policy.require(viewer, Permission.SchoolRead);
    return em.findOneOrFail(School, viewer.schoolId);
  }

  async update({ em, viewer }: Scope, input: UpdateSchoolInput): Promise<School> {
    policy.require(viewer, Permission.SchoolManage);
    const name = requiredText('name', input.name, 200);
    const timeZone = input.timeZone.trim();
    if (!isValidTimeZone(timeZone)) {
      throw badInput('timeZone', 'INVALID_TIME_ZONE', 'Unknown time zone');
    }
    const scaleMin = intInRange('scaleMin', input.scaleMin, 0, 99);
    const scaleMax = intInRange('scaleMax', input.scaleMax, 1, 100);
    if (scaleMax <= scaleMin) {
      throw badInput('scaleMax', 'OUT_OF_RANGE', 'The highest mark must exceed the lowest');
    }
    validateThresholds(input.thresholds, scaleMin, scaleMax);
    return em.transactional(async (tem) => {
      const school = await tem.findOneOrFail(School, viewer.schoolId, {
        lockMode: LockMode.PESSIMISTIC_WRITE,
      });
      tem.assign(school, {
        name,
        shortName: optionalText('shortName', input.shortName, 100),
        address: optionalText('address', input.address, 300),
        timeZone,
        scaleMin,
        scaleMax,
        thresholds: input.thresholds,
      });
      return school;
    });
  }
}

/** One threshold per mark above the lowest, strictly rising, each inside the scale. */
function validateThresholds(t: number[], min: number, max: number): void {
  const ok =
    t.length === max - min &&
    t.every((v, i) => Number.isFinite(v) && v > min && v <= max && (i === 0 || v > t[i - 1]));
  if (!ok) {
    throw badInput(
      'thresholds',
      'INVALID_THRESHOLDS',
      `Give ${max - min} rising thresholds between ${min} and ${max}`,
    );
  }
}
