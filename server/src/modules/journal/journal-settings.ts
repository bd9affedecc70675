import {
  Arg,
  Ctx,
  Field,
  Float,
  ID,
  InputType,
  Int,
  Mutation,
  Query,
  Resolver,
} from 'type-graphql';
import { Permission, policy } from '../../auth/policy.js';
import { badInput, conflict, notFound } from '../../errors.js';
import { parseId, requiredText } from '../../graphql/validate.js';
import type { RequestContext } from '../../graphql/context.js';
import type { Scope } from '../../scope.js';
import { MarkSymbol, School } from '../school/school.entity.js';
import { WorkType } from './work-type.entity.js';
import { AttendanceCode, AttendanceKind } from './attendance-code.entity.js';

@InputType()
export class WorkTypeInput {
  @Field() name!: string;
  @Field() shortName!: string;
  @Field(() => Float) weight!: number;
  @Field(() => Int, { nullable: true }) sort?: number | null;
  @Field({
    nullable: true,
    description: 'Inactive work types stay on old marks but are not offered',
  })
  active?: boolean;
}

@InputType()
export class AttendanceCodeInput {
  @Field() code!: string;
  @Field() name!: string;
  @Field(() => AttendanceKind) kind!: AttendanceKind;
  @Field({ nullable: true }) active?: boolean;
}

@InputType()
export class MarkSymbolInput {
  @Field() code!: string;
  @Field() name!: string;
}

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

@Resolver()
export class JournalSettingsResolver {
  @Query(() => [WorkType], { description: "The school's work types and their weights" })
  workTypes(@Ctx() ctx: RequestContext): Promise<WorkType[]> {
    return ctx.services.journalSettings.workTypes(ctx);
  }

  @Query(() => [AttendanceCode])
  attendanceCodes(@Ctx() ctx: RequestContext): Promise<AttendanceCode[]> {
    return ctx.services.journalSettings.attendanceCodes(ctx);
  }

  @Mutation(() => WorkType, { description: 'Creates a work type, or changes one when id is given' })
  saveWorkType(
    @Arg('id', () => ID, { nullable: true }) id: string | null,
    @Arg('input') input: WorkTypeInput,
    @Ctx() ctx: RequestContext,
  ): Promise<WorkType> {
    return ctx.services.journalSettings.saveWorkType(ctx, id, input);
  }

  @Mutation(() => AttendanceCode, {
    description: 'Creates an attendance code, or changes one when id is given',
  })
  saveAttendanceCode(
    @Arg('id', () => ID, { nullable: true }) id: string | null,
    @Arg('input') input: AttendanceCodeInput,
    @Ctx() ctx: RequestContext,
  ): Promise<AttendanceCode> {
    return ctx.services.journalSettings.saveAttendanceCode(ctx, id, input);
  }

  @Mutation(() => [MarkSymbol], {
    description: 'Replaces the marks outside the numeric scale («зч», «нз»…)',
  })
  saveMarkSymbols(
    @Arg('symbols', () => [MarkSymbolInput]) symbols: MarkSymbolInput[],
    @Ctx() ctx: RequestContext,
  ): Promise<MarkSymbol[]> {
    return ctx.services.journalSettings.saveMarkSymbols(ctx, symbols);
  }
}
