import {
  ArrayType,
  Check,
  Entity,
  ManyToOne,
  OptionalProps,
  PrimaryKey,
  Property,
  type Ref,
} from '@mikro-orm/core';
import { LocalDateResolver as LocalDate } from 'graphql-scalars';
import { Field, ID, Int, ObjectType } from 'type-graphql';
import { TenantFilter } from '../../db/tenant.js';
import { School } from './school.entity.js';
import type { AcademicYear } from './academic-year.entity.js';

/**
 * Days without lessons: holidays between periods, public holidays inside them, and extra holidays
 * of some grades only (first graders get a week in February).
 */
@ObjectType()
@Entity({ tableName: 'holiday' })
@TenantFilter()
@Check({ name: 'holiday_dates_check', expression: 'starts_on <= ends_on' })
export class Holiday {
  [OptionalProps]?: 'grades';

  @Field(() => ID)
  @PrimaryKey()
  id!: number;

  @ManyToOne(() => School, { ref: true, deleteRule: 'cascade' })
  school!: Ref<School>;

  @ManyToOne('AcademicYear', { ref: true, deleteRule: 'cascade', index: true })
  academicYear!: Ref<AcademicYear>;

  @Field()
  @Property({ length: 100 })
  name!: string;

  @Field(() => LocalDate)
  @Property({ type: 'date' })
  startsOn!: string;

  @Field(() => LocalDate)
  @Property({ type: 'date' })
  endsOn!: string;

  @Field(() => [Int], {
    nullable: true,
    description: 'Only these grades; null for the whole school',
  })
  @Property({
    type: new ArrayType<number>((i) => Number(i)),
    columnType: 'smallint[]',
    nullable: true,
  })
  grades: number[] | null = null;
}
