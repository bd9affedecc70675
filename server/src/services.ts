import type { Knex } from '@mikro-orm/postgresql';
import type { Config } from './config.js';
import { Clock } from './clock.js';
import type { EventBus } from './events/event-bus.js';
import { LiveService } from './events/live.service.js';
import { AuthService } from './auth/auth.service.js';
import { MeService } from './auth/me.service.js';
import { LoginRateLimiter } from './auth/rate-limit.js';
import { SessionService } from './auth/session.service.js';
import { CalendarService } from './modules/school/calendar.service.js';
import { ClassGroupService } from './modules/school/class-group.service.js';
import { CourseService } from './modules/school/course.service.js';
import { SchoolService } from './modules/school/school.service.js';
import { SubjectService } from './modules/school/subject.service.js';
import { StaffService } from './modules/people/staff.service.js';
import { JournalService } from './modules/journal/journal.service.js';
import { JournalWriteService } from './modules/journal/journal-write.service.js';
import { PeriodLockService } from './modules/journal/period-lock.service.js';
import { TimetableService } from './modules/journal/timetable.service.js';
import { LessonService } from './modules/journal/lesson.service.js';
import { requireReadableCourse } from './modules/journal/journal.access.js';
import { SubgroupService } from './modules/subgroups/subgroup.service.js';
import { JournalSettingsService } from './modules/journal/journal-settings.service.js';
import { DiaryService, requireDiaryPupil } from './modules/diary/diary.service.js';
import { ClassSummaryService } from './modules/diary/class-summary.service.js';
import { PeopleService } from './modules/people/people.service.js';
import { ClassImportService } from './modules/people/class-import.service.js';
import { DataExportService } from './modules/people/data-export.service.js';
import { AccessService } from './modules/access/access.service.js';
import { MessagingService } from './modules/messaging/messaging.service.js';
import { ReportService } from './modules/reports/report.service.js';
import { ReportViewService } from './modules/reports/report-view.service.js';
import { ReportViewLive } from './modules/reports/report-view.live.js';
import { ReportExportService } from './modules/reports/report-export.service.js';
import { ReportScheduleService } from './modules/reports/report-schedule.service.js';
import { BuiltinReportService } from './modules/reports/builtin/builtin.service.js';
import { AnnouncementService } from './modules/announcements/announcement.service.js';
import { WeeklyReportService } from './modules/weekly-reports/weekly-report.service.js';
import { BehaviourService } from './modules/weekly-reports/behaviour.service.js';
import { NotificationService } from './modules/notifications/notification.service.js';
import { CancelledDaysService } from './modules/cancelled-days/cancelled-days.service.js';
import { RemoteWorkService } from './modules/cancelled-days/remote-work.service.js';
import { AttendanceReviewService } from './modules/duties/review.service.js';
import { DutyAccountService } from './modules/duties/account.service.js';
import { TeacherHomeService } from './modules/duties/teacher-home.service.js';
import { PushService } from './modules/push/push.service.js';
import { MailService } from './modules/mail/mail.service.js';
import { ControlService } from './modules/control/control.service.js';
import { ControlLive } from './modules/control/control.live.js';

/** The application's services, made once per server and shared by every request. */
export function createServices(config: Config, knex: Knex, bus: EventBus) {
  const clock = new Clock({ today: config.today, now: config.now });
  const sessions = new SessionService(config.sessionTtlMs);
  const calendar = new CalendarService();
  const classes = new ClassGroupService(calendar);
  const subjects = new SubjectService();
  const messaging = new MessagingService(clock);
  const reports = new ReportService();
  const reportViews = new ReportViewService(clock);
  const reportExports = new ReportExportService(reports);
  const control = new ControlService(clock);
  return {
    clock,
    sessions,
    auth: new AuthService(sessions, new LoginRateLimiter(knex, config.login)),
    me: new MeService(clock),
    school: new SchoolService(),
    calendar,
    classes,
    subjects,
    courses: new CourseService(calendar, classes, subjects),
    staff: new StaffService(sessions),
    journal: new JournalService(),
    journalWrite: new JournalWriteService(clock),
    diary: new DiaryService(),
    periodLocks: new PeriodLockService(),
    timetable: new TimetableService(),
    lessons: new LessonService(),
    subgroups: new SubgroupService(),
    journalSettings: new JournalSettingsService(),
    bus,
    live: new LiveService(bus, {
      diaryPupil: requireDiaryPupil,
      readableCourse: requireReadableCourse,
    }),
    classSummary: new ClassSummaryService(),
    messaging,
    // A reply to an announcement is a message to its author (modules/announcements).
    announcements: new AnnouncementService((scope, today, to, text) =>
      messaging.start(scope, today, { memberIds: [String(to)], text }),
    ),
    weeklyReports: new WeeklyReportService(),
    behaviour: new BehaviourService(),
    notifications: new NotificationService(),
    reports,
    reportViews,
    reportViewLive: new ReportViewLive(bus, reports, reportViews, clock),
    reportExports,
    // Scheduled views reach their audience as messages (the document delivery port, decision 64).
    reportSchedules: new ReportScheduleService(reportExports, messaging, clock),
    builtinReports: new BuiltinReportService(reports),
    cancelledDays: new CancelledDaysService(clock),
    remoteWork: new RemoteWorkService(),
    attendanceReview: new AttendanceReviewService(),
    dutyAccounts: new DutyAccountService(),
    teacherHome: new TeacherHomeService(clock),
    push: new PushService(config.push),
    mail: new MailService(
      config.mail && {
        ...config.mail,
        baseUrl: (config.publicUrl ?? `http://localhost:${config.port}`).replace(/\/$/, ''),
      },
      clock,
    ),
    control,
    controlLive: new ControlLive(bus, control),
    people: new PeopleService(),
    classImport: new ClassImportService(),
    dataExport: new DataExportService(clock),
    access: new AccessService(
      config,
      sessions,
      new LoginRateLimiter(knex, config.login, 'activations', 'act'),
      knex,
      clock,
    ),
  };
}

export type Services = ReturnType<typeof createServices>;
