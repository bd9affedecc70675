// GraphQL errors as Apollo hands them to the app, for unit tests of the code that words them.
import { CombinedGraphQLErrors } from '@apollo/client/errors';
import type { GraphQLFormattedError } from 'graphql';

/** The error of a response that carried these GraphQL errors and no data. */
export const graphQLErrors = (...errors: GraphQLFormattedError[]) =>
  new CombinedGraphQLErrors({ data: null, errors });

/** The same for one error: the server's message and its extensions (code, field, reason…). */
export const graphQLError = (message: string, extensions: GraphQLFormattedError['extensions']) =>
  graphQLErrors({ message, extensions });

/** The server's refusal of one field's value (BAD_USER_INPUT unless another code is given). */
export const fieldError = (
  field: string,
  reason: string,
  message: string,
  code = 'BAD_USER_INPUT',
): GraphQLFormattedError => ({ message, extensions: { code, field, reason } });
