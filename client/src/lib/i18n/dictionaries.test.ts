import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES, ERROR_REASONS } from '../graphql/errors';
import en from './en.json';
import ru from './ru.json';

type Dictionary = { [key: string]: string | Dictionary };

function flatten(dictionary: Dictionary, prefix = ''): Map<string, string> {
  const keys = new Map<string, string>();
  for (const [key, value] of Object.entries(dictionary)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (typeof value === 'string') keys.set(path, value);
    else for (const [inner, text] of flatten(value, path)) keys.set(inner, text);
  }
  return keys;
}

const ruKeys = flatten(ru);
const enKeys = flatten(en);
const placeholders = (text: string) =>
  [...text.matchAll(/\{(\w+)[,}]/g)].map((match) => match[1]).sort();

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (name === 'generated') return [];
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.(svelte|ts)$/.test(name) && !name.endsWith('.test.ts') ? [path] : [];
  });
}

describe('dictionaries', () => {
  it('have the same keys in Russian and English', () => {
    expect([...enKeys.keys()].sort()).toEqual([...ruKeys.keys()].sort());
  });

  it('use the same placeholders in both languages', () => {
    for (const [key, text] of ruKeys) {
      expect(placeholders(enKeys.get(key) ?? ''), key).toEqual(placeholders(text));
    }
  });

  it('have no empty texts', () => {
    for (const [key, text] of [...ruKeys, ...enKeys]) expect(text.trim(), key).not.toBe('');
  });

  it('translate every error code and reason', () => {
    for (const code of [...ERROR_CODES, 'NETWORK']) {
      expect(ruKeys.has(`errors.code.${code}`), code).toBe(true);
    }
    // Every reason the dictionary translates is one of the schema's (tsc checks it too), in both.
    for (const key of ruKeys.keys()) {
      if (!key.startsWith('errors.reason.')) continue;
      expect(ERROR_REASONS as string[], key).toContain(key.slice('errors.reason.'.length));
      expect(enKeys.has(key), key).toBe(true);
    }
  });

  it('contain every literal key the source code asks for', () => {
    const src = fileURLToPath(new URL('../..', import.meta.url));
    const used = new Set<string>();
    for (const file of sourceFiles(src)) {
      const text = readFileSync(file, 'utf8');
      for (const match of text.matchAll(/\$_\(\s*'([\w.]+)'/g)) used.add(match[1]);
      for (const match of text.matchAll(/(?:key|label): '([a-z]\w*\.[\w.]+)'/g)) used.add(match[1]);
    }
    expect(used.size).toBeGreaterThan(50);
    const missing = [...used].filter((key) => !ruKeys.has(key));
    expect(missing).toEqual([]);
  });
});
