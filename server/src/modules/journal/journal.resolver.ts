import { Arg, Ctx, Field, ID, Mutation, ObjectType, Query, Resolver } from 'type-graphql';
import type { RequestContext } from '../../graphql/context.js';
import { JournalAttendance, JournalLesson, JournalMark, JournalPage } from './journal.types.js';
import { AttendanceChangeInput, LessonInput, MarkChangeInput } from './journal.inputs.js';
import { StudyPeriod } from '../school/study-period.entity.js';

@ObjectType()
export class SaveMarksResult {
  @Field(() => [JournalMark]) saved!: JournalMark[];
  @Field(() => [ID]) removedIds!: number[];
}

@Resolver()
export class JournalResolver {
  @Query(() => JournalPage, { description: 'A journal page: a course in a study period (R-3.5)' })
  journalPage(
    @Arg('courseId', () => ID) courseId: string,
    @Arg('periodId', () => ID) periodId: string,
    @Ctx() ctx: RequestContext,
  ): Promise<JournalPage> {
    return ctx.services.journal.page(ctx, courseId, periodId);
  }

  @Mutation(() => SaveMarksResult, {
    description: 'Creates, changes and removes marks: all or nothing',
  })
  saveMarks(
    @Arg('changes', () => [MarkChangeInput]) changes: MarkChangeInput[],
    @Ctx() ctx: RequestContext,
  ): Promise<SaveMarksResult> {
    return ctx.services.journalWrite.saveMarks(ctx, changes);
  }

  @Mutation(() => [JournalAttendance], { description: 'Sets or clears attendance: all or nothing' })
  saveAttendance(
    @Arg('changes', () => [AttendanceChangeInput]) changes: AttendanceChangeInput[],
    @Ctx() ctx: RequestContext,
  ): Promise<JournalAttendance[]> {
    return ctx.services.journalWrite.saveAttendance(ctx, changes);
  }

  @Mutation(() => StudyPeriod, {
    description: 'Closes a study period: its marks can no longer change',
  })
  lockPeriod(
    @Arg('periodId', () => ID) periodId: string,
    @Ctx() ctx: RequestContext,
  ): Promise<StudyPeriod> {
    return ctx.services.periodLocks.lock(ctx, periodId);
  }

  @Mutation(() => StudyPeriod, { description: 'Reopens a closed study period; the reason is kept' })
  unlockPeriod(
    @Arg('periodId', () => ID) periodId: string,
    @Arg('reason') reason: string,
    @Ctx() ctx: RequestContext,
  ): Promise<StudyPeriod> {
    return ctx.services.periodLocks.unlock(ctx, periodId, reason);
  }

  @Mutation(() => JournalLesson, { description: "A lesson's topic and homework" })
  updateLesson(
    @Arg('id', () => ID) id: string,
    @Arg('input') input: LessonInput,
    @Ctx() ctx: RequestContext,
  ): Promise<JournalLesson> {
    return ctx.services.journalWrite.updateLesson(ctx, id, input);
  }
}
