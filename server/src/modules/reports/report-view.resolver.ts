import {
  Arg,
  Ctx,
  FieldResolver,
  ID,
  Int,
  Mutation,
  Query,
  Resolver,
  Root,
  Subscription,
} from 'type-graphql';
import type { RequestContext } from '../../graphql/context.js';
import type { ReportSpec } from './report.inputs.js';
import { ReportResult } from './report.types.js';
import {
  ReportViewFilter,
  ReportViewInfo,
  ReportViewInput,
  ReportViewPage,
} from './report-view.types.js';

@Resolver(() => ReportViewInfo)
export class ReportViewResolver {
  @Query(() => ReportViewPage, {
    description: 'Saved report views: the viewer’s own and those shared with them, newest first',
  })
  reportViews(
    @Arg('filter', () => ReportViewFilter, { defaultValue: ReportViewFilter.ALL })
    filter: ReportViewFilter,
    @Arg('first', () => Int, { defaultValue: 50 }) first: number,
    @Arg('after', () => ID, { nullable: true }) after: string | null,
    @Ctx() ctx: RequestContext,
  ): Promise<ReportViewPage> {
    return ctx.services.reportViews.list(ctx, filter, first, after);
  }

  @Query(() => ReportViewInfo, { description: 'A saved view the viewer owns or is shared with' })
  reportView(@Arg('id', () => ID) id: string, @Ctx() ctx: RequestContext): Promise<ReportViewInfo> {
    return ctx.services.reportViews.get(ctx, id);
  }

  @FieldResolver(() => ReportResult, {
    description: 'The view run for the viewer, under the viewer’s own row filter',
  })
  async result(@Root() view: ReportViewInfo, @Ctx() ctx: RequestContext): Promise<ReportResult> {
    if (view.result) return view.result;
    return ctx.services.reports.run(
      ctx,
      view.spec as ReportSpec,
      await ctx.loaders.today(),
      ctx.services.clock.now(),
    );
  }

  @Mutation(() => ReportViewInfo, { description: 'Saves a report view, owned by the viewer' })
  async createReportView(
    @Arg('input', () => ReportViewInput) input: ReportViewInput,
    @Ctx() ctx: RequestContext,
  ): Promise<ReportViewInfo> {
    return ctx.services.reportViews.create(ctx, input, await ctx.loaders.today());
  }

  @Mutation(() => ReportViewInfo, { description: 'Changes an own saved view (its audience too)' })
  async updateReportView(
    @Arg('id', () => ID) id: string,
    @Arg('version', () => Int, { description: 'The version you saw' }) version: number,
    @Arg('input', () => ReportViewInput) input: ReportViewInput,
    @Ctx() ctx: RequestContext,
  ): Promise<ReportViewInfo> {
    return ctx.services.reportViews.update(ctx, id, version, input, await ctx.loaders.today());
  }

  @Mutation(() => ID, { description: 'Deletes an own saved view; copies keep their origin' })
  deleteReportView(
    @Arg('id', () => ID) id: string,
    @Arg('version', () => Int) version: number,
    @Ctx() ctx: RequestContext,
  ): Promise<string> {
    return ctx.services.reportViews.delete(ctx, id, version);
  }

  @Mutation(() => ReportViewInfo, {
    description: 'Copies a view the viewer sees into a view of their own (not shared, not pinned)',
  })
  copyReportView(
    @Arg('id', () => ID) id: string,
    @Arg('name', () => String, { nullable: true }) name: string | null,
    @Ctx() ctx: RequestContext,
  ): Promise<ReportViewInfo> {
    return ctx.services.reportViews.copy(ctx, id, name);
  }

  @Subscription(() => ReportViewInfo, {
    name: 'reportView',
    description:
      'A saved view, live: its result for the viewer now, then again whenever the facts under it change (at most every few seconds, only when the result differs); ends with NOT_FOUND when the viewer leaves its audience',
    subscribe: ({ args, context }) =>
      (context as RequestContext).services.reportViewLive.open(
        context as RequestContext,
        (args as { id: string }).id,
      ),
  })
  reportViewLive(
    @Root() view: ReportViewInfo | Error,
    @Arg('id', () => ID) _id: string,
  ): ReportViewInfo {
    if (view instanceof Error) throw view;
    return view;
  }
}
