import {
  Check,
  Entity,
  ManyToOne,
  OptionalProps,
  PrimaryKey,
  Property,
  Unique,
  type Ref,
} from '@mikro-orm/core';
import { Field, Float, ID, Int, ObjectType } from 'type-graphql';
import { TenantFilter } from '../../db/tenant.js';
import { School } from '../school/school.entity.js';

/** A kind of work (answer in class, test…) and its weight in the weighted average. */
@ObjectType()
@Entity({ tableName: 'work_type' })
@TenantFilter()
@Unique({ properties: ['school', 'name'] })
@Check({
  name: 'work_type_weight_check',
  expression: '(weight > (0)::numeric) AND (weight <= (10)::numeric)',
})
export class WorkType {
  [OptionalProps]?: 'sort' | 'active';

  @Field(() => ID)
  @PrimaryKey()
  id!: number;

  @ManyToOne(() => School, { ref: true, deleteRule: 'cascade' })
  school!: Ref<School>;

  @Field()
  @Property({ length: 60 })
  name!: string;

  @Field()
  @Property({ length: 12 })
  shortName!: string;

  @Field(() => Float)
  @Property({ type: 'decimal', precision: 4, scale: 2, runtimeType: 'number' })
  weight!: number;

  @Field(() => Int)
  @Property({ type: 'smallint' })
  sort: number = 0;

  @Field()
  @Property()
  active: boolean = true;
}
