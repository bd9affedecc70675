import { Arg, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import type { RequestContext } from '../../graphql/context.js';
import { MarkSymbol } from '../school/school.entity.js';
import { WorkType } from './work-type.entity.js';
import { AttendanceCode } from './attendance-code.entity.js';
import { AttendanceCodeInput, MarkSymbolInput, WorkTypeInput } from './journal-settings.inputs.js';

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

  @Mutation(() => WorkType, { description: 'A new work type' })
  createWorkType(
    @Arg('input') input: WorkTypeInput,
    @Ctx() ctx: RequestContext,
  ): Promise<WorkType> {
    return ctx.services.journalSettings.saveWorkType(ctx, null, input);
  }

  @Mutation(() => WorkType, { description: "Changes a work type's name or weight" })
  updateWorkType(
    @Arg('id', () => ID) id: string,
    @Arg('input') input: WorkTypeInput,
    @Ctx() ctx: RequestContext,
  ): Promise<WorkType> {
    return ctx.services.journalSettings.saveWorkType(ctx, id, input);
  }

  @Mutation(() => AttendanceCode, { description: 'A new attendance code' })
  createAttendanceCode(
    @Arg('input') input: AttendanceCodeInput,
    @Ctx() ctx: RequestContext,
  ): Promise<AttendanceCode> {
    return ctx.services.journalSettings.saveAttendanceCode(ctx, null, input);
  }

  @Mutation(() => AttendanceCode, { description: 'Changes an attendance code' })
  updateAttendanceCode(
    @Arg('id', () => ID) id: string,
    @Arg('input') input: AttendanceCodeInput,
    @Ctx() ctx: RequestContext,
  ): Promise<AttendanceCode> {
    return ctx.services.journalSettings.saveAttendanceCode(ctx, id, input);
  }

  @Mutation(() => [MarkSymbol], {
    description: 'Replaces the marks outside the numeric scale («зч», «нз»…)',
  })
  setMarkSymbols(
    @Arg('symbols', () => [MarkSymbolInput]) symbols: MarkSymbolInput[],
    @Ctx() ctx: RequestContext,
  ): Promise<MarkSymbol[]> {
    return ctx.services.journalSettings.saveMarkSymbols(ctx, symbols);
  }
}
