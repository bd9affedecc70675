import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import * as common from '@zxcvbn-ts/language-common';
import * as en from '@zxcvbn-ts/language-en';
import { badInput } from '../errors.js';

/** zxcvbn's estimate: 0 (guessed at once) … 4 (very hard). We ask for 2 or more, and 8+ characters. */
export const MIN_SCORE = 2;
export const MIN_LENGTH = 8;
export const MAX_LENGTH = 200;

const zxcvbn = new ZxcvbnFactory({
  dictionary: { ...common.dictionary, ...en.dictionary },
  graphs: common.adjacencyGraphs,
});

export interface Strength {
  score: number;
  acceptable: boolean;
}

/** How hard a password is to guess, counting the person's own login and names as known words. */
export function passwordStrength(password: string, knownWords: string[] = []): Strength {
  if (password.length > MAX_LENGTH) return { score: 0, acceptable: false };
  const { score } = zxcvbn.check(password, knownWords.filter(Boolean));
  return { score, acceptable: score >= MIN_SCORE && password.length >= MIN_LENGTH };
}

/** Refuses a weak password with a typed error the form shows beside the password field. */
export function requireStrongPassword(
  password: string,
  knownWords: string[],
  field = 'password',
): void {
  if (password.length < MIN_LENGTH) {
    throw badInput(field, 'PASSWORD_TOO_SHORT', `Use at least ${MIN_LENGTH} characters`);
  }
  if (password.length > MAX_LENGTH) {
    throw badInput(field, 'TOO_LONG', `Use at most ${MAX_LENGTH} characters`);
  }
  if (!passwordStrength(password, knownWords).acceptable) {
    throw badInput(field, 'PASSWORD_TOO_WEAK', 'This password is too easy to guess');
  }
}
