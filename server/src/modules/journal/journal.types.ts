import { Field, Float, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { LocalDateResolver as LocalDate } from 'graphql-scalars';
import { WorkType } from './work-type.entity.js';
import { AttendanceCode } from './attendance-code.entity.js';

@ObjectType({
  simpleResolvers: true,
  description: 'A span of dates a pupil is enrolled in the class; `to` null while open',
})
export class EnrolledSpan {
  @Field(() => LocalDate) from!: string;
  @Field(() => LocalDate, { nullable: true }) to!: string | null;
}

@ObjectType({ simpleResolvers: true })
export class JournalPupil {
  @Field(() => ID) id!: number;
  @Field() lastName!: string;
  @Field() firstName!: string;
  @Field(() => String, { nullable: true }) middleName!: string | null;
  @Field(() => [EnrolledSpan], {
    description: 'Marks and absences are possible only inside these dates',
  })
  enrolled!: EnrolledSpan[];
}

@ObjectType({ simpleResolvers: true })
export class JournalLesson {
  @Field(() => ID) id!: number;
  @Field(() => LocalDate) date!: string;
  @Field(() => Int) number!: number;
  @Field(() => String, { nullable: true }) topic!: string | null;
  @Field(() => String, { nullable: true }) homework!: string | null;
  @Field(() => String, {
    nullable: true,
    description: 'Material and tasks for a cancelled-class day',
  })
  note!: string | null;
  @Field() cancelled!: boolean;
  @Field(() => ID, { nullable: true }) substituteId!: number | null;
  @Field(() => Int) version!: number;
}

@ObjectType({ simpleResolvers: true })
export class JournalMark {
  @Field(() => ID) id!: number;
  @Field(() => ID) lessonId!: number;
  @Field(() => ID) pupilId!: number;
  @Field() value!: string;
  @Field(() => Int, { nullable: true }) score!: number | null;
  @Field(() => ID) workTypeId!: number;
  @Field(() => String, { nullable: true }) comment!: string | null;
  @Field(() => Int) version!: number;
}

@ObjectType({ simpleResolvers: true })
export class JournalAttendance {
  @Field(() => ID) id!: number;
  @Field(() => ID) lessonId!: number;
  @Field(() => ID) pupilId!: number;
  @Field(() => ID, { nullable: true, description: 'null when the entry was cleared' }) codeId!:
    number | null;
  @Field(() => String, { nullable: true }) reason!: string | null;
  @Field(() => Int) version!: number;
}

@ObjectType({ simpleResolvers: true })
export class PupilResult {
  @Field(() => ID) pupilId!: number;
  @Field(() => Float, { nullable: true, description: 'Σ(mark × weight) / Σ weight' }) average!:
    number | null;
  @Field(() => Int, { nullable: true, description: "From the school's rounding thresholds" })
  suggested!: number | null;
  @Field(() => String, { nullable: true, description: 'The mark the teacher set for the period' })
  periodMark!: string | null;
  @Field(() => Int, { nullable: true }) periodMarkVersion!: number | null;
}

@ObjectType({
  simpleResolvers: true,
  description: "A teacher's journal page: one course, one study period",
})
export class JournalPage {
  @Field(() => ID) courseId!: number;
  @Field() className!: string;
  @Field() subjectName!: string;
  @Field() teacherName!: string;
  @Field(() => ID) periodId!: number;
  @Field() periodName!: string;
  @Field(() => LocalDate) startsOn!: string;
  @Field(() => LocalDate) endsOn!: string;
  @Field({ description: 'The period is closed: changes need the administration to reopen it' })
  locked!: boolean;
  @Field({ description: 'The viewer may write on this page' }) canWrite!: boolean;
  @Field({
    description:
      'The viewer makes the course-wide changes (new lessons, final marks): its own teacher, not a substitute',
  })
  canWriteCourse!: boolean;
  @Field(() => [ID], {
    description:
      'The lessons of the page the viewer writes in: all for the course’s teacher, the substituted ones for a substitute',
  })
  writableLessonIds!: number[];
  @Field(() => [JournalPupil]) pupils!: JournalPupil[];
  @Field(() => [JournalLesson]) lessons!: JournalLesson[];
  @Field(() => [JournalMark]) marks!: JournalMark[];
  @Field(() => [JournalAttendance]) attendance!: JournalAttendance[];
  @Field(() => [PupilResult]) results!: PupilResult[];
  @Field(() => [WorkType]) workTypes!: WorkType[];
  @Field(() => [AttendanceCode]) attendanceCodes!: AttendanceCode[];
}

@ObjectType({ simpleResolvers: true })
export class JournalPeriodMark {
  @Field(() => ID) id!: number;
  @Field(() => ID) courseId!: number;
  @Field(() => ID) pupilId!: number;
  @Field(() => ID, { nullable: true, description: 'null for the year mark' }) periodId!:
    number | null;
  @Field(() => String, { nullable: true }) value!: string | null;
  @Field(() => Int) version!: number;
}

/** What a change in a mark's history did (the audit row's `action`, decision 33). */
export enum HistoryAction {
  CREATE = 'create',
  UPDATE = 'update',
  REMOVE = 'remove',
}
registerEnumType(HistoryAction, {
  name: 'HistoryAction',
  description: 'What a change in the history of a record did',
});

@ObjectType({ simpleResolvers: true, description: 'One change in the history of a record' })
export class HistoryEntry {
  @Field() at!: Date;
  @Field() actorName!: string;
  @Field(() => HistoryAction) action!: HistoryAction;
  @Field(() => String, { nullable: true, description: 'The value before, as JSON' }) before!:
    string | null;
  @Field(() => String, { nullable: true, description: 'The value after, as JSON' }) after!:
    string | null;
  @Field(() => String, { nullable: true }) reason!: string | null;
}
