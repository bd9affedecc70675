import { createHash, randomBytes } from 'node:crypto';
import { slugify } from 'transliteration';

/** Crockford's base32: no I, L, O, U, so a code read aloud or off paper is not misread. */
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** A new activation code: 16 characters, 80 random bits, shown as XXXX-XXXX-XXXX-XXXX. */
export function newAccessCode(): string {
  const bytes = randomBytes(10);
  let bits = 0;
  let value = 0;
  let out = '';
  for (const b of bytes) {
    value = (value << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  return out.match(/.{4}/g)!.join('-');
}

/** What a person typed, as stored: dashes and spaces dropped, look-alike letters mapped. */
export function normaliseCode(typed: string): string {
  return typed.toUpperCase().replace(/[\s-]/g, '').replace(/O/g, '0').replace(/[IL]/g, '1');
}

export function hashCode(typed: string): string {
  return createHash('sha256').update(normaliseCode(typed)).digest('hex');
}

/** «Иванова Анна» → `ivanova.a`: Latin, lower case, what LOGIN_PATTERN accepts. */
export function loginBase(lastName: string, firstName: string): string {
  const last = slugify(lastName, { separator: '', lowercase: true }).replace(/[^a-z0-9]/g, '');
  const first = slugify(firstName, { separator: '', lowercase: true }).replace(/[^a-z0-9]/g, '');
  const base = `${last || 'user'}.${first.slice(0, 1) || 'x'}`;
  return base.slice(0, 40);
}
