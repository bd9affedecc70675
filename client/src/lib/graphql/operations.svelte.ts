import type {
  ApolloClient,
  Cache,
  DocumentNode,
  OperationVariables,
  TypedDocumentNode,
} from '@apollo/client';
import { apollo } from './apollo';
import { describeError, type DescribedError, type UiMessage } from './errors';

/**
 * A query that stays in sync with the Apollo cache while the component that created it lives.
 * Create it during component initialisation; `variables` is read reactively, and returning
 * `null` from it skips the query (e.g. until a select has a value).
 */
export class LiveQuery<TData, TVariables extends OperationVariables = OperationVariables> {
  data = $state<TData | undefined>();
  error = $state<DescribedError | undefined>();
  loading = $state(true);
  #refetch: (() => Promise<unknown>) | undefined;
  readonly #document: TypedDocumentNode<TData, TVariables>;
  /** The variables of the query being watched; null while skipped. */
  #variables: TVariables | null = null;

  constructor(document: TypedDocumentNode<TData, TVariables>, variables?: () => TVariables | null) {
    this.#document = document;
    $effect(() => {
      const current = variables ? variables() : ({} as TVariables);
      this.#variables = current;
      if (current === null) {
        this.loading = false;
        return;
      }
      // Other variables are another list: never show the previous one as if it were this.
      this.data = undefined;
      this.loading = true;
      const observable = apollo.watchQuery({
        query: document,
        variables: current,
        fetchPolicy: 'cache-and-network',
        notifyOnNetworkStatusChange: false,
      } as ApolloClient.WatchQueryOptions<TData, TVariables>);
      this.#refetch = () => observable.refetch();
      const subscription = observable.subscribe((result) => {
        this.loading = result.loading;
        this.error = result.error ? describeError(result.error) : undefined;
        if (result.dataState === 'complete') this.data = result.data as TData;
      });
      return () => subscription.unsubscribe();
    });
  }

  async refetch(): Promise<void> {
    try {
      await this.#refetch?.();
    } catch {
      // The subscription already reports the error in `error`.
    }
  }

  /**
   * Changes the result in the cache (e.g. with a live event), which shows at once here and in
   * every other query that shares its objects; nothing when the query has no result yet.
   */
  update(recipe: (data: TData) => TData): void {
    const variables = this.#variables;
    if (variables === null) return;
    apollo.cache.updateQuery(
      { query: this.#document, variables } as Cache.UpdateQueryOptions<TData, TVariables>,
      (data) => (data ? (recipe(data as TData) as typeof data) : undefined),
    );
  }
}

interface MutateOptions {
  /** Active queries to refetch (and wait for) after the mutation, e.g. lists it adds to. */
  refetch?: DocumentNode[];
  /** Keep the result out of the cache (its page tracks the data itself). */
  noCache?: boolean;
}

/** Runs a mutation; rejects with Apollo's error, which `FormState.run` turns into messages. */
export async function mutate<TData, TVariables extends OperationVariables>(
  document: TypedDocumentNode<TData, TVariables>,
  variables: TVariables,
  options: MutateOptions = {},
): Promise<TData> {
  const result = await apollo.mutate({
    mutation: document,
    variables,
    refetchQueries: options.refetch,
    awaitRefetchQueries: true,
    ...(options.noCache ? { fetchPolicy: 'no-cache' } : {}),
  } as ApolloClient.MutateOptions<TData, TVariables>);
  return result.data as TData;
}

/**
 * State of a form that sends a mutation: busy flag and translated error messages, placed next
 * to the fields the form shows and otherwise above the buttons.
 */
export class FormState {
  busy = $state(false);
  general = $state<UiMessage | undefined>();
  fields = $state<Record<string, UiMessage>>({});
  readonly #knownFields: readonly string[];

  constructor(knownFields: readonly string[] = []) {
    this.#knownFields = knownFields;
  }

  reset(): void {
    this.general = undefined;
    this.fields = {};
  }

  /** Runs `action`; resolves to its result, or to `undefined` after showing its error. */
  async run<T>(action: () => Promise<T>): Promise<T | undefined> {
    this.busy = true;
    this.reset();
    try {
      return await action();
    } catch (error) {
      this.show(describeError(error));
      return undefined;
    } finally {
      this.busy = false;
    }
  }

  show(described: DescribedError): void {
    const fields: Record<string, UiMessage> = {};
    for (const [path, message] of Object.entries(described.fields)) {
      // `thresholds.2` or `thresholds[2]` belongs next to the `thresholds` group.
      const field = path.split(/[.[]/, 1)[0];
      if (this.#knownFields.includes(field)) fields[field] ??= message;
      else this.general ??= message;
    }
    this.fields = fields;
    this.general ??= described.general;
  }
}
