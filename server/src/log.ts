/**
 * A deliberately small structured logger. Callers pass fixed messages and non-personal fields
 * (ids, codes, counts): never logins, names, passwords, tokens or addresses.
 */
type Level = 'debug' | 'info' | 'warn' | 'error';
const ORDER: Record<Level | 'silent', number> = {
  debug: 10,
  info: 20,
  warn: 30,
  error: 40,
  silent: 99,
};
let current: Level | 'silent' = 'info';
let threshold = ORDER.info;

/** Sets the level and returns the one before (tests that read the log put it back). */
export function setLogLevel(level: Level | 'silent'): Level | 'silent' {
  const before = current;
  current = level;
  threshold = ORDER[level];
  return before;
}

function write(level: Level, msg: string, fields?: Record<string, unknown>): void {
  if (ORDER[level] < threshold) return;
  const line = JSON.stringify({ t: new Date().toISOString(), level, msg, ...fields });
  (level === 'error' || level === 'warn' ? process.stderr : process.stdout).write(line + '\n');
}

export const log = {
  debug: (msg: string, fields?: Record<string, unknown>) => write('debug', msg, fields),
  info: (msg: string, fields?: Record<string, unknown>) => write('info', msg, fields),
  warn: (msg: string, fields?: Record<string, unknown>) => write('warn', msg, fields),
  error: (msg: string, fields?: Record<string, unknown>) => write('error', msg, fields),
};
