import { Field, ID, InputType, Int } from 'type-graphql';
import { LocalDateResolver as LocalDate } from 'graphql-scalars';

@InputType({ description: 'Which span and courses the dashboard shows; all optional' })
export class HealthFilterInput {
  @Field(() => LocalDate, {
    nullable: true,
    description: 'Default: the first day of the study period in progress',
  })
  from?: string | null;
  @Field(() => LocalDate, { nullable: true, description: 'Default and latest: today' })
  to?: string | null;
  @Field(() => Int, { nullable: true }) grade?: number | null;
  @Field(() => ID, { nullable: true }) classId?: string | null;
  @Field(() => ID, { nullable: true }) teacherId?: string | null;
  @Field(() => ID, { nullable: true }) subjectId?: string | null;
}

@InputType({ description: 'A remark to the teacher of a course' })
export class RemarkInput {
  @Field() text!: string;
  @Field(() => LocalDate) dueOn!: string;
  @Field(() => ID, {
    nullable: true,
    description: "The course it is about: required in a class's check, the check's own by default",
  })
  courseId?: string | null;
}

@InputType({ description: "A check of one course, or of a class's whole journal (give one)" })
export class CreateControlCheckInput {
  @Field(() => ID, { nullable: true }) courseId?: string | null;
  @Field(() => ID, { nullable: true }) classId?: string | null;
  @Field(() => LocalDate) from!: string;
  @Field(() => LocalDate, { description: 'Today at latest' }) to!: string;
  @Field({ defaultValue: '' }) findings!: string;
  @Field(() => [RemarkInput], { defaultValue: [] }) remarks!: RemarkInput[];
}

@InputType({ description: "The teacher's answer to a remark; `fixed` marks it fixed" })
export class AnswerControlRemarkInput {
  @Field(() => ID) id!: string;
  @Field() answer!: string;
  @Field({ defaultValue: false }) fixed!: boolean;
  @Field(() => Int, { description: 'The version read' }) version!: number;
}

@InputType({ description: 'A minimum number of marks for a kind of period and weekly hours' })
export class MinMarksRuleInput {
  @Field({ description: 'QUARTER, TRIMESTER or HALF_YEAR' }) periodKind!: string;
  @Field(() => Int, { description: '1, 2 or 3 (3 or more)' }) hoursPerWeek!: number;
  @Field(() => Int) marks!: number;
}

@InputType({ description: "The school's rules for journal health" })
export class ControlSettingsInput {
  @Field(() => Int) lateAfterDays!: number;
  @Field() homeworkRequired!: boolean;
  @Field(() => [MinMarksRuleInput]) minMarks!: MinMarksRuleInput[];
}
