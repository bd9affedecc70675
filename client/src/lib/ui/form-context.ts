import { getContext, setContext } from 'svelte';
import type { FormState } from '$lib/graphql/operations.svelte';

/**
 * What a form tells the fields inside it, so that a field names only itself: `<FormField
 * name="shortName" …/>` in a form with `id: 'school'` and `labels: 'school'` gets the id
 * `school-short-name`, the test id `school-short-name-input`, the label `school.shortName` and the
 * form's message for `shortName`.
 */
export interface FieldContext {
  /**
   * The form's state, whose `fields` hold each field's message (a dialog with two forms in turn
   * may give an object whose `fields` getter joins both).
   */
  form: Pick<FormState, 'fields'>;
  /** Starts the fields' ids (and so their test ids). */
  id: string;
  /** The i18n key under which the fields' labels stand, by field name. */
  labels: string;
}

const KEY = Symbol('form-fields');

/** Called in a form's script: the fields it draws take their ids, labels and messages from it. */
export function provideFields(context: FieldContext): void {
  setContext(KEY, context);
}

export function fieldContext(): FieldContext | undefined {
  return getContext<FieldContext | undefined>(KEY);
}

/** `shortName` → `short-name`: the ids and test ids the forms use. */
export function kebab(name: string): string {
  return name.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);
}

/** The id, label key and message of the field `name` in the form described by `context`. */
export function namedField(context: FieldContext, name: string) {
  return {
    id: `${context.id}-${kebab(name)}`,
    labelKey: `${context.labels}.${name}`,
    hintKey: `${context.labels}.${name}Hint`,
    error: context.form.fields[name],
  };
}
