import { Arg, Ctx, ID, Mutation, Query, Resolver, Root, Subscription } from 'type-graphql';
import { LocalDateResolver as LocalDate } from 'graphql-scalars';
import type { RequestContext } from '../../graphql/context.js';
import {
  AnswerControlRemarkInput,
  ControlSettingsInput,
  CreateControlCheckInput,
  HealthFilterInput,
} from './control.inputs.js';
import { controlSettings, setControlSettings } from './control.settings.js';
import {
  ControlCheck,
  ControlRemark,
  ControlSettings,
  HealthGap,
  JournalHealthBoard,
} from './control.types.js';

@Resolver()
export class ControlResolver {
  @Query(() => JournalHealthBoard, {
    description:
      "DEPUTY, DIRECTOR: every journal's health over a span, worst first, with the control log (a TEACHER: own courses)",
  })
  journalHealth(
    @Arg('filter', () => HealthFilterInput, { defaultValue: {} }) filter: HealthFilterInput,
    @Ctx() ctx: RequestContext,
  ): Promise<JournalHealthBoard> {
    return ctx.services.control.health(ctx, filter);
  }

  @Query(() => [HealthGap], { description: "The lessons and pupils behind a course's figures" })
  journalHealthGaps(
    @Arg('courseId', () => ID) courseId: string,
    @Arg('from', () => LocalDate) from: string,
    @Arg('to', () => LocalDate) to: string,
    @Ctx() ctx: RequestContext,
  ): Promise<HealthGap[]> {
    return ctx.services.control.gaps(ctx, courseId, from, to);
  }

  @Query(() => [ControlCheck], {
    description: 'DEPUTY, DIRECTOR: checks, newest first; of a course: its own and its class’s',
  })
  controlChecks(
    @Arg('courseId', () => ID, { nullable: true }) courseId: string | null,
    @Ctx() ctx: RequestContext,
  ): Promise<ControlCheck[]> {
    return ctx.services.control.checks(ctx, courseId);
  }

  @Query(() => ControlCheck, { description: 'DEPUTY, DIRECTOR: a check with its snapshot' })
  controlCheck(@Arg('id', () => ID) id: string, @Ctx() ctx: RequestContext): Promise<ControlCheck> {
    return ctx.services.control.check(ctx, id);
  }

  @Query(() => [ControlRemark], {
    description: 'Remarks addressed to the viewer; `open`: those waiting for an answer',
  })
  myControlRemarks(
    @Arg('open', { defaultValue: false }) open: boolean,
    @Ctx() ctx: RequestContext,
  ): Promise<ControlRemark[]> {
    return ctx.services.control.myRemarks(ctx, open);
  }

  @Mutation(() => ControlCheck, {
    description:
      "DEPUTY, DIRECTOR: records a check of a course or a class's journal, its snapshot and remarks",
  })
  createControlCheck(
    @Arg('input') input: CreateControlCheckInput,
    @Ctx() ctx: RequestContext,
  ): Promise<ControlCheck> {
    return ctx.services.control.createCheck(ctx, input);
  }

  @Mutation(() => ControlRemark, {
    description: 'The addressed teacher answers a remark (and marks it fixed)',
  })
  answerControlRemark(
    @Arg('input') input: AnswerControlRemarkInput,
    @Ctx() ctx: RequestContext,
  ): Promise<ControlRemark> {
    return ctx.services.control.answer(ctx, input);
  }

  @Mutation(() => ControlRemark, { description: 'DEPUTY, DIRECTOR: accepts an answered remark' })
  acceptControlRemark(
    @Arg('id', () => ID) id: string,
    @Ctx() ctx: RequestContext,
  ): Promise<ControlRemark> {
    return ctx.services.control.decide(ctx, id, true);
  }

  @Mutation(() => ControlRemark, { description: 'DEPUTY, DIRECTOR: reopens a remark' })
  reopenControlRemark(
    @Arg('id', () => ID) id: string,
    @Ctx() ctx: RequestContext,
  ): Promise<ControlRemark> {
    return ctx.services.control.decide(ctx, id, false);
  }

  @Query(() => ControlSettings, {
    description: "SYSADMIN, DIRECTOR, DEPUTY: the school's rules of journal health",
  })
  controlSettings(@Ctx() ctx: RequestContext): Promise<ControlSettings> {
    return controlSettings(ctx);
  }

  @Mutation(() => ControlSettings, {
    description:
      "SYSADMIN, DIRECTOR: sets the school's rules of journal health (rules not given keep the defaults)",
  })
  setControlSettings(
    @Arg('input') input: ControlSettingsInput,
    @Ctx() ctx: RequestContext,
  ): Promise<ControlSettings> {
    return setControlSettings(ctx, input);
  }

  @Subscription(() => JournalHealthBoard, {
    name: 'journalHealthLive',
    description:
      'The dashboard, live: the board now, then again after journal writes and checks (at most every second, only when it differs)',
    subscribe: ({ args, context }) =>
      (context as RequestContext).services.controlLive.open(
        context as RequestContext,
        (args as { filter?: HealthFilterInput }).filter ?? {},
      ),
  })
  journalHealthLive(
    @Root() board: JournalHealthBoard | Error,
    @Arg('filter', () => HealthFilterInput, { defaultValue: {} }) _filter: HealthFilterInput,
  ): JournalHealthBoard {
    if (board instanceof Error) throw board;
    return board;
  }
}
