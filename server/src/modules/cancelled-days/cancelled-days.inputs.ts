import { Field, Float, ID, InputType, Int } from 'type-graphql';
import { LocalDateResolver as LocalDate } from 'graphql-scalars';
import { CancelReason } from './cancelled-days.types.js';

@InputType({ description: 'A frost rule for a band of grades' })
export class ThresholdInput {
  @Field(() => Int) gradeFrom!: number;
  @Field(() => Int) gradeTo!: number;
  @Field(() => Float, { description: 'Cancelled at or below this (°C) without wind' })
  calmCelsius!: number;
  @Field(() => Float, {
    nullable: true,
    description: 'Or at or below this (°C) with wind ≥ windMs',
  })
  windyCelsius?: number | null;
  @Field(() => Float, {
    nullable: true,
    description: 'The wind (m/s) from which windyCelsius holds',
  })
  windMs?: number | null;
}

@InputType({
  description: 'Which classes a cancelled day concerns (grades, classes, or both) and why',
})
export class CancelledDayFields {
  @Field(() => [Int], { defaultValue: [], description: 'Every class of these grades' })
  grades!: number[];
  @Field(() => [ID], { defaultValue: [], description: 'And these classes' })
  classIds!: string[];
  @Field(() => CancelReason) reason!: CancelReason;
  @Field(() => Float, { nullable: true, description: "The morning's temperature (°C), for FROST" })
  temperature?: number | null;
  @Field(() => Float, { nullable: true, description: 'The wind (m/s), for FROST' })
  windMs?: number | null;
  @Field(() => String, { nullable: true, description: 'Required for OTHER' })
  note?: string | null;
}

@InputType()
export class DeclareCancelledDayInput extends CancelledDayFields {
  @Field(() => LocalDate, { description: "Today or a coming day, by the school's clock" })
  date!: string;
}

@InputType({
  description: 'Widens or narrows a declared day: the classes and reason as they are now',
})
export class UpdateCancelledDayInput extends CancelledDayFields {
  @Field(() => ID) id!: string;
  @Field(() => Int, { description: 'The version you saw' }) version!: number;
}

@InputType({ description: 'A self-study task of a remote lesson; with id, an existing one kept' })
export class RemoteTaskInput {
  @Field(() => ID, { nullable: true }) id?: string | null;
  @Field() text!: string;
  @Field(() => LocalDate, { description: 'Not before the lesson' }) dueOn!: string;
}

@InputType({ description: "A remote lesson's material and tasks, replacing what was there" })
export class SetRemoteWorkInput {
  @Field(() => ID) lessonId!: string;
  @Field({ defaultValue: '' }) material!: string;
  @Field(() => [String], { defaultValue: [], description: 'http(s) links' }) links!: string[];
  @Field(() => [ID], {
    defaultValue: [],
    description:
      'The files, in order: those kept and new uploads (POST /files); others are deleted',
  })
  attachmentIds!: string[];
  @Field(() => [RemoteTaskInput], { defaultValue: [] }) tasks!: RemoteTaskInput[];
}
