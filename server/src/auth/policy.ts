import { Role } from './role.js';
import { DomainError, unauthenticated } from '../errors.js';
import type { Viewer } from './viewer.js';

/** Everything a viewer may be allowed to do. Deny by default: a permission nobody grants is refused. */
export enum Permission {
  SchoolRead = 'school.read',
  SchoolManage = 'school.manage',
  CalendarRead = 'calendar.read',
  StructureRead = 'structure.read',
  StructureManage = 'structure.manage',
  StaffRead = 'staff.read',
  StaffManage = 'staff.manage',
  /** Read every journal page and every pupil's diary in the school. */
  JournalReadAll = 'journal.read.all',
  /** Write in journals: only in own courses, or in lessons substituted (checked per record). */
  JournalWrite = 'journal.write',
  /** Close a study period, and reopen it with a reason. */
  PeriodLock = 'period.lock',
  /** Record who replaces a teacher in a lesson. */
  LessonSubstitute = 'lesson.substitute',
  /** Read any person's personal data in the school (administration); every read is logged. */
  PersonalDataReadAll = 'personal-data.read.all',
  /** Review the log of who read whose personal data. */
  PersonalDataLogRead = 'personal-data.log.read',
  /** Read the whole register of issued access codes. */
  AccessRegisterReadAll = 'access-register.read.all',
  /** Run report views over the facts of one's own courses and led classes (row filter in modules/reports/report.access.ts). */
  ReportsRead = 'reports.read',
  /** Run report views over the whole school. */
  ReportsReadAll = 'reports.read.all',
  /**
   * Converse: start conversations with those the viewer may reach (modules/messaging/
   * messaging.access.ts says whom, in SQL), write in one's own. Every role has it.
   */
  MessagingUse = 'messaging.use',
  /** Read what edits and deletions replaced in any message of the school. */
  MessageHistoryRead = 'message-history.read',
  /**
   * See reported messages, read any conversation of the school (logged as a personal-data read
   * when not a member) and close one (modules/messaging).
   */
  MessageModerate = 'message.moderate',
  /** Post announcements to the families and pupils of own classes and courses (per record). */
  AnnouncementPost = 'announcement.post',
  /** Post announcements to any class, a grade, all parents or all staff. */
  AnnouncementPostAll = 'announcement.post.all',
  /** Write behaviour notes about the pupils one teaches (per record, modules/weekly-reports). */
  BehaviourNoteWrite = 'behaviour-note.write',
  /** Review and send any class's weekly reports; a class teacher sends own class's (per record). */
  WeeklyReportSendAll = 'weekly-report.send.all',
  /** Declare, widen, narrow and withdraw cancelled-class days. */
  CancelledDayDeclare = 'cancelled-day.declare',
  /** Set the school's frost thresholds for cancelled-class days. */
  CancellationRulesManage = 'cancellation-rules.manage',
  /** Tick a remote lesson's task as read and done, for oneself or one's child (per record, R-4.4.1). */
  RemoteWorkCheck = 'remote-work.check',
  /** Choose one's own e-mail digests and weekly-report mail (modules/mail). Every role has it. */
  MailOwn = 'mail.own',
  /** Review any class's weekly attendance; a class teacher reviews own class's (per record). */
  AttendanceReviewAll = 'attendance-review.all',
  /** Read every class teacher's year account; a class teacher reads own (per record). */
  DutyAccountReadAll = 'duty-account.read.all',
  /** Set the weights that turn the class teachers' duties into points, and the review deadline. */
  DutySettingsManage = 'duty-settings.manage',
  /** See every journal's health, its gaps and the control log; a teacher sees own (per record). */
  ControlRead = 'control.read',
  /** Record control checks with remarks, accept or reopen remarks, set the health rules. */
  ControlCheck = 'control.check',
  /** Set the school's rules of journal health: late after N days, homework required, minimum marks. */
  ControlSettingsManage = 'control-settings.manage',
}

const ADMINISTRATION: Permission[] = [
  Permission.SchoolRead,
  Permission.CalendarRead,
  Permission.StructureRead,
  Permission.StaffRead,
  Permission.PersonalDataReadAll,
  Permission.AccessRegisterReadAll,
  Permission.MessagingUse,
  Permission.MailOwn,
];

const GRANTS: Record<Role, readonly Permission[]> = {
  [Role.SYSADMIN]: [
    ...ADMINISTRATION,
    Permission.SchoolManage,
    Permission.StructureManage,
    Permission.StaffManage,
    Permission.CancellationRulesManage,
    Permission.DutySettingsManage,
    Permission.ControlSettingsManage,
  ],
  [Role.DIRECTOR]: [
    ...ADMINISTRATION,
    Permission.ReportsRead,
    Permission.ReportsReadAll,
    Permission.PersonalDataLogRead,
    Permission.DutySettingsManage,
    Permission.JournalReadAll,
    Permission.PeriodLock,
    Permission.LessonSubstitute,
    Permission.MessageHistoryRead,
    Permission.MessageModerate,
    Permission.AnnouncementPost,
    Permission.AnnouncementPostAll,
    Permission.WeeklyReportSendAll,
    Permission.CancelledDayDeclare,
    Permission.AttendanceReviewAll,
    Permission.DutyAccountReadAll,
    Permission.ControlRead,
    Permission.ControlCheck,
    Permission.ControlSettingsManage,
  ],
  [Role.DEPUTY]: [
    ...ADMINISTRATION,
    Permission.ReportsRead,
    Permission.ReportsReadAll,
    Permission.JournalReadAll,
    Permission.PeriodLock,
    Permission.LessonSubstitute,
    Permission.MessageHistoryRead,
    Permission.MessageModerate,
    Permission.AnnouncementPost,
    Permission.AnnouncementPostAll,
    Permission.WeeklyReportSendAll,
    Permission.CancelledDayDeclare,
    Permission.AttendanceReviewAll,
    Permission.DutyAccountReadAll,
    Permission.ControlRead,
    Permission.ControlCheck,
  ],
  [Role.TEACHER]: [
    Permission.SchoolRead,
    Permission.CalendarRead,
    Permission.StructureRead,
    Permission.JournalWrite,
    Permission.ReportsRead,
    Permission.MessagingUse,
    Permission.AnnouncementPost,
    Permission.BehaviourNoteWrite,
    Permission.MailOwn,
  ],
  [Role.STUDENT]: [
    Permission.SchoolRead,
    Permission.CalendarRead,
    Permission.MessagingUse,
    Permission.RemoteWorkCheck,
    Permission.MailOwn,
  ],
  [Role.PARENT]: [
    Permission.SchoolRead,
    Permission.CalendarRead,
    Permission.MessagingUse,
    Permission.RemoteWorkCheck,
    Permission.MailOwn,
  ],
};

interface Policy {
  can(viewer: Viewer | null, permission: Permission): boolean;
  require(viewer: Viewer | null, permission: Permission): asserts viewer is Viewer;
  isSelfOrGuardian(viewer: Viewer, personId: number): boolean;
  canReadPersonalData(viewer: Viewer | null, subject: Subject): boolean;
  canManagePupilOrParent(viewer: Viewer | null, subject: Subject): boolean;
  isStaff(viewer: Viewer | null): boolean;
  canSendWeeklyReports(viewer: Viewer | null, classGroupId: number): boolean;
  canReadBehaviourNotes(viewer: Viewer | null, subject: Subject): boolean;
  canShareReportWithRole(viewer: Viewer, role: Role): boolean;
  canShareReportWithPerson(viewer: Viewer, personRoles: readonly Role[]): boolean;
  canReportOn(viewer: Viewer | null, target: ReportTarget): boolean;
  canReviewAttendance(viewer: Viewer | null, classGroupId: number): boolean;
  canReadDutyAccount(viewer: Viewer | null, teacherId: number): boolean;
}

/** What a built-in report is about: a course (of a class), a class, or the school (no class). */
export interface ReportTarget {
  classId: number | null;
  courseId?: number;
}

/**
 * A person whose record is asked for: their id, and the classes they belong to today (as a pupil,
 * or as a guardian of a pupil in that class). Staff have none.
 */
export interface Subject {
  id: number;
  classIds: readonly number[];
}

export const policy: Policy = {
  can(viewer: Viewer | null, permission: Permission): boolean {
    if (!viewer) return false;
    for (const role of viewer.roles) if (GRANTS[role].includes(permission)) return true;
    return false;
  },

  /** Throws UNAUTHENTICATED without a viewer and FORBIDDEN without the permission. */
  require(viewer: Viewer | null, permission: Permission): asserts viewer is Viewer {
    if (!viewer) throw unauthenticated();
    if (!policy.can(viewer, permission)) {
      throw new DomainError('FORBIDDEN', 'You are not allowed to do this', {
        reason: 'MISSING_PERMISSION',
        permission,
      });
    }
  },

  /** For reads of one person's own data: the person, or their guardian. */
  isSelfOrGuardian(viewer: Viewer, personId: number): boolean {
    return viewer.personId === personId || viewer.childIds.includes(personId);
  },

  /**
   * Personal data (152-FZ, R-3.7, R-3.8): the person, their guardians, the class teacher of their
   * class (or of their child's class), and the administration. Nobody else, not even another
   * teacher of the pupil.
   */
  canReadPersonalData(viewer: Viewer | null, subject: Subject): boolean {
    if (!viewer) return false;
    return (
      policy.isSelfOrGuardian(viewer, subject.id) ||
      policy.can(viewer, Permission.PersonalDataReadAll) ||
      subject.classIds.some((c) => viewer.ledClassIds.includes(c))
    );
  },

  /** Pupils and parents are registered, edited and given codes by their class teacher. */
  canManagePupilOrParent(viewer: Viewer | null, subject: Subject): boolean {
    if (!viewer) return false;
    return subject.classIds.some((c) => viewer.ledClassIds.includes(c));
  },

  isStaff(viewer: Viewer | null): boolean {
    return !!viewer && STAFF.some((r) => viewer.roles.has(r));
  },

  /** A class's weekly reports: its class teacher reviews and sends them, or the administration. */
  canSendWeeklyReports(viewer: Viewer | null, classGroupId: number): boolean {
    if (!viewer) return false;
    return (
      viewer.ledClassIds.includes(classGroupId) ||
      policy.can(viewer, Permission.WeeklyReportSendAll)
    );
  },

  /**
   * A pupil's behaviour notes: the pupil, their parents, their class teacher and the
   * administration read them (a teacher sees the notes they wrote themselves).
   */
  canReadBehaviourNotes(viewer: Viewer | null, subject: Subject): boolean {
    if (!viewer) return false;
    return (
      policy.isSelfOrGuardian(viewer, subject.id) ||
      policy.can(viewer, Permission.JournalReadAll) ||
      subject.classIds.some((c) => viewer.ledClassIds.includes(c))
    );
  },

  /**
   * A saved report view shares the question, never the data (each viewer's own row filter
   * answers it). The administration may share with a whole role of those who run reports; a
   * teacher with nobody by role. Pupils and parents run no reports and are never an audience.
   */
  canShareReportWithRole(viewer: Viewer, role: Role): boolean {
    return policy.can(viewer, Permission.ReportsReadAll) && REPORT_ROLES.includes(role);
  },

  /** Anyone who runs reports may share with a member of staff of the school who runs them too. */
  canShareReportWithPerson(viewer: Viewer, personRoles: readonly Role[]): boolean {
    return (
      policy.can(viewer, Permission.ReportsRead) &&
      personRoles.some((r) => REPORT_ROLES.includes(r))
    );
  },

  /**
   * Built-in reports (issue 18): a course's for its teacher and its class's class teacher, a
   * class's for its class teacher, anything (the school's too) for DIRECTOR and DEPUTY; nothing
   * for SYSADMIN, pupils and parents. The rows inside still pass the report row filter.
   */
  canReportOn(viewer: Viewer | null, target: ReportTarget): boolean {
    if (!viewer || !policy.can(viewer, Permission.ReportsRead)) return false;
    if (policy.can(viewer, Permission.ReportsReadAll)) return true;
    if (target.classId == null) return false;
    if (viewer.ledClassIds.includes(target.classId)) return true;
    return target.courseId != null && viewer.courseIds.includes(target.courseId);
  },

  /** A class's weekly attendance review: its class teacher, or the DIRECTOR and DEPUTY. */
  canReviewAttendance(viewer: Viewer | null, classGroupId: number): boolean {
    if (!viewer) return false;
    return (
      viewer.ledClassIds.includes(classGroupId) ||
      policy.can(viewer, Permission.AttendanceReviewAll)
    );
  },

  /** A class teacher's year account: the DIRECTOR and DEPUTY, and the class teacher's own. */
  canReadDutyAccount(viewer: Viewer | null, teacherId: number): boolean {
    if (!viewer) return false;
    return (
      policy.can(viewer, Permission.DutyAccountReadAll) ||
      (viewer.personId === teacherId && viewer.ledClassIds.length > 0)
    );
  },
};

/** The roles that run reports: a saved view's possible audience. */
const REPORT_ROLES = (Object.keys(GRANTS) as Role[]).filter((r) =>
  GRANTS[r].includes(Permission.ReportsRead),
);

const STAFF = [Role.SYSADMIN, Role.DIRECTOR, Role.DEPUTY, Role.TEACHER];

/** The roles granted a permission: for rules kept in SQL (a file's readers, decision 57). */
export const rolesWith = (permission: Permission): Role[] =>
  (Object.keys(GRANTS) as Role[]).filter((r) => GRANTS[r].includes(permission));
