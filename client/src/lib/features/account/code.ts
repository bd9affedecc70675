/** Access codes as printed on the slip: 16 letters and digits, shown as XXXX-XXXX-XXXX-XXXX. */

export const CODE_LENGTH = 16;

/** The letters and digits of what was typed, upper case, without spaces, dashes or other marks. */
export function codeCharacters(typed: string): string {
  return typed.toUpperCase().replace(/[^0-9A-Z]/g, '');
}

/**
 * What was typed, tidied for the field: upper case, in groups of four joined by dashes
 * («abcd efgh ijkl mnop» → «ABCD-EFGH-IJKL-MNOP»). Anything that is not a code is left alone.
 */
export function formatCode(typed: string): string {
  const characters = codeCharacters(typed);
  if (characters.length === 0 || characters.length > CODE_LENGTH) return typed.trim();
  return (characters.match(/.{1,4}/g) ?? []).join('-');
}

/** True when the code has the slip's number of characters (the server checks the rest). */
export function isCompleteCode(typed: string): boolean {
  const characters = codeCharacters(typed);
  return characters.length === CODE_LENGTH && typed.replace(/[\s\-–—]/g, '').length === CODE_LENGTH;
}
