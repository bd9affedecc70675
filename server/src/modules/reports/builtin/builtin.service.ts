import { Permission, policy, type ReportTarget } from '../../../auth/policy.js';
import { DomainError } from '../../../errors.js';
import type { FileFormat, Lang } from '../../../graphql/enums.js';
import type { FileDownload } from '../../../graphql/file-download.js';
import type { Scope } from '../../../scope.js';
import { checkFormat, exportDocument } from '../report.export.js';
import type { ReportDocument, DocumentTable } from '../report.document.js';
import { ReportDimension } from '../report.model.js';
import type { ReportService } from '../report.service.js';
import { schoolHeading } from '../report-export.service.js';
import { codeKinds, idArg, loadClass, loadCourse, loadPeriod } from './builtin.context.js';
import { journalArchive } from './builtin.journal.js';
import {
  attendanceByMonth,
  classResults,
  courseResults,
  schoolBy,
  type Built,
} from './builtin.reports.js';
import { BUILTIN_TEXTS } from './builtin.texts.js';
import {
  BuiltinReportKind as K,
  type BuiltinReport,
  type BuiltinReportInput,
  type BuiltinTable,
} from './builtin.types.js';

const SCHOOL_BY = {
  [K.SCHOOL_BY_CLASS]: [ReportDimension.CLASS_GROUP, 'schoolByClass'],
  [K.SCHOOL_BY_SUBJECT]: [ReportDimension.SUBJECT, 'schoolBySubject'],
  [K.SCHOOL_BY_TEACHER]: [ReportDimension.TEACHER, 'schoolByTeacher'],
} as const;

function authorize(scope: Scope, target: ReportTarget): void {
  if (!policy.canReportOn(scope.viewer, target)) {
    throw new DomainError('FORBIDDEN', 'You may not see this report', {
      reason: 'MISSING_PERMISSION',
    });
  }
}

/** The built-in reports: a teacher's, a class teacher's, the administration's, the journal's copy. */
export class BuiltinReportService {
  constructor(private readonly reports: ReportService) {}

  private async build(
    scope: Scope,
    input: BuiltinReportInput,
    lang: Lang,
    today: string,
    now: Date,
  ): Promise<Built> {
    policy.require(scope.viewer, Permission.ReportsRead);
    const { em } = scope;
    const schoolId = scope.viewer.schoolId;
    const period = await loadPeriod(em, schoolId, idArg(input.periodId, 'input.periodId'));
    const env = {
      em,
      schoolId,
      lang,
      run: (spec: Parameters<ReportService['run']>[1]) => this.reports.run(scope, spec, today, now),
      codes: new Map<string, string>(),
    };
    const t = BUILTIN_TEXTS[lang];
    switch (input.kind) {
      case K.COURSE_RESULTS:
      case K.JOURNAL_ARCHIVE: {
        const course = await loadCourse(em, schoolId, idArg(input.courseId, 'input.courseId'));
        authorize(scope, { classId: course.classId, courseId: course.id });
        if (input.kind === K.JOURNAL_ARCHIVE) {
          return journalArchive(em, schoolId, course, period, lang);
        }
        env.codes = await codeKinds(em, schoolId);
        return courseResults(env, course, period);
      }
      case K.CLASS_RESULTS: {
        const cls = await loadClass(em, schoolId, idArg(input.classGroupId, 'input.classGroupId'));
        authorize(scope, { classId: cls.id });
        env.codes = await codeKinds(em, schoolId);
        return classResults(env, cls, period);
      }
      case K.ATTENDANCE_BY_MONTH:
        authorize(scope, { classId: null });
        return attendanceByMonth(env, period);
      case K.SCHOOL_BY_CLASS:
      case K.SCHOOL_BY_SUBJECT:
      case K.SCHOOL_BY_TEACHER: {
        const [by, title] = SCHOOL_BY[input.kind];
        authorize(scope, { classId: null });
        return schoolBy(env, by, period, t[title](period.name));
      }
    }
  }

  private async document(
    scope: Scope,
    input: BuiltinReportInput,
    lang: Lang,
    today: string,
    now: Date,
  ): Promise<ReportDocument> {
    const built = await this.build(scope, input, lang, today, now);
    const school = await schoolHeading(scope);
    return { ...built, schoolName: school.name, timeZone: school.timeZone, generatedAt: now };
  }

  async report(
    scope: Scope,
    input: BuiltinReportInput,
    lang: Lang,
    today: string,
    now: Date,
  ): Promise<BuiltinReport> {
    const doc = await this.document(scope, input, lang, today, now);
    return {
      kind: input.kind,
      title: doc.title,
      schoolName: doc.schoolName,
      lines: doc.lines,
      generatedAt: doc.generatedAt,
      tables: doc.tables.map(typedTable),
    };
  }

  async export(
    scope: Scope,
    input: BuiltinReportInput,
    format: FileFormat,
    lang: Lang,
    today: string,
    now: Date,
  ): Promise<FileDownload> {
    checkFormat(format);
    return exportDocument(await this.document(scope, input, lang, today, now), format, lang);
  }
}

function typedTable(t: DocumentTable): BuiltinTable {
  const row = (values: (string | number | null)[]) => ({
    cells: values.map((v, i) =>
      t.columns[i].unit === 'TEXT'
        ? { text: v == null ? null : String(v), value: null }
        : { text: null, value: typeof v === 'number' ? v : null },
    ),
  });
  return {
    title: t.title,
    columns: t.columns.map((c) => ({ label: c.label, unit: c.unit === 'TEXT' ? null : c.unit })),
    rows: t.rows.map(row),
    total: t.total ? row(t.total) : null,
  };
}
