import {
  Entity,
  Enum,
  Index,
  ManyToOne,
  OptionalProps,
  PrimaryKey,
  Property,
  type Ref,
} from '@mikro-orm/core';
import { registerEnumType } from 'type-graphql';
import { TenantFilter } from '../../db/tenant.js';
import { School } from '../school/school.entity.js';
import type { Person } from '../people/person.entity.js';
import type { Role } from '../../auth/role.js';

/** How a saved view is drawn beside its table. */
export enum ReportChartType {
  TABLE = 'TABLE',
  BAR = 'BAR',
  LINE = 'LINE',
  PIE = 'PIE',
}
registerEnumType(ReportChartType, {
  name: 'ReportChartType',
  description: 'TABLE: the table only; BAR, LINE, PIE: a chart of the first measure as well',
});

/** How often a saved view reaches its audience as a message with the XLSX (decision 64). */
export enum ReportScheduleFrequency {
  OFF = 'OFF',
  WEEKLY = 'WEEKLY',
  MONTHLY = 'MONTHLY',
}
registerEnumType(ReportScheduleFrequency, {
  name: 'ReportScheduleFrequency',
  description:
    'OFF: not sent; WEEKLY: on a day of the week (1 Monday … 7 Sunday); MONTHLY: on a day of the month (1–31, the last day in a shorter month); each at an hour of the school’s day',
});

/** A `ReportSpec` as stored: the input's plain fields, checked by the compiler when run. */
export interface StoredSpec {
  rows: string[];
  columns?: string | null;
  measures: string[];
  filters?:
    | {
        dimension: string;
        equals?: string | null;
        in?: string[] | null;
        from?: string | null;
        to?: string | null;
      }[]
    | null;
  sort?:
    { dimension?: string | null; measure?: string | null; descending?: boolean | null }[] | null;
  limit?: number | null;
}

/**
 * A saved report view (issue 18): a spec with a name, its owner, a chart type and an audience
 * (roles and named staff of the school). A shared view shares the question, never the data: each
 * viewer's answer is computed under the viewer's own row filter. Deleting leaves a tombstone.
 */
@Entity({ tableName: 'report_view' })
@TenantFilter()
@Index({ properties: ['owner', 'deletedAt'] })
export class ReportView {
  [OptionalProps]?:
    | 'description'
    | 'chartType'
    | 'audienceRoles'
    | 'audiencePersonIds'
    | 'pinned'
    | 'scheduleFrequency'
    | 'scheduleDay'
    | 'scheduleHour'
    | 'scheduleFrom'
    | 'scheduleDone'
    | 'copiedFrom'
    | 'version'
    | 'createdAt'
    | 'updatedAt'
    | 'deletedAt';

  @PrimaryKey()
  id!: number;

  @ManyToOne(() => School, { ref: true, deleteRule: 'cascade' })
  school!: Ref<School>;

  @ManyToOne('Person', { ref: true, deleteRule: 'cascade' })
  owner!: Ref<Person>;

  @Property({ length: 120 })
  name!: string;

  @Property({ length: 1000 })
  description: string = '';

  @Property({ type: 'jsonb' })
  spec!: StoredSpec;

  @Enum({ items: () => ReportChartType, nativeEnumName: 'report_chart_type' })
  chartType: ReportChartType = ReportChartType.TABLE;

  /** Everyone holding one of these roles in the school sees the view. */
  @Property({ type: 'text[]' })
  audienceRoles: Role[] = [];

  /** And these members of staff by name. */
  @Property({ type: 'int[]' })
  audiencePersonIds: number[] = [];

  /** On the home page of the owner and of the audience. */
  @Property()
  pinned: boolean = false;

  /** Sent to the audience as a message with the XLSX (report-schedule.ts), in the school's time zone. */
  @Enum({ items: () => ReportScheduleFrequency, length: 10 })
  scheduleFrequency: ReportScheduleFrequency = ReportScheduleFrequency.OFF;

  /** The day of the week (1–7, Monday first) or of the month (1–31); null when OFF. */
  @Property({ type: 'smallint', nullable: true })
  scheduleDay: number | null = null;

  /** The hour of the school's day (0–23); null when OFF. */
  @Property({ type: 'smallint', nullable: true })
  scheduleHour: number | null = null;

  /** The school's wall clock (`YYYY-MM-DDTHH`) when the schedule was set: nothing earlier is sent. */
  @Property({ length: 13, nullable: true })
  scheduleFrom: string | null = null;

  /** The last occurrence (its date) sent to the whole audience; the timer skips the view until the next. */
  @Property({ type: 'date', nullable: true })
  scheduleDone: string | null = null;

  /** The view this one was copied from (kept when that one is deleted: a tombstone). */
  @ManyToOne(() => ReportView, { ref: true, nullable: true, deleteRule: 'set null' })
  copiedFrom: Ref<ReportView> | null = null;

  @Property({ version: true })
  version: number = 1;

  @Property({ type: 'timestamptz', defaultRaw: 'now()' })
  createdAt: Date = new Date();

  @Property({ type: 'timestamptz', defaultRaw: 'now()', onUpdate: () => new Date() })
  updatedAt: Date = new Date();

  @Property({ type: 'timestamptz', nullable: true })
  deletedAt: Date | null = null;
}
