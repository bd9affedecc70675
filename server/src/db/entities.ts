import { School } from '../modules/school/school.entity.js';
import { AcademicYear } from '../modules/school/academic-year.entity.js';
import { StudyPeriod } from '../modules/school/study-period.entity.js';
import { Holiday } from '../modules/school/holiday.entity.js';
import { ClassGroup } from '../modules/school/class-group.entity.js';
import { Subject } from '../modules/school/subject.entity.js';
import { Course } from '../modules/school/course.entity.js';
import { Person } from '../modules/people/person.entity.js';
import { UserAccount } from '../modules/people/user-account.entity.js';
import { RoleGrant } from '../modules/people/role-grant.entity.js';
import { Guardianship } from '../modules/people/guardianship.entity.js';
import { Enrollment } from '../modules/people/enrollment.entity.js';
import { Session } from '../auth/session.entity.js';
import { WorkType } from '../modules/journal/work-type.entity.js';
import { AttendanceCode } from '../modules/journal/attendance-code.entity.js';
import { TimetableSlot } from '../modules/journal/timetable-slot.entity.js';
import { Lesson } from '../modules/journal/lesson.entity.js';
import { Mark } from '../modules/journal/mark.entity.js';
import { Attendance } from '../modules/journal/attendance.entity.js';
import { PeriodMark } from '../modules/journal/period-mark.entity.js';
import { AuditEvent } from '../modules/audit/audit-event.entity.js';
import { Subgroup, SubgroupMember, SubgroupSplit } from '../modules/subgroups/subgroup.entity.js';
import { AccessCode } from '../modules/access/access-code.entity.js';
import { Consent } from '../modules/people/consent.entity.js';
import { PersonalDataAccess } from '../modules/people/pd-access.entity.js';
import { DomainEvent, DomainEventHorizon } from '../events/domain-event.entity.js';
import { IdempotentRequest } from './idempotent-request.entity.js';
import {
  Conversation,
  ConversationMember,
  Message,
  MessageRevision,
} from '../modules/messaging/conversation.entity.js';
import { ReportView } from '../modules/reports/report-view.entity.js';
import {
  Announcement,
  AnnouncementRecipient,
} from '../modules/announcements/announcement.entity.js';
import {
  BehaviourNote,
  WeeklyReport,
  WeeklyReportBatch,
} from '../modules/weekly-reports/weekly-report.entity.js';
import { NotificationCursor } from '../modules/notifications/notification-cursor.entity.js';
import {
  CancellationRule,
  CancelledDay,
  RemoteMaterial,
  RemoteTask,
  RemoteTaskCheck,
} from '../modules/cancelled-days/cancelled-day.entity.js';

export const entities = [
  School,
  AcademicYear,
  StudyPeriod,
  Holiday,
  ClassGroup,
  Subject,
  Course,
  Person,
  UserAccount,
  RoleGrant,
  Guardianship,
  Enrollment,
  Session,
  WorkType,
  AttendanceCode,
  TimetableSlot,
  Lesson,
  Mark,
  Attendance,
  PeriodMark,
  AuditEvent,
  SubgroupSplit,
  Subgroup,
  SubgroupMember,
  DomainEvent,
  DomainEventHorizon,
  AccessCode,
  Consent,
  PersonalDataAccess,
  IdempotentRequest,
  Conversation,
  ConversationMember,
  Message,
  MessageRevision,
  ReportView,
  Announcement,
  AnnouncementRecipient,
  BehaviourNote,
  WeeklyReportBatch,
  WeeklyReport,
  NotificationCursor,
  CancellationRule,
  CancelledDay,
  RemoteMaterial,
  RemoteTask,
  RemoteTaskCheck,
];
