import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { LocalDateResolver as LocalDate } from 'graphql-scalars';
import { Role } from '../../auth/role.js';
import { ClassGroup } from '../school/class-group.entity.js';
import type { ClassGroupView } from '../school/course.read.js';
import { Sex, fullNameOf, shortNameOf } from './person.entity.js';

registerEnumType(Sex, { name: 'Sex' });

export enum AccessState {
  /** No code issued and no password: the person cannot sign in yet. */
  NONE = 'NONE',
  /** A code was issued and waits to be activated. */
  CODE_ISSUED = 'CODE_ISSUED',
  /** The last code expired unused. */
  CODE_EXPIRED = 'CODE_EXPIRED',
  /** The person has a password and can sign in. */
  ACTIVE = 'ACTIVE',
}
registerEnumType(AccessState, { name: 'AccessState' });

export enum LeaveReason {
  TRANSFERRED = 'TRANSFERRED',
  LEFT_SCHOOL = 'LEFT_SCHOOL',
}
registerEnumType(LeaveReason, { name: 'LeaveReason' });

@ObjectType({ description: 'Whether and how a person can sign in' })
export class AccessStatus {
  @Field(() => AccessState) state!: AccessState;
  @Field(() => String, { nullable: true }) login!: string | null;
  @Field(() => Date, { nullable: true }) codeIssuedAt!: Date | null;
  @Field(() => Date, { nullable: true }) codeExpiresAt!: Date | null;
  @Field(() => Date, { nullable: true }) activatedAt!: Date | null;
  @Field(() => ID, {
    nullable: true,
    description: 'The code that can still be used to sign in for the first time (CODE_ISSUED)',
  })
  openCodeId!: number | null;
}

@ObjectType({ description: 'A period of a pupil in a class' })
export class EnrollmentRecord {
  @Field(() => ID) id!: number;
  @Field(() => ClassGroup) classGroup!: ClassGroup;
  @Field(() => LocalDate) startsOn!: string;
  @Field(() => LocalDate, { nullable: true }) endsOn!: string | null;
  @Field(() => LeaveReason, { nullable: true }) leaveReason!: LeaveReason | null;
}

@ObjectType({ description: "A guardian's consent to processing a pupil's personal data" })
export class ConsentRecord {
  @Field(() => ID) id!: number;
  @Field(() => ID, { nullable: true }) givenById!: number | null;
  @Field(() => String, { nullable: true }) givenByName!: string | null;
  @Field() document!: string;
  @Field(() => LocalDate) givenOn!: string;
  @Field(() => Date) recordedAt!: Date;
  @Field(() => LocalDate, { nullable: true }) revokedOn!: string | null;
  @Field() active!: boolean;
}

/** A person's columns as the record read model has them (people.loaders.ts): no entity. */
export interface PersonData {
  id: number;
  lastName: string;
  firstName: string;
  middleName: string | null;
  sex: Sex | null;
  birthDate: string | null;
  phone: string | null;
  email: string | null;
  address: string | null;
  document: string | null;
  recordConfirmedAt: Date | null;
}

/**
 * A person's record. Names are public within the school; every personal field (birth date,
 * contacts, address, document, family links, enrolments, consents) answers null to anyone but
 * the person, their guardians, their class teacher and the administration, and each read by staff
 * of someone else's personal data is logged.
 */
@ObjectType()
export class PersonRecord {
  @Field(() => ID) id!: number;
  @Field() lastName!: string;
  @Field() firstName!: string;
  @Field(() => String, { nullable: true }) middleName!: string | null;
  @Field() fullName!: string;
  @Field() shortName!: string;
  @Field(() => [Role]) roles!: Role[];

  /** Not fields: what the viewer may do with this record, decided when it was built. */
  person!: PersonData;
  classIds!: number[];
  readable!: boolean;
  manageable!: boolean;
  /** Present when the record came with a relation: mother, father or guardian. */
  kind?: string;

  static from(
    person: PersonData,
    roles: Role[],
    classIds: number[],
    readable: boolean,
    manageable: boolean,
  ): PersonRecord {
    return Object.assign(new PersonRecord(), {
      id: person.id,
      lastName: person.lastName,
      firstName: person.firstName,
      middleName: person.middleName ?? null,
      fullName: fullNameOf(person),
      shortName: shortNameOf(person),
      roles,
      person,
      classIds,
      readable,
      manageable,
    });
  }
}

@ObjectType({ description: 'A guardian of a pupil, or a child of a guardian' })
export class FamilyLink {
  @Field(() => PersonRecord) person!: PersonRecord;
  @Field({ description: 'mother, father or guardian' }) kind!: string;
}

@ObjectType({ description: "A class's pupils with everything their class teacher looks after" })
export class ClassRoster {
  @Field(() => ClassGroup) classGroup!: ClassGroup | ClassGroupView;
  @Field(() => [PersonRecord], { description: 'Pupils in the class today, by name' })
  pupils!: PersonRecord[];
  @Field(() => [PersonRecord], { description: 'Pupils who left or moved this school year' })
  former!: PersonRecord[];
  @Field({ description: 'Whether the viewer may register and edit pupils of this class' })
  manageable!: boolean;
}

@ObjectType()
export class ImportProblem {
  @Field() field!: string;
  @Field() reason!: string;
  @Field() message!: string;
}

@ObjectType()
export class ImportPreviewRow {
  @Field(() => Int) rowNumber!: number;
  @Field() pupilName!: string;
  @Field(() => LocalDate, { nullable: true }) birthDate!: string | null;
  @Field(() => [String]) guardianNames!: string[];
  @Field(() => [ImportProblem]) problems!: ImportProblem[];
}

@ObjectType()
export class FileProblem {
  @Field() reason!: string;
  @Field() message!: string;
  @Field(() => String, {
    nullable: true,
    description:
      "The column's header as written in the file (its letter if it has none; a missing one as the template writes it)",
  })
  column!: string | null;
}

@ObjectType({ description: 'What an import would do; nothing is written' })
export class ImportPreview {
  @Field(() => [ImportPreviewRow]) rows!: ImportPreviewRow[];
  @Field(() => [FileProblem]) fileProblems!: FileProblem[];
  @Field({ description: 'True when every row can be imported' }) valid!: boolean;
  @Field(() => Int) pupilCount!: number;
  @Field(() => Int) guardianCount!: number;
}

@ObjectType()
export class ImportResult {
  @Field(() => Int) pupilsCreated!: number;
  @Field(() => Int) guardiansCreated!: number;
  @Field(() => Int) guardiansLinked!: number;
}

// Core's, so that any area may answer a file; kept here for the areas that import it from people.
export { FileDownload } from '../../graphql/file-download.js';

@ObjectType({ description: 'One read of personal data by staff (152-FZ)' })
export class PersonalDataAccessEntry {
  @Field(() => ID) id!: string;
  @Field(() => Date) at!: Date;
  @Field(() => ID) readerId!: number;
  @Field() readerName!: string;
  @Field(() => ID) subjectId!: number;
  @Field() subjectName!: string;
  @Field(() => [String]) fields!: string[];
}

@ObjectType({ description: 'A page of the personal-data access log, newest first' })
export class PersonalDataAccessPage {
  @Field(() => [PersonalDataAccessEntry]) items!: PersonalDataAccessEntry[];
  @Field(() => String, {
    nullable: true,
    description: 'Pass as `after` for the next page; null on the last',
  })
  nextCursor!: string | null;
}
