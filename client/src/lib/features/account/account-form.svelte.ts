import { FormState } from '$lib/graphql/operations.svelte';
import { accountFailure } from './errors';

/**
 * A form of the account screens: like `FormState`, with a wrong or expired code, a weak password
 * or a wrong current one in words of its own, and how long a rate limit lasts.
 */
export class AccountForm extends FormState {
  /** With RATE_LIMITED: seconds to wait, when the server said. */
  retryAfterSeconds = $state<number | undefined>();

  override reset(): void {
    super.reset();
    this.retryAfterSeconds = undefined;
  }

  override async run<T>(action: () => Promise<T>): Promise<T | undefined> {
    this.busy = true;
    this.reset();
    try {
      return await action();
    } catch (error) {
      const failure = accountFailure(error);
      this.retryAfterSeconds = failure.retryAfterSeconds;
      this.show(failure.described);
      return undefined;
    } finally {
      this.busy = false;
    }
  }
}
