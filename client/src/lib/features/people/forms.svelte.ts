import { FormState } from '$lib/graphql/operations.svelte';
import { describePeopleError } from './people';

/** Per field, a reason's message in this form's own words (`{ on: { DATE_OUT_OF_RANGE: key } }`). */
export type ReasonOverrides = Record<string, Record<string, string>>;

/** A form's state that also translates the reasons of pupils, parents, imports and codes. */
export class PeopleFormState extends FormState {
  readonly #overrides: ReasonOverrides;

  constructor(knownFields: readonly string[] = [], overrides: ReasonOverrides = {}) {
    super(knownFields);
    this.#overrides = overrides;
  }

  override async run<T>(action: () => Promise<T>): Promise<T | undefined> {
    let failure: unknown;
    const result = await super.run(async () => {
      try {
        return await action();
      } catch (error) {
        failure = error;
        throw error;
      }
    });
    if (failure !== undefined) {
      this.reset();
      this.show(describePeopleError(failure));
      this.#applyOverrides();
    }
    return result;
  }

  #applyOverrides(): void {
    const fields = { ...this.fields };
    for (const [field, byReason] of Object.entries(this.#overrides)) {
      const message = fields[field];
      if (!message || !('key' in message)) continue;
      const reason = message.key.split('.').at(-1) ?? '';
      if (byReason[reason]) fields[field] = { key: byReason[reason] };
    }
    this.fields = fields;
  }
}
