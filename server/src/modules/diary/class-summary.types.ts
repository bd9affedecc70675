import { Field, Float, ID, Int, ObjectType } from 'type-graphql';

@ObjectType({ simpleResolvers: true })
export class SummarySubject {
  @Field(() => ID) courseId!: number;
  @Field() subjectName!: string;
  @Field() teacherName!: string;
}

@ObjectType({ simpleResolvers: true })
export class SummaryCell {
  @Field(() => ID) pupilId!: number;
  @Field(() => ID) courseId!: number;
  @Field(() => Float, { nullable: true }) average!: number | null;
  @Field(() => Int) marks!: number;
  @Field(() => String, { nullable: true }) periodMark!: string | null;
}

@ObjectType({ simpleResolvers: true })
export class SummaryPupil {
  @Field(() => ID) id!: number;
  @Field() fullName!: string;
  @Field(() => Int, { description: 'Lessons missed without a valid reason (Н)' }) absent!: number;
  @Field(() => Int, { description: 'Lessons missed through illness (Б)' }) sick!: number;
  @Field(() => Int, { description: 'Lessons missed for a valid reason (П)' }) excused!: number;
  @Field(() => Int, { description: 'Times late (О)' }) late!: number;
}

@ObjectType({
  simpleResolvers: true,
  description:
    "A class's summary over all subjects for a study period (class teacher, administration)",
})
export class ClassSummary {
  @Field(() => ID) classGroupId!: number;
  @Field() className!: string;
  @Field(() => ID) periodId!: number;
  @Field() periodName!: string;
  @Field(() => [SummarySubject]) subjects!: SummarySubject[];
  @Field(() => [SummaryPupil]) pupils!: SummaryPupil[];
  @Field(() => [SummaryCell]) cells!: SummaryCell[];
}
