// GraphQL errors as Apollo hands them to the app, for unit tests of the code that words them.
import { CombinedGraphQLErrors } from '@apollo/client/errors';
import type { GraphQLFormattedError } from 'graphql';

/** The error of a response that carried these GraphQL errors and no data. */
export const graphQLErrors = (...errors: GraphQLFormattedError[]) =>
  new CombinedGraphQLErrors({ data: null, errors });

/** The same for one error: the server's message and its extensions (code, field, reason…). */
export const graphQLError = (message: string, extensions: GraphQLFormattedError['extensions']) =>
  graphQLErrors({ message, extensions });
