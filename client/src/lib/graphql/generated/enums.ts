export const AccessState = {
  ACTIVE: 'ACTIVE',
  CODE_EXPIRED: 'CODE_EXPIRED',
  CODE_ISSUED: 'CODE_ISSUED',
  NONE: 'NONE'
} as const;

export type AccessState = typeof AccessState[keyof typeof AccessState];
/** Whom an announcement is for: a class’s parents or pupils, a grade’s parents, all parents, all staff */
export const AnnouncementAudience = {
  ALL_PARENTS: 'ALL_PARENTS',
  ALL_STAFF: 'ALL_STAFF',
  CLASS_PARENTS: 'CLASS_PARENTS',
  CLASS_PUPILS: 'CLASS_PUPILS',
  GRADE_PARENTS: 'GRADE_PARENTS'
} as const;

export type AnnouncementAudience = typeof AnnouncementAudience[keyof typeof AnnouncementAudience];
export const AttendanceKind = {
  ABSENT: 'ABSENT',
  EXCUSED: 'EXCUSED',
  LATE: 'LATE',
  SICK: 'SICK'
} as const;

export type AttendanceKind = typeof AttendanceKind[keyof typeof AttendanceKind];
/** PRAISE or REMARK */
export const BehaviourNoteKind = {
  PRAISE: 'PRAISE',
  REMARK: 'REMARK'
} as const;

export type BehaviourNoteKind = typeof BehaviourNoteKind[keyof typeof BehaviourNoteKind];
/** The reports the product makes for a chosen period */
export const BuiltinReportKind = {
  ATTENDANCE_BY_MONTH: 'ATTENDANCE_BY_MONTH',
  CLASS_RESULTS: 'CLASS_RESULTS',
  COURSE_RESULTS: 'COURSE_RESULTS',
  JOURNAL_ARCHIVE: 'JOURNAL_ARCHIVE',
  SCHOOL_BY_CLASS: 'SCHOOL_BY_CLASS',
  SCHOOL_BY_SUBJECT: 'SCHOOL_BY_SUBJECT',
  SCHOOL_BY_TEACHER: 'SCHOOL_BY_TEACHER'
} as const;

export type BuiltinReportKind = typeof BuiltinReportKind[keyof typeof BuiltinReportKind];
/** Why classes are cancelled: frost (with the reading), quarantine, an emergency, other */
export const CancelReason = {
  EMERGENCY: 'EMERGENCY',
  FROST: 'FROST',
  OTHER: 'OTHER',
  QUARANTINE: 'QUARANTINE'
} as const;

export type CancelReason = typeof CancelReason[keyof typeof CancelReason];
export const ChannelKind = {
  CLASS: 'CLASS',
  STAFF: 'STAFF'
} as const;

export type ChannelKind = typeof ChannelKind[keyof typeof ChannelKind];
/** Why an access code was revoked */
export const CodeRevokedReason = {
  REISSUED: 'REISSUED',
  REVOKED: 'REVOKED'
} as const;

export type CodeRevokedReason = typeof CodeRevokedReason[keyof typeof CodeRevokedReason];
export const ConversationKind = {
  DIRECT: 'DIRECT',
  GROUP: 'GROUP'
} as const;

export type ConversationKind = typeof ConversationKind[keyof typeof ConversationKind];
/** A class teacher’s duty: weekly attendance reviews on time, weekly reports to parents, records confirmed monthly, control remarks answered on time, the class’s journal health */
export const Duty = {
  HEALTH: 'HEALTH',
  RECORDS: 'RECORDS',
  REMARKS: 'REMARKS',
  REPORTS: 'REPORTS',
  REVIEWS: 'REVIEWS'
} as const;

export type Duty = typeof Duty[keyof typeof Duty];
/** Why a request was refused: `extensions.reason` of an error and of each of a batch's `extensions.entries` (decision 33) */
export const ErrorReason = {
  /** The announcement asks for no acknowledgement */
  ACK_NOT_REQUESTED: 'ACK_NOT_REQUESTED',
  /** The day is declared already: change it instead */
  ALREADY_DECLARED: 'ALREADY_DECLARED',
  /** The pupil is already in this class */
  ALREADY_IN_CLASS: 'ALREADY_IN_CLASS',
  /** The guardian is already linked to the pupil */
  ALREADY_LINKED: 'ALREADY_LINKED',
  /** The class's attendance of this week was confirmed already */
  ALREADY_REVIEWED: 'ALREADY_REVIEWED',
  /** The code or consent was already withdrawn */
  ALREADY_REVOKED: 'ALREADY_REVOKED',
  /** The class's reports of this week were sent already */
  ALREADY_SENT: 'ALREADY_SENT',
  /** Only staff write in this announcement-only channel */
  ANNOUNCEMENT_ONLY: 'ANNOUNCEMENT_ONLY',
  /** An upload that is not the viewer's own or is attached already */
  ATTACHMENT_NOT_AVAILABLE: 'ATTACHMENT_NOT_AVAILABLE',
  /** An audience the viewer may not post to */
  AUDIENCE_NOT_ALLOWED: 'AUDIENCE_NOT_ALLOWED',
  /** Wrong login or activation code */
  BAD_CODE: 'BAD_CODE',
  /** Wrong login or password */
  BAD_CREDENTIALS: 'BAD_CREDENTIALS',
  /** A grade in two bands */
  BANDS_OVERLAP: 'BANDS_OVERLAP',
  /** Some entries of a batch are wrong (each in `entries`); nothing was written */
  BATCH_INVALID: 'BATCH_INVALID',
  /** A system administrator cannot take away their own role */
  CANNOT_DEMOTE_SELF: 'CANNOT_DEMOTE_SELF',
  /** The teacher already leads a class this year */
  CLASS_TEACHER_TAKEN: 'CLASS_TEACHER_TAKEN',
  /** The activation code was used or withdrawn */
  CODE_CLOSED: 'CODE_CLOSED',
  /** The activation code has expired */
  CODE_EXPIRED: 'CODE_EXPIRED',
  /** The code is in use */
  CODE_TAKEN: 'CODE_TAKEN',
  /** The conversation is closed */
  CONVERSATION_CLOSED: 'CONVERSATION_CLOSED',
  /** The class already has a course of this subject */
  COURSE_EXISTS: 'COURSE_EXISTS',
  /** A date outside the dates allowed */
  DATE_OUT_OF_RANGE: 'DATE_OUT_OF_RANGE',
  /** A cancelled-class day that has passed cannot be declared or changed */
  DAY_PASSED: 'DAY_PASSED',
  /** A dimension or measure the viewer may not use */
  DIMENSION_NOT_ALLOWED: 'DIMENSION_NOT_ALLOWED',
  /** A dimension that does not apply to the chosen measures */
  DIMENSION_NOT_APPLICABLE: 'DIMENSION_NOT_APPLICABLE',
  /** A task due before its lesson */
  DUE_BEFORE_LESSON: 'DUE_BEFORE_LESSON',
  /** The record exists */
  DUPLICATE: 'DUPLICATE',
  /** A column twice */
  DUPLICATE_COLUMN: 'DUPLICATE_COLUMN',
  /** Two personal lines for one pupil */
  DUPLICATE_PUPIL: 'DUPLICATE_PUPIL',
  /** The same pupil twice */
  DUPLICATE_ROW: 'DUPLICATE_ROW',
  /** A message can be changed only in its first 15 minutes */
  EDIT_WINDOW_CLOSED: 'EDIT_WINDOW_CLOSED',
  /** An empty message */
  EMPTY: 'EMPTY',
  /** Nobody is in this audience today */
  EMPTY_AUDIENCE: 'EMPTY_AUDIENCE',
  /** The file has no pupils */
  EMPTY_FILE: 'EMPTY_FILE',
  /** The file is larger than allowed */
  FILE_TOO_LARGE: 'FILE_TOO_LARGE',
  /** A batch entry the viewer may not act on */
  FORBIDDEN: 'FORBIDDEN',
  /** The groups changed since they were read */
  GROUPS_CHANGED: 'GROUPS_CHANGED',
  /** The person has an account in use */
  HAS_ACCOUNT: 'HAS_ACCOUNT',
  /** Other records rest on this one */
  HAS_DEPENDENTS: 'HAS_DEPENDENTS',
  /** The record has history that must stay */
  HAS_HISTORY: 'HAS_HISTORY',
  /** Journal entries rest on this (pass force to move pupils anyway) */
  HAS_JOURNAL_ENTRIES: 'HAS_JOURNAL_ENTRIES',
  /** A date in a whole-school holiday */
  HOLIDAY: 'HOLIDAY',
  /** An idempotency key already used for other arguments */
  IDEMPOTENCY_KEY_REUSED: 'IDEMPOTENCY_KEY_REUSED',
  /** A parent without a name or a way to reach them */
  INCOMPLETE_GUARDIAN: 'INCOMPLETE_GUARDIAN',
  /** A row is wrong */
  INVALID: 'INVALID',
  /** A paging cursor that this list did not give */
  INVALID_CURSOR: 'INVALID_CURSOR',
  /** Not a date */
  INVALID_DATE: 'INVALID_DATE',
  /** A range that ends before it starts */
  INVALID_DATE_RANGE: 'INVALID_DATE_RANGE',
  /** Not an e-mail address */
  INVALID_EMAIL: 'INVALID_EMAIL',
  /** A value in the wrong format */
  INVALID_FORMAT: 'INVALID_FORMAT',
  /** A grade outside 1–11 */
  INVALID_GRADE: 'INVALID_GRADE',
  /** An id that names nothing of this school */
  INVALID_ID: 'INVALID_ID',
  /** An idempotency key of the wrong shape */
  INVALID_IDEMPOTENCY_KEY: 'INVALID_IDEMPOTENCY_KEY',
  /** A kind of period, code or conversation not allowed here */
  INVALID_KIND: 'INVALID_KIND',
  /** A language that documents are not made in */
  INVALID_LANG: 'INVALID_LANG',
  /** A class's letter not allowed */
  INVALID_LETTER: 'INVALID_LETTER',
  /** A login with characters not allowed */
  INVALID_LOGIN: 'INVALID_LOGIN',
  /** A mark outside the scale and symbols */
  INVALID_MARK: 'INVALID_MARK',
  /** A name with characters not allowed */
  INVALID_NAME: 'INVALID_NAME',
  /** Not a phone number */
  INVALID_PHONE: 'INVALID_PHONE',
  /** A reason not offered */
  INVALID_REASON: 'INVALID_REASON',
  /** A set of roles not allowed */
  INVALID_ROLES: 'INVALID_ROLES',
  /** Some rows are wrong (each in `entries`) */
  INVALID_ROWS: 'INVALID_ROWS',
  /** A sex not offered */
  INVALID_SEX: 'INVALID_SEX',
  /** A mark symbol not allowed */
  INVALID_SYMBOL: 'INVALID_SYMBOL',
  /** A temperature threshold out of range */
  INVALID_TEMPERATURE: 'INVALID_TEMPERATURE',
  /** A text with characters not allowed (control characters) */
  INVALID_TEXT: 'INVALID_TEXT',
  /** Grading thresholds out of order or range */
  INVALID_THRESHOLDS: 'INVALID_THRESHOLDS',
  /** Not an IANA time zone */
  INVALID_TIME_ZONE: 'INVALID_TIME_ZONE',
  /** A value of the wrong shape */
  INVALID_VALUE: 'INVALID_VALUE',
  /** A wind speed out of range */
  INVALID_WIND: 'INVALID_WIND',
  /** The lesson is cancelled */
  LESSON_CANCELLED: 'LESSON_CANCELLED',
  /** The course already has a lesson with this date and number */
  LESSON_EXISTS: 'LESSON_EXISTS',
  /** The lesson has not happened yet */
  LESSON_IN_FUTURE: 'LESSON_IN_FUTURE',
  /** The login belongs to someone else */
  LOGIN_TAKEN: 'LOGIN_TAKEN',
  /** The message was deleted */
  MESSAGE_DELETED: 'MESSAGE_DELETED',
  /** A required column is missing */
  MISSING_COLUMN: 'MISSING_COLUMN',
  /** The viewer's roles do not grant this (FORBIDDEN; `permission` names it) */
  MISSING_PERMISSION: 'MISSING_PERMISSION',
  /** The name is in use */
  NAME_TAKEN: 'NAME_TAKEN',
  /** Everyone has acknowledged (or read) the announcement */
  NOBODY_TO_REMIND: 'NOBODY_TO_REMIND',
  /** The remark is addressed to another teacher */
  NOT_ADDRESSEE: 'NOT_ADDRESSEE',
  /** The remark has no answer to accept yet */
  NOT_ANSWERED: 'NOT_ANSWERED',
  /** A code that is not an attendance code of the school */
  NOT_AN_ABSENCE_CODE: 'NOT_AN_ABSENCE_CODE',
  /** The person is not a guardian of the pupil */
  NOT_A_GUARDIAN: 'NOT_A_GUARDIAN',
  /** Only a parent receives weekly reports */
  NOT_A_PARENT: 'NOT_A_PARENT',
  /** The person is not a teacher of this school */
  NOT_A_TEACHER: 'NOT_A_TEACHER',
  /** Only the class teacher may do this */
  NOT_CLASS_TEACHER: 'NOT_CLASS_TEACHER',
  /** The pupil was not in the class on that day */
  NOT_ENROLLED: 'NOT_ENROLLED',
  /** A batch entry that names nothing the viewer may see */
  NOT_FOUND: 'NOT_FOUND',
  /** The viewer is not in this conversation */
  NOT_IN_CONVERSATION: 'NOT_IN_CONVERSATION',
  /** A sort by a measure that is not in the view */
  NOT_IN_MEASURES: 'NOT_IN_MEASURES',
  /** A sort by a dimension that is not a row */
  NOT_IN_ROWS: 'NOT_IN_ROWS',
  /** A task of a lesson the pupil does not study */
  NOT_PUPILS_TASK: 'NOT_PUPILS_TASK',
  /** The lesson is not on a cancelled-class day */
  NOT_REMOTE_LESSON: 'NOT_REMOTE_LESSON',
  /** No course for this class and subject */
  NO_COURSE: 'NO_COURSE',
  /** Nobody was in the class that week */
  NO_PUPILS: 'NO_PUPILS',
  /** A value outside the offered choices */
  ONE_OF: 'ONE_OF',
  /** A date outside every academic year of the school */
  OUTSIDE_SCHOOL_YEAR: 'OUTSIDE_SCHOOL_YEAR',
  /** A date outside the academic year */
  OUTSIDE_YEAR: 'OUTSIDE_YEAR',
  /** A number outside its range */
  OUT_OF_RANGE: 'OUT_OF_RANGE',
  /** The new password is shorter than the minimum */
  PASSWORD_TOO_SHORT: 'PASSWORD_TOO_SHORT',
  /** The new password is too easy to guess */
  PASSWORD_TOO_WEAK: 'PASSWORD_TOO_WEAK',
  /** The study period is closed */
  PERIOD_LOCKED: 'PERIOD_LOCKED',
  /** The study period is not inside its year */
  PERIOD_OUTSIDE_YEAR: 'PERIOD_OUTSIDE_YEAR',
  /** The study period overlaps another */
  PERIOD_OVERLAP: 'PERIOD_OVERLAP',
  /** A pupil is in two groups */
  PUPIL_IN_TWO_GROUPS: 'PUPIL_IN_TWO_GROUPS',
  /** A pupil is in no group */
  PUPIL_LEFT_OUT: 'PUPIL_LEFT_OUT',
  /** A from/to filter on a dimension without order */
  RANGE_NOT_ALLOWED: 'RANGE_NOT_ALLOWED',
  /** A filter range that ends before it starts */
  RANGE_REVERSED: 'RANGE_REVERSED',
  /** The viewer may not write to this person */
  RECIPIENT_NOT_ALLOWED: 'RECIPIENT_NOT_ALLOWED',
  /** The remark was accepted: reopen it first */
  REMARK_CLOSED: 'REMARK_CLOSED',
  /** A reminder was sent less than an hour ago */
  REMINDED_RECENTLY: 'REMINDED_RECENTLY',
  /** An absence on a remote-study day (a cancelled-class day): none is recorded */
  REMOTE_STUDY_DAY: 'REMOTE_STUDY_DAY',
  /** The announcement takes no replies */
  REPLIES_OFF: 'REPLIES_OFF',
  /** The report took too long; narrow it */
  REPORT_TIMEOUT: 'REPORT_TIMEOUT',
  /** A required value is empty */
  REQUIRED: 'REQUIRED',
  /** A move into the class the pupil is in */
  SAME_CLASS: 'SAME_CLASS',
  /** The class is already split for this subject and period */
  SPLIT_EXISTS: 'SPLIT_EXISTS',
  /** The groups do not cover the class once (each problem in `entries`) */
  SPLIT_INVALID: 'SPLIT_INVALID',
  /** The measure needs a study period */
  STUDY_PERIOD_REQUIRED: 'STUDY_PERIOD_REQUIRED',
  /** The teacher has another lesson in this slot */
  TEACHER_BUSY: 'TEACHER_BUSY',
  /** The class already has a lesson in this slot */
  TIMETABLE_OVERLAP: 'TIMETABLE_OVERLAP',
  /** A split needs at least two groups */
  TOO_FEW_GROUPS: 'TOO_FEW_GROUPS',
  /** A text is longer than its limit */
  TOO_LONG: 'TOO_LONG',
  /** A list has more entries than allowed */
  TOO_MANY: 'TOO_MANY',
  /** A pivot with more columns than allowed */
  TOO_MANY_COLUMNS: 'TOO_MANY_COLUMNS',
  /** More row dimensions than a report allows */
  TOO_MANY_DIMENSIONS: 'TOO_MANY_DIMENSIONS',
  /** More rows than allowed (an import, or a report over its cap) */
  TOO_MANY_ROWS: 'TOO_MANY_ROWS',
  /** An attendance code of no use here */
  UNKNOWN_ATTENDANCE_CODE: 'UNKNOWN_ATTENDANCE_CODE',
  /** A column the template does not have */
  UNKNOWN_COLUMN: 'UNKNOWN_COLUMN',
  /** A dimension reports do not offer */
  UNKNOWN_DIMENSION: 'UNKNOWN_DIMENSION',
  /** A measure reports do not offer */
  UNKNOWN_MEASURE: 'UNKNOWN_MEASURE',
  /** A work type of no use here */
  UNKNOWN_WORK_TYPE: 'UNKNOWN_WORK_TYPE',
  /** A column without a title */
  UNNAMED_COLUMN: 'UNNAMED_COLUMN',
  /** Not a CSV or XLSX file that can be read */
  UNREADABLE_FILE: 'UNREADABLE_FILE',
  /** A file format this operation does not offer */
  UNSUPPORTED_FORMAT: 'UNSUPPORTED_FORMAT',
  /** An attachment whose content is not of an allowed type (checked by content) */
  UNSUPPORTED_TYPE: 'UNSUPPORTED_TYPE',
  /** Changed by someone else since it was read (`current` holds the value now) */
  VERSION_CONFLICT: 'VERSION_CONFLICT',
  /** A week that has not begun */
  WEEK_IN_FUTURE: 'WEEK_IN_FUTURE',
  /** A week that has not ended cannot be confirmed as reviewed */
  WEEK_NOT_ENDED: 'WEEK_NOT_ENDED',
  /** The duties’ weights do not add up to 100 */
  WEIGHTS_NOT_100: 'WEIGHTS_NOT_100',
  /** Wind speed and its temperature go together */
  WIND_INCOMPLETE: 'WIND_INCOMPLETE',
  /** Work attached to a task not checked as done */
  WORK_WITHOUT_DONE: 'WORK_WITHOUT_DONE',
  /** The current password is wrong */
  WRONG_PASSWORD: 'WRONG_PASSWORD',
  /** The academic year overlaps another */
  YEAR_OVERLAP: 'YEAR_OVERLAP'
} as const;

export type ErrorReason = typeof ErrorReason[keyof typeof ErrorReason];
/** Format of a generated file; each operation says which formats it offers */
export const FileFormat = {
  CSV: 'CSV',
  JSON: 'JSON',
  PDF: 'PDF',
  XLSX: 'XLSX'
} as const;

export type FileFormat = typeof FileFormat[keyof typeof FileFormat];
/** What a gap is: a held lesson without topic, homework or attendance; an entry made late (mark, attendance, topic); a pupil short of marks; a period mark missing after the period */
export const HealthGapKind = {
  LATE_ATTENDANCE: 'LATE_ATTENDANCE',
  LATE_MARK: 'LATE_MARK',
  LATE_TOPIC: 'LATE_TOPIC',
  NO_ATTENDANCE: 'NO_ATTENDANCE',
  NO_HOMEWORK: 'NO_HOMEWORK',
  NO_TOPIC: 'NO_TOPIC',
  PERIOD_MARK_MISSING: 'PERIOD_MARK_MISSING',
  PUPIL_SHORT: 'PUPIL_SHORT'
} as const;

export type HealthGapKind = typeof HealthGapKind[keyof typeof HealthGapKind];
/** What a change in the history of a record did */
export const HistoryAction = {
  CREATE: 'CREATE',
  REMOVE: 'REMOVE',
  UPDATE: 'UPDATE'
} as const;

export type HistoryAction = typeof HistoryAction[keyof typeof HistoryAction];
/** Language of a generated document */
export const Lang = {
  EN: 'EN',
  RU: 'RU'
} as const;

export type Lang = typeof Lang[keyof typeof Lang];
export const LeaveReason = {
  LEFT_SCHOOL: 'LEFT_SCHOOL',
  TRANSFERRED: 'TRANSFERRED'
} as const;

export type LeaveReason = typeof LeaveReason[keyof typeof LeaveReason];
/** The kind of a live event; its payload is described where the kind is published */
export const LiveEventType = {
  ANNOUNCEMENT_ACKNOWLEDGED: 'ANNOUNCEMENT_ACKNOWLEDGED',
  ANNOUNCEMENT_POSTED: 'ANNOUNCEMENT_POSTED',
  ANNOUNCEMENT_REMINDER: 'ANNOUNCEMENT_REMINDER',
  ATTENDANCE_SAVED: 'ATTENDANCE_SAVED',
  BEHAVIOUR_NOTE_ADDED: 'BEHAVIOUR_NOTE_ADDED',
  CANCELLED_DAY: 'CANCELLED_DAY',
  CONTROL_CHECKED: 'CONTROL_CHECKED',
  CONTROL_REMARK: 'CONTROL_REMARK',
  CONTROL_SETTINGS_CHANGED: 'CONTROL_SETTINGS_CHANGED',
  CONVERSATION_CHANGED: 'CONVERSATION_CHANGED',
  CONVERSATION_READ: 'CONVERSATION_READ',
  LESSON_UPDATED: 'LESSON_UPDATED',
  MARK_REMOVED: 'MARK_REMOVED',
  MARK_SAVED: 'MARK_SAVED',
  MESSAGE_DELETED: 'MESSAGE_DELETED',
  MESSAGE_EDITED: 'MESSAGE_EDITED',
  MESSAGE_SENT: 'MESSAGE_SENT',
  PERIOD_MARK_SAVED: 'PERIOD_MARK_SAVED',
  PROBE: 'PROBE',
  READ_RECEIPT: 'READ_RECEIPT',
  REMOTE_TASK_CHECKED: 'REMOTE_TASK_CHECKED',
  REMOTE_WORK_POSTED: 'REMOTE_WORK_POSTED',
  REPORT_VIEW_CHANGED: 'REPORT_VIEW_CHANGED',
  RIGHTS_CHANGED: 'RIGHTS_CHANGED',
  SESSION_REVOKED: 'SESSION_REVOKED',
  WEEKLY_REPORT_ACKNOWLEDGED: 'WEEKLY_REPORT_ACKNOWLEDGED',
  WEEKLY_REPORT_SENT: 'WEEKLY_REPORT_SENT'
} as const;

export type LiveEventType = typeof LiveEventType[keyof typeof LiveEventType];
/** No digest, one each evening, or one on Friday evening (the school’s time) */
export const MailDigest = {
  DAILY: 'DAILY',
  OFF: 'OFF',
  WEEKLY: 'WEEKLY'
} as const;

export type MailDigest = typeof MailDigest[keyof typeof MailDigest];
export const NotificationKind = {
  ABSENCE: 'ABSENCE',
  ANNOUNCEMENT: 'ANNOUNCEMENT',
  ANNOUNCEMENT_ACKNOWLEDGED: 'ANNOUNCEMENT_ACKNOWLEDGED',
  ANNOUNCEMENT_REMINDER: 'ANNOUNCEMENT_REMINDER',
  ATTENDANCE_CLEARED: 'ATTENDANCE_CLEARED',
  BEHAVIOUR_NOTE: 'BEHAVIOUR_NOTE',
  CANCELLED_DAY: 'CANCELLED_DAY',
  CONTROL_REMARK: 'CONTROL_REMARK',
  CONTROL_REMARK_ACCEPTED: 'CONTROL_REMARK_ACCEPTED',
  CONTROL_REMARK_ANSWERED: 'CONTROL_REMARK_ANSWERED',
  MARK_CHANGED: 'MARK_CHANGED',
  MARK_NEW: 'MARK_NEW',
  MARK_REMOVED: 'MARK_REMOVED',
  MESSAGE: 'MESSAGE',
  PERIOD_MARK: 'PERIOD_MARK',
  WEEKLY_REPORT: 'WEEKLY_REPORT',
  WEEKLY_REPORT_ACKNOWLEDGED: 'WEEKLY_REPORT_ACKNOWLEDGED'
} as const;

export type NotificationKind = typeof NotificationKind[keyof typeof NotificationKind];
export const PeriodKind = {
  HALF_YEAR: 'HALF_YEAR',
  QUARTER: 'QUARTER',
  TRIMESTER: 'TRIMESTER'
} as const;

export type PeriodKind = typeof PeriodKind[keyof typeof PeriodKind];
/** A kind of event that may be pushed to a device */
export const PushKind = {
  ABSENCE: 'ABSENCE',
  ANNOUNCEMENT: 'ANNOUNCEMENT',
  CANCELLED_DAY: 'CANCELLED_DAY',
  MARK: 'MARK',
  MESSAGE: 'MESSAGE',
  WEEKLY_REPORT: 'WEEKLY_REPORT'
} as const;

export type PushKind = typeof PushKind[keyof typeof PushKind];
export const RemarkStatus = {
  ACCEPTED: 'ACCEPTED',
  ANSWERED: 'ANSWERED',
  FIXED: 'FIXED',
  OPEN: 'OPEN',
  REOPENED: 'REOPENED'
} as const;

export type RemarkStatus = typeof RemarkStatus[keyof typeof RemarkStatus];
/** TABLE: the table only; BAR, LINE, PIE: a chart of the first measure as well */
export const ReportChartType = {
  BAR: 'BAR',
  LINE: 'LINE',
  PIE: 'PIE',
  TABLE: 'TABLE'
} as const;

export type ReportChartType = typeof ReportChartType[keyof typeof ReportChartType];
export const ReportDimension = {
  ACADEMIC_YEAR: 'ACADEMIC_YEAR',
  ATTENDANCE_CODE: 'ATTENDANCE_CODE',
  CLASS_GROUP: 'CLASS_GROUP',
  COURSE: 'COURSE',
  DATE: 'DATE',
  GRADE: 'GRADE',
  ISO_WEEK: 'ISO_WEEK',
  MONTH: 'MONTH',
  PUPIL: 'PUPIL',
  STUDY_PERIOD: 'STUDY_PERIOD',
  SUBGROUP: 'SUBGROUP',
  SUBJECT: 'SUBJECT',
  TEACHER: 'TEACHER',
  WORK_TYPE: 'WORK_TYPE'
} as const;

export type ReportDimension = typeof ReportDimension[keyof typeof ReportDimension];
export const ReportFact = {
  LATE_ENTRIES: 'LATE_ENTRIES',
  LESSONS: 'LESSONS',
  LESSON_MARKS: 'LESSON_MARKS',
  MARK_MINIMUMS: 'MARK_MINIMUMS',
  PERIOD_MARKS: 'PERIOD_MARKS',
  PERIOD_MARKS_DUE: 'PERIOD_MARKS_DUE',
  REMOTE_TASKS: 'REMOTE_TASKS',
  SEATS: 'SEATS'
} as const;

export type ReportFact = typeof ReportFact[keyof typeof ReportFact];
export const ReportMeasure = {
  ATTENDANCE_ENTRIES: 'ATTENDANCE_ENTRIES',
  AVERAGE: 'AVERAGE',
  CONTROL_LATE_ENTRIES: 'CONTROL_LATE_ENTRIES',
  DEGREE_OF_LEARNING: 'DEGREE_OF_LEARNING',
  EXCELLENT_PUPILS: 'EXCELLENT_PUPILS',
  FAILING_PUPILS: 'FAILING_PUPILS',
  GOOD_PUPILS: 'GOOD_PUPILS',
  LATE_MARK_ENTRIES: 'LATE_MARK_ENTRIES',
  LESSONS_CANCELLED: 'LESSONS_CANCELLED',
  LESSONS_HELD: 'LESSONS_HELD',
  LESSONS_REMOTE: 'LESSONS_REMOTE',
  LESSONS_WITHOUT_ATTENDANCE: 'LESSONS_WITHOUT_ATTENDANCE',
  LESSONS_WITHOUT_HOMEWORK: 'LESSONS_WITHOUT_HOMEWORK',
  LESSONS_WITHOUT_TOPIC: 'LESSONS_WITHOUT_TOPIC',
  MARKS_2: 'MARKS_2',
  MARKS_3: 'MARKS_3',
  MARKS_4: 'MARKS_4',
  MARKS_5: 'MARKS_5',
  MARK_COUNT: 'MARK_COUNT',
  MISSED_SHARE: 'MISSED_SHARE',
  PERIOD_MARKS_MISSING: 'PERIOD_MARKS_MISSING',
  PERIOD_MARK_COUNT: 'PERIOD_MARK_COUNT',
  PUPILS_ASSESSED: 'PUPILS_ASSESSED',
  PUPILS_SHORT_OF_MARKS: 'PUPILS_SHORT_OF_MARKS',
  QUALITY_RATE_MARKS: 'QUALITY_RATE_MARKS',
  QUALITY_RATE_PUPILS: 'QUALITY_RATE_PUPILS',
  REMOTE_LESSONS_WITHOUT_WORK: 'REMOTE_LESSONS_WITHOUT_WORK',
  REMOTE_LESSONS_WITH_MATERIAL: 'REMOTE_LESSONS_WITH_MATERIAL',
  REMOTE_PUPILS_OWING: 'REMOTE_PUPILS_OWING',
  REMOTE_TASKS_ASSIGNED: 'REMOTE_TASKS_ASSIGNED',
  REMOTE_TASKS_DONE: 'REMOTE_TASKS_DONE',
  REMOTE_TASKS_DONE_SHARE: 'REMOTE_TASKS_DONE_SHARE',
  REMOTE_TASKS_SET: 'REMOTE_TASKS_SET',
  SINGLE_THREE_PUPILS: 'SINGLE_THREE_PUPILS',
  SUCCESS_RATE_MARKS: 'SUCCESS_RATE_MARKS',
  SUCCESS_RATE_PUPILS: 'SUCCESS_RATE_PUPILS',
  WEIGHTED_AVERAGE: 'WEIGHTED_AVERAGE'
} as const;

export type ReportMeasure = typeof ReportMeasure[keyof typeof ReportMeasure];
/** OFF: not sent; WEEKLY: on a day of the week (1 Monday … 7 Sunday); MONTHLY: on a day of the month (1–31, the last day in a shorter month); each at an hour of the school’s day */
export const ReportScheduleFrequency = {
  MONTHLY: 'MONTHLY',
  OFF: 'OFF',
  WEEKLY: 'WEEKLY'
} as const;

export type ReportScheduleFrequency = typeof ReportScheduleFrequency[keyof typeof ReportScheduleFrequency];
export const ReportUnit = {
  COUNT: 'COUNT',
  PERCENT: 'PERCENT',
  SCORE: 'SCORE'
} as const;

export type ReportUnit = typeof ReportUnit[keyof typeof ReportUnit];
/** ALL: own and shared with the viewer; MINE: own; SHARED: shared with the viewer by others; PINNED: those on the home page (own and shared) */
export const ReportViewFilter = {
  ALL: 'ALL',
  MINE: 'MINE',
  PINNED: 'PINNED',
  SHARED: 'SHARED'
} as const;

export type ReportViewFilter = typeof ReportViewFilter[keyof typeof ReportViewFilter];
export const Role = {
  DEPUTY: 'DEPUTY',
  DIRECTOR: 'DIRECTOR',
  PARENT: 'PARENT',
  STUDENT: 'STUDENT',
  SYSADMIN: 'SYSADMIN',
  TEACHER: 'TEACHER'
} as const;

export type Role = typeof Role[keyof typeof Role];
export const Sex = {
  F: 'F',
  M: 'M'
} as const;

export type Sex = typeof Sex[keyof typeof Sex];