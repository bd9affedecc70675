import { Arg, Ctx, ID, Query, Resolver } from 'type-graphql';
import { LocalDateResolver as LocalDate } from 'graphql-scalars';
import type { RequestContext } from '../../graphql/context.js';
import { DiaryPeriod, DiaryWeek, DiaryYear } from './diary.types.js';
import { ClassSummary } from './class-summary.types.js';

@Resolver()
export class DiaryResolver {
  @Query(() => DiaryWeek, { description: "A pupil's diary for the week containing `date` (R-2.2)" })
  diaryWeek(
    @Arg('pupilId', () => ID) pupilId: string,
    @Arg('date', () => LocalDate) date: string,
    @Ctx() ctx: RequestContext,
  ): Promise<DiaryWeek> {
    return ctx.services.diary.week(ctx, pupilId, date);
  }

  @Query(() => DiaryPeriod)
  async diaryPeriod(
    @Arg('pupilId', () => ID) pupilId: string,
    @Arg('periodId', () => ID) periodId: string,
    @Ctx() ctx: RequestContext,
  ): Promise<DiaryPeriod> {
    return ctx.services.diary.period(ctx, pupilId, periodId, await ctx.loaders.today());
  }

  @Query(() => ClassSummary, { description: 'All subjects of a class in a study period' })
  classSummary(
    @Arg('classGroupId', () => ID) classGroupId: string,
    @Arg('periodId', () => ID) periodId: string,
    @Ctx() ctx: RequestContext,
  ): Promise<ClassSummary> {
    return ctx.services.classSummary.summary(ctx, classGroupId, periodId);
  }

  @Query(() => DiaryYear, { description: 'The current year unless academicYearId is given' })
  async diaryYear(
    @Arg('pupilId', () => ID) pupilId: string,
    @Arg('academicYearId', () => ID, { nullable: true }) academicYearId: string | null,
    @Ctx() ctx: RequestContext,
  ): Promise<DiaryYear> {
    return ctx.services.diary.year(ctx, pupilId, academicYearId, await ctx.loaders.today());
  }
}
