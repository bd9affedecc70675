import { Arg, Ctx, ID, Query, Resolver } from 'type-graphql';
import type { RequestContext } from '../../graphql/context.js';
import { FileFormat, Lang } from '../../graphql/enums.js';
import { FileDownload } from '../../graphql/file-download.js';
import { ReportSpec } from './report.inputs.js';

@Resolver()
export class ReportExportResolver {
  @Query(() => FileDownload, {
    description:
      'A report view as a file (XLSX, CSV or PDF; JSON is refused): the same rows as `report`, with the school, the view in words and the data’s time',
  })
  async reportExport(
    @Arg('spec', () => ReportSpec) spec: ReportSpec,
    @Arg('format', () => FileFormat) format: FileFormat,
    @Arg('lang', () => Lang) lang: Lang,
    @Ctx() ctx: RequestContext,
  ): Promise<FileDownload> {
    return ctx.services.reportExports.export(
      ctx,
      spec,
      format,
      lang,
      await ctx.loaders.today(),
      ctx.services.clock.now(),
    );
  }

  @Query(() => FileDownload, {
    description:
      'A saved view as a file (XLSX, CSV or PDF), its name as the title: evaluated under the reader’s own row filter, as its `result`; NOT_FOUND to anyone outside its audience',
  })
  async reportViewExport(
    @Arg('id', () => ID) id: string,
    @Arg('format', () => FileFormat) format: FileFormat,
    @Arg('lang', () => Lang) lang: Lang,
    @Ctx() ctx: RequestContext,
  ): Promise<FileDownload> {
    const view = await ctx.services.reportViews.get(ctx, id);
    return ctx.services.reportExports.exportView(
      ctx,
      view,
      format,
      lang,
      await ctx.loaders.today(),
      ctx.services.clock.now(),
    );
  }
}
