import { registerEnumType } from 'type-graphql';

/**
 * Every kind of live event the server publishes (decision 33, "Enums, not strings"). The
 * outbox's `NewEvent.type` takes only these names, so tsc refuses a publisher that invents one;
 * the client's switch statements on `LiveEvent.type` are typed by the generated enum.
 */
export enum LiveEventType {
  // journal
  MARK_SAVED = 'MARK_SAVED',
  MARK_REMOVED = 'MARK_REMOVED',
  ATTENDANCE_SAVED = 'ATTENDANCE_SAVED',
  LESSON_UPDATED = 'LESSON_UPDATED',
  PERIOD_MARK_SAVED = 'PERIOD_MARK_SAVED',
  // rights and sessions
  RIGHTS_CHANGED = 'RIGHTS_CHANGED',
  SESSION_REVOKED = 'SESSION_REVOKED',
  // messaging
  MESSAGE_SENT = 'MESSAGE_SENT',
  MESSAGE_EDITED = 'MESSAGE_EDITED',
  MESSAGE_DELETED = 'MESSAGE_DELETED',
  CONVERSATION_READ = 'CONVERSATION_READ',
  READ_RECEIPT = 'READ_RECEIPT',
  CONVERSATION_CHANGED = 'CONVERSATION_CHANGED',
  // announcements
  ANNOUNCEMENT_POSTED = 'ANNOUNCEMENT_POSTED',
  ANNOUNCEMENT_REMINDER = 'ANNOUNCEMENT_REMINDER',
  ANNOUNCEMENT_ACKNOWLEDGED = 'ANNOUNCEMENT_ACKNOWLEDGED',
  // weekly reports and behaviour notes
  WEEKLY_REPORT_SENT = 'WEEKLY_REPORT_SENT',
  WEEKLY_REPORT_ACKNOWLEDGED = 'WEEKLY_REPORT_ACKNOWLEDGED',
  BEHAVIOUR_NOTE_ADDED = 'BEHAVIOUR_NOTE_ADDED',
  // cancelled-class days
  CANCELLED_DAY = 'CANCELLED_DAY',
  REMOTE_WORK_POSTED = 'REMOTE_WORK_POSTED',
  REMOTE_TASK_CHECKED = 'REMOTE_TASK_CHECKED',
  // saved report views
  REPORT_VIEW_CHANGED = 'REPORT_VIEW_CHANGED',
  // control of the journal (modules/control)
  CONTROL_CHECKED = 'CONTROL_CHECKED',
  CONTROL_REMARK = 'CONTROL_REMARK',
  CONTROL_SETTINGS_CHANGED = 'CONTROL_SETTINGS_CHANGED',
  /** Carries nothing: written by tests and checks to see that a feed is live. Clients ignore it. */
  PROBE = 'PROBE',
}
registerEnumType(LiveEventType, {
  name: 'LiveEventType',
  description: 'The kind of a live event; its payload is described where the kind is published',
});

/** The names a publisher may write: the enum's values, so string literals type-check too. */
export type LiveEventName = `${LiveEventType}`;

/**
 * An event type read back from the outbox, as the enum. Every writer of the outbox goes through
 * `NewEvent`, whose `type` tsc holds to the enum, so the row's text is one of its values.
 */
export function liveEventType(type: string): LiveEventType {
  return type as LiveEventType;
}
