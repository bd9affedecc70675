import { untrack } from 'svelte';
import { FormState } from '$lib/graphql/operations.svelte';
import { provideFields } from './form-context';

/** A record form's props: the record, named `K` (absent: a new one), and what closes the form. */
export type RecordFormProps<K extends string, R> = { [key in K]?: R } & { ondone: () => void };

/**
 * The state of a form that edits a record or makes a new one: the form, whose fields take their
 * ids (from `id`), labels (under `labels`) and messages from it (`provideFields`), and `values`, a copy of the record's values
 * of the `defaults`' keys taken when the form opens (saved data comes back through the cache);
 * a default stands where the record has no value, or there is no record. Call it while the form
 * component initialises.
 */
export function recordDraft<
  D extends Record<string, unknown>,
  R extends { id: string } & { [key in keyof D]?: D[key] | null },
>(id: string, labels: string, record: () => R | undefined, defaults: D) {
  const form = new FormState(Object.keys(defaults));
  provideFields({ form, id, labels });
  const initial = untrack(() => $state.snapshot(record())) as R | undefined;
  const copy = { ...defaults };
  for (const key of Object.keys(defaults) as (keyof D)[]) {
    copy[key] = (initial?.[key] ?? defaults[key]) as D[keyof D];
  }
  const values = $state(copy);
  return {
    form,
    /** The record when the form opened; undefined for a new one. */
    initial,
    values,
    /** Sends `input`: as the record's update when the form edits one, else as a new record. */
    save<I>(
      input: I,
      update: (id: string, input: I) => Promise<unknown>,
      create: (input: I) => Promise<unknown>,
    ): Promise<unknown> {
      return initial ? update(initial.id, input) : create(input);
    },
  };
}
