import {
  ArrayType,
  Entity,
  ManyToOne,
  OptionalProps,
  PrimaryKey,
  Property,
  Unique,
  type Ref,
} from '@mikro-orm/core';
import { TenantFilter } from '../../db/tenant.js';

/**
 * The area's tables point at the school, lessons and people by entity name, not by import: the
 * facts of other areas are read in SQL (decision 0045), and the relations exist for the foreign
 * keys and the migrations' diff.
 */
type Other = { id: number };

/** A frost threshold for a band of grades: at or below `calmCelsius`, or `windyCelsius` with wind ≥ `windMs`. */
@Entity({ tableName: 'cancellation_rule' })
@TenantFilter()
export class CancellationRule {
  @PrimaryKey()
  id!: number;

  @ManyToOne('School', { ref: true, deleteRule: 'cascade' })
  school!: Ref<Other>;

  @Property({ type: 'smallint' })
  gradeFrom!: number;

  @Property({ type: 'smallint' })
  gradeTo!: number;

  @Property({ type: 'real' })
  calmCelsius!: number;

  @Property({ type: 'real', nullable: true })
  windyCelsius: number | null = null;

  @Property({ type: 'real', nullable: true })
  windMs: number | null = null;
}

/** A day on which classes are cancelled for some classes of the school. */
@Entity({ tableName: 'cancelled_day' })
@TenantFilter()
@Unique({ properties: ['school', 'date'] })
export class CancelledDay {
  [OptionalProps]?: 'createdAt' | 'updatedAt' | 'version' | 'temperature' | 'windMs' | 'note';

  @PrimaryKey()
  id!: number;

  @ManyToOne('School', { ref: true, deleteRule: 'cascade' })
  school!: Ref<Other>;

  @Property({ type: 'date' })
  date!: string;

  @Property({ type: new ArrayType<number>((i) => Number(i)), columnType: 'int[]' })
  classIds!: number[];

  @Property({ length: 20 })
  reason!: string;

  @Property({ type: 'real', nullable: true })
  temperature: number | null = null;

  @Property({ type: 'real', nullable: true })
  windMs: number | null = null;

  @Property({ type: 'text', nullable: true })
  note: string | null = null;

  @ManyToOne('Person', { ref: true, deleteRule: 'cascade' })
  declaredBy!: Ref<Other>;

  @Property({ type: 'timestamptz', defaultRaw: 'now()' })
  createdAt: Date = new Date();

  @Property({ type: 'timestamptz', defaultRaw: 'now()' })
  updatedAt: Date = new Date();

  @Property()
  version: number = 1;
}

/** The current material of a remote lesson: text and links. */
@Entity({ tableName: 'remote_material' })
@TenantFilter()
export class RemoteMaterial {
  [OptionalProps]?: 'updatedAt' | 'body' | 'links';

  @PrimaryKey()
  id!: number;

  @ManyToOne('School', { ref: true, deleteRule: 'cascade' })
  school!: Ref<Other>;

  @ManyToOne('Lesson', { ref: true, deleteRule: 'cascade', unique: true })
  lesson!: Ref<Other>;

  @Property({ type: 'text', defaultRaw: `''` })
  body: string = '';

  @Property({ type: new ArrayType<string>(), columnType: 'text[]', defaultRaw: `'{}'` })
  links: string[] = [];

  @ManyToOne('Person', { ref: true, deleteRule: 'cascade' })
  author!: Ref<Other>;

  @Property({ type: 'timestamptz', defaultRaw: 'now()' })
  updatedAt: Date = new Date();
}

/** A self-study task of a remote lesson, due on a date. */
@Entity({ tableName: 'remote_task' })
@TenantFilter()
export class RemoteTask {
  [OptionalProps]?: 'createdAt';

  @PrimaryKey()
  id!: number;

  @ManyToOne('School', { ref: true, deleteRule: 'cascade' })
  school!: Ref<Other>;

  @ManyToOne('Lesson', { ref: true, deleteRule: 'cascade', index: true })
  lesson!: Ref<Other>;

  @Property({ type: 'text' })
  text!: string;

  @Property({ type: 'date' })
  dueOn!: string;

  @ManyToOne('Person', { ref: true, deleteRule: 'cascade' })
  author!: Ref<Other>;

  @Property({ type: 'timestamptz', defaultRaw: 'now()' })
  createdAt: Date = new Date();
}

/** A family's "read the material and did the task" for one pupil. */
@Entity({ tableName: 'remote_task_check' })
@TenantFilter()
@Unique({ properties: ['task', 'pupil'] })
export class RemoteTaskCheck {
  [OptionalProps]?: 'checkedAt';

  @PrimaryKey()
  id!: number;

  @ManyToOne('School', { ref: true, deleteRule: 'cascade' })
  school!: Ref<Other>;

  @ManyToOne(() => RemoteTask, { ref: true, deleteRule: 'cascade' })
  task!: Ref<RemoteTask>;

  @ManyToOne('Person', { ref: true, deleteRule: 'cascade', index: true })
  pupil!: Ref<Other>;

  @ManyToOne('Person', { ref: true, deleteRule: 'cascade' })
  checkedBy!: Ref<Other>;

  @Property({ type: 'timestamptz', defaultRaw: 'now()' })
  checkedAt: Date = new Date();
}
