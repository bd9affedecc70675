import { buildSchema } from 'type-graphql';
import type { GraphQLSchema } from 'graphql';
import { AuthResolver } from '../auth/auth.resolver.js';
import { SchoolResolver } from '../modules/school/school.resolver.js';
import { CalendarResolver } from '../modules/school/calendar.resolver.js';
import { ClassGroupResolver } from '../modules/school/class-group.resolver.js';
import { SubjectResolver } from '../modules/school/subject.resolver.js';
import { CourseResolver } from '../modules/school/course.resolver.js';
import { StaffResolver } from '../modules/people/staff.resolver.js';
import { JournalResolver } from '../modules/journal/journal.resolver.js';
import { DiaryResolver } from '../modules/diary/diary.resolver.js';
import { SubgroupResolver } from '../modules/subgroups/subgroup.resolver.js';
import { LiveResolver } from '../events/live.resolver.js';
import { JournalSettingsResolver } from '../modules/journal/journal-settings.resolver.js';
import { PeopleResolver } from '../modules/people/people.resolver.js';
import { AccessResolver } from '../modules/access/access.resolver.js';
import { MessagingResolver } from '../modules/messaging/messaging.resolver.js';
import { ReportResolver } from '../modules/reports/report.resolver.js';
import { ReportViewResolver } from '../modules/reports/report-view.resolver.js';
import { ReportExportResolver } from '../modules/reports/report-export.resolver.js';
import { BuiltinReportResolver } from '../modules/reports/builtin/builtin.resolver.js';
import { AnnouncementResolver } from '../modules/announcements/announcement.resolver.js';
import { WeeklyReportResolver } from '../modules/weekly-reports/weekly-report.resolver.js';
import { NotificationResolver } from '../modules/notifications/notification.resolver.js';
import { CancelledDaysResolver } from '../modules/cancelled-days/cancelled-days.resolver.js';
import { DutiesResolver } from '../modules/duties/duties.resolver.js';
import { PushResolver } from '../modules/push/push.resolver.js';
import { MailResolver } from '../modules/mail/mail.resolver.js';
import { ControlResolver } from '../modules/control/control.resolver.js';
import { guardSchema } from './guard.js';
import { ProblemInfo } from './problem.js';

let cached: Promise<GraphQLSchema> | undefined;

/**
 * The whole API; `schema.graphql` at the repository root is this, printed. Every argument is
 * checked, and anonymous callers stopped, by `guardSchema` before any resolver runs.
 */
export function buildAppSchema(): Promise<GraphQLSchema> {
  cached ??= buildSchema({
    resolvers: [
      AuthResolver,
      SchoolResolver,
      CalendarResolver,
      ClassGroupResolver,
      SubjectResolver,
      CourseResolver,
      StaffResolver,
      JournalResolver,
      DiaryResolver,
      SubgroupResolver,
      LiveResolver,
      JournalSettingsResolver,
      PeopleResolver,
      AccessResolver,
      MessagingResolver,
      ReportResolver,
      ReportViewResolver,
      ReportExportResolver,
      BuiltinReportResolver,
      AnnouncementResolver,
      WeeklyReportResolver,
      NotificationResolver,
      CancelledDaysResolver,
      DutiesResolver,
      PushResolver,
      MailResolver,
      ControlResolver,
    ],
    // Not returned by any operation: the shape of an error's extensions, with ErrorReason.
    orphanedTypes: [ProblemInfo],
    validate: false,
    // Every subscription brings its own `subscribe` (events/live.service.ts); type-graphql's topic
    // pub/sub is not used, but it insists on having one.
    pubSub: {
      publish: () => {},
      subscribe: () => {
        throw new Error('subscriptions use their own subscribe function');
      },
    },
    emitSchemaFile: false,
  }).then(guardSchema);
  return cached;
}
