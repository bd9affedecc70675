import { Field, ID, InputType } from 'type-graphql';

@InputType()
export class SubgroupInput {
  @Field() name!: string;
  @Field(() => ID) teacherId!: string;
  @Field(() => [ID]) pupilIds!: string[];
}

@InputType({
  description:
    'A split of a class for one subject and study period; every pupil in exactly one group',
})
export class SubgroupSplitInput {
  @Field(() => ID) classGroupId!: string;
  @Field(() => ID) subjectId!: string;
  @Field(() => ID) periodId!: string;
  @Field(() => [SubgroupInput]) groups!: SubgroupInput[];
}

@InputType()
export class SubgroupChangeInput {
  @Field(() => ID, {
    description: 'A group of the split: groups are changed, not added or removed',
  })
  id!: string;
  @Field() name!: string;
  @Field(() => ID) teacherId!: string;
  @Field(() => [ID]) pupilIds!: string[];
}

@InputType({
  description:
    "A split's groups renamed, given other teachers or other pupils; every pupil still in exactly one group",
})
export class SubgroupSplitChangeInput {
  @Field(() => [SubgroupChangeInput], { description: 'Each group of the split, once' })
  groups!: SubgroupChangeInput[];

  @Field({
    defaultValue: false,
    description:
      "Move pupils who have marks or attendance in their group's journal anyway: those entries stay where they are, in the old group's journal",
  })
  force!: boolean;
}
