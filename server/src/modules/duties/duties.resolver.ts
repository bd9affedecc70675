import { LocalDateResolver as LocalDate } from 'graphql-scalars';
import { Arg, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import { DomainError } from '../../errors.js';
import { FileFormat, Lang } from '../../graphql/enums.js';
import { FileDownload } from '../../graphql/file-download.js';
import type { RequestContext } from '../../graphql/context.js';
import { accountPdf, accountXlsx } from './duties.export.js';
import {
  AttendanceReviewWeek,
  DutyAccounts,
  DutySettings,
  DutySettingsInput,
  TeacherHomePage,
  UpdateReviewAbsenceInput,
} from './duties.types.js';

@Resolver()
export class DutiesResolver {
  @Query(() => AttendanceReviewWeek, {
    description: 'A class’s week of absences for the class teacher’s review (last week by default)',
  })
  async attendanceReview(
    @Arg('classGroupId', () => ID) classGroupId: string,
    @Arg('week', () => LocalDate, { nullable: true, description: 'Any day of the week' })
    week: string | null,
    @Ctx() ctx: RequestContext,
  ): Promise<AttendanceReviewWeek> {
    return ctx.services.attendanceReview.week(ctx, await ctx.loaders.today(), classGroupId, week);
  }

  @Mutation(() => AttendanceReviewWeek, {
    description: 'Changes an absence’s code in the review (audited and live as a journal write)',
  })
  async updateReviewAbsence(
    @Arg('input') input: UpdateReviewAbsenceInput,
    @Ctx() ctx: RequestContext,
  ): Promise<AttendanceReviewWeek> {
    return ctx.services.attendanceReview.updateAbsence(ctx, await ctx.loaders.today(), input);
  }

  @Mutation(() => AttendanceReviewWeek, {
    description: 'Confirms an ended week of the class’s attendance as reviewed (R-4.2.2)',
  })
  async confirmAttendanceReview(
    @Arg('classGroupId', () => ID) classGroupId: string,
    @Arg('week', () => LocalDate, { description: 'Any day of the week' }) week: string,
    @Ctx() ctx: RequestContext,
  ): Promise<AttendanceReviewWeek> {
    const today = await ctx.loaders.today();
    return ctx.services.attendanceReview.confirm(ctx, today, classGroupId, week);
  }

  @Query(() => DutyAccounts, {
    description: 'The class teachers’ year account (R-7.1): everyone’s, or one teacher’s',
  })
  async dutyAccounts(
    @Arg('teacherId', () => ID, { nullable: true }) teacherId: string | null,
    @Ctx() ctx: RequestContext,
  ): Promise<DutyAccounts> {
    return ctx.services.dutyAccounts.accounts(ctx, await ctx.loaders.today(), teacherId);
  }

  @Query(() => FileDownload, { description: 'The year account as PDF or XLSX, with its evidence' })
  async dutyAccountsExport(
    @Arg('format', () => FileFormat) format: FileFormat,
    @Arg('lang', () => Lang, { defaultValue: Lang.RU }) lang: Lang,
    @Ctx() ctx: RequestContext,
  ): Promise<FileDownload> {
    if (format !== FileFormat.PDF && format !== FileFormat.XLSX) {
      throw new DomainError('BAD_USER_INPUT', 'PDF or XLSX', {
        field: 'format',
        reason: 'UNSUPPORTED_FORMAT',
      });
    }
    const doc = await ctx.services.dutyAccounts.accounts(ctx, await ctx.loaders.today(), null);
    const school = await ctx.loaders.school();
    const render = format === FileFormat.PDF ? accountPdf : accountXlsx;
    const file = await render(doc, school.name, lang, school.timeZone, ctx.services.clock.now());
    return {
      filename: `duties-${doc.yearStart}.${format}`,
      contentType:
        format === FileFormat.PDF
          ? 'application/pdf'
          : 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      base64: file.toString('base64'),
    };
  }

  @Query(() => DutySettings, { description: 'The weights of the duties and the review deadline' })
  dutySettings(@Ctx() ctx: RequestContext): Promise<DutySettings> {
    return ctx.services.dutyAccounts.settings(ctx);
  }

  @Mutation(() => DutySettings, { description: 'Sets the weights (adding up to 100) and deadline' })
  setDutySettings(
    @Arg('input') input: DutySettingsInput,
    @Ctx() ctx: RequestContext,
  ): Promise<DutySettings> {
    return ctx.services.dutyAccounts.setSettings(ctx, input);
  }

  @Query(() => TeacherHomePage, {
    description: 'A teacher’s working page: today’s lessons, journal health, remarks to answer',
  })
  async teacherHome(@Ctx() ctx: RequestContext): Promise<TeacherHomePage> {
    const school = await ctx.loaders.school();
    return ctx.services.teacherHome.page(ctx, await ctx.loaders.today(), school.timeZone);
  }
}
