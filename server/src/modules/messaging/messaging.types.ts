import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Role } from '../../auth/role.js';
import { ConversationKind } from './conversation.entity.js';

registerEnumType(ConversationKind, { name: 'ConversationKind' });

/** A conversation the product makes and whose members follow the school's facts. */
export enum ChannelKind {
  /** A class's parents with the class teacher. */
  CLASS = 'CLASS',
  /** The school's staff. */
  STAFF = 'STAFF',
}
registerEnumType(ChannelKind, { name: 'ChannelKind' });

@ObjectType({ simpleResolvers: true, description: 'A file attached to a message' })
export class AttachmentInfo {
  @Field(() => ID, { description: 'Read it at /files/{id} (members of the conversation only)' })
  id!: string;
  @Field() name!: string;
  @Field({ description: 'Found from the content, not the name' }) contentType!: string;
  @Field(() => Int, { description: 'Bytes' }) size!: number;
}

@ObjectType({ simpleResolvers: true, description: 'A message; a deleted one keeps its place' })
export class MessageInfo {
  @Field(() => ID) id!: string;
  @Field(() => ID) conversationId!: string;
  @Field(() => ID) authorId!: string;
  @Field(() => String, { nullable: true, description: 'Null once deleted' })
  text!: string | null;
  @Field() at!: Date;
  @Field(() => Date, { nullable: true }) editedAt!: Date | null;
  @Field(() => Date, { nullable: true }) deletedAt!: Date | null;
  @Field(() => [AttachmentInfo], { description: 'None once deleted' })
  attachments!: AttachmentInfo[];
}

@ObjectType({ simpleResolvers: true })
export class ConversationMemberInfo {
  @Field(() => ID) personId!: string;
  @Field() lastName!: string;
  @Field() firstName!: string;
  @Field(() => ID, {
    nullable: true,
    description:
      'The last message this member has read: the viewer’s own, and the other person’s in a one-to-one conversation (read receipts); null otherwise',
  })
  lastReadMessageId!: string | null;
  @Field(() => Date, {
    nullable: true,
    description:
      'When this member’s working hours next start, if they are outside them now: when to expect an answer',
  })
  availableFrom!: Date | null;
}

@ObjectType({ simpleResolvers: true })
export class ConversationSummary {
  @Field(() => ID) id!: string;
  @Field(() => ConversationKind) kind!: ConversationKind;
  @Field(() => String, { nullable: true }) title!: string | null;
  @Field() closed!: boolean;
  @Field(() => ChannelKind, {
    nullable: true,
    description: 'Set on class channels and the staff room',
  })
  channel!: ChannelKind | null;
  @Field({ description: 'Members read; only staff write' }) announcementOnly!: boolean;
  @Field(() => [ConversationMemberInfo]) members!: ConversationMemberInfo[];
  @Field(() => MessageInfo, { nullable: true }) lastMessage!: MessageInfo | null;
  @Field(() => Int, { description: 'Messages by others after the viewer’s read cursor' })
  unread!: number;
}

@ObjectType({ simpleResolvers: true, description: 'The inbox, newest conversation first' })
export class ConversationPage {
  @Field(() => [ConversationSummary]) items!: ConversationSummary[];
  @Field(() => ID, { nullable: true, description: 'Pass as `after` for the next page' })
  nextCursor!: string | null;
  @Field(() => Int, { description: 'Unread messages in all the viewer’s conversations' })
  unreadTotal!: number;
}

@ObjectType({ simpleResolvers: true })
export class MessagePage {
  @Field(() => [MessageInfo], { description: 'Oldest first' }) messages!: MessageInfo[];
  @Field({ description: 'Earlier messages exist: pass the first id as `before`' })
  hasEarlier!: boolean;
}

@ObjectType({ description: 'One conversation, its messages paged back by cursor' })
export class ConversationThread {
  @Field(() => ID) id!: string;
  @Field(() => ConversationKind) kind!: ConversationKind;
  @Field(() => String, { nullable: true }) title!: string | null;
  @Field() closed!: boolean;
  @Field(() => ChannelKind, {
    nullable: true,
    description: 'Set on class channels and the staff room',
  })
  channel!: ChannelKind | null;
  @Field({ description: 'Members read; only staff write' }) announcementOnly!: boolean;
  @Field(() => [ConversationMemberInfo]) members!: ConversationMemberInfo[];
  @Field({ description: 'False when the administration reads it without being in it' })
  isMember!: boolean;
}

@ObjectType({ simpleResolvers: true })
export class ReadState {
  @Field(() => ID) conversationId!: string;
  @Field(() => ID, { nullable: true }) lastReadMessageId!: string | null;
  @Field(() => Int) unread!: number;
}

@ObjectType({ simpleResolvers: true, description: 'Someone the viewer may write to' })
export class Recipient {
  @Field(() => ID) id!: string;
  @Field() lastName!: string;
  @Field() firstName!: string;
  @Field(() => [Role]) roles!: Role[];
  @Field(() => [String], { description: 'Classes today, as a pupil or a parent of one' })
  classes!: string[];
}

@ObjectType({ simpleResolvers: true, description: 'A text an edit or a deletion replaced' })
export class MessageRevisionInfo {
  @Field() text!: string;
  @Field({ description: 'When it was replaced' }) at!: Date;
}

@ObjectType({ simpleResolvers: true, description: 'A message reported to the administration' })
export class MessageReport {
  @Field(() => ID) id!: string;
  @Field() reason!: string;
  @Field() at!: Date;
  @Field(() => ID) reporterId!: string;
  @Field() reporterName!: string;
  @Field() conversationClosed!: boolean;
  @Field(() => MessageInfo) message!: MessageInfo;
}

@ObjectType({ simpleResolvers: true, description: 'A member of staff’s working hours' })
export class WorkingHours {
  @Field(() => [Int], { description: 'ISO weekdays, 1 = Monday' }) days!: number[];
  @Field({ description: 'HH:MM in the school’s time zone' }) from!: string;
  @Field({ description: 'HH:MM, after `from`' }) to!: string;
}
