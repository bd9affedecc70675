import {
  Entity,
  Enum,
  Index,
  ManyToOne,
  OptionalProps,
  PrimaryKey,
  Property,
  Unique,
  type Ref,
} from '@mikro-orm/core';
import { TenantFilter } from '../../db/tenant.js';
import { School } from '../school/school.entity.js';
import type { Person } from '../people/person.entity.js';

export enum ConversationKind {
  DIRECT = 'DIRECT',
  GROUP = 'GROUP',
}

/**
 * A conversation between people of one school. Two people have at most one DIRECT
 * conversation (`directKey`, "smaller id:larger id"), so writing again to the same person
 * continues it. `lastMessageId` orders the inbox and is its paging cursor.
 */
@Entity({ tableName: 'conversation' })
@TenantFilter()
@Unique({ properties: ['school', 'directKey'] })
export class Conversation {
  [OptionalProps]?:
    | 'title'
    | 'closed'
    | 'createdAt'
    | 'directKey'
    | 'lastMessageId'
    | 'createdBy'
    | 'channel'
    | 'classGroupId'
    | 'announcementOnly';

  @PrimaryKey()
  id!: number;

  @ManyToOne(() => School, { ref: true, deleteRule: 'cascade' })
  school!: Ref<School>;

  @Enum({ items: () => ConversationKind, nativeEnumName: 'conversation_kind' })
  kind!: ConversationKind;

  @Property({ length: 120, nullable: true })
  title: string | null = null;

  /** Null for the channels the product makes. */
  @ManyToOne('Person', { ref: true, deleteRule: 'cascade', nullable: true })
  createdBy: Ref<Person> | null = null;

  @Property({ type: 'timestamptz', defaultRaw: 'now()' })
  createdAt: Date = new Date();

  @Property()
  closed: boolean = false;

  /**
   * CLASS (a class's parents with the class teacher) or STAFF (the staff room): made by the
   * product, members computed by `conversation_people` (decision 0042), none stored.
   */
  @Property({ type: 'string', length: 8, nullable: true })
  channel: 'CLASS' | 'STAFF' | null = null;

  @Property({ type: 'integer', nullable: true })
  classGroupId: number | null = null;

  @Property()
  announcementOnly: boolean = false;

  @Property({ length: 30, nullable: true })
  directKey: string | null = null;

  @Property({ type: 'integer', nullable: true })
  lastMessageId: number | null = null;
}

/**
 * A person in a conversation. The read state is a cursor: the last message read, so the unread
 * count is "messages by others after it" and marking read is one write.
 */
@Entity({ tableName: 'conversation_member' })
@TenantFilter()
@Unique({ properties: ['person', 'conversation'] })
export class ConversationMember {
  [OptionalProps]?: 'lastReadMessageId' | 'joinedAt';

  @PrimaryKey()
  id!: number;

  @ManyToOne(() => School, { ref: true, deleteRule: 'cascade' })
  school!: Ref<School>;

  @ManyToOne(() => Conversation, { ref: true, deleteRule: 'cascade', index: true })
  conversation!: Ref<Conversation>;

  @ManyToOne('Person', { ref: true, deleteRule: 'cascade' })
  person!: Ref<Person>;

  @Property({ type: 'integer', nullable: true })
  lastReadMessageId: number | null = null;

  @Property({ type: 'timestamptz', defaultRaw: 'now()' })
  joinedAt: Date = new Date();
}

/** A message. Deleting keeps the row as a tombstone (body emptied, the text in a revision). */
@Entity({ tableName: 'message' })
@TenantFilter()
@Index({ properties: ['conversation', 'id'] })
@Index({ properties: ['author', 'createdAt'] })
export class Message {
  [OptionalProps]?: 'createdAt' | 'editedAt' | 'deletedAt';

  @PrimaryKey()
  id!: number;

  @ManyToOne(() => School, { ref: true, deleteRule: 'cascade' })
  school!: Ref<School>;

  @ManyToOne(() => Conversation, { ref: true, deleteRule: 'cascade' })
  conversation!: Ref<Conversation>;

  @ManyToOne('Person', { ref: true, deleteRule: 'cascade' })
  author!: Ref<Person>;

  @Property({ type: 'text' })
  body!: string;

  @Property({ type: 'timestamptz', defaultRaw: 'now()' })
  createdAt: Date = new Date();

  @Property({ type: 'timestamptz', nullable: true })
  editedAt: Date | null = null;

  @Property({ type: 'timestamptz', nullable: true })
  deletedAt: Date | null = null;
}

/** A message's text before an edit or a deletion: the history the administration may read. */
@Entity({ tableName: 'message_revision' })
@TenantFilter()
export class MessageRevision {
  [OptionalProps]?: 'at';

  @PrimaryKey()
  id!: number;

  @ManyToOne(() => School, { ref: true, deleteRule: 'cascade' })
  school!: Ref<School>;

  @ManyToOne(() => Message, { ref: true, deleteRule: 'cascade', index: true })
  message!: Ref<Message>;

  @Property({ type: 'text' })
  body!: string;

  @Property({ type: 'timestamptz', defaultRaw: 'now()' })
  at: Date = new Date();
}
