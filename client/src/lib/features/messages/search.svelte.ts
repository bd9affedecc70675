import type { ApolloClient, OperationVariables, TypedDocumentNode } from '@apollo/client';
import { apollo } from '../../graphql/apollo';
import type { UiMessage } from '../../graphql/errors';
import { messagingError } from './messages';

/**
 * A search asked as the viewer types (the recipients of a new conversation, the message search):
 * a moment after typing stops, always from the server, and an answer to an older question that
 * comes late is dropped.
 */
export class LatestSearch<TData, TVariables extends OperationVariables> {
  /** An answer came (and was not cleared since): `data` is the last one's. */
  answered = $state(false);
  data = $state.raw<TData | undefined>();
  searching = $state(false);
  error = $state<UiMessage | undefined>();
  readonly #document: TypedDocumentNode<TData, TVariables>;
  readonly #variables: (text: string) => TVariables;
  readonly #delayMs: number;
  #asked = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    document: TypedDocumentNode<TData, TVariables>,
    variables: (text: string) => TVariables,
    delayMs: number,
  ) {
    this.#document = document;
    this.#variables = variables;
    this.#delayMs = delayMs;
  }

  /** Asks `text` once the delay has passed, instead of any question still waiting. */
  schedule(text: string): void {
    this.cancel();
    this.#timer = setTimeout(() => void this.run(text), this.#delayMs);
  }

  /** Forgets a question still waiting (typing went on, the form closes). */
  cancel(): void {
    clearTimeout(this.#timer);
  }

  /** Nothing to show: no answer, no error, nothing waiting. */
  clear(): void {
    this.cancel();
    this.answered = false;
    this.data = undefined;
    this.error = undefined;
  }

  /** Asks now; its answer is shown unless a newer question was asked meanwhile. */
  async run(text: string): Promise<void> {
    const mine = ++this.#asked;
    this.searching = true;
    try {
      const { data } = await apollo.query({
        query: this.#document,
        variables: this.#variables(text),
        fetchPolicy: 'network-only',
      } as ApolloClient.QueryOptions<TData, TVariables>);
      if (mine !== this.#asked) return;
      this.answered = true;
      this.data = data;
      this.error = undefined;
    } catch (failure) {
      if (mine === this.#asked) this.error = messagingError(failure);
    } finally {
      if (mine === this.#asked) this.searching = false;
    }
  }
}
