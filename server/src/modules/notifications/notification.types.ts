import { LocalDateResolver as LocalDate } from 'graphql-scalars';
import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';

/**
 * What a notification says. Other areas extend it with their kinds (and `SOURCES` in
 * notification.sources.ts with the events behind them).
 */
export enum NotificationKind {
  MARK_NEW = 'MARK_NEW',
  /** A mark changed, or a quick correction (saved, then changed or removed) shown as one. */
  MARK_CHANGED = 'MARK_CHANGED',
  MARK_REMOVED = 'MARK_REMOVED',
  ABSENCE = 'ABSENCE',
  ATTENDANCE_CLEARED = 'ATTENDANCE_CLEARED',
  PERIOD_MARK = 'PERIOD_MARK',
  BEHAVIOUR_NOTE = 'BEHAVIOUR_NOTE',
  MESSAGE = 'MESSAGE',
  ANNOUNCEMENT = 'ANNOUNCEMENT',
  ANNOUNCEMENT_REMINDER = 'ANNOUNCEMENT_REMINDER',
  ANNOUNCEMENT_ACKNOWLEDGED = 'ANNOUNCEMENT_ACKNOWLEDGED',
  WEEKLY_REPORT = 'WEEKLY_REPORT',
  WEEKLY_REPORT_ACKNOWLEDGED = 'WEEKLY_REPORT_ACKNOWLEDGED',
  /** A cancelled-class day declared, changed or withdrawn for a child's (or own) class. */
  CANCELLED_DAY = 'CANCELLED_DAY',
  /** A control remark to the teacher: made or reopened by the checker (issue 14). */
  CONTROL_REMARK = 'CONTROL_REMARK',
  /** The teacher answered a remark of the viewer's check, or marked it fixed. */
  CONTROL_REMARK_ANSWERED = 'CONTROL_REMARK_ANSWERED',
  /** The checker accepted the teacher's answer to a remark. */
  CONTROL_REMARK_ACCEPTED = 'CONTROL_REMARK_ACCEPTED',
}

registerEnumType(NotificationKind, { name: 'NotificationKind' });

@ObjectType({ description: 'Something that happened for the viewer, kept while they were away' })
export class NotificationItem {
  @Field(() => ID, { description: 'The (last) event’s id; what `markNotificationsRead` takes' })
  id!: string;
  @Field(() => NotificationKind) kind!: NotificationKind;
  @Field() at!: Date;
  @Field() unread!: boolean;
  @Field(() => ID, { nullable: true }) pupilId!: string | null;
  @Field(() => String, { nullable: true }) pupilName!: string | null;
  @Field(() => String, { nullable: true, description: 'The subject of the lesson or course' })
  subject!: string | null;
  @Field(() => LocalDate, { nullable: true, description: 'The lesson’s date' })
  date!: string | null;
  @Field(() => String, { nullable: true, description: 'The mark (the last one, when coalesced)' })
  value!: string | null;
  @Field(() => Int, { description: 'How many events this entry stands for' }) count!: number;
  @Field(() => ID, { nullable: true, description: 'The announcement or conversation' })
  refId!: string | null;
}

@ObjectType()
export class NotificationList {
  @Field(() => [NotificationItem]) items!: NotificationItem[];
  @Field(() => Int) unread!: number;
  @Field(() => String, {
    nullable: true,
    description: 'Where the next (older) page starts (`after`); null on the last page',
  })
  nextCursor!: string | null;
}
