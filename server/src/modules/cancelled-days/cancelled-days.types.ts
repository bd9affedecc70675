import { Field, Float, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { LocalDateResolver as LocalDate } from 'graphql-scalars';

export enum CancelReason {
  FROST = 'FROST',
  QUARANTINE = 'QUARANTINE',
  EMERGENCY = 'EMERGENCY',
  OTHER = 'OTHER',
}
registerEnumType(CancelReason, {
  name: 'CancelReason',
  description:
    'Why classes are cancelled: frost (with the reading), quarantine, an emergency, other',
});

@ObjectType({ description: 'A frost rule for a band of grades (R-2.5)' })
export class CancellationThreshold {
  @Field(() => Int) gradeFrom!: number;
  @Field(() => Int) gradeTo!: number;
  @Field(() => Float) calmCelsius!: number;
  @Field(() => Float, { nullable: true }) windyCelsius!: number | null;
  @Field(() => Float, { nullable: true }) windMs!: number | null;
}

@ObjectType({ description: 'A class a cancelled day concerns' })
export class CancelledClass {
  @Field(() => ID) id!: string;
  @Field({ description: '«3А»' }) name!: string;
  @Field(() => Int) grade!: number;
}

@ObjectType({ description: 'A pupil of the viewer (or the viewer) whom a cancelled day concerns' })
export class CancelledPupil {
  @Field(() => ID) id!: string;
  @Field() firstName!: string;
}

@ObjectType({ description: 'A declared cancelled-class day (актированный день)' })
export class CancelledDay {
  @Field(() => ID) id!: string;
  @Field(() => LocalDate) date!: string;
  @Field(() => CancelReason) reason!: CancelReason;
  @Field(() => Float, { nullable: true }) temperature!: number | null;
  @Field(() => Float, { nullable: true }) windMs!: number | null;
  @Field(() => String, { nullable: true }) note!: string | null;
  @Field(() => Int) version!: number;
  @Field(() => [CancelledClass]) classes!: CancelledClass[];
  @Field(() => [CancelledPupil], {
    description: 'For a parent or pupil: whom of theirs it concerns; empty for staff',
  })
  pupils!: CancelledPupil[];
}

@ObjectType({ description: 'Who will be told of a declaration: counts, before it is made' })
export class CancelledDayPreview {
  @Field(() => [CancelledClass]) classes!: CancelledClass[];
  @Field(() => Int) pupils!: number;
  @Field(() => Int) parents!: number;
  @Field(() => Int) teachers!: number;
}

@ObjectType({
  description:
    'A file of a remote lesson’s material or of a pupil’s work: GET /files/{id} downloads it',
})
export class RemoteAttachment {
  @Field(() => ID) id!: string;
  @Field() name!: string;
  @Field() contentType!: string;
  @Field(() => Int, { description: 'Bytes' }) size!: number;
}

@ObjectType({ description: 'A self-study task, and whether the pupil (or each pupil) has done it' })
export class RemoteTask {
  @Field(() => ID) id!: string;
  @Field() text!: string;
  @Field(() => LocalDate) dueOn!: string;
  @Field(() => ID, {
    nullable: true,
    description:
      'Whose tick `done` and `attachments` are: the pupil of the day; null in a teacher’s view. ' +
      'With `id`, the key of this pupil’s state of the task (one task, a state per pupil)',
  })
  pupilId!: string | null;
  @Field({ description: 'For a pupil’s day: checked as read and done (R-4.4.1)' }) done!: boolean;
  @Field(() => [RemoteAttachment], {
    description: 'For a pupil’s day: the work attached to the tick, in its order',
  })
  attachments!: RemoteAttachment[];
}

@ObjectType({ description: 'A file of a pupil’s work on one task' })
export class RemoteWorkFile extends RemoteAttachment {
  @Field(() => ID) taskId!: string;
}

@ObjectType({ description: 'A pupil’s checks of one remote lesson’s tasks, for its teacher' })
export class RemoteCompletion {
  @Field(() => ID) pupilId!: string;
  @Field() pupilName!: string;
  @Field(() => [ID], { description: 'The tasks checked as done' }) doneTaskIds!: string[];
  @Field(() => [RemoteWorkFile], { description: 'The work attached to the ticks, task by task' })
  files!: RemoteWorkFile[];
}

@ObjectType({ description: 'A task of the class table: its lesson and how many have done it' })
export class RemoteClassTask {
  @Field(() => ID) id!: string;
  @Field() text!: string;
  @Field(() => LocalDate) dueOn!: string;
  @Field(() => Int, { description: 'Pupils of the lesson who checked it' }) doneCount!: number;
  @Field(() => Int, { description: 'Pupils of the lesson (its subgroup, if any)' })
  pupilCount!: number;
}

@ObjectType({ description: 'A remote lesson of the class table, with its tasks' })
export class RemoteClassLesson {
  @Field(() => ID) lessonId!: string;
  @Field(() => ID, { description: 'Its course: the journal feed that carries the ticks' })
  courseId!: string;
  @Field(() => LocalDate) date!: string;
  @Field(() => Int) number!: number;
  @Field() subjectName!: string;
  @Field(() => [RemoteClassTask]) tasks!: RemoteClassTask[];
}

@ObjectType({ description: 'A pupil’s row of the class table' })
export class RemoteClassPupil {
  @Field(() => ID) pupilId!: string;
  @Field() pupilName!: string;
  @Field(() => [ID], { description: 'The tasks checked as read and done' }) doneTaskIds!: string[];
  @Field(() => [ID], {
    description: 'The tasks set for the pupil (not those of another subgroup)',
  })
  taskIds!: string[];
}

@ObjectType({
  description:
    'The class teacher’s table: pupils × the remote lessons of a span of days, all subjects',
})
export class RemoteClassTable {
  @Field(() => ID) classGroupId!: string;
  @Field() className!: string;
  @Field(() => LocalDate) from!: string;
  @Field(() => LocalDate) to!: string;
  @Field(() => [RemoteClassLesson]) lessons!: RemoteClassLesson[];
  @Field(() => [RemoteClassPupil]) pupils!: RemoteClassPupil[];
}

@ObjectType({ description: 'A remote task a pupil has not yet checked as done' })
export class OwedTask {
  @Field(() => ID) taskId!: string;
  @Field() text!: string;
  @Field(() => LocalDate) dueOn!: string;
  @Field({ description: 'Due before today' }) overdue!: boolean;
  @Field(() => ID) lessonId!: string;
  @Field(() => LocalDate, { description: 'The lesson’s day' }) date!: string;
  @Field() subjectName!: string;
}

@ObjectType({
  description: 'A lesson on a cancelled-class day: studied from home (R-2.5, R-4.3.1)',
})
export class RemoteLesson {
  @Field(() => ID) lessonId!: string;
  @Field(() => ID) courseId!: string;
  @Field(() => LocalDate) date!: string;
  @Field(() => Int) number!: number;
  @Field() subjectName!: string;
  @Field() className!: string;
  @Field(() => String, { nullable: true }) topic!: string | null;
  @Field(() => String, { nullable: true }) homework!: string | null;
  @Field() material!: string;
  @Field(() => [String]) links!: string[];
  @Field(() => [RemoteAttachment], { description: 'The material’s files, in their order' })
  attachments!: RemoteAttachment[];
  @Field(() => [RemoteTask]) tasks!: RemoteTask[];
  @Field({ description: 'The viewer may post the material and tasks' }) canWrite!: boolean;
  @Field(() => [RemoteCompletion], {
    description: 'For its teacher, the class teacher and the administration: who has checked what',
  })
  completion!: RemoteCompletion[];
}
