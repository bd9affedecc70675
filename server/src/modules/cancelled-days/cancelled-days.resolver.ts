import { Arg, Ctx, Float, ID, Int, Mutation, Query, Resolver } from 'type-graphql';
import { LocalDateResolver as LocalDate } from 'graphql-scalars';
import type { RequestContext } from '../../graphql/context.js';
import {
  DeclareCancelledDayInput,
  SetRemoteWorkInput,
  ThresholdInput,
  UpdateCancelledDayInput,
} from './cancelled-days.inputs.js';
import {
  CancellationThreshold,
  CancelledDay,
  CancelledDayPreview,
  OwedTask,
  RemoteClassTable,
  RemoteLesson,
  RemoteTask,
} from './cancelled-days.types.js';

@Resolver()
export class CancelledDaysResolver {
  @Query(() => [CancellationThreshold], {
    description:
      "The school's frost thresholds by grade band (the common set until it sets its own)",
  })
  cancellationThresholds(@Ctx() ctx: RequestContext): Promise<CancellationThreshold[]> {
    return ctx.services.cancelledDays.thresholds(ctx);
  }

  @Mutation(() => [CancellationThreshold], {
    description: 'SYSADMIN: the municipality’s thresholds',
  })
  setCancellationThresholds(
    @Arg('rules', () => [ThresholdInput]) rules: ThresholdInput[],
    @Ctx() ctx: RequestContext,
  ): Promise<CancellationThreshold[]> {
    return ctx.services.cancelledDays.setThresholds(ctx, rules);
  }

  @Query(() => [Int], { description: 'The grades the thresholds cancel at this reading' })
  suggestCancelledGrades(
    @Arg('temperature', () => Float) temperature: number,
    @Arg('windMs', () => Float, { nullable: true }) windMs: number | null,
    @Ctx() ctx: RequestContext,
  ): Promise<number[]> {
    return ctx.services.cancelledDays.suggestGrades(ctx, temperature, windMs);
  }

  @Query(() => [CancelledDay], { description: 'DIRECTOR, DEPUTY: the declared days from today on' })
  cancelledDays(@Ctx() ctx: RequestContext): Promise<CancelledDay[]> {
    return ctx.services.cancelledDays.days(ctx);
  }

  @Query(() => [CancelledDay], {
    description:
      'The banner: the days from today on that concern the viewer (children, own class, lessons)',
  })
  myCancelledDays(@Ctx() ctx: RequestContext): Promise<CancelledDay[]> {
    return ctx.services.cancelledDays.notices(ctx);
  }

  @Query(() => CancelledDayPreview, { description: 'Who would be told of a declaration' })
  cancelledDayPreview(
    @Arg('date', () => LocalDate) date: string,
    @Arg('grades', () => [Int], { defaultValue: [] }) grades: number[],
    @Arg('classIds', () => [ID], { defaultValue: [] }) classIds: string[],
    @Ctx() ctx: RequestContext,
  ): Promise<CancelledDayPreview> {
    return ctx.services.cancelledDays.preview(ctx, date, grades, classIds);
  }

  @Mutation(() => CancelledDay, { description: 'DIRECTOR, DEPUTY: declares a cancelled-class day' })
  declareCancelledDay(
    @Arg('input') input: DeclareCancelledDayInput,
    @Ctx() ctx: RequestContext,
  ): Promise<CancelledDay> {
    return ctx.services.cancelledDays.declare(ctx, input);
  }

  @Mutation(() => CancelledDay, { description: 'Widens or narrows a declared day' })
  updateCancelledDay(
    @Arg('input') input: UpdateCancelledDayInput,
    @Ctx() ctx: RequestContext,
  ): Promise<CancelledDay> {
    return ctx.services.cancelledDays.update(ctx, input);
  }

  @Mutation(() => ID, { description: 'Withdraws a declared day; answers its id' })
  withdrawCancelledDay(
    @Arg('id', () => ID) id: string,
    @Ctx() ctx: RequestContext,
  ): Promise<string> {
    return ctx.services.cancelledDays.withdraw(ctx, id);
  }

  @Query(() => RemoteLesson, { description: 'A remote lesson with its completion table' })
  remoteLesson(
    @Arg('lessonId', () => ID) lessonId: string,
    @Ctx() ctx: RequestContext,
  ): Promise<RemoteLesson> {
    return ctx.services.remoteWork.lesson(ctx, lessonId);
  }

  @Query(() => [RemoteLesson], {
    description: "A pupil's remote lessons of a day (the diary's day view)",
  })
  remoteDay(
    @Arg('pupilId', () => ID) pupilId: string,
    @Arg('date', () => LocalDate) date: string,
    @Ctx() ctx: RequestContext,
  ): Promise<RemoteLesson[]> {
    return ctx.services.remoteWork.pupilDay(ctx, pupilId, date);
  }

  @Query(() => [ID], {
    description:
      'Of these lessons, those studied remotely (on a cancelled day) that the viewer reads: the journal’s and diary’s mark',
  })
  remoteLessonIds(
    @Arg('lessonIds', () => [ID]) lessonIds: string[],
    @Ctx() ctx: RequestContext,
  ): Promise<string[]> {
    return ctx.services.remoteWork.remoteLessonIds(ctx, lessonIds);
  }

  @Query(() => [RemoteLesson], { description: "The teacher's remote lessons of a day" })
  myRemoteLessons(
    @Arg('date', () => LocalDate) date: string,
    @Ctx() ctx: RequestContext,
  ): Promise<RemoteLesson[]> {
    return ctx.services.remoteWork.teacherDay(ctx, date);
  }

  @Mutation(() => RemoteLesson, {
    description: "Sets a remote lesson's material and tasks (R-4.3.1)",
  })
  setRemoteWork(
    @Arg('input') input: SetRemoteWorkInput,
    @Ctx() ctx: RequestContext,
  ): Promise<RemoteLesson> {
    return ctx.services.remoteWork.setWork(ctx, input);
  }

  @Mutation(() => RemoteTask, {
    description:
      'A pupil or parent ticks a task as read and done (R-4.4.1), optionally attaching the work',
  })
  setRemoteTaskDone(
    @Arg('taskId', () => ID) taskId: string,
    @Arg('pupilId', () => ID) pupilId: string,
    @Arg('done') done: boolean,
    @Arg('attachmentIds', () => [ID], {
      nullable: true,
      description:
        'The work’s files, in order: those kept and new uploads (POST /files); others are deleted. Left out: the files stay as they are',
    })
    attachmentIds: string[] | null,
    @Ctx() ctx: RequestContext,
  ): Promise<RemoteTask> {
    return ctx.services.remoteWork.setTaskDone(ctx, taskId, pupilId, done, attachmentIds);
  }

  @Query(() => RemoteClassTable, {
    description:
      'The class teacher’s table: pupils × the remote lessons of a day or span (at most 14 days), all subjects',
  })
  remoteClassTable(
    @Arg('classGroupId', () => ID) classGroupId: string,
    @Arg('from', () => LocalDate) from: string,
    @Arg('to', () => LocalDate, { nullable: true, description: 'Default: `from`' })
    to: string | null,
    @Ctx() ctx: RequestContext,
  ): Promise<RemoteClassTable> {
    return ctx.services.remoteWork.classTable(ctx, classGroupId, from, to);
  }

  @Query(() => [OwedTask], {
    description:
      'For a pupil and the parents: the remote tasks not yet checked as done, overdue first',
  })
  remoteOwed(
    @Arg('pupilId', () => ID) pupilId: string,
    @Ctx() ctx: RequestContext,
  ): Promise<OwedTask[]> {
    const days = ctx.services.cancelledDays;
    return ctx.services.remoteWork.owed(ctx, pupilId, (em, viewer) => days.today(em, viewer));
  }
}
