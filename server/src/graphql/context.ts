import type { EntityManager } from '@mikro-orm/postgresql';
import type { Viewer } from '../auth/viewer.js';
import type { Services } from '../services.js';
import type { Loaders } from './loaders.js';

export interface RequestContext {
  em: EntityManager;
  viewer: Viewer | null;
  services: Services;
  loaders: Loaders;
  clientAddress: string;
  userAgent?: string;
  /** Present on HTTP requests: how a mutation sets or clears the session cookie. */
  cookies?: {
    setSession(token: string, expiresAt: Date): void;
    clearSession(): void;
  };
}
