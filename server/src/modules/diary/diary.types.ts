import { Field, Float, ID, Int, ObjectType } from 'type-graphql';
import { LocalDateResolver as LocalDate } from 'graphql-scalars';

@ObjectType({ simpleResolvers: true })
export class DiaryMark {
  @Field(() => ID) id!: number;
  @Field() value!: string;
  @Field() workType!: string;
  @Field(() => Float) weight!: number;
  @Field(() => String, { nullable: true }) comment!: string | null;
  @Field(() => LocalDate) date!: string;
}

@ObjectType({ simpleResolvers: true })
export class DiaryAbsence {
  @Field() code!: string;
  @Field() name!: string;
  @Field(() => String, { nullable: true }) reason!: string | null;
}

@ObjectType({ simpleResolvers: true })
export class DiaryLesson {
  @Field(() => ID) lessonId!: number;
  @Field(() => Int) number!: number;
  @Field() subjectName!: string;
  @Field() teacherName!: string;
  @Field(() => String, { nullable: true }) topic!: string | null;
  @Field(() => String, { nullable: true }) homework!: string | null;
  @Field() cancelled!: boolean;
  @Field(() => [DiaryMark]) marks!: DiaryMark[];
  @Field(() => DiaryAbsence, { nullable: true }) absence!: DiaryAbsence | null;
}

@ObjectType({ simpleResolvers: true })
export class DiaryDay {
  @Field(() => LocalDate) date!: string;
  @Field(() => [DiaryLesson]) lessons!: DiaryLesson[];
  @Field(() => String, { nullable: true, description: 'A holiday that falls on this day' })
  holiday!: string | null;
}

@ObjectType({ simpleResolvers: true })
export class DiaryPupil {
  @Field(() => ID) id!: number;
  @Field() fullName!: string;
  @Field(() => String, { nullable: true }) className!: string | null;
}

@ObjectType({
  simpleResolvers: true,
  description: "A pupil's week: each school day's lessons with topic, homework, marks and absences",
})
export class DiaryWeek {
  @Field(() => DiaryPupil) pupil!: DiaryPupil;
  @Field(() => LocalDate) weekStart!: string;
  @Field(() => [DiaryDay]) days!: DiaryDay[];
}

@ObjectType({ simpleResolvers: true })
export class DiarySubject {
  @Field(() => ID) courseId!: number;
  @Field() subjectName!: string;
  @Field() teacherName!: string;
  @Field(() => [DiaryMark]) marks!: DiaryMark[];
  @Field(() => Float, { nullable: true }) average!: number | null;
  @Field(() => Float, {
    nullable: true,
    description: "The class's weighted average: no other pupil's name or mark",
  })
  classAverage!: number | null;
  @Field(() => String, { nullable: true }) periodMark!: string | null;
  @Field(() => Int) absences!: number;
}

@ObjectType({
  simpleResolvers: true,
  description: 'Every subject of a study period with its marks, averages and period mark',
})
export class DiaryPeriod {
  @Field(() => DiaryPupil) pupil!: DiaryPupil;
  @Field(() => ID) periodId!: number;
  @Field() periodName!: string;
  @Field(() => [DiarySubject]) subjects!: DiarySubject[];
}

@ObjectType({ simpleResolvers: true })
export class YearSubjectMarks {
  @Field() subjectName!: string;
  @Field(() => [String], {
    nullable: 'items',
    description: 'One per study period, in order; null when not set',
  })
  periodMarks!: (string | null)[];
  @Field(() => String, { nullable: true }) yearMark!: string | null;
}

@ObjectType({
  simpleResolvers: true,
  description: "A pupil's whole year: period marks and the year mark of every subject",
})
export class DiaryYear {
  @Field(() => DiaryPupil) pupil!: DiaryPupil;
  @Field(() => [String]) periodNames!: string[];
  @Field(() => [YearSubjectMarks]) subjects!: YearSubjectMarks[];
}
