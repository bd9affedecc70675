import { Router } from 'express';
import type { MikroORM } from '@mikro-orm/postgresql';
import { checkReadiness } from './readiness.js';

/**
 * `/healthz`: the process is up and answering (restart it if not); it asks nothing of the
 * database, so that a database outage does not make an orchestrator restart every replica.
 * `/readyz`: send it traffic: the database answers and every migration is applied (503 with the
 * reason otherwise).
 */
export function healthRoutes(orm: MikroORM): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.setHeader('Cache-Control', 'no-store').json({ ok: true });
  });
  router.get('/readyz', (_req, res, next) => {
    checkReadiness(orm).then(({ ready, ...why }) => {
      res.setHeader('Cache-Control', 'no-store');
      res.status(ready ? 200 : 503).json({ ok: ready, ...why });
    }, next);
  });
  return router;
}
