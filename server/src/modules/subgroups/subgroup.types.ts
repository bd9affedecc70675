import { Field, ID, ObjectType } from 'type-graphql';

@ObjectType({ simpleResolvers: true })
export class SubgroupPupil {
  @Field(() => ID) id!: number;
  @Field() fullName!: string;
}

@ObjectType({ simpleResolvers: true })
export class SubgroupInfo {
  @Field(() => ID) id!: number;
  @Field() name!: string;
  @Field(() => ID, { description: "The subgroup's journal page" }) courseId!: number;
  @Field(() => ID) teacherId!: number;
  @Field() teacherName!: string;
  @Field(() => [SubgroupPupil]) pupils!: SubgroupPupil[];
}

@ObjectType({ simpleResolvers: true })
export class SubgroupSplitInfo {
  @Field(() => ID) id!: number;
  @Field(() => ID) subjectId!: number;
  @Field() subjectName!: string;
  @Field(() => ID) periodId!: number;
  @Field() periodName!: string;
  @Field(() => [SubgroupInfo]) groups!: SubgroupInfo[];
  @Field({ description: 'Whether the viewer may change or delete the split' })
  canEdit!: boolean;
}
