import { Arg, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { AcademicYear } from './academic-year.entity.js';
import { StudyPeriod } from './study-period.entity.js';
import { Holiday } from './holiday.entity.js';
import {
  AcademicYearInput,
  CreateHolidayInput,
  CreateStudyPeriodInput,
  HolidayInput,
  StudyPeriodInput,
} from './school.inputs.js';
import type { RequestContext } from '../../graphql/context.js';

@Resolver(() => AcademicYear)
export class CalendarResolver {
  @Query(() => [AcademicYear], { description: 'Newest first' })
  academicYears(@Ctx() ctx: RequestContext): Promise<AcademicYear[]> {
    return ctx.services.calendar.years(ctx);
  }

  @Query(() => AcademicYear, { nullable: true })
  async currentAcademicYear(@Ctx() ctx: RequestContext): Promise<AcademicYear | null> {
    return ctx.services.calendar.currentYear(ctx, await ctx.loaders.today());
  }

  @FieldResolver(() => Boolean)
  async isCurrent(@Root() year: AcademicYear, @Ctx() ctx: RequestContext): Promise<boolean> {
    const today = await ctx.loaders.today();
    return year.startsOn <= today && today <= year.endsOn;
  }

  @FieldResolver(() => [StudyPeriod])
  async periods(@Root() year: AcademicYear): Promise<StudyPeriod[]> {
    return (await year.periods.load({ dataloader: true })).getItems();
  }

  @FieldResolver(() => [Holiday], { description: 'Days without lessons, in date order' })
  async holidays(@Root() year: AcademicYear): Promise<Holiday[]> {
    return (await year.holidays.load({ dataloader: true })).getItems();
  }

  @Mutation(() => AcademicYear)
  createAcademicYear(
    @Arg('input') input: AcademicYearInput,
    @Ctx() ctx: RequestContext,
  ): Promise<AcademicYear> {
    return ctx.services.calendar.createYear(ctx, input);
  }

  @Mutation(() => AcademicYear)
  updateAcademicYear(
    @Arg('id', () => ID) id: string,
    @Arg('input') input: AcademicYearInput,
    @Ctx() ctx: RequestContext,
  ): Promise<AcademicYear> {
    return ctx.services.calendar.updateYear(ctx, id, input);
  }

  @Mutation(() => ID, { description: 'Answers the deleted id' })
  async deleteAcademicYear(
    @Arg('id', () => ID) id: string,
    @Ctx() ctx: RequestContext,
  ): Promise<string> {
    await ctx.services.calendar.deleteYear(ctx, id);
    return id;
  }

  @Mutation(() => StudyPeriod)
  createStudyPeriod(
    @Arg('input') input: CreateStudyPeriodInput,
    @Ctx() ctx: RequestContext,
  ): Promise<StudyPeriod> {
    return ctx.services.calendar.createPeriod(ctx, input);
  }

  @Mutation(() => StudyPeriod)
  updateStudyPeriod(
    @Arg('id', () => ID) id: string,
    @Arg('input') input: StudyPeriodInput,
    @Ctx() ctx: RequestContext,
  ): Promise<StudyPeriod> {
    return ctx.services.calendar.updatePeriod(ctx, id, input);
  }

  @Mutation(() => ID, { description: 'Answers the deleted id' })
  async deleteStudyPeriod(
    @Arg('id', () => ID) id: string,
    @Ctx() ctx: RequestContext,
  ): Promise<string> {
    await ctx.services.calendar.deletePeriod(ctx, id);
    return id;
  }

  @Mutation(() => Holiday)
  createHoliday(
    @Arg('input') input: CreateHolidayInput,
    @Ctx() ctx: RequestContext,
  ): Promise<Holiday> {
    return ctx.services.calendar.createHoliday(ctx, input);
  }

  @Mutation(() => Holiday)
  updateHoliday(
    @Arg('id', () => ID) id: string,
    @Arg('input') input: HolidayInput,
    @Ctx() ctx: RequestContext,
  ): Promise<Holiday> {
    return ctx.services.calendar.updateHoliday(ctx, id, input);
  }

  @Mutation(() => ID, { description: 'Answers the deleted id' })
  async deleteHoliday(
    @Arg('id', () => ID) id: string,
    @Ctx() ctx: RequestContext,
  ): Promise<string> {
    await ctx.services.calendar.deleteHoliday(ctx, id);
    return id;
  }
}
