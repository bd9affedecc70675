import { Permission, policy } from '../../auth/policy.js';
import { badInput, conflict, notFound } from '../../errors.js';
import { parseId, requiredText } from '../../graphql/validate.js';
import type { Scope } from '../../scope.js';
import { type MarkSymbol, School } from '../school/school.entity.js';
import { WorkType } from './work-type.entity.js';
import { AttendanceCode } from './attendance-code.entity.js';
import type {
  AttendanceCodeInput,
  MarkSymbolInput,
  WorkTypeInput,
} from './journal-settings.inputs.js';

/**
 * The school's journal settings: work types and weights, attendance codes, and marks
 * outside the numeric scale. Kept by the SYSADMIN; nothing is deleted, since old marks refer to it.
 */
export class JournalSettingsService {
  async workTypes({ em, viewer }: Scope): Promise<WorkType[]> {
    policy.require(viewer, Permission.SchoolRead);
    return em.find(WorkType, { school: viewer.schoolId }, { orderBy: { sort: 'asc', id: 'asc' } });
  }

  async attendanceCodes({ em, viewer }: Scope): Promise<AttendanceCode[]> {
    policy.require(viewer, Permission.SchoolRead);
    return em.find(AttendanceCode, { school: viewer.schoolId }, { orderBy: { id: 'asc' } });
  }

  async saveWorkType(
    { em, viewer }: Scope,
    id: string | null,
    input: WorkTypeInput,
  ): Promise<WorkType> {
    policy.require(viewer, Permission.StructureManage);
    const name = requiredText('name', input.name, 60);
    const shortName = requiredText('shortName', input.shortName, 12);
    if (!Number.isFinite(input.weight) || input.weight <= 0 || input.weight > 10) {
      throw badInput('weight', 'OUT_OF_RANGE', 'A weight is more than 0 and at most 10');
    }
    return em.transactional(async (tem) => {
      const existing = id
        ? await tem.findOne(WorkType, { id: parseId('id', id), school: viewer.schoolId })
        : null;
      if (id && !existing) throw notFound();
      const same = await tem.findOne(WorkType, {
        school: viewer.schoolId,
        name: { $ilike: name },
        id: { $ne: existing?.id ?? 0 },
      });
      if (same) throw conflict('name', 'NAME_TAKEN', 'A work type with this name exists');
      const fields = {
        name,
        shortName,
        weight: input.weight,
        sort: input.sort ?? existing?.sort ?? 100,
        active: input.active ?? existing?.active ?? true,
      };
      return existing
        ? tem.assign(existing, fields)
        : tem.create(WorkType, { school: viewer.schoolId, ...fields });
    });
  }

  async saveAttendanceCode(
    { em, viewer }: Scope,
    id: string | null,
    input: AttendanceCodeInput,
  ): Promise<AttendanceCode> {
    policy.require(viewer, Permission.StructureManage);
    const code = requiredText('code', input.code, 4).toUpperCase();
    const name = requiredText('name', input.name, 60);
    return em.transactional(async (tem) => {
      const existing = id
        ? await tem.findOne(AttendanceCode, { id: parseId('id', id), school: viewer.schoolId })
        : null;
      if (id && !existing) throw notFound();
      const same = await tem.findOne(AttendanceCode, {
        school: viewer.schoolId,
        code,
        id: { $ne: existing?.id ?? 0 },
      });
      if (same) throw conflict('code', 'CODE_TAKEN', 'This code is in use');
      const fields = {
        code,
        name,
        kind: input.kind,
        active: input.active ?? existing?.active ?? true,
      };
      return existing
        ? tem.assign(existing, fields)
        : tem.create(AttendanceCode, { school: viewer.schoolId, ...fields });
    });
  }

  async saveMarkSymbols({ em, viewer }: Scope, symbols: MarkSymbolInput[]): Promise<MarkSymbol[]> {
    policy.require(viewer, Permission.StructureManage);
    const clean = symbols.map((s, i) => ({
      code: requiredText(`symbols.${i}.code`, s.code, 4).toLowerCase(),
      name: requiredText(`symbols.${i}.name`, s.name, 40),
    }));
    if (clean.some((s) => /^\d/.test(s.code))) {
      throw badInput('symbols', 'INVALID_SYMBOL', 'A symbol does not start with a digit');
    }
    if (new Set(clean.map((s) => s.code)).size !== clean.length) {
      throw conflict('symbols', 'CODE_TAKEN', 'Each symbol needs its own code');
    }
    return em.transactional(async (tem) => {
      const school = await tem.findOneOrFail(School, viewer.schoolId);
      school.markSymbols = clean;
      return clean;
    });
  }
}
