import express, { type Router, type Response } from 'express';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { MailService } from './mail.service.js';

const page = (res: Response, status: number, title: string, body: string) =>
  res
    .status(status)
    .set('Cache-Control', 'no-store')
    .type('html')
    .send(
      `<!doctype html><html lang="ru"><head><meta charset="utf-8">` +
        `<meta name="viewport" content="width=device-width, initial-scale=1">` +
        `<title>${title}</title><style>body{font:16px/1.5 system-ui,sans-serif;max-width:36rem;` +
        `margin:3rem auto;padding:0 1rem;color:#1a1a1a}button{font:inherit;padding:.5rem 1rem}` +
        `button:focus-visible{outline:3px solid #1d4ed8;outline-offset:2px}</style></head>` +
        `<body><main><h1>${title}</h1>${body}</main></body></html>`,
    );

const INVALID = `<p>Ссылка недействительна или устарела. Настройте письма в профиле дневника.</p>
<p lang="en">This link is invalid or has expired. Change your e-mail settings in your profile.</p>`;

/**
 * The unsubscribe link in every mail, working without signing in: the signed token is the
 * authority (decision 55). GET asks (a link scanner following it changes nothing); POST turns the
 * mail off, from the page's button or a mail client's one-click request (RFC 8058, body
 * `List-Unsubscribe=One-Click`).
 */
export function mailRoutes(orm: MikroORM, mail: MailService): Router {
  const router = express.Router();
  const token = (q: unknown) => (typeof q === 'string' ? q : '');
  router.get('/mail/unsubscribe', async (req, res, next) => {
    try {
      const t = token(req.query.t);
      if (!(await mail.checkToken(orm.em.fork(), t))) {
        return page(res, 400, 'Отписка от писем', INVALID);
      }
      page(
        res,
        200,
        'Отписка от писем',
        `<p>Больше не присылать эти письма из «Отметки»?</p>
<p lang="en">Stop these e-mails from Otmetka?</p>
<form method="post" action="/mail/unsubscribe?t=${encodeURIComponent(t)}">
<button type="submit">Отписаться / Unsubscribe</button></form>`,
      );
    } catch (e) {
      next(e);
    }
  });
  router.post('/mail/unsubscribe', async (req, res, next) => {
    try {
      const done = await mail.unsubscribe(orm.em.fork(), token(req.query.t));
      if (!done) return page(res, 400, 'Отписка от писем', INVALID);
      page(
        res,
        200,
        'Вы отписались',
        `<p>${done === 'digest' ? 'Сводки' : 'Еженедельные отчёты'} больше не будут приходить на почту. Включить их снова можно в профиле.</p>
<p lang="en">You will no longer receive these e-mails. You can turn them on again in your profile.</p>`,
      );
    } catch (e) {
      next(e);
    }
  });
  return router;
}
