import { Arg, Ctx, Query, Resolver } from 'type-graphql';
import type { RequestContext } from '../../../graphql/context.js';
import { FileFormat, Lang } from '../../../graphql/enums.js';
import { FileDownload } from '../../../graphql/file-download.js';
import { BuiltinReport, BuiltinReportInput } from './builtin.types.js';

@Resolver()
export class BuiltinReportResolver {
  @Query(() => BuiltinReport, {
    description:
      'A built-in report for a period, as tables in the language asked: a course’s (its teacher, its class teacher), a class’s (its class teacher), the school’s (DIRECTOR, DEPUTY)',
  })
  async builtinReport(
    @Arg('input', () => BuiltinReportInput) input: BuiltinReportInput,
    @Arg('lang', () => Lang) lang: Lang,
    @Ctx() ctx: RequestContext,
  ): Promise<BuiltinReport> {
    const now = ctx.services.clock.now();
    return ctx.services.builtinReports.report(ctx, input, lang, await ctx.loaders.today(), now);
  }

  @Query(() => FileDownload, {
    description: 'A built-in report as a file: XLSX, CSV or PDF (JSON is refused)',
  })
  async builtinReportExport(
    @Arg('input', () => BuiltinReportInput) input: BuiltinReportInput,
    @Arg('format', () => FileFormat) format: FileFormat,
    @Arg('lang', () => Lang) lang: Lang,
    @Ctx() ctx: RequestContext,
  ): Promise<FileDownload> {
    const now = ctx.services.clock.now();
    return ctx.services.builtinReports.export(
      ctx,
      input,
      format,
      lang,
      await ctx.loaders.today(),
      now,
    );
  }
}
