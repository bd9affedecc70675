import type { OperationVariables, TypedDocumentNode } from '@apollo/client';
import { apollo } from '$lib/graphql/apollo';

/**
 * Runs a query once, around the cache: files and previews are big, used once, and never shared
 * with other queries. Rejects with Apollo's error, as `mutate` does.
 */
export async function queryOnce<TData, TVariables extends OperationVariables>(
  document: TypedDocumentNode<TData, TVariables>,
  variables: TVariables,
): Promise<TData> {
  const result = await apollo.query({ query: document, variables, fetchPolicy: 'no-cache' });
  if (result.error) throw result.error;
  return result.data as TData;
}
