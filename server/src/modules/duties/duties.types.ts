import { LocalDateResolver as LocalDate } from 'graphql-scalars';
import { Field, Float, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';

/** The class teacher's duties the year account counts, in the order it shows them. */
export enum Duty {
  REVIEWS = 'REVIEWS',
  REPORTS = 'REPORTS',
  RECORDS = 'RECORDS',
  REMARKS = 'REMARKS',
  HEALTH = 'HEALTH',
}
registerEnumType(Duty, {
  name: 'Duty',
  description:
    'A class teacher’s duty: weekly attendance reviews on time, weekly reports to parents, records confirmed monthly, control remarks answered on time, the class’s journal health',
});

@ObjectType({ description: 'An attendance code the review may set' })
export class ReviewCode {
  @Field(() => ID) id!: string;
  @Field() code!: string;
  @Field() name!: string;
}

@ObjectType({ description: 'One absence of a pupil of the class in the reviewed week' })
export class ReviewAbsence {
  @Field(() => ID) id!: string;
  @Field(() => ID) pupilId!: string;
  @Field() pupilName!: string;
  @Field(() => ID) lessonId!: string;
  @Field(() => LocalDate) date!: string;
  @Field(() => Int) lessonNumber!: number;
  @Field() subject!: string;
  @Field(() => ID) codeId!: string;
  @Field() code!: string;
  @Field() codeName!: string;
  @Field(() => String, { nullable: true }) reason!: string | null;
  @Field(() => Int) version!: number;
  @Field({ description: 'The lesson lies in a closed study period: the code cannot change' })
  locked!: boolean;
}

@ObjectType({ description: 'A class’s week of absences for the class teacher’s review (R-4.2.2)' })
export class AttendanceReviewWeek {
  @Field(() => ID) classGroupId!: string;
  @Field() className!: string;
  @Field(() => LocalDate) weekStart!: string;
  @Field(() => LocalDate) weekEnd!: string;
  @Field({ description: 'The week has ended, so it may be confirmed' }) ended!: boolean;
  @Field(() => LocalDate, { description: 'The last day a confirmation counts as on time' })
  dueOn!: string;
  @Field(() => Date, { nullable: true }) reviewedAt!: Date | null;
  @Field(() => String, { nullable: true }) reviewerName!: string | null;
  @Field(() => Boolean, { nullable: true, description: 'Null while not reviewed' })
  onTime!: boolean | null;
  @Field(() => [ReviewAbsence]) absences!: ReviewAbsence[];
  @Field(() => [ReviewCode]) codes!: ReviewCode[];
}

@InputType()
export class UpdateReviewAbsenceInput {
  @Field(() => ID, { description: 'The absence (attendance entry)' }) id!: string;
  @Field(() => ID) codeId!: string;
  @Field(() => LocalDate, {
    nullable: true,
    description: 'The date of the note that excuses it (a doctor’s note)',
  })
  noteDate?: string | null;
  @Field(() => String, { nullable: true }) reason?: string | null;
  @Field(() => Int, { description: 'The version read; a changed entry is refused' })
  version!: number;
}

@ObjectType({ description: 'A week of the year with what the class teacher did in it' })
export class DutyWeek {
  @Field(() => LocalDate) weekStart!: string;
  @Field(() => LocalDate) dueOn!: string;
  @Field(() => Date, { nullable: true }) reviewedAt!: Date | null;
  @Field(() => String, { nullable: true }) reviewerName!: string | null;
  @Field() reviewedOnTime!: boolean;
  @Field({ description: 'The review’s deadline has passed (or it was made): it counts' })
  reviewDue!: boolean;
  @Field(() => Date, { nullable: true }) reportSentAt!: Date | null;
}

@ObjectType()
export class DutyMonthPupil {
  @Field(() => ID) pupilId!: string;
  @Field() name!: string;
  @Field(() => Date, { nullable: true, description: 'The record’s confirmation in that month' })
  confirmedAt!: Date | null;
}

@ObjectType({ description: 'An ended month: the class’s pupils and whose record was confirmed' })
export class DutyMonth {
  @Field(() => LocalDate) monthStart!: string;
  @Field(() => LocalDate) monthEnd!: string;
  @Field() done!: boolean;
  @Field(() => [DutyMonthPupil]) pupils!: DutyMonthPupil[];
}

@ObjectType({ description: 'A control remark addressed to the class teacher' })
export class DutyRemark {
  @Field(() => ID) id!: string;
  @Field() text!: string;
  @Field(() => LocalDate) dueOn!: string;
  @Field(() => Date, { nullable: true }) answeredAt!: Date | null;
  @Field() onTime!: boolean;
}

@ObjectType({ description: 'The journal health of one of the class’s courses over the year' })
export class DutyCourseHealth {
  @Field(() => ID) courseId!: string;
  @Field() className!: string;
  @Field() subject!: string;
  @Field() teacherName!: string;
  @Field(() => Int) lessonsHeld!: number;
  @Field(() => Int) withoutTopic!: number;
  @Field(() => Int) withoutHomework!: number;
  @Field(() => Int) withoutAttendance!: number;
  @Field(() => Int) pupilsShort!: number;
  @Field(() => Int) lateEntries!: number;
  @Field(() => Int) periodMarksMissing!: number;
}

@ObjectType({ description: 'One duty’s figure: done of due, and the points it earns' })
export class DutyFigure {
  @Field(() => Duty) duty!: Duty;
  @Field({ description: 'False when the area it is counted from does not exist: not a zero' })
  available!: boolean;
  @Field(() => Int) done!: number;
  @Field(() => Int) due!: number;
  @Field(() => Float, { nullable: true, description: 'done / due in percent; null if unavailable' })
  percent!: number | null;
  @Field(() => Int) weight!: number;
  @Field(() => Float, { nullable: true }) points!: number | null;
}

@ObjectType({ description: 'A class teacher’s year (R-7.1): each duty’s figure with its evidence' })
export class DutyAccount {
  @Field(() => ID) teacherId!: string;
  @Field() teacherName!: string;
  @Field(() => ID) classGroupId!: string;
  @Field() className!: string;
  @Field(() => [DutyFigure]) figures!: DutyFigure[];
  @Field(() => Float, { description: 'The sum of the available duties’ points' }) points!: number;
  @Field(() => Int, { description: 'The points possible: the available duties’ weights' })
  maxPoints!: number;
  @Field(() => [DutyWeek]) weeks!: DutyWeek[];
  @Field(() => [DutyMonth]) months!: DutyMonth[];
  @Field(() => [DutyRemark], { nullable: true, description: 'Null: no control area' })
  remarks!: DutyRemark[] | null;
  @Field(() => [DutyCourseHealth], { nullable: true, description: 'Null: no health figures' })
  health!: DutyCourseHealth[] | null;
}

@ObjectType({ description: 'The school’s rule that turns duties into points (R-7.1)' })
export class DutySettings {
  @Field(() => Int, { description: 'Days after the week’s Sunday a review is still on time' })
  reviewDays!: number;
  @Field(() => Int) weightReviews!: number;
  @Field(() => Int) weightReports!: number;
  @Field(() => Int) weightRecords!: number;
  @Field(() => Int) weightRemarks!: number;
  @Field(() => Int) weightHealth!: number;
}

@InputType()
export class DutySettingsInput {
  @Field(() => Int) reviewDays!: number;
  @Field(() => Int) weightReviews!: number;
  @Field(() => Int) weightReports!: number;
  @Field(() => Int) weightRecords!: number;
  @Field(() => Int) weightRemarks!: number;
  @Field(() => Int) weightHealth!: number;
}

@ObjectType({ description: 'The school year’s accounts of every class teacher, side by side' })
export class DutyAccounts {
  @Field(() => LocalDate) yearStart!: string;
  @Field(() => LocalDate, { description: 'Counted up to (not including) this day' }) upTo!: string;
  @Field(() => DutySettings) settings!: DutySettings;
  @Field(() => [DutyAccount]) accounts!: DutyAccount[];
}

@ObjectType({ description: 'One of today’s lessons on the teacher’s home page' })
export class TeacherLesson {
  @Field(() => ID) id!: string;
  @Field(() => ID) courseId!: string;
  @Field(() => Int) number!: number;
  @Field() className!: string;
  @Field() subject!: string;
  @Field(() => String, { nullable: true }) topic!: string | null;
  @Field(() => String, { nullable: true }) homework!: string | null;
  @Field(() => Int) version!: number;
  @Field({ description: 'In progress now, or the next to begin' }) current!: boolean;
  @Field(() => String, { nullable: true, description: 'Bell times, e.g. 08:30–09:15' })
  time!: string | null;
}

@ObjectType({ description: 'A teacher’s working page (R-6.2), read in one statement' })
export class TeacherHomePage {
  @Field(() => LocalDate) today!: string;
  @Field(() => [TeacherLesson], { description: 'Current lesson first, then timetable order' })
  lessons!: TeacherLesson[];
  @Field(() => [DutyCourseHealth], { nullable: true, description: 'Null: no health figures' })
  health!: DutyCourseHealth[] | null;
  @Field(() => LocalDate) healthFrom!: string;
  @Field(() => [DutyRemark], { nullable: true, description: 'Null: no control area' })
  remarks!: DutyRemark[] | null;
}
