import { hash, verify, Algorithm } from '@node-rs/argon2';
import { randomInt } from 'node:crypto';

const OPTIONS = { algorithm: Algorithm.Argon2id } as const;

export const hashPassword = (password: string) => hash(password, OPTIONS);

/** A hash of nothing, verified when a login is unknown so that the answer takes as long. */
let dummyHash: Promise<string> | undefined;

export async function verifyPassword(
  passwordHash: string | null,
  password: string,
): Promise<boolean> {
  if (!passwordHash) {
    dummyHash ??= hashPassword('otmetka-dummy-password');
    await verify(await dummyHash, password).catch(() => false);
    return false;
  }
  return verify(passwordHash, password).catch(() => false);
}

/** An initial password that a person can read aloud and type: no 0/O, 1/l/I. */
export function generatePassword(length = 10): string {
  const alphabet = 'abcdefghjkmnpqrstuvwxyzABCDEFGHJKMNPQRSTUVWXYZ23456789';
  let out = '';
  for (let i = 0; i < length; i++) out += alphabet[randomInt(alphabet.length)];
  return out;
}
