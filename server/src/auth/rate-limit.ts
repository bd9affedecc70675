import { createHash } from 'node:crypto';
import { RateLimiterPostgres, RateLimiterRes } from 'rate-limiter-flexible';
import type { Knex } from '@mikro-orm/postgresql';
import type { Config } from '../config.js';
import { DomainError } from '../errors.js';

/**
 * Failed sign-ins counted per login and per address, in PostgreSQL so that every server process
 * sees the same counts. Keys are hashed: the table never holds a login or an address.
 */
export class LoginRateLimiter {
  private readonly byLogin: RateLimiterPostgres;
  private readonly byAddress: RateLimiterPostgres;

  /** `prefix` keeps separate counts for separate doors: '' for sign-ins, 'act' for activations. */
  constructor(
    knex: Knex,
    limits: Config['login'],
    private readonly what = 'sign-ins',
    prefix = '',
  ) {
    const common = {
      storeClient: knex,
      storeType: 'knex',
      tableName: 'login_rate_limit',
      tableCreated: true,
      clearExpiredByTimeout: false,
      duration: limits.blockSeconds,
      blockDuration: limits.blockSeconds,
    };
    this.byLogin = new RateLimiterPostgres({
      ...common,
      keyPrefix: `${prefix}l`,
      points: limits.maxFailures,
    });
    this.byAddress = new RateLimiterPostgres({
      ...common,
      keyPrefix: `${prefix}a`,
      points: limits.maxFailuresPerAddress,
    });
  }

  private static key(value: string) {
    return createHash('sha256').update(value).digest('hex').slice(0, 40);
  }

  /** Refuses at once when either counter is exhausted. */
  async check(login: string, address: string): Promise<void> {
    const [l, a] = await Promise.all([
      this.byLogin.get(LoginRateLimiter.key(login)),
      this.byAddress.get(LoginRateLimiter.key(address)),
    ]);
    const blocked = [l, a].filter(
      (r): r is RateLimiterRes => r !== null && r.remainingPoints <= 0 && r.msBeforeNext > 0,
    );
    if (blocked.length > 0) {
      throw tooMany(Math.max(...blocked.map((r) => r.msBeforeNext)), this.what);
    }
  }

  async recordFailure(login: string, address: string): Promise<void> {
    await Promise.all([
      this.byLogin.penalty(LoginRateLimiter.key(login), 1),
      this.byAddress.penalty(LoginRateLimiter.key(address), 1),
    ]);
  }

  async recordSuccess(login: string): Promise<void> {
    await this.byLogin.delete(LoginRateLimiter.key(login));
  }
}

function tooMany(ms: number, what: string) {
  const retryAfterSeconds = Math.ceil(ms / 1000);
  return new DomainError(
    'RATE_LIMITED',
    `Too many failed ${what}. Try again in ${Math.ceil(retryAfterSeconds / 60)} min.`,
    {
      retryAfterSeconds,
    },
  );
}
