import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { LocalDateResolver as LocalDate } from 'graphql-scalars';

/** A gap behind a health figure (the drill-down's rows, `journal_health_items` in SQL). */
export enum HealthGapKind {
  NO_TOPIC = 'NO_TOPIC',
  NO_HOMEWORK = 'NO_HOMEWORK',
  NO_ATTENDANCE = 'NO_ATTENDANCE',
  LATE_MARK = 'LATE_MARK',
  LATE_ATTENDANCE = 'LATE_ATTENDANCE',
  LATE_TOPIC = 'LATE_TOPIC',
  PUPIL_SHORT = 'PUPIL_SHORT',
  PERIOD_MARK_MISSING = 'PERIOD_MARK_MISSING',
}
registerEnumType(HealthGapKind, {
  name: 'HealthGapKind',
  description:
    'What a gap is: a held lesson without topic, homework or attendance; an entry made late (mark, attendance, topic); a pupil short of marks; a period mark missing after the period',
});

/** A remark's life: open → answered or fixed by the teacher → accepted or reopened by the checker. */
export enum RemarkStatus {
  OPEN = 'OPEN',
  ANSWERED = 'ANSWERED',
  FIXED = 'FIXED',
  ACCEPTED = 'ACCEPTED',
  REOPENED = 'REOPENED',
}
registerEnumType(RemarkStatus, { name: 'RemarkStatus' });

@ObjectType({ description: "A journal's health figures over a span (computed, never entered)" })
export class HealthFigures {
  @Field(() => Int) lessonsHeld!: number;
  @Field(() => Int) withoutTopic!: number;
  @Field(() => Int, { description: '0 when the school does not require homework' })
  withoutHomework!: number;
  @Field(() => Int) withoutAttendance!: number;
  @Field(() => Int, { description: 'Pupils with fewer marks than the minimum for the period' })
  pupilsShort!: number;
  @Field(() => Int, { description: 'Marks, attendance and topics entered late (history)' })
  lateEntries!: number;
  @Field(() => Int) periodMarksMissing!: number;
  @Field(() => Int, { description: 'The sum of the gaps: the dashboard sorts by it, worst first' })
  gaps!: number;
}

@ObjectType({ description: 'A course (journal) with its health and its control log line' })
export class JournalHealth extends HealthFigures {
  @Field(() => ID) courseId!: string;
  @Field({ description: '«7А Алгебра (гр. 1)»' }) courseName!: string;
  @Field(() => ID) classId!: string;
  @Field() className!: string;
  @Field(() => Int) grade!: number;
  @Field(() => ID) subjectId!: string;
  @Field() subjectName!: string;
  @Field(() => ID) teacherId!: string;
  @Field() teacherName!: string;
  @Field(() => Date, { nullable: true }) lastCheckedAt!: Date | null;
  @Field(() => String, { nullable: true }) lastCheckedBy!: string | null;
  @Field({ description: 'Not checked for more than a month (R-5.2)' }) overdue!: boolean;
}

@ObjectType({ description: 'One gap behind a figure: a lesson or a pupil' })
export class HealthGap {
  @Field(() => HealthGapKind) kind!: HealthGapKind;
  @Field(() => LocalDate, { description: "The lesson's date, or the period's last day" })
  date!: string;
  @Field(() => ID, { nullable: true }) lessonId!: string | null;
  @Field(() => Int, { nullable: true }) lessonNumber!: number | null;
  @Field(() => ID, { nullable: true }) pupilId!: string | null;
  @Field(() => String, { nullable: true }) pupilName!: string | null;
  @Field(() => String, { nullable: true }) periodName!: string | null;
  @Field(() => Date, { nullable: true, description: 'When a late entry was made' })
  enteredAt!: Date | null;
  @Field(() => Int, { nullable: true, description: 'Marks a short pupil has' }) have!:
    number | null;
  @Field(() => Int, { nullable: true, description: 'Marks the minimum asks for' }) need!:
    number | null;
}

@ObjectType({ description: "A course's figures in a check's snapshot" })
export class SnapshotLine extends HealthFigures {
  @Field(() => ID) courseId!: string;
  @Field() courseName!: string;
  @Field() teacherName!: string;
}

@ObjectType({ description: 'A remark of a check, addressed to a teacher' })
export class ControlRemark {
  @Field(() => ID) id!: string;
  @Field(() => ID) checkId!: string;
  @Field(() => ID, { nullable: true }) courseId!: string | null;
  @Field(() => String, { nullable: true }) courseName!: string | null;
  @Field(() => ID) teacherId!: string;
  @Field() teacherName!: string;
  @Field(() => ID) checkerId!: string;
  @Field() checkerName!: string;
  @Field() text!: string;
  @Field(() => LocalDate) dueOn!: string;
  @Field(() => RemarkStatus) status!: RemarkStatus;
  @Field(() => String, { nullable: true }) answer!: string | null;
  @Field(() => Date, { nullable: true }) answeredAt!: Date | null;
  @Field(() => Date, { nullable: true }) fixedAt!: Date | null;
  @Field(() => Date, { nullable: true }) decidedAt!: Date | null;
  @Field(() => Date) createdAt!: Date;
  @Field(() => Int) version!: number;
}

@ObjectType({
  description: "A control check of a course or a class's whole journal (R-3.6, R-5.2)",
})
export class ControlCheck {
  @Field(() => ID) id!: string;
  @Field(() => ID, { nullable: true }) courseId!: string | null;
  @Field(() => ID, { nullable: true }) classId!: string | null;
  @Field({ description: 'The course, or «7А (весь журнал)»' }) targetName!: string;
  @Field(() => ID) checkerId!: string;
  @Field() checkerName!: string;
  @Field(() => LocalDate) from!: string;
  @Field(() => LocalDate) to!: string;
  @Field() findings!: string;
  @Field(() => Date) createdAt!: Date;
  @Field(() => [SnapshotLine], { description: 'The figures when the check was recorded' })
  snapshot!: SnapshotLine[];
  @Field(() => [ControlRemark]) remarks!: ControlRemark[];
}

@ObjectType({ description: "The school's rules for journal health" })
export class ControlSettings {
  @Field(() => Int, { description: 'An entry later than this many days after the lesson is late' })
  lateAfterDays!: number;
  @Field() homeworkRequired!: boolean;
  @Field(() => [MinMarksRule]) minMarks!: MinMarksRule[];
}

@ObjectType({ description: 'The least number of marks in a period of a kind, by weekly hours' })
export class MinMarksRule {
  @Field({ description: 'QUARTER, TRIMESTER or HALF_YEAR' }) periodKind!: string;
  @Field(() => Int, { description: '1, 2, or 3 (3 or more)' }) hoursPerWeek!: number;
  @Field(() => Int) marks!: number;
}

@ObjectType({ description: 'The deputy’s dashboard: the span read and every course, worst first' })
export class JournalHealthBoard {
  @Field(() => LocalDate) from!: string;
  @Field(() => LocalDate, { description: 'Today at most: lessons to come are not counted' })
  to!: string;
  @Field(() => [JournalHealth]) items!: JournalHealth[];
}
