import type { ApolloClient, OperationVariables, TypedDocumentNode } from '@apollo/client';
import { apollo } from './apollo';

/** After a dropped connection a subscription is opened again after this long. */
export const RESUBSCRIBE_MS = 5000;

/**
 * Reads a query past the cache (a report, a file to save): the answer's data, or a rejection with
 * Apollo's error.
 */
export async function freshQuery<TData, TVariables extends OperationVariables>(
  query: TypedDocumentNode<TData, TVariables>,
  variables: TVariables,
): Promise<TData | undefined> {
  const answer = await apollo.query({
    query,
    variables,
    fetchPolicy: 'no-cache',
  } as ApolloClient.QueryOptions<TData, TVariables>);
  if (answer.error) throw answer.error;
  return answer.data as TData | undefined;
}

/**
 * Keeps a subscription open while the caller wants it (an `$effect`): `next` gets each answer's
 * data and whether it came with an error, `dropped` a lost connection, after which the subscription
 * is opened again. Returns the function that closes it for good.
 */
export function keepSubscribed<TData, TVariables extends OperationVariables>(
  query: TypedDocumentNode<TData, TVariables>,
  variables: TVariables,
  on: { next: (data: TData | undefined, error: boolean) => void; dropped: () => void },
): () => void {
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let current: { unsubscribe(): void } | undefined;
  const start = () => {
    current = apollo
      .subscribe({ query, variables } as ApolloClient.SubscribeOptions<TData, TVariables>)
      .subscribe({
        next: (answer) => on.next(answer.data as TData | undefined, !!answer.error),
        error: () => {
          on.dropped();
          if (!stopped) timer = setTimeout(start, RESUBSCRIBE_MS);
        },
      });
  };
  start();
  return () => {
    stopped = true;
    clearTimeout(timer);
    current?.unsubscribe();
  };
}
