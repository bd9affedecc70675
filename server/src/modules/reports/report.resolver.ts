import { Arg, Ctx, Query, Resolver } from 'type-graphql';
import type { RequestContext } from '../../graphql/context.js';
import { ReportSpec } from './report.inputs.js';
import { ReportModel, ReportResult } from './report.types.js';

@Resolver()
export class ReportResolver {
  @Query(() => ReportResult, {
    description:
      'Runs a report view over the facts the viewer may see: teachers their courses, class teachers also their class, the administration the school',
  })
  async report(
    @Arg('spec', () => ReportSpec) spec: ReportSpec,
    @Ctx() ctx: RequestContext,
  ): Promise<ReportResult> {
    return ctx.services.reports.run(ctx, spec, await ctx.loaders.today(), ctx.services.clock.now());
  }

  @Query(() => ReportModel, {
    description: 'The dimensions and measures reports offer, with formulas',
  })
  reportModel(@Ctx() ctx: RequestContext): ReportModel {
    return ctx.services.reports.model(ctx);
  }
}
