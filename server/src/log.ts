import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * A deliberately small structured logger. Callers pass fixed messages and non-personal fields
 * (ids, codes, counts): never logins, names, passwords, tokens or addresses. A line written while
 * a request is served carries that request's `requestId` by itself (`withLogContext`).
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

/** Fields added to every line written inside `withLogContext` (the request being served). */
export interface LogContext {
  requestId: string;
}
const context = new AsyncLocalStorage<LogContext>();

/** Runs `fn` so that every line logged from it, synchronously or later, carries `fields`. */
export function withLogContext<T>(fields: LogContext, fn: () => T): T {
  return context.run(fields, fn);
}

function write(level: Level, msg: string, fields?: Record<string, unknown>): void {
  if (ORDER[level] < threshold) return;
  const line = JSON.stringify({
    t: new Date().toISOString(),
    level,
    msg,
    ...context.getStore(),
    ...fields,
  });
  (level === 'error' || level === 'warn' ? process.stderr : process.stdout).write(line + '\n');
}

export const log = {
  debug: (msg: string, fields?: Record<string, unknown>) => write('debug', msg, fields),
  info: (msg: string, fields?: Record<string, unknown>) => write('info', msg, fields),
  warn: (msg: string, fields?: Record<string, unknown>) => write('warn', msg, fields),
  error: (msg: string, fields?: Record<string, unknown>) => write('error', msg, fields),
};
