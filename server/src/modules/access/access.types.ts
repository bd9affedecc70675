import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { FileDownload } from '../people/people.types.js';

@ObjectType({ description: 'A code just issued: shown once, only its hash is kept' })
export class IssuedCode {
  @Field(() => ID) personId!: number;
  @Field() fullName!: string;
  @Field() login!: string;
  @Field() code!: string;
  @Field(() => Date) expiresAt!: Date;
}

@ObjectType()
export class IssuedCodes {
  @Field(() => [IssuedCode]) codes!: IssuedCode[];
  @Field(() => FileDownload, { description: 'Printable slips (PDF), several to a page' })
  slips!: FileDownload;
}

/** Why an access code stopped being valid before its use (the row's `revoked_reason`). */
export enum CodeRevokedReason {
  /** A new code was issued to the same person. */
  REISSUED = 'REISSUED',
  /** Revoked by the administration. */
  REVOKED = 'REVOKED',
}
registerEnumType(CodeRevokedReason, {
  name: 'CodeRevokedReason',
  description: 'Why an access code was revoked',
});

@ObjectType({ description: 'A line of the register of issued access codes (R-3.3)' })
export class AccessCodeEntry {
  @Field(() => ID) id!: number;
  @Field(() => ID) personId!: number;
  @Field() fullName!: string;
  @Field() roleLabel!: string;
  @Field(() => String, { nullable: true }) className!: string | null;
  @Field() login!: string;
  @Field(() => String, { nullable: true }) issuedBy!: string | null;
  @Field(() => Date) issuedAt!: Date;
  @Field(() => Date) expiresAt!: Date;
  @Field(() => Date, { nullable: true }) activatedAt!: Date | null;
  @Field(() => Date, { nullable: true }) revokedAt!: Date | null;
  @Field(() => CodeRevokedReason, { nullable: true })
  revokedReason!: CodeRevokedReason | null;
}

@ObjectType({ description: 'A page of the register of issued codes, newest first' })
export class AccessCodeRegisterPage {
  @Field(() => [AccessCodeEntry]) items!: AccessCodeEntry[];
  @Field(() => String, {
    nullable: true,
    description: 'Pass as `after` for the next page; null on the last',
  })
  nextCursor!: string | null;
}

@ObjectType({ description: 'A sign-in of the viewer' })
export class SessionInfo {
  @Field(() => ID) id!: number;
  @Field(() => Date) createdAt!: Date;
  @Field(() => Date) lastSeenAt!: Date;
  @Field(() => Date) expiresAt!: Date;
  @Field(() => String, { nullable: true }) userAgent!: string | null;
  @Field({ description: 'The session this request came with' }) current!: boolean;
}

@ObjectType()
export class PasswordStrengthInfo {
  @Field(() => Int, { description: '0 (guessed at once) to 4 (very hard)' }) score!: number;
  @Field() acceptable!: boolean;
  @Field(() => Int) minLength!: number;
}
