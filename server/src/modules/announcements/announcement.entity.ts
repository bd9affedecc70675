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
import type { ClassGroup } from '../school/class-group.entity.js';

/** Whom an announcement is for; each kind is resolved to people when it is posted. */
export enum AnnouncementAudience {
  CLASS_PARENTS = 'CLASS_PARENTS',
  CLASS_PUPILS = 'CLASS_PUPILS',
  GRADE_PARENTS = 'GRADE_PARENTS',
  ALL_PARENTS = 'ALL_PARENTS',
  ALL_STAFF = 'ALL_STAFF',
}

/**
 * A notice from staff to an audience. The audience is resolved to people when it is
 * posted and recorded in `announcement_recipient`: who joins the class later does not receive it.
 */
@Entity({ tableName: 'announcement' })
@TenantFilter()
@Index({ properties: ['school', 'id'] })
export class Announcement {
  [OptionalProps]?: 'classGroup' | 'grade' | 'createdAt' | 'remindedAt';

  @PrimaryKey()
  id!: number;

  @ManyToOne(() => School, { ref: true, deleteRule: 'cascade' })
  school!: Ref<School>;

  @ManyToOne('Person', { ref: true, deleteRule: 'cascade' })
  author!: Ref<Person>;

  @Enum({ items: () => AnnouncementAudience, nativeEnumName: 'announcement_audience' })
  audience!: AnnouncementAudience;

  @ManyToOne('ClassGroup', { ref: true, nullable: true, deleteRule: 'cascade' })
  classGroup: Ref<ClassGroup> | null = null;

  @Property({ type: 'smallint', nullable: true })
  grade: number | null = null;

  @Property({ length: 200 })
  title!: string;

  @Property({ type: 'text' })
  body!: string;

  @Property()
  repliesAllowed!: boolean;

  @Property()
  ackRequired!: boolean;

  @Property({ type: 'timestamptz', defaultRaw: 'now()' })
  createdAt: Date = new Date();

  /** The last reminder sent to those who have not acknowledged (rate limit). */
  @Property({ type: 'timestamptz', nullable: true })
  remindedAt: Date | null = null;
}

/** One person an announcement was addressed to, with when they read and acknowledged it. */
@Entity({ tableName: 'announcement_recipient' })
@TenantFilter()
@Unique({ properties: ['announcement', 'person'] })
@Index({ properties: ['person', 'announcement'] })
export class AnnouncementRecipient {
  [OptionalProps]?: 'readAt' | 'acknowledgedAt';

  @PrimaryKey()
  id!: number;

  @ManyToOne(() => School, { ref: true, deleteRule: 'cascade' })
  school!: Ref<School>;

  @ManyToOne(() => Announcement, { ref: true, deleteRule: 'cascade' })
  announcement!: Ref<Announcement>;

  @ManyToOne('Person', { ref: true, deleteRule: 'cascade' })
  person!: Ref<Person>;

  @Property({ type: 'timestamptz', nullable: true })
  readAt: Date | null = null;

  @Property({ type: 'timestamptz', nullable: true })
  acknowledgedAt: Date | null = null;
}
