import { Migration20261128122503_initial } from './Migration20261128122503_initial.js';
import { Migration20261128124007_holidays } from './Migration20261128124007_holidays.js';
import { Migration20261128130246_journal } from './Migration20261128130246_journal.js';
import { Migration20261128132712_subgroups } from './Migration20261128132712_subgroups.js';
import { Migration20261128133746_outbox } from './Migration20261128133746_outbox.js';
import { Migration20261128150039_people_access } from './Migration20261128150039_people_access.js';
import { Migration20261128180501_outbox_lock } from './Migration20261128180501_outbox_lock.js';
import { Migration20261128181500_outbox_function } from './Migration20261128181500_outbox_function.js';
import { Migration20261129100000_course_journal_kept } from './Migration20261129100000_course_journal_kept.js';
import { Migration20261206185613_idempotency } from './Migration20261206185613_idempotency.js';
import { Migration20261206193043_messaging } from './Migration20261206193043_messaging.js';
import { Migration20261207030000_report_views } from './Migration20261207030000_report_views.js';
import { Migration20261207040000_report_school_indexes } from './Migration20261207040000_report_school_indexes.js';
import { Migration20261207050000_messaging_channels_attachments } from './Migration20261207050000_messaging_channels_attachments.js';
import { Migration20261207060000_announcements_weekly_reports } from './Migration20261207060000_announcements_weekly_reports.js';
import { Migration20261207070000_cancelled_days } from './Migration20261207070000_cancelled_days.js';
import { Migration20261207100000_control } from './Migration20261207100000_control.js';
import { Migration20261207110000_duties } from './Migration20261207110000_duties.js';
import { Migration20261207111000_duty_health } from './Migration20261207111000_duty_health.js';
import { Migration20261207120000_push } from './Migration20261207120000_push.js';
import { Migration20261207130000_mail } from './Migration20261207130000_mail.js';
import { Migration20261207140000_remote_attachments } from './Migration20261207140000_remote_attachments.js';
import { Migration20261207150000_report_attendance_index } from './Migration20261207150000_report_attendance_index.js';
import { Migration20261207170000_announcement_attachments } from './Migration20261207170000_announcement_attachments.js';
import { Migration20261207180000_event_school_index } from './Migration20261207180000_event_school_index.js';
import { Migration20261208110000_remote_work_files } from './Migration20261208110000_remote_work_files.js';
import { Migration20261208130000_push_retry } from './Migration20261208130000_push_retry.js';
import { Migration20261208131000_mail_lang } from './Migration20261208131000_mail_lang.js';
import { Migration20261208120000_report_schedules } from './Migration20261208120000_report_schedules.js';
/** Every committed migration, in order. Listed explicitly so that tests and the build agree. */
export const migrationsList = [
  { name: 'Migration20261128122503_initial', class: Migration20261128122503_initial },
  { name: 'Migration20261128124007_holidays', class: Migration20261128124007_holidays },
  { name: 'Migration20261128130246_journal', class: Migration20261128130246_journal },
  { name: 'Migration20261128132712_subgroups', class: Migration20261128132712_subgroups },
  { name: 'Migration20261128133746_outbox', class: Migration20261128133746_outbox },
  { name: 'Migration20261128150039_people_access', class: Migration20261128150039_people_access },
  { name: 'Migration20261128180501_outbox_lock', class: Migration20261128180501_outbox_lock },
  {
    name: 'Migration20261128181500_outbox_function',
    class: Migration20261128181500_outbox_function,
  },
  {
    name: 'Migration20261129100000_course_journal_kept',
    class: Migration20261129100000_course_journal_kept,
  },
  { name: 'Migration20261206185613_idempotency', class: Migration20261206185613_idempotency },
  { name: 'Migration20261206193043_messaging', class: Migration20261206193043_messaging },
  { name: 'Migration20261207030000_report_views', class: Migration20261207030000_report_views },
  {
    name: 'Migration20261207040000_report_school_indexes',
    class: Migration20261207040000_report_school_indexes,
  },
  {
    name: 'Migration20261207050000_messaging_channels_attachments',
    class: Migration20261207050000_messaging_channels_attachments,
  },
  {
    name: 'Migration20261207060000_announcements_weekly_reports',
    class: Migration20261207060000_announcements_weekly_reports,
  },
  { name: 'Migration20261207070000_cancelled_days', class: Migration20261207070000_cancelled_days },
  { name: 'Migration20261207100000_control', class: Migration20261207100000_control },
  { name: 'Migration20261207110000_duties', class: Migration20261207110000_duties },
  { name: 'Migration20261207111000_duty_health', class: Migration20261207111000_duty_health },
  { name: 'Migration20261207120000_push', class: Migration20261207120000_push },
  { name: 'Migration20261207130000_mail', class: Migration20261207130000_mail },
  {
    name: 'Migration20261207140000_remote_attachments',
    class: Migration20261207140000_remote_attachments,
  },
  {
    name: 'Migration20261207150000_report_attendance_index',
    class: Migration20261207150000_report_attendance_index,
  },
  {
    name: 'Migration20261207170000_announcement_attachments',
    class: Migration20261207170000_announcement_attachments,
  },
  {
    name: 'Migration20261207180000_event_school_index',
    class: Migration20261207180000_event_school_index,
  },
  {
    name: 'Migration20261208110000_remote_work_files',
    class: Migration20261208110000_remote_work_files,
  },
  { name: 'Migration20261208130000_push_retry', class: Migration20261208130000_push_retry },
  { name: 'Migration20261208131000_mail_lang', class: Migration20261208131000_mail_lang },
  {
    name: 'Migration20261208120000_report_schedules',
    class: Migration20261208120000_report_schedules,
  },
];
