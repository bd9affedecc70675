import express, { type Router, type Response } from 'express';
import type { MikroORM } from '@mikro-orm/postgresql';
import { Lang } from '../../graphql/enums.js';
import type { MailService } from './mail.service.js';
import { MAIL_TEXTS } from './mail.texts.js';

const page = (res: Response, status: number, lang: Lang, title: string, body: string) =>
  res
    .status(status)
    .set('Cache-Control', 'no-store')
    .type('html')
    .send(
      `<!doctype html><html lang="${lang}"><head><meta charset="utf-8">` +
        `<meta name="viewport" content="width=device-width, initial-scale=1">` +
        `<title>${title}</title><style>body{font:16px/1.5 system-ui,sans-serif;max-width:36rem;` +
        `margin:3rem auto;padding:0 1rem;color:#1a1a1a}button{font:inherit;padding:.5rem 1rem}` +
        `button:focus-visible{outline:3px solid #1d4ed8;outline-offset:2px}</style></head>` +
        `<body><main><h1>${title}</h1>${body}</main></body></html>`,
    );

/** A link that is not genuine names nobody, so nobody's language: both. */
const INVALID = `<p>Ссылка недействительна или устарела. Настройте письма в профиле дневника.</p>
<p lang="en">This link is invalid or has expired. Change your e-mail settings in your profile.</p>`;
const invalid = (res: Response) =>
  page(res, 400, Lang.RU, 'Отписка от писем / Unsubscribe', INVALID);

/**
 * The unsubscribe link in every mail, working without signing in: the signed token is the
 * authority (decision 55). GET asks (a link scanner following it changes nothing); POST turns the
 * mail off, from the page's button or a mail client's one-click request (RFC 8058, body
 * `List-Unsubscribe=One-Click`). The page is in the language of the person's mails (decision 67).
 */
export function mailRoutes(orm: MikroORM, mail: MailService): Router {
  const router = express.Router();
  const token = (q: unknown) => (typeof q === 'string' ? q : '');
  router.get('/mail/unsubscribe', async (req, res, next) => {
    try {
      const t = token(req.query.t);
      const lang = await mail.checkToken(orm.em.fork(), t);
      if (!lang) return invalid(res);
      const T = MAIL_TEXTS[lang].page;
      page(
        res,
        200,
        lang,
        T.title,
        `<p>${T.ask}</p>
<form method="post" action="/mail/unsubscribe?t=${encodeURIComponent(t)}">
<button type="submit">${T.button}</button></form>`,
      );
    } catch (e) {
      next(e);
    }
  });
  router.post('/mail/unsubscribe', async (req, res, next) => {
    try {
      const done = await mail.unsubscribe(orm.em.fork(), token(req.query.t));
      if (!done) return invalid(res);
      const T = MAIL_TEXTS[done.lang].page;
      page(
        res,
        200,
        done.lang,
        T.done,
        `<p>${done.list === 'digest' ? T.doneDigest : T.doneReport}</p>`,
      );
    } catch (e) {
      next(e);
    }
  });
  return router;
}
