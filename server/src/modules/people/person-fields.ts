import { badInput } from '../../errors.js';
import { optionalText, requiredText } from '../../graphql/validate.js';
import { Sex } from './person.entity.js';
import { isEmail, normalizePhone } from '../../documents/class-list.js';
import type { PersonInput } from './people.inputs.js';

/** Letters (any alphabet), with inner spaces, hyphens and apostrophes: «Анна-Мария», «Д'Артаньян». */
const NAME = /^\p{L}[\p{L}\p{M}' -]*$/u;
export const GUARDIAN_KINDS = ['mother', 'father', 'guardian'] as const;

function name(field: string, value: string | null | undefined, required: boolean) {
  const v = required
    ? requiredText(field, value ?? '', 100)
    : optionalText(field, value ?? null, 100);
  if (v && !NAME.test(v)) throw badInput(field, 'INVALID_NAME', `${field}: letters only`);
  return v ? v.replace(/\s+/g, ' ') : null;
}

/** Checks a person's fields; each error names its field so the form can show it there. */
export function checkPersonInput(
  input: Omit<PersonInput, 'sex'> & { sex?: string | null },
  today: string,
) {
  const phoneText = optionalText('phone', input.phone, 50);
  const phone = phoneText ? normalizePhone(phoneText) : null;
  if (phoneText && !phone) throw badInput('phone', 'INVALID_PHONE', 'Enter a phone number');
  const email = optionalText('email', input.email, 200)?.toLowerCase() ?? null;
  if (email && !isEmail(email)) throw badInput('email', 'INVALID_EMAIL', 'Enter an email');
  const birthDate = input.birthDate ?? null;
  if (birthDate && (birthDate > today || birthDate < '1900-01-01')) {
    throw badInput('birthDate', 'DATE_OUT_OF_RANGE', 'The birth date is not plausible');
  }
  if (input.sex != null && !(Object.values(Sex) as string[]).includes(input.sex)) {
    throw badInput('sex', 'INVALID_SEX', 'Sex: M or F');
  }
  return {
    lastName: name('lastName', input.lastName, true)!,
    firstName: name('firstName', input.firstName, true)!,
    middleName: name('middleName', input.middleName, false),
    sex: (input.sex ?? null) as Sex | null,
    birthDate,
    phone,
    email,
    address: optionalText('address', input.address, 300),
    document: optionalText('document', input.document, 200),
  };
}

export function checkKind(kind: string): (typeof GUARDIAN_KINDS)[number] {
  const k = kind.trim().toLowerCase();
  if (!(GUARDIAN_KINDS as readonly string[]).includes(k)) {
    throw badInput('kind', 'INVALID_KIND', 'Kind: mother, father or guardian');
  }
  return k as (typeof GUARDIAN_KINDS)[number];
}

/** The personal fields, as the access log and the export name them. */
export const PERSONAL_FIELDS = [
  'sex',
  'birthDate',
  'phone',
  'email',
  'address',
  'document',
] as const;
