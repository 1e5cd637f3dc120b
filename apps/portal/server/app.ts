/**
 * The portal's HTTP server: express with tRPC at /trpc, health checks, CSRF and security
 * headers, and the Remix app (Vite middleware in development, the built app in production).
 * `createServer` takes its database from the caller, so tests start it against a test database.
 */
import { randomBytes } from 'node:crypto';
import { createServer as createHttpServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  type AuthService,
  appRouter,
  createAuthService,
  createContext,
  requestLocale,
  translate,
} from '@konsort/api';
import { type CollabServer, createCollabServer } from '@konsort/api/collab';
import type { DatabaseHandle } from '@konsort/db';
import { createRequestHandler } from '@remix-run/express';
import type { ServerBuild } from '@remix-run/node';
import { createExpressMiddleware } from '@trpc/server/adapters/express';
import compression from 'compression';
import express, { type NextFunction, type Request, type Response } from 'express';
import { type Logger, pino } from 'pino';
import type { ViteDevServer } from 'vite';

export const portalRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

export interface ServerOptions {
  db: DatabaseHandle;
  /** Serve the built app (build/) instead of running Vite in middleware mode. */
  production: boolean;
  secureCookies?: boolean;
  /** Public origin behind a proxy; its host is accepted by the CSRF check besides the Host header. */
  publicUrl?: string | undefined;
  logger?: Logger;
  logLevel?: string;
  /** Where `remix vite:build` wrote its output; default `<portal>/build`. */
  buildDir?: string;
}

export interface PortalServer {
  app: express.Express;
  /** Serves pages and /trpc, and upgrades /collab/<docName> to the co-editing WebSocket. */
  httpServer: Server;
  collab: CollabServer;
  auth: AuthService;
  logger: Logger;
  listen(port: number, host?: string): Promise<string>;
  close(): Promise<void>;
}

/** Express's IncomingHttpHeaders → a fetch `Headers` (what the API's context expects). */
export function toHeaders(raw: Request['headers']): Headers {
  const headers = new Headers();
  for (const [key, value] of Object.entries(raw)) {
    if (value === undefined) continue;
    if (Array.isArray(value)) for (const v of value) headers.append(key, v);
    else headers.set(key, value);
  }
  return headers;
}

function contentSecurityPolicy(nonce: string, production: boolean): string {
  const directives = [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}'`,
    // Vite injects styles inline and talks to its HMR socket in development only.
    production ? "style-src 'self'" : "style-src 'self' 'unsafe-inline'",
    production ? "connect-src 'self'" : "connect-src 'self' ws: wss:",
    "img-src 'self' data:",
    "font-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ];
  return directives.join('; ');
}

function securityHeaders(production: boolean) {
  return (_req: Request, res: Response, next: NextFunction) => {
    const nonce = randomBytes(16).toString('base64');
    res.locals.cspNonce = nonce;
    res.setHeader('Content-Security-Policy', contentSecurityPolicy(nonce, production));
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'same-origin');
    res.setHeader('X-Frame-Options', 'DENY');
    res.setHeader('Permissions-Policy', 'camera=(), microphone=(), geolocation=(), payment=(), usb=()');
    res.removeHeader('X-Powered-By');
    next();
  };
}

/**
 * Mutations must come from our own pages. SameSite=Lax cookies already stop most cross-site
 * posts; the Origin check also covers same-site subdomains and old browsers.
 */
function originAllowed(origin: string, allowedHosts: string[]): boolean {
  try {
    return allowedHosts.includes(new URL(origin).host);
  } catch {
    return false;
  }
}

function csrfProtection(allowedHosts: (req: Request) => string[]) {
  return (req: Request, res: Response, next: NextFunction) => {
    if (req.method === 'GET' || req.method === 'HEAD' || req.method === 'OPTIONS') return next();
    const origin = req.get('origin');
    let ok: boolean;
    if (origin) {
      ok = originAllowed(origin, allowedHosts(req));
    } else {
      const site = req.get('sec-fetch-site');
      ok = !site || site === 'same-origin' || site === 'none';
    }
    if (ok) return next();
    const locale = requestLocale(toHeaders(req.headers));
    const message = translate(locale, 'errors.csrf');
    if (req.path.startsWith('/trpc')) {
      res
        .status(403)
        .json({ error: { message, code: -32003, data: { code: 'FORBIDDEN', httpStatus: 403 } } });
    } else {
      res.status(403).type('text/plain; charset=utf-8').send(message);
    }
  };
}

export async function createServer(options: ServerOptions): Promise<PortalServer> {
  const { db } = options;
  const logger = options.logger ?? pino({ level: options.logLevel ?? 'info' });
  const auth = createAuthService(db.db, { secureCookies: options.secureCookies ?? false });
  const buildDir = options.buildDir ?? join(portalRoot, 'build');
  const publicHost = options.publicUrl ? new URL(options.publicUrl).host : null;

  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  app.use(securityHeaders(options.production));
  app.use(compression());

  app.get('/healthz', (_req, res) => {
    res.type('text/plain').send('ok');
  });
  app.get('/readyz', async (_req, res) => {
    try {
      if (db.raw.kind === 'pglite') await db.raw.client.query('select 1');
      else await db.raw.client`select 1`;
      res.type('text/plain').send('ready');
    } catch (err) {
      logger.error({ err }, 'readiness check failed');
      res.status(503).type('text/plain').send('database unavailable');
    }
  });

  app.use(csrfProtection((req) => [req.get('host') ?? '', ...(publicHost ? [publicHost] : [])]));

  app.use(
    '/trpc',
    createExpressMiddleware({
      router: appRouter,
      createContext: ({ req, res }) =>
        createContext(
          { db: db.db, auth, publicUrl: options.publicUrl },
          {
            headers: toHeaders(req.headers),
            ip: req.ip ?? null,
            setCookie: (value) => res.append('Set-Cookie', value),
          },
        ),
      onError({ error, path }) {
        if (error.code === 'INTERNAL_SERVER_ERROR') logger.error({ err: error, path }, 'tRPC request failed');
      },
    }),
  );

  let vite: ViteDevServer | undefined;
  let build: ServerBuild | (() => Promise<ServerBuild>);
  if (options.production) {
    app.use(
      '/assets',
      express.static(join(buildDir, 'client/assets'), { immutable: true, maxAge: '1y', index: false }),
    );
    app.use(express.static(join(buildDir, 'client'), { maxAge: '1h', index: false }));
    build = (await import(pathToFileURL(join(buildDir, 'server/index.js')).href)) as ServerBuild;
  } else {
    const { createServer: createViteServer } = await import('vite');
    vite = await createViteServer({ root: portalRoot, server: { middlewareMode: true }, appType: 'custom' });
    app.use(vite.middlewares);
    const devServer = vite;
    build = () => devServer.ssrLoadModule('virtual:remix/server-build') as Promise<ServerBuild>;
  }

  app.all(
    '*',
    createRequestHandler({
      build,
      mode: options.production ? 'production' : 'development',
      // One session lookup per request, shared by all loaders of the page; a renewed or
      // cleared session cookie goes out with whatever Remix answers.
      async getLoadContext(req, res) {
        const headers = toHeaders(req.headers);
        const session = await auth.fromCookieHeader(req.headers.cookie);
        if (session.cookie) res.append('Set-Cookie', session.cookie);
        return {
          db: db.db,
          auth,
          logger,
          principal: session.principal,
          locale: requestLocale(headers, session.principal ?? undefined),
          cspNonce: String(res.locals.cspNonce ?? ''),
          ip: req.ip ?? null,
        };
      },
    }),
  );

  app.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    logger.error({ err }, 'unhandled request error');
    if (!res.headersSent) res.status(500).type('text/plain').send('Internal Server Error');
  });

  const httpServer = createHttpServer(app);

  // Live co-editing: y-websocket clients connect to /collab/<docName>. The session cookie and
  // the policy are checked inside handleUpgrade before the handshake; the Origin check here
  // refuses cross-site WebSocket hijacking.
  const collab = createCollabServer({
    db: db.db,
    logger,
    authenticate: async (req) =>
      (await auth.fromCookieHeader(req.headers.cookie)).principal ?? { kind: 'anonymous', locale: 'de' },
  });
  httpServer.on('upgrade', (req, socket, head) => {
    const allowedHosts = [req.headers.host ?? '', ...(publicHost ? [publicHost] : [])];
    if (!req.url?.startsWith('/collab/')) {
      socket.destroy();
    } else if (req.headers.origin && !originAllowed(req.headers.origin, allowedHosts)) {
      socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    } else {
      collab.handleUpgrade(req, socket, head);
    }
  });

  return {
    app,
    httpServer,
    auth,
    logger,
    listen(port, host = '127.0.0.1') {
      return new Promise((resolveListen, reject) => {
        httpServer.once('error', reject);
        httpServer.listen(port, host, () => {
          const address = httpServer.address() as AddressInfo;
          const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
          resolveListen(`http://${shownHost}:${address.port}`);
        });
      });
    },
    collab,
    async close() {
      // Flush every open document before the connections and the database go away.
      await collab.close();
      await new Promise<void>((resolveClose) => {
        httpServer.close(() => resolveClose());
        httpServer.closeIdleConnections();
        setTimeout(() => httpServer.closeAllConnections(), 2_000).unref();
      });
      await vite?.close();
    },
  };
}
