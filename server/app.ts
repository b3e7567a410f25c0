import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import express, { type Express } from 'express';
import helmet from 'helmet';
import cookieParser from 'cookie-parser';
import { pinoHttp } from 'pino-http';
import type { AppDeps } from './context.ts';
import { auditRefusals, authenticate } from './http/auth.ts';
import { errorMiddleware, notFoundRoute } from './http/errors-middleware.ts';
import { apiRoutes } from './http/routes.ts';

/** Builds the Express app: security headers, request ids and logs, the API under /api, the built client at /. */
export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', deps.config.trustProxy);
  app.set('query parser', 'simple');
  // No body-hash ETags: every API answer is `Cache-Control: no-store` (personal data stays out of browser caches), so
  // such a tag could never be revalidated, yet hashing each body cost ~3 % of a household page's CPU (issue 14).
  // The answers that can be revalidated set their own: a household's version, a report's data version.
  app.set('etag', false);

  const tileOrigin = deps.config.tileUrl ? new URL(deps.config.tileUrl.replace(/\{s\}\./, 'a.').replace(/[{}]/g, '')).origin : null;
  app.use(
    helmet({
      contentSecurityPolicy: {
        directives: {
          'img-src': ["'self'", 'data:', 'blob:', ...(tileOrigin ? [tileOrigin, tileOrigin.replace('://a.', '://*.')] : [])],
          'upgrade-insecure-requests': deps.config.cookieSecure ? [] : null,
        },
      },
    }),
  );
  app.use(
    pinoHttp({
      logger: deps.logger,
      genReqId: (req, res) => {
        const id = crypto.randomUUID();
        res.setHeader('X-Request-Id', id);
        return id;
      },
      // Only the method, route and status: never bodies, query strings (they hold search names) or cookies.
      serializers: {
        req: (req: { id: string; method: string; url: string }) => ({ id: req.id, method: req.method, path: String(req.url).split('?')[0] }),
        res: (res: { statusCode: number }) => ({ status: res.statusCode }),
      },
      customLogLevel: (_req, res, err) => (err || res.statusCode >= 500 ? 'error' : 'info'),
    }),
  );

  const api = express.Router();
  api.use(express.json({ limit: deps.config.bodyLimit }));
  api.use(cookieParser());
  api.use(authenticate(deps));
  api.use((_req, res, next) => {
    res.setHeader('Cache-Control', 'no-store');
    next();
  });
  api.use(apiRoutes(deps));
  api.use(notFoundRoute());
  app.use('/api', api);

  const index = path.join(deps.config.clientDir, 'index.html');
  if (fs.existsSync(index)) {
    app.use(express.static(deps.config.clientDir, { index: false, maxAge: '1h' }));
    // Client-side routes all load the single page.
    app.get(/^\/(?!api\/).*/, (_req, res) => res.sendFile(index));
  }
  app.use(notFoundRoute());
  app.use(auditRefusals(deps));
  app.use(errorMiddleware(deps.logger));
  return app;
}
