import net from 'node:net';
import path from 'node:path';
import { z } from 'zod';

/** Every setting of the server, read from the environment and validated once at start-up. */
const schema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(4000),
  HOST: z.string().min(1).default('0.0.0.0'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
    .optional(),
  DATA_DIR: z.string().min(1).optional(),
  ROOT_DATA_DIR: z.string().min(1).default('/var/lib/otmetka'),
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL')
    .optional(),
  SESSION_TTL_HOURS: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 90)
    .default(24 * 14),
  COOKIE_SECURE: z.enum(['auto', 'true', 'false']).default('auto'),
  ALLOWED_ORIGINS: z.string().default(''),
  CLIENT_DIR: z.string().optional(),
  DEMO_SEED: z.enum(['true', 'false']).optional(),
  TRUST_PROXY: z.enum(['true', 'false']).default('false'),
  MIGRATE_ON_START: z.enum(['true', 'false']).default('true'),
  EVENT_RETENTION_HOURS: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 365)
    .default(48),
  NOTIFICATION_RETENTION_HOURS: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 365)
    .default(24 * 30),
  TODAY: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date, YYYY-MM-DD')
    .optional(),
  NOW: z
    .string()
    .datetime({ offset: true, message: 'must be an ISO 8601 instant, 2026-11-27T14:30:00Z' })
    .optional(),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info'),
  LOGIN_MAX_FAILURES: z.coerce.number().int().min(1).default(5),
  LOGIN_MAX_FAILURES_PER_ADDRESS: z.coerce.number().int().min(1).default(30),
  LOGIN_BLOCK_MINUTES: z.coerce.number().int().min(1).default(15),
  ACCESS_CODE_DAYS: z.coerce.number().int().min(1).max(90).default(14),
  ACCESS_CODES_PER_HOUR: z.coerce.number().int().min(1).default(300),
  PUBLIC_URL: z.string().url().optional(),
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\//, 'must be an smtp:// or smtps:// URL')
    .optional(),
  MAIL_FROM: z.string().min(3).optional(),
  VAPID_PUBLIC_KEY: z
    .string()
    .regex(/^[A-Za-z0-9_-]{80,100}$/, 'must be a URL-safe base64 P-256 public key')
    .optional(),
  VAPID_PRIVATE_KEY: z
    .string()
    .regex(/^[A-Za-z0-9_-]{40,50}$/, 'must be a URL-safe base64 P-256 private key')
    .optional(),
  VAPID_SUBJECT: z
    .string()
    .regex(/^(mailto:|https:\/\/)/, 'must be a mailto: or https:// URL')
    .optional(),
  PUSH_ALLOW_HTTP: z.enum(['true', 'false']).default('false'),
  METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  METRICS_ALLOW: z
    .string()
    .refine(
      (v) => v === 'none' || v.split(',').every((a) => isAddressOrSubnet(a.trim())),
      'must be `none` or addresses and subnets, comma-separated (127.0.0.1,::1,10.0.0.0/8)',
    )
    .default('127.0.0.1,::1'),
});

function isAddressOrSubnet(entry: string): boolean {
  const [address, bits, ...rest] = entry.split('/');
  const family = net.isIP(address);
  if (family === 0 || rest.length > 0) return false;
  if (bits === undefined) return true;
  const n = Number(bits);
  return /^\d+$/.test(bits) && n <= (family === 4 ? 32 : 128);
}

export interface Config {
  env: 'development' | 'production' | 'test';
  isProduction: boolean;
  port: number;
  host: string;
  databaseUrl?: string;
  dataDir: string;
  /** Run as root: where the embedded PostgreSQL goes when the `postgres` user cannot reach dataDir. */
  rootDataDir: string;
  redisUrl?: string;
  sessionTtlMs: number;
  cookieSecure: boolean;
  allowedOrigins: string[];
  clientDir: string;
  demoSeed: boolean;
  trustProxy: boolean;
  migrateOnStart: boolean;
  /** How long live events are kept for clients that resume. */
  eventRetentionHours: number;
  /** How long the events the notification list reads are kept (longer than the others). */
  notificationRetentionHours: number;
  /** A pinned "today" for tests and demos. */
  today?: string;
  /** A pinned instant for tests: "today" is its date in each school's time zone. */
  now?: Date;
  logLevel: 'debug' | 'info' | 'warn' | 'error' | 'silent';
  login: { maxFailures: number; maxFailuresPerAddress: number; blockSeconds: number };
  /** How long an activation code stays valid, and how many one person may issue in an hour. */
  accessCodes: { validDays: number; perHour: number };
  /** The address printed on access slips; by default the address the request came to. */
  publicUrl?: string;
  /** E-mail digests and weekly reports (modules/mail): off without an SMTP server. */
  mail?: { smtpUrl: string; from: string };
  /**
   * Web Push (modules/push): VAPID keys given here, or made at first start and kept in the
   * database; `allowHttp` lets devices name a plain-http push service (tests and benchmarks only).
   */
  push: { vapid?: { publicKey: string; privateKey: string }; subject: string; allowHttp: boolean };
  /**
   * Who may read /metrics: a request with this bearer token, or one straight from an allowed
   * address or subnet (not through a proxy). Anyone else is answered 404.
   */
  metrics: { token?: string; allow: string[] };
}

export class ConfigError extends Error {}

const repoRoot = path.resolve(import.meta.dirname, '../..');
const defaultClientDir = path.join(repoRoot, 'client/build');
const defaultDataDir = path.join(repoRoot, '.data');

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  // An empty variable counts as unset (`REDIS_URL= npm start`).
  const parsed = schema.safeParse(
    Object.fromEntries(Object.entries(env).filter(([, v]) => v !== '')),
  );
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  const isProduction = e.NODE_ENV === 'production';
  if (isProduction && e.TODAY) {
    throw new ConfigError(
      'Invalid configuration:\n  TODAY: a pinned date is refused in production',
    );
  }
  if (isProduction && e.NOW) {
    throw new ConfigError(
      'Invalid configuration:\n  NOW: a pinned instant is refused in production',
    );
  }
  if (e.SMTP_URL && !e.MAIL_FROM) {
    throw new ConfigError('Invalid configuration:\n  MAIL_FROM: required with SMTP_URL');
  }
  if (!e.VAPID_PUBLIC_KEY !== !e.VAPID_PRIVATE_KEY) {
    throw new ConfigError(
      'Invalid configuration:\n  VAPID_PRIVATE_KEY: give VAPID_PUBLIC_KEY and VAPID_PRIVATE_KEY together',
    );
  }
  if (e.TODAY && e.NOW) {
    throw new ConfigError('Invalid configuration:\n  NOW: pin either TODAY or NOW, not both');
  }
  if (isProduction && e.DEMO_SEED === 'true') {
    throw new ConfigError(
      'Invalid configuration:\n  DEMO_SEED: the demo school is refused in production',
    );
  }
  return {
    env: e.NODE_ENV,
    isProduction,
    port: e.PORT,
    host: e.HOST,
    databaseUrl: e.DATABASE_URL,
    // Default: .data at the repository root. A relative DATA_DIR is taken from where the command was
    // typed (npm runs workspace scripts inside the workspace and keeps that place in INIT_CWD).
    dataDir: e.DATA_DIR ? path.resolve(env.INIT_CWD ?? process.cwd(), e.DATA_DIR) : defaultDataDir,
    rootDataDir: path.resolve(env.INIT_CWD ?? process.cwd(), e.ROOT_DATA_DIR),
    redisUrl: e.REDIS_URL,
    sessionTtlMs: e.SESSION_TTL_HOURS * 3600_000,
    cookieSecure: e.COOKIE_SECURE === 'auto' ? isProduction : e.COOKIE_SECURE === 'true',
    allowedOrigins: e.ALLOWED_ORIGINS.split(',')
      .map((s) => s.trim())
      .filter(Boolean),
    clientDir: path.resolve(e.CLIENT_DIR ?? defaultClientDir),
    demoSeed: e.DEMO_SEED ? e.DEMO_SEED === 'true' : !isProduction,
    trustProxy: e.TRUST_PROXY === 'true',
    migrateOnStart: e.MIGRATE_ON_START === 'true',
    eventRetentionHours: e.EVENT_RETENTION_HOURS,
    notificationRetentionHours: Math.max(e.NOTIFICATION_RETENTION_HOURS, e.EVENT_RETENTION_HOURS),
    today: e.TODAY,
    now: e.NOW ? new Date(e.NOW) : undefined,
    logLevel: e.LOG_LEVEL,
    login: {
      maxFailures: e.LOGIN_MAX_FAILURES,
      maxFailuresPerAddress: e.LOGIN_MAX_FAILURES_PER_ADDRESS,
      blockSeconds: e.LOGIN_BLOCK_MINUTES * 60,
    },
    accessCodes: { validDays: e.ACCESS_CODE_DAYS, perHour: e.ACCESS_CODES_PER_HOUR },
    publicUrl: e.PUBLIC_URL,
    mail: e.SMTP_URL ? { smtpUrl: e.SMTP_URL, from: e.MAIL_FROM! } : undefined,
    push: {
      vapid:
        e.VAPID_PUBLIC_KEY && e.VAPID_PRIVATE_KEY
          ? { publicKey: e.VAPID_PUBLIC_KEY, privateKey: e.VAPID_PRIVATE_KEY }
          : undefined,
      subject: e.VAPID_SUBJECT ?? 'mailto:admin@otmetka.invalid',
      allowHttp: e.PUSH_ALLOW_HTTP === 'true',
    },
    metrics: {
      token: e.METRICS_TOKEN,
      allow:
        e.METRICS_ALLOW === 'none'
          ? []
          : e.METRICS_ALLOW.split(',')
              .map((a) => a.trim())
              .filter(Boolean),
    },
  };
}
