import { Field, ID, InputType, Int } from 'type-graphql';
import { LocalDateResolver as LocalDate } from 'graphql-scalars';

@InputType({
  description:
    'A new mark (lessonId, pupilId, value, workTypeId), a change (id, version, …) or a removal (id, version, remove)',
})
export class MarkChangeInput {
  @Field(() => ID, { nullable: true }) id?: string | null;
  @Field(() => Int, { nullable: true, description: 'The version you saw; required with id' })
  version?: number | null;
  @Field(() => ID, { nullable: true }) lessonId?: string | null;
  @Field(() => ID, { nullable: true }) pupilId?: string | null;
  @Field(() => String, { nullable: true }) value?: string | null;
  @Field(() => ID, { nullable: true }) workTypeId?: string | null;
  @Field(() => String, { nullable: true }) comment?: string | null;
  @Field(() => Boolean, { nullable: true }) remove?: boolean | null;
}

@InputType({
  description: 'Sets (codeId) or clears (codeId null) a pupil’s attendance in a lesson',
})
export class AttendanceChangeInput {
  @Field(() => ID) lessonId!: string;
  @Field(() => ID) pupilId!: string;
  @Field(() => ID, { nullable: true }) codeId?: string | null;
  @Field(() => String, { nullable: true }) reason?: string | null;
  @Field(() => Int, {
    nullable: true,
    description: 'The version you saw; null when there was no entry',
  })
  version?: number | null;
}

@InputType()
export class LessonInput {
  @Field(() => String, { nullable: true }) topic?: string | null;
  @Field(() => String, { nullable: true }) homework?: string | null;
  @Field(() => Int) version!: number;
}

@InputType()
export class TimetableSlotInput {
  @Field(() => ID) courseId!: string;
  @Field(() => Int, { description: '1 = Monday … 7 = Sunday' }) weekday!: number;
  @Field(() => Int) lessonNumber!: number;
  @Field(() => LocalDate) validFrom!: string;
  @Field(() => LocalDate) validTo!: string;
}

@InputType({ description: 'A lesson outside the timetable' })
export class NewLessonInput {
  @Field(() => ID) courseId!: string;
  @Field(() => LocalDate) date!: string;
  @Field(() => Int) number!: number;
}

@InputType({ description: 'Moves, cancels or restores a lesson' })
export class LessonScheduleInput {
  @Field(() => LocalDate) date!: string;
  @Field(() => Int) number!: number;
  @Field() cancelled!: boolean;
  @Field(() => String, {
    nullable: true,
    description: 'Material and tasks for a cancelled-class day',
  })
  note?: string | null;
  @Field(() => Int) version!: number;
}

@InputType({
  description: 'A period mark (periodId) or the year mark (periodId null); value null withdraws it',
})
export class PeriodMarkInput {
  @Field(() => ID) courseId!: string;
  @Field(() => ID) pupilId!: string;
  @Field(() => ID, { nullable: true }) periodId?: string | null;
  @Field(() => String, { nullable: true }) value?: string | null;
  @Field(() => Int, {
    nullable: true,
    description: 'The version you saw; null when there was none',
  })
  version?: number | null;
}
