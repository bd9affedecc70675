import { Field, ObjectType, registerEnumType } from 'type-graphql';
import { ERROR_REASONS, ErrorReasonEnum, type ErrorReason } from '../error-reason.js';

registerEnumType(ErrorReasonEnum, {
  name: 'ErrorReason',
  description:
    "Why a request was refused: `extensions.reason` of an error and of each of a batch's `extensions.entries` (decision 33)",
  valuesConfig: Object.fromEntries(
    Object.entries(ERROR_REASONS).map(([reason, description]) => [reason, { description }]),
  ),
});

/**
 * The shape of a refusal's `extensions`, in the schema so that clients generate `ErrorReason`
 * from it. No operation returns it: refusals are GraphQL errors.
 */
@ObjectType({ description: 'What an error carries in `extensions` (no operation returns it)' })
export class ProblemInfo {
  @Field({ description: 'BAD_USER_INPUT, FORBIDDEN, NOT_FOUND, CONFLICT…' })
  code!: string;

  @Field(() => ErrorReasonEnum, { nullable: true })
  reason?: ErrorReason;

  @Field({ nullable: true, description: 'The input field the error is about' })
  field?: string;
}
