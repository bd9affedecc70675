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
import type { Lesson } from '../journal/lesson.entity.js';

export enum BehaviourNoteKind {
  PRAISE = 'PRAISE',
  REMARK = 'REMARK',
}

/** A teacher's note about a pupil's behaviour, praise or remark, maybe in one of their lessons. */
@Entity({ tableName: 'behaviour_note' })
@TenantFilter()
@Index({ properties: ['pupil', 'date'] })
export class BehaviourNote {
  [OptionalProps]?: 'lesson' | 'createdAt';

  @PrimaryKey()
  id!: number;

  @ManyToOne(() => School, { ref: true, deleteRule: 'cascade' })
  school!: Ref<School>;

  @ManyToOne('Person', { ref: true, deleteRule: 'cascade' })
  pupil!: Ref<Person>;

  @ManyToOne('Person', { ref: true, deleteRule: 'cascade' })
  author!: Ref<Person>;

  @Enum({ items: () => BehaviourNoteKind, nativeEnumName: 'behaviour_note_kind' })
  kind!: BehaviourNoteKind;

  @Property({ length: 1000 })
  text!: string;

  @ManyToOne('Lesson', { ref: true, nullable: true, deleteRule: 'set null' })
  lesson: Ref<Lesson> | null = null;

  @Property({ type: 'date' })
  date!: string;

  @Property({ type: 'timestamptz', defaultRaw: 'now()' })
  createdAt: Date = new Date();
}

/**
 * A class's weekly reports of one week, sent in one action by the class teacher. The
 * control area counts sent and acknowledged weeks through the view `weekly_report_status`.
 */
@Entity({ tableName: 'weekly_report_batch' })
@TenantFilter()
@Unique({ properties: ['classGroup', 'weekStart'] })
export class WeeklyReportBatch {
  [OptionalProps]?: 'sentAt';

  @PrimaryKey()
  id!: number;

  @ManyToOne(() => School, { ref: true, deleteRule: 'cascade' })
  school!: Ref<School>;

  @ManyToOne('ClassGroup', { ref: true, deleteRule: 'cascade' })
  classGroup!: Ref<ClassGroup>;

  /** The Monday of the school week. */
  @Property({ type: 'date' })
  weekStart!: string;

  @ManyToOne('Person', { ref: true, deleteRule: 'cascade' })
  sentBy!: Ref<Person>;

  @Property({ type: 'timestamptz', defaultRaw: 'now()' })
  sentAt: Date = new Date();
}

/** One pupil's report of a sent week: the journal's week as sent, the personal line, the family's acknowledgement. */
@Entity({ tableName: 'weekly_report' })
@TenantFilter()
@Unique({ properties: ['batch', 'pupil'] })
@Index({ properties: ['pupil'] })
export class WeeklyReport {
  [OptionalProps]?: 'personalLine' | 'acknowledgedAt' | 'acknowledgedBy';

  @PrimaryKey()
  id!: number;

  @ManyToOne(() => School, { ref: true, deleteRule: 'cascade' })
  school!: Ref<School>;

  @ManyToOne(() => WeeklyReportBatch, { ref: true, deleteRule: 'cascade' })
  batch!: Ref<WeeklyReportBatch>;

  @ManyToOne('Person', { ref: true, deleteRule: 'cascade' })
  pupil!: Ref<Person>;

  @Property({ type: 'jsonb' })
  content!: unknown;

  @Property({ length: 500, nullable: true })
  personalLine: string | null = null;

  @Property({ type: 'timestamptz', nullable: true })
  acknowledgedAt: Date | null = null;

  @ManyToOne('Person', { ref: true, nullable: true, deleteRule: 'set null' })
  acknowledgedBy: Ref<Person> | null = null;
}
