/**
 * The route half of the authorization matrix: every Remix route module that exports a loader or
 * an action (from the file system and the built route manifest), called over HTTP on the real
 * portal server as every kind of principal with a real session: GET for the loader, a form POST
 * with our Origin for each action case. A module without an entry in route-matrix.entries.ts
 * fails. Every response a partner gets is searched for what that partner must never see.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ServerBuild } from '@remix-run/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { portalRoot } from '../server/app.ts';
import { type RouteCase, type RouteEntry, routeMatrix } from './route-matrix.entries.ts';
import {
  makePeople,
  makeWorld,
  type Outcome,
  type People,
  type Principal,
  partners,
  principals,
  snapshot,
  type World,
} from './route-matrix.world.ts';
import { login, startTestServer, type TestServer } from './server.ts';

const routesDir = join(portalRoot, 'app/routes');
const exportsPattern = (name: 'loader' | 'action') =>
  new RegExp(
    `export\\s+(async\\s+)?function\\s+${name}\\b|export\\s+(const|let)\\s+${name}\\b|export\\s*\\{[^}]*\\b${name}\\b`,
  );

/** Route modules by id (file name without extension), with what they export, read from the source. */
function routeModulesOnDisk() {
  return readdirSync(routesDir)
    .filter((f) => /\.(tsx?|jsx?)$/.test(f))
    .map((file) => {
      const source = readFileSync(join(routesDir, file), 'utf8');
      return {
        id: file.replace(/\.(tsx?|jsx?)$/, ''),
        loader: exportsPattern('loader').test(source),
        action: exportsPattern('action').test(source),
      };
    })
    .filter((m) => m.loader || m.action);
}

type ManifestRoute = ServerBuild['routes'][string];

/** The URL pattern a route answers, from the manifest: params match one segment, splats the rest. */
function routePattern(routes: ServerBuild['routes'], route: ManifestRoute): RegExp {
  const segments: string[] = [];
  for (let r: ManifestRoute | undefined = route; r; r = r.parentId ? routes[r.parentId] : undefined) {
    if (r.path) segments.unshift(r.path);
  }
  const body = segments
    .join('/')
    .split('/')
    .filter(Boolean)
    .map((s) => (s === '*' ? '.*' : s.startsWith(':') ? '[^/]+' : s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('/');
  const layout = Object.values(routes).some((r) => r?.parentId === route.id);
  return new RegExp(`^/${body}${layout ? '(/.*)?' : '/?'}$`);
}

interface Result {
  route: string;
  method: 'GET' | 'POST';
  name: string;
  expected: Record<string, Outcome>;
  actual: Record<string, Outcome | number | string>;
  leaks: string[];
}

let t: TestServer;
let build: ServerBuild;
let people: People;
/** One signed-in session per principal for the loaders, made through the login form. */
const cookies: Partial<Record<Principal, string>> = {};
const results = new Map<string, Result[]>();

const loaderCases = (e: RouteEntry): RouteCase[] => (e.loader ? [e.loader].flat() : []);

function expectedOf(c: RouteCase): Record<Principal, Outcome> {
  return Object.fromEntries(principals.map((p) => [p, c.expect[p] ?? c.expect.default])) as Record<
    Principal,
    Outcome
  >;
}

/** A fresh session for an action, so a logout or deactivation cannot end another case's session. */
async function freshSession(principal: Principal): Promise<string> {
  if (principal === 'anonymous') return '';
  const session = await t.server.auth.lucia.createSession(people.users[principal].id, {});
  return t.server.auth.lucia.createSessionCookie(session.id).serialize().split(';')[0]!;
}

async function call(
  principal: Principal,
  cookie: string,
  method: 'GET' | 'POST',
  url: string,
  world: World,
  form?: Record<string, string>,
  origin = t.url,
): Promise<{ outcome: Outcome | number | string; leaks: string[] }> {
  const send = () =>
    fetch(`${t.url}${url}`, {
      method,
      redirect: 'manual',
      headers: {
        ...(cookie ? { Cookie: cookie } : {}),
        ...(method === 'POST' ? { Origin: origin, 'Content-Type': 'application/x-www-form-urlencoded' } : {}),
      },
      ...(method === 'POST' ? { body: new URLSearchParams(form ?? {}) } : {}),
    });
  let response: Response | undefined;
  for (let attempt = 1; !response; attempt++) {
    try {
      response = await send();
    } catch (error) {
      const cause = error instanceof Error && error.cause instanceof Error ? error.cause : null;
      // A keep-alive socket the server closed just as it was reused: the request never arrived.
      if (attempt === 1 && (cause as NodeJS.ErrnoException | null)?.code === 'ECONNRESET') continue;
      // Anything else is a finding for this case, not a reason to abort the whole matrix.
      return { outcome: `no response (${cause?.message ?? String(error)})`, leaks: [] };
    }
  }
  const body = await response.text();
  let outcome: Outcome | number = response.status;
  if (response.status >= 300 && response.status < 400) {
    const location = new URL(response.headers.get('location') ?? '/', t.url);
    outcome = location.pathname === '/login' ? 'login' : 'redirect';
  }
  const leaks =
    principal === 'partnerEdit' || principal === 'partnerView' || principal === 'partnerNone'
      ? world.secrets[principal].filter((s) => body.includes(s)).map((s) => `${principal} saw "${s}"`)
      : [];
  return { outcome, leaks };
}

/** Worlds no request has changed (same snapshot as when made): reused, since making one is the slow part. */
const pristine: { world: World; snap: string }[] = [];

async function pristineWorld(): Promise<{ world: World; snap: string }> {
  const reused = pristine.pop();
  if (reused) return reused;
  const world = await makeWorld(t.db.db, people);
  return { world, snap: await snapshot(world) };
}

/** Runs `tasks` with at most `limit` in flight. */
async function pool<T>(tasks: (() => Promise<T>)[], limit: number): Promise<T[]> {
  const out: T[] = new Array(tasks.length);
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const i = next++;
      out[i] = await tasks[i]!();
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker));
  return out;
}

/** Remix's single-fetch URL for a document URL: `/x` → `/x.data`, `/` → `/_root.data`. */
function dataUrlOf(target: string): string {
  const url = new URL(target, 'http://x');
  url.pathname = url.pathname === '/' ? '/_root.data' : `${url.pathname.replace(/\/$/, '')}.data`;
  return `${url.pathname}${url.search}`;
}

function targetOf(id: string, c: RouteCase, w: World, method: 'GET' | 'POST'): string {
  const route = build.routes[`routes/${id}`];
  if (!route) throw new Error(`route ${id} is not in the build`);
  const url = new URL(c.path(w), 'http://x');
  // Only the request path must answer to this route; a wrong path would test another route.
  if (!routePattern(build.routes, route).test(url.pathname)) {
    throw new Error(`${id}: ${url.pathname} does not match the route's path`);
  }
  // A POST to an index route's URL goes to its parent unless it says ?index (as Remix forms do).
  if (method === 'POST' && route.index && !url.searchParams.has('index'))
    url.searchParams.append('index', '');
  return `${url.pathname}${url.search}`;
}

beforeAll(async () => {
  t = await startTestServer();
  build = (await import(pathToFileURL(join(portalRoot, 'build/server/index.js')).href)) as ServerBuild;
  people = await makePeople(t.db.db);
  for (const p of principals) {
    if (p !== 'anonymous') cookies[p] = await login(t.url, people.users[p].email, 'correct horse battery');
  }
  // Loaders first, all against one world: reading must not change anything.
  const loaderWorld = await makeWorld(t.db.db, people);
  const loaderTasks = Object.entries(routeMatrix)
    .filter(([id]) => build.routes[`routes/${id}`])
    .flatMap(([id, e]) =>
      loaderCases(e).map((c) => async () => {
        const world = c.setup ? await c.setup(await makeWorld(t.db.db, people)) : loaderWorld;
        const target = targetOf(id, c, world, 'GET');
        const calls = await Promise.all(
          principals.map((p) => call(p, cookies[p] ?? '', 'GET', target, world)),
        );
        // The same loaders answer client navigations as single-fetch data: search that too.
        const data = await Promise.all(
          partners.map((p) => call(p, cookies[p] ?? '', 'GET', dataUrlOf(target), world)),
        );
        const result: Result = {
          route: id,
          method: 'GET',
          name: `GET ${c.name ?? 'loader'}`,
          expected: expectedOf(c),
          actual: Object.fromEntries(principals.map((p, i) => [p, calls[i]!.outcome])),
          leaks: [...calls, ...data].flatMap((r) => r.leaks),
        };
        return result;
      }),
    );
  // Then each action case, each principal on a world of its own.
  const actionTasks = Object.entries(routeMatrix)
    .filter(([id]) => build.routes[`routes/${id}`])
    .flatMap(([id, e]) =>
      (e.action ?? []).map((c) => async () => {
        /** One principal's POST on a world of its own; a refused or invalid one must change nothing. */
        const post = async (p: Principal, origin?: string) => {
          const { world: base, snap } = await pristineWorld();
          const world = c.setup ? await c.setup(base) : base;
          const before = c.setup ? await snapshot(world) : snap;
          const target = targetOf(id, c, world, 'POST');
          const result = await call(p, await freshSession(p), 'POST', target, world, c.form?.(world), origin);
          if (!origin && c.after) result.leaks.push(...(await c.after(world, p)));
          const changed = (await snapshot(world)) !== before;
          const succeeded =
            result.outcome === 'redirect' ||
            result.outcome === 200 ||
            (id === 'logout' && result.outcome === 'login');
          if (changed && !succeeded) result.leaks.push(`${p}: ${result.outcome}, yet the world changed`);
          // A world nothing touched is as good as new: the next case may use it.
          if (!changed && !c.setup) pristine.push({ world: base, snap });
          return result;
        };
        const calls = await Promise.all(principals.map((p) => post(p)));
        // Cross-site: the admin's session, another site's Origin: refused before the route runs.
        const crossSite = await post('admin', 'https://evil.example');
        const result: Result = {
          route: id,
          method: 'POST',
          name: `POST ${c.name ?? 'action'}`,
          expected: { ...expectedOf(c), adminCrossSite: 403 },
          actual: {
            ...Object.fromEntries(principals.map((p, i) => [p, calls[i]!.outcome])),
            adminCrossSite: crossSite.outcome,
          },
          leaks: [...calls.flatMap((r) => r.leaks), ...crossSite.leaks],
        };
        return result;
      }),
    );
  for (const r of await pool(loaderTasks, 6)) results.set(r.route, [...(results.get(r.route) ?? []), r]);
  for (const r of await pool(actionTasks, 6)) results.set(r.route, [...(results.get(r.route) ?? []), r]);
}, 600_000);

afterAll(async () => {
  await t?.close();
});

describe('route authorization matrix', () => {
  it('has an entry for every route module with a loader or action, and none for one that is gone', () => {
    const onDisk = routeModulesOnDisk();
    // The build the server runs must be the source on disk (a stale KONSORT_SKIP_BUILD build would not be).
    const built = Object.values(build.routes)
      .filter((r): r is ManifestRoute => !!r && r.id.startsWith('routes/'))
      .map((r) => ({
        id: r.id.slice('routes/'.length),
        loader: typeof r.module.loader === 'function',
        action: typeof r.module.action === 'function',
      }))
      .filter((m) => m.loader || m.action);
    const sort = <T extends { id: string }>(xs: T[]) => [...xs].sort((a, b) => a.id.localeCompare(b.id));
    expect(sort(built), 'the build the server runs is older than app/routes: build again').toEqual(
      sort(onDisk),
    );
    const entries = Object.entries(routeMatrix).map(([id, e]) => ({
      id,
      loader: loaderCases(e).length > 0,
      action: (e.action ?? []).length > 0,
    }));
    expect(
      sort(entries),
      'every route module with a loader or action needs its cases in test/route-matrix.entries.ts',
    ).toEqual(sort(onDisk));
  });

  it('checks partner responses for the secrets of the world (the check itself can fail)', async () => {
    const world = await makeWorld(t.db.db, people);
    // The rep owner sees the deal shared with nobody; were that response a partner's, it would leak.
    const response = await fetch(`${t.url}/accounts/${world.account.id}`, {
      headers: { Cookie: cookies.repOwner! },
    });
    const body = await response.text();
    expect(world.secrets.partnerEdit.filter((s) => body.includes(s)).length).toBeGreaterThan(0);
    // The single-fetch data URL carries the same loader data.
    const data = await fetch(`${t.url}${dataUrlOf(`/accounts/${world.account.id}`)}`, {
      headers: { Cookie: cookies.repOwner! },
    });
    expect(await data.text()).toContain(world.foreignDeal.name);
  });

  it('notices a change of the world (so "refused, yet the world changed" can fail)', async () => {
    const world = await makeWorld(t.db.db, people);
    const before = await snapshot(world);
    expect(await snapshot(world)).toBe(before);
    const moved = await call(
      'repOwner',
      await freshSession('repOwner'),
      'POST',
      `/opportunities/${world.deal.id}?index`,
      world,
      { intent: 'changeStage', stage: 'proposal' },
    );
    expect(moved.outcome).toBe('redirect');
    expect(await snapshot(world)).not.toBe(before);
  });

  for (const id of Object.keys(routeMatrix).sort()) {
    it(id, () => {
      const mine = results.get(id) ?? [];
      const expected = mine.map((r) => ({ name: r.name, outcomes: r.expected, leaks: [] }));
      const actual = mine.map((r) => ({ name: r.name, outcomes: r.actual, leaks: r.leaks }));
      expect(actual, `${id}: outcomes per principal, and leaks`).toEqual(expected);
      const entry = routeMatrix[id]!;
      expect(mine.length).toBe(loaderCases(entry).length + (entry.action ?? []).length);
    });
  }
});
