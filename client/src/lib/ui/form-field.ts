/** The ids of the texts that describe a field's control, for its `aria-describedby`. */
export function describedBy(
  id: string,
  shown: { error: boolean; hint: boolean; counter: boolean },
  /** Other texts the form ties to the control, such as a password's strength meter. */
  more?: string | null,
): string | undefined {
  const ids = [
    shown.error ? `${id}-error` : shown.hint ? `${id}-hint` : undefined,
    shown.counter ? `${id}-count` : undefined,
    more ?? undefined,
  ].filter((part) => !!part);
  return ids.length > 0 ? ids.join(' ') : undefined;
}

/** The default test id of a field's control: `<id>-select` for a select, `<id>-input` otherwise. */
export function controlTestId(id: string, type: string): string {
  return `${id}-${type === 'select' ? 'select' : 'input'}`;
}

/**
 * How a text stands against its length limit. The field shows the count and refuses to submit
 * an over-long text rather than cutting it silently as `maxlength` does with pasted text.
 */
export function lengthOf(value: unknown, limit: number): { count: number; over: number } {
  // As the server counts (server/src/graphql/validate.ts): the trimmed text's UTF-16 length.
  const count = typeof value === 'string' ? value.trim().length : 0;
  return { count, over: Math.max(0, count - limit) };
}

/** What a custom control (a field's `control` snippet) puts on itself to belong to the field. */
export interface ControlAttributes {
  id: string;
  required: boolean;
  'aria-invalid': boolean;
  'aria-describedby': string | undefined;
}

/** A choice of a select field. */
export interface FieldOption {
  value: unknown;
  label: string;
  disabled?: boolean;
  /** Shown on hover, such as the full name behind a short one. */
  title?: string;
}
