import { Field, Float, ID, InputType, ObjectType, registerEnumType } from 'type-graphql';
import { ReportUnit } from '../report.model.js';

export enum BuiltinReportKind {
  /** Teacher: a course's marks (per pupil: count, weighted average, distribution, period mark) and attendance. */
  COURSE_RESULTS = 'COURSE_RESULTS',
  /** Class teacher: the class's period results (pupils × subjects, the four counts, rates, absences). */
  CLASS_RESULTS = 'CLASS_RESULTS',
  /** Administration: the school by class against the previous period. */
  SCHOOL_BY_CLASS = 'SCHOOL_BY_CLASS',
  /** Administration: the school by subject against the previous period. */
  SCHOOL_BY_SUBJECT = 'SCHOOL_BY_SUBJECT',
  /** Administration: the school by teacher against the previous period. */
  SCHOOL_BY_TEACHER = 'SCHOOL_BY_TEACHER',
  /** Administration: attendance by class and month. */
  ATTENDANCE_BY_MONTH = 'ATTENDANCE_BY_MONTH',
  /** The archive copy of a course's journal for a period (PDF only). */
  JOURNAL_ARCHIVE = 'JOURNAL_ARCHIVE',
}
registerEnumType(BuiltinReportKind, {
  name: 'BuiltinReportKind',
  description: 'The reports the product makes for a chosen period (R-2.3)',
});

@InputType({
  description:
    'Which built-in report, for which period, and what it is about: `courseId` for COURSE_RESULTS and JOURNAL_ARCHIVE, `classGroupId` for CLASS_RESULTS, nothing more for the school’s',
})
export class BuiltinReportInput {
  @Field(() => BuiltinReportKind) kind!: BuiltinReportKind;
  @Field(() => ID) periodId!: string;
  @Field(() => ID, { nullable: true }) courseId?: string | null;
  @Field(() => ID, { nullable: true }) classGroupId?: string | null;
}

@ObjectType({ simpleResolvers: true })
export class BuiltinColumn {
  @Field() label!: string;
  @Field(() => ReportUnit, { nullable: true, description: 'Null: a text column (names, marks)' })
  unit!: ReportUnit | null;
}

@ObjectType({ simpleResolvers: true })
export class BuiltinCell {
  @Field(() => String, { nullable: true, description: 'The text of a text column' })
  text!: string | null;
  @Field(() => Float, {
    nullable: true,
    description: 'The number of a number column (percent 0–100)',
  })
  value!: number | null;
}

@ObjectType({ simpleResolvers: true })
export class BuiltinRow {
  @Field(() => [BuiltinCell]) cells!: BuiltinCell[];
}

@ObjectType({ simpleResolvers: true })
export class BuiltinTable {
  @Field(() => String, { nullable: true }) title!: string | null;
  @Field(() => [BuiltinColumn]) columns!: BuiltinColumn[];
  @Field(() => [BuiltinRow]) rows!: BuiltinRow[];
  @Field(() => BuiltinRow, { nullable: true }) total!: BuiltinRow | null;
}

@ObjectType({
  simpleResolvers: true,
  description: 'A built-in report as tables, in the language asked',
})
export class BuiltinReport {
  @Field(() => BuiltinReportKind) kind!: BuiltinReportKind;
  @Field() title!: string;
  @Field() schoolName!: string;
  @Field(() => [String], {
    description: 'What it shows: the period, the class or course, the comparison',
  })
  lines!: string[];
  @Field(() => Date, { description: 'When the data was read (the data’s currency)' })
  generatedAt!: Date;
  @Field(() => [BuiltinTable]) tables!: BuiltinTable[];
}
