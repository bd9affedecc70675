import { LocalDateResolver as LocalDate } from 'graphql-scalars';
import { Field, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { BehaviourNoteKind } from './weekly-report.entity.js';

registerEnumType(BehaviourNoteKind, {
  name: 'BehaviourNoteKind',
  description: 'PRAISE or REMARK',
});

@InputType()
export class BehaviourNoteInput {
  @Field(() => ID) pupilId!: string;
  @Field(() => BehaviourNoteKind) kind!: BehaviourNoteKind;
  @Field() text!: string;
  @Field(() => ID, { nullable: true, description: 'A lesson of the writer’s own course' })
  lessonId?: string | null;
}

@ObjectType({ description: 'A teacher’s note about a pupil’s behaviour' })
export class BehaviourNoteInfo {
  @Field(() => ID) id!: string;
  @Field(() => ID) pupilId!: string;
  @Field(() => BehaviourNoteKind) kind!: BehaviourNoteKind;
  @Field() text!: string;
  @Field(() => LocalDate) date!: string;
  @Field(() => String, { nullable: true }) subject!: string | null;
  @Field() authorName!: string;
}

@ObjectType()
export class WeeklyMark {
  @Field(() => LocalDate) date!: string;
  @Field() value!: string;
  @Field() workType!: string;
}

@ObjectType({ description: 'A subject’s marks of the week' })
export class WeeklySubjectMarks {
  @Field() subject!: string;
  @Field(() => [WeeklyMark]) marks!: WeeklyMark[];
}

@ObjectType()
export class WeeklyAbsence {
  @Field(() => LocalDate) date!: string;
  @Field() subject!: string;
  @Field(() => Int) lessonNumber!: number;
  @Field({ description: 'The attendance code, e.g. «Н», «Б»' }) code!: string;
  @Field() codeName!: string;
}

@ObjectType()
export class WeeklyNote {
  @Field(() => LocalDate) date!: string;
  @Field(() => BehaviourNoteKind) kind!: BehaviourNoteKind;
  @Field() text!: string;
  @Field(() => String, { nullable: true }) subject!: string | null;
  @Field() author!: string;
}

@ObjectType()
export class WeeklyHomework {
  @Field(() => LocalDate) date!: string;
  @Field() subject!: string;
  @Field() text!: string;
}

@ObjectType({ description: 'What a weekly report says: the journal’s week of one pupil' })
export class WeeklyReportContent {
  @Field(() => [WeeklySubjectMarks]) subjects!: WeeklySubjectMarks[];
  @Field(() => [WeeklyAbsence]) absences!: WeeklyAbsence[];
  @Field(() => [WeeklyNote]) notes!: WeeklyNote[];
  @Field(() => [WeeklyHomework]) homework!: WeeklyHomework[];
}

@ObjectType({ description: 'One pupil’s report of a week, drafted or sent' })
export class WeeklyReportInfo {
  @Field(() => ID) pupilId!: string;
  @Field() pupilName!: string;
  @Field() className!: string;
  @Field(() => LocalDate) weekStart!: string;
  @Field(() => LocalDate) weekEnd!: string;
  @Field(() => WeeklyReportContent) content!: WeeklyReportContent;
  @Field(() => String, { nullable: true }) personalLine!: string | null;
  @Field(() => Date, { nullable: true, description: 'Null while it is a draft' })
  sentAt!: Date | null;
  @Field(() => String, { nullable: true }) senderName!: string | null;
  @Field(() => Date, { nullable: true }) acknowledgedAt!: Date | null;
}

@ObjectType({ description: 'A class’s weekly reports of one week, for the class teacher' })
export class ClassWeeklyReports {
  @Field(() => ID) classGroupId!: string;
  @Field() className!: string;
  @Field(() => LocalDate) weekStart!: string;
  @Field(() => LocalDate) weekEnd!: string;
  @Field(() => Date, { nullable: true, description: 'When the week was sent; null: drafts' })
  sentAt!: Date | null;
  @Field(() => Int, { description: 'Reports the families have acknowledged' })
  acknowledged!: number;
  @Field(() => [WeeklyReportInfo]) reports!: WeeklyReportInfo[];
}

@InputType()
export class PersonalLineInput {
  @Field(() => ID) pupilId!: string;
  @Field() line!: string;
}

@InputType()
export class SendWeeklyReportsInput {
  @Field(() => ID) classGroupId!: string;
  @Field(() => LocalDate, { description: 'Any day of the week to send' }) week!: string;
  @Field(() => [PersonalLineInput], { defaultValue: [] }) lines!: PersonalLineInput[];
}
