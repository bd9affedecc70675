import { Entity, ManyToOne, PrimaryKey, Property, Unique, type Ref } from '@mikro-orm/core';
import { Field, ID, ObjectType } from 'type-graphql';
import { TenantFilter } from '../../db/tenant.js';
import { School } from './school.entity.js';

@ObjectType()
@Entity({ tableName: 'subject' })
@TenantFilter()
@Unique({ properties: ['school', 'name'] })
export class Subject {
  @Field(() => ID)
  @PrimaryKey()
  id!: number;

  @ManyToOne(() => School, { ref: true, deleteRule: 'cascade' })
  school!: Ref<School>;

  @Field()
  @Property({ length: 100 })
  name!: string;

  @Field(() => String, { nullable: true })
  @Property({ length: 30, nullable: true })
  shortName?: string | null;
}
