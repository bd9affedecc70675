import { NotificationKind } from './notification.types.js';

/**
 * Which outbox events make notifications, whose they are, and how they read. `pupil`: the
 * event's pupils (`pupil_ids`) are the viewer's children or the viewer (the `notifications`
 * feed's rule); `person`: the event names the viewer (`person_ids`, the personal feed's rule).
 * `kind` is an SQL expression over the event `e` answering a `NotificationKind`. Another area
 * adds its event here (and its kind to the enum): no other change is needed.
 */
export interface NotificationSource {
  audience: 'pupil' | 'person';
  kind: string;
}

const k = (kind: NotificationKind) => `'${kind}'`;

export const SOURCES: Record<string, NotificationSource> = {
  MARK_SAVED: {
    audience: 'pupil',
    kind: `case when (e.payload->>'version')::int > 1 then ${k(NotificationKind.MARK_CHANGED)}
                else ${k(NotificationKind.MARK_NEW)} end`,
  },
  MARK_REMOVED: { audience: 'pupil', kind: k(NotificationKind.MARK_REMOVED) },
  ATTENDANCE_SAVED: {
    audience: 'pupil',
    kind: `case when e.payload->>'codeId' is null then ${k(NotificationKind.ATTENDANCE_CLEARED)}
                else ${k(NotificationKind.ABSENCE)} end`,
  },
  PERIOD_MARK_SAVED: { audience: 'pupil', kind: k(NotificationKind.PERIOD_MARK) },
  BEHAVIOUR_NOTE_ADDED: { audience: 'pupil', kind: k(NotificationKind.BEHAVIOUR_NOTE) },
  MESSAGE_SENT: { audience: 'person', kind: k(NotificationKind.MESSAGE) },
  ANNOUNCEMENT_POSTED: { audience: 'person', kind: k(NotificationKind.ANNOUNCEMENT) },
  ANNOUNCEMENT_REMINDER: { audience: 'person', kind: k(NotificationKind.ANNOUNCEMENT_REMINDER) },
  ANNOUNCEMENT_ACKNOWLEDGED: {
    audience: 'person',
    kind: k(NotificationKind.ANNOUNCEMENT_ACKNOWLEDGED),
  },
  WEEKLY_REPORT_SENT: { audience: 'person', kind: k(NotificationKind.WEEKLY_REPORT) },
  WEEKLY_REPORT_ACKNOWLEDGED: {
    audience: 'person',
    kind: k(NotificationKind.WEEKLY_REPORT_ACKNOWLEDGED),
  },
  CANCELLED_DAY: { audience: 'pupil', kind: k(NotificationKind.CANCELLED_DAY) },
  CONTROL_REMARK: {
    audience: 'person',
    kind: `case when e.payload->>'status' in ('ANSWERED', 'FIXED')
                then ${k(NotificationKind.CONTROL_REMARK_ANSWERED)}
                when e.payload->>'status' = 'ACCEPTED' then ${k(NotificationKind.CONTROL_REMARK_ACCEPTED)}
                else ${k(NotificationKind.CONTROL_REMARK)} end`,
  },
};

/**
 * Events on one mark (saved, changed, removed: its id) that fold into one entry; two marks in one
 * lesson stay two entries.
 */
export const CELL_EVENTS = ['MARK_SAVED', 'MARK_REMOVED'];
