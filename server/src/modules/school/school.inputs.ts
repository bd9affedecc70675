import { Field, Float, ID, InputType, Int } from 'type-graphql';
import { LocalDateResolver as LocalDate } from 'graphql-scalars';
import { PeriodKind } from './study-period.entity.js';

@InputType()
export class UpdateSchoolInput {
  @Field() name!: string;
  @Field(() => String, { nullable: true }) shortName?: string | null;
  @Field(() => String, { nullable: true }) address?: string | null;
  @Field() timeZone!: string;
  @Field(() => Int) scaleMin!: number;
  @Field(() => Int) scaleMax!: number;
  @Field(() => [Float]) thresholds!: number[];
}

@InputType()
export class AcademicYearInput {
  @Field() name!: string;
  @Field(() => LocalDate) startsOn!: string;
  @Field(() => LocalDate) endsOn!: string;
}

@InputType()
export class StudyPeriodInput {
  @Field() name!: string;
  @Field(() => PeriodKind) kind!: PeriodKind;
  @Field(() => LocalDate) startsOn!: string;
  @Field(() => LocalDate) endsOn!: string;
}

@InputType()
export class CreateStudyPeriodInput extends StudyPeriodInput {
  @Field(() => ID) academicYearId!: string;
}

@InputType()
export class ClassGroupInput {
  @Field(() => Int) grade!: number;
  @Field() letter!: string;
  @Field(() => ID, { nullable: true }) classTeacherId?: string | null;
}

@InputType()
export class CreateClassGroupInput extends ClassGroupInput {
  @Field(() => ID) academicYearId!: string;
}

@InputType()
export class SubjectInput {
  @Field() name!: string;
  @Field(() => String, { nullable: true }) shortName?: string | null;
}

@InputType()
export class CourseInput {
  @Field(() => ID) teacherId!: string;
  @Field(() => Float) hoursPerWeek!: number;
}

@InputType()
export class CreateCourseInput extends CourseInput {
  @Field(() => ID) classGroupId!: string;
  @Field(() => ID) subjectId!: string;
}

@InputType()
export class HolidayInput {
  @Field() name!: string;
  @Field(() => LocalDate) startsOn!: string;
  @Field(() => LocalDate) endsOn!: string;
  @Field(() => [Int], { nullable: true, description: 'Only these grades; null or empty for all' })
  grades?: number[] | null;
}

@InputType()
export class CreateHolidayInput extends HolidayInput {
  @Field(() => ID) academicYearId!: string;
}
