import {
  Check,
  Entity,
  Enum,
  ManyToOne,
  PrimaryKey,
  Property,
  Unique,
  type Ref,
} from '@mikro-orm/core';
import { LocalDateResolver as LocalDate } from 'graphql-scalars';
import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { TenantFilter } from '../../db/tenant.js';
import { School } from './school.entity.js';
import type { AcademicYear } from './academic-year.entity.js';

export enum PeriodKind {
  QUARTER = 'QUARTER',
  TRIMESTER = 'TRIMESTER',
  HALF_YEAR = 'HALF_YEAR',
}
registerEnumType(PeriodKind, { name: 'PeriodKind' });

@ObjectType()
@Entity({ tableName: 'study_period' })
@TenantFilter()
@Check({ name: 'study_period_dates_check', expression: 'starts_on <= ends_on' })
@Unique({ properties: ['academicYear', 'name'] })
export class StudyPeriod {
  @Field(() => ID)
  @PrimaryKey()
  id!: number;

  @ManyToOne(() => School, { ref: true, deleteRule: 'cascade' })
  school!: Ref<School>;

  @ManyToOne('AcademicYear', { ref: true, deleteRule: 'cascade' })
  academicYear!: Ref<AcademicYear>;

  @Field()
  @Property({ length: 50 })
  name!: string;

  @Field(() => PeriodKind)
  @Enum({ items: () => PeriodKind, nativeEnumName: 'period_kind' })
  kind!: PeriodKind;

  @Field(() => LocalDate)
  @Property({ type: 'date' })
  startsOn!: string;

  @Field(() => LocalDate)
  @Property({ type: 'date' })
  endsOn!: string;

  /** When the period was closed: later changes need a DIRECTOR or DEPUTY to reopen it. */
  @Field(() => Date, { nullable: true })
  @Property({ type: 'timestamptz', nullable: true })
  lockedAt?: Date | null;
}
