import { Arg, Ctx, Field, ID, Int, Mutation, ObjectType, Query, Resolver } from 'type-graphql';
import type { RequestContext } from '../../graphql/context.js';
import {
  HistoryEntry,
  JournalAttendance,
  JournalLesson,
  JournalMark,
  JournalPage,
  JournalPeriodMark,
} from './journal.types.js';
import { TimetableSlot } from './timetable-slot.entity.js';
import {
  AttendanceChangeInput,
  LessonInput,
  LessonScheduleInput,
  MarkChangeInput,
  NewLessonInput,
  PeriodMarkInput,
  TimetableSlotInput,
} from './journal.inputs.js';
import { StudyPeriod } from '../school/study-period.entity.js';

const IDEMPOTENCY_KEY =
  'A key the client makes for this batch (a UUID; 8–100 of A–Z, a–z, 0–9, -, _) and sends again with a retry: a batch already written is answered again, not written twice';

@ObjectType()
export class SetMarksResult {
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

  @Mutation(() => SetMarksResult, {
    description: 'Creates, changes and removes marks: all or nothing',
  })
  setMarks(
    @Arg('changes', () => [MarkChangeInput]) changes: MarkChangeInput[],
    @Arg('idempotencyKey', () => String, { nullable: true, description: IDEMPOTENCY_KEY })
    idempotencyKey: string | null,
    @Ctx() ctx: RequestContext,
  ): Promise<SetMarksResult> {
    return ctx.services.journalWrite.saveMarks(ctx, changes, idempotencyKey);
  }

  @Mutation(() => [JournalAttendance], { description: 'Sets or clears attendance: all or nothing' })
  setAttendance(
    @Arg('changes', () => [AttendanceChangeInput]) changes: AttendanceChangeInput[],
    @Arg('idempotencyKey', () => String, { nullable: true, description: IDEMPOTENCY_KEY })
    idempotencyKey: string | null,
    @Ctx() ctx: RequestContext,
  ): Promise<JournalAttendance[]> {
    return ctx.services.journalWrite.saveAttendance(ctx, changes, idempotencyKey);
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

  @Query(() => [TimetableSlot], { description: "A course's weekly slots" })
  timetable(
    @Arg('courseId', () => ID) courseId: string,
    @Ctx() ctx: RequestContext,
  ): Promise<TimetableSlot[]> {
    return ctx.services.timetable.slots(ctx, courseId);
  }

  @Mutation(() => TimetableSlot, {
    description: 'SYSADMIN adds a weekly slot; overlaps are refused',
  })
  createTimetableSlot(
    @Arg('input') input: TimetableSlotInput,
    @Ctx() ctx: RequestContext,
  ): Promise<TimetableSlot> {
    return ctx.services.timetable.addSlot(ctx, input);
  }

  @Mutation(() => ID, { description: 'Answers the deleted id' })
  async deleteTimetableSlot(
    @Arg('id', () => ID) id: string,
    @Ctx() ctx: RequestContext,
  ): Promise<string> {
    await ctx.services.timetable.removeSlot(ctx, id);
    return id;
  }

  @Mutation(() => Int, {
    description: "Makes a period's lessons from the timetable; returns how many were new",
  })
  generateLessons(
    @Arg('courseId', () => ID) courseId: string,
    @Arg('periodId', () => ID) periodId: string,
    @Ctx() ctx: RequestContext,
  ): Promise<number> {
    return ctx.services.timetable.generateLessons(ctx, courseId, periodId);
  }

  @Mutation(() => JournalLesson, { description: 'A lesson outside the timetable' })
  createLesson(
    @Arg('input') input: NewLessonInput,
    @Ctx() ctx: RequestContext,
  ): Promise<JournalLesson> {
    return ctx.services.lessons.add(ctx, input);
  }

  @Mutation(() => JournalLesson, { description: 'Moves, cancels or restores a lesson' })
  scheduleLesson(
    @Arg('id', () => ID) id: string,
    @Arg('input') input: LessonScheduleInput,
    @Ctx() ctx: RequestContext,
  ): Promise<JournalLesson> {
    return ctx.services.lessons.schedule(ctx, id, input);
  }

  @Mutation(() => JournalLesson, {
    description: 'The administration records a substitute teacher (or none)',
  })
  setSubstitute(
    @Arg('lessonId', () => ID) lessonId: string,
    @Arg('teacherId', () => ID, { nullable: true }) teacherId: string | null,
    @Ctx() ctx: RequestContext,
  ): Promise<JournalLesson> {
    return ctx.services.lessons.setSubstitute(ctx, lessonId, teacherId);
  }

  @Mutation(() => JournalPeriodMark, { description: 'The final mark of a period or of the year' })
  async setPeriodMark(
    @Arg('input') input: PeriodMarkInput,
    @Ctx() ctx: RequestContext,
  ): Promise<JournalPeriodMark> {
    const m = await ctx.services.lessons.setPeriodMark(ctx, input);
    return {
      id: m.id,
      courseId: m.course.id,
      pupilId: m.pupil.id,
      periodId: m.period?.id ?? null,
      value: m.value ?? null,
      version: m.version,
    };
  }

  @Query(() => [HistoryEntry], { description: "A mark's history, for those who may see the mark" })
  async markHistory(
    @Arg('markId', () => ID) markId: string,
    @Ctx() ctx: RequestContext,
  ): Promise<HistoryEntry[]> {
    const rows = await ctx.services.lessons.markHistory(ctx, markId);
    return rows.map(({ atMs, ...r }) => ({
      at: new Date(atMs),
      ...r,
      before: r.before ? JSON.stringify(r.before) : null,
      after: r.after ? JSON.stringify(r.after) : null,
    }));
  }
}
