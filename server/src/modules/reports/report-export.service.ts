import type { FileFormat, Lang } from '../../graphql/enums.js';
import type { FileDownload } from '../../graphql/file-download.js';
import type { Scope } from '../../scope.js';
import { checkFormat, exportDocument, resultTable } from './report.export.js';
import type { ReportSpec } from './report.inputs.js';
import type { ReportService } from './report.service.js';
import { TEXTS, type ReportDocument } from './report.document.js';
import { describeSpec } from './report.words.js';
import type { ReportViewInfo } from './report-view.types.js';

/** The school's name and time zone, printed on every report document. */
export async function schoolHeading(scope: Scope): Promise<{ name: string; timeZone: string }> {
  const [row] = await scope.em.execute<{ name: string; time_zone: string }[]>(
    'select name, time_zone from school where id = ?',
    [scope.viewer!.schoolId],
  );
  return { name: row.name, timeZone: row.time_zone };
}

export class ReportExportService {
  constructor(private readonly reports: ReportService) {}

  /** Any view as a file: the same run (and row filter) as `report`, then the document. */
  async export(
    scope: Scope,
    spec: ReportSpec,
    format: FileFormat,
    lang: Lang,
    today: string,
    now: Date,
    /** A saved view's name (and description) as the title, instead of «Отчёт». */
    saved?: Pick<ReportViewInfo, 'name' | 'description'>,
  ): Promise<FileDownload> {
    checkFormat(format);
    const result = await this.reports.run(scope, spec, today, now);
    const school = await schoolHeading(scope);
    const lines = await describeSpec(scope.em, spec, scope.viewer!.schoolId, lang);
    const doc: ReportDocument = {
      title: saved?.name ?? TEXTS[lang].report,
      schoolName: school.name,
      timeZone: school.timeZone,
      generatedAt: result.generatedAt,
      lines: saved?.description ? [saved.description, ...lines] : lines,
      tables: [resultTable(result, lang)],
    };
    return exportDocument(doc, format, lang);
  }

  /**
   * A saved view as a file, for a viewer who sees it (anyone else: NOT_FOUND), evaluated under
   * that viewer's own row filter, as the view's `result` is.
   */
  async exportView(
    scope: Scope,
    view: ReportViewInfo,
    format: FileFormat,
    lang: Lang,
    today: string,
    now: Date,
  ): Promise<FileDownload> {
    return this.export(scope, view.spec as ReportSpec, format, lang, today, now, view);
  }
}
