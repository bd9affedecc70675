import { LocalDateResolver as LocalDate } from 'graphql-scalars';
import { Arg, Ctx, ID, Int, Mutation, Query, Resolver } from 'type-graphql';
import type { RequestContext } from '../../graphql/context.js';
import {
  BehaviourNoteInfo,
  BehaviourNoteInput,
  ClassWeeklyReports,
  SendWeeklyReportsInput,
  WeeklyReportInfo,
} from './weekly-report.types.js';

@Resolver()
export class WeeklyReportResolver {
  @Query(() => ClassWeeklyReports, {
    description: 'A class’s weekly reports of a week (this week by default): drafts, or as sent',
  })
  async classWeeklyReports(
    @Arg('classGroupId', () => ID) classGroupId: string,
    @Arg('week', () => LocalDate, { nullable: true }) week: string | null,
    @Ctx() ctx: RequestContext,
  ): Promise<ClassWeeklyReports> {
    return ctx.services.weeklyReports.classWeek(ctx, await ctx.loaders.today(), classGroupId, week);
  }

  @Mutation(() => ClassWeeklyReports, {
    description: 'Sends the whole class’s reports of a week to the families, in one action',
  })
  async sendWeeklyReports(
    @Arg('input') input: SendWeeklyReportsInput,
    @Ctx() ctx: RequestContext,
  ): Promise<ClassWeeklyReports> {
    return ctx.services.weeklyReports.send(ctx, await ctx.loaders.today(), input);
  }

  @Query(() => [WeeklyReportInfo], { description: 'A pupil’s weekly reports, newest first' })
  async weeklyReports(
    @Arg('pupilId', () => ID) pupilId: string,
    @Arg('first', () => Int, { defaultValue: 10 }) first: number,
    @Ctx() ctx: RequestContext,
  ): Promise<WeeklyReportInfo[]> {
    return ctx.services.weeklyReports.ofPupil(ctx, await ctx.loaders.today(), pupilId, first);
  }

  @Mutation(() => WeeklyReportInfo, { description: 'A parent acknowledges their child’s report' })
  acknowledgeWeeklyReport(
    @Arg('pupilId', () => ID) pupilId: string,
    @Arg('week', () => LocalDate, { description: 'Any day of the report’s week' }) week: string,
    @Ctx() ctx: RequestContext,
  ): Promise<WeeklyReportInfo> {
    return ctx.services.weeklyReports.acknowledge(ctx, pupilId, week);
  }

  @Mutation(() => BehaviourNoteInfo, { description: 'A teacher’s note about a pupil they teach' })
  async createBehaviourNote(
    @Arg('input') input: BehaviourNoteInput,
    @Ctx() ctx: RequestContext,
  ): Promise<BehaviourNoteInfo> {
    return ctx.services.behaviour.add(ctx, await ctx.loaders.today(), input);
  }

  @Query(() => [BehaviourNoteInfo], { description: 'A pupil’s behaviour notes, newest first' })
  async behaviourNotes(
    @Arg('pupilId', () => ID) pupilId: string,
    @Ctx() ctx: RequestContext,
  ): Promise<BehaviourNoteInfo[]> {
    return ctx.services.behaviour.list(ctx, await ctx.loaders.today(), pupilId);
  }
}
