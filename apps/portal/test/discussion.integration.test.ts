/**
 * Discussion and notifications through the real server: a rep comments on a shared deal and
 * mentions a partner user, whose open SSE stream (/trpc/notification.live, as the bell uses it)
 * gets the notification at once; the partner's discussion page shows the shared comment only.
 */
import { opportunityShares } from '@konsort/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formPost, login, startTestServer, type TestServer } from './server.ts';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(async () => {
  await t?.close();
});

const post = (cookie: string, body: URLSearchParams) => formPost(t.url, cookie, body);

/** Reads an SSE response until `match` appears in the text (or the time runs out). */
async function readUntil(response: Response, match: string, timeoutMs = 10_000): Promise<string> {
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let text = '';
  const deadline = Date.now() + timeoutMs;
  while (!text.includes(match) && Date.now() < deadline) {
    const chunk = await Promise.race([
      reader.read(),
      new Promise<null>((r) => setTimeout(() => r(null), Math.max(0, deadline - Date.now()))),
    ]);
    if (!chunk || chunk.done) break;
    text += decoder.decode(chunk.value, { stream: true });
  }
  await reader.cancel().catch(() => {});
  return text;
}

describe('discussion and live notifications', () => {
  it('a mention reaches the partner live; the partner sees shared comments only', async () => {
    const rep = t.logins.find((l) => l.email.startsWith('jana.becker'))!;
    const partnerLogin = t.logins.find((l) => l.role === 'partner_member' && l.email.includes('nordtech'))!;
    // The portal has no drizzle-orm of its own: the relational query API brings the operators.
    const partner = await t.db.db.query.users.findFirst({
      where: (u, { eq }) => eq(u.email, partnerLogin.email),
    });
    const repUser = await t.db.db.query.users.findFirst({ where: (u, { eq }) => eq(u.email, rep.email) });
    const deal = await t.db.db.query.opportunities.findFirst({
      where: (o, { and, eq, isNull }) => and(eq(o.ownerId, repUser!.id), isNull(o.archivedAt)),
    });
    await t.db.db
      .insert(opportunityShares)
      .values({ opportunityId: deal!.id, partnerOrgId: partner!.partnerOrgId!, access: 'view' })
      .onConflictDoNothing();
    const repCookie = await login(t.url, rep.email, rep.password);
    const partnerCookie = await login(t.url, partnerLogin.email, partnerLogin.password);

    const controller = new AbortController();
    const stream = await fetch(`${t.url}/trpc/notification.live`, {
      headers: { Cookie: partnerCookie, Accept: 'text/event-stream' },
      signal: controller.signal,
    });
    expect(stream.status).toBe(200);
    expect(stream.headers.get('content-type')).toContain('text/event-stream');
    const received = readUntil(stream, deal!.name);
    await new Promise((r) => setTimeout(r, 300));

    const internal = await fetch(
      `${t.url}/opportunities/${deal!.id}/comments`,
      post(
        repCookie,
        new URLSearchParams({ intent: 'create', visibility: 'internal', body: 'Interne Kalkulation' }),
      ),
    );
    expect(internal.status).toBe(200);
    const shared = new URLSearchParams({
      intent: 'create',
      visibility: 'shared',
      body: 'Bitte Liefertermin bestätigen',
    });
    shared.append('mentions', partner!.id);
    expect((await fetch(`${t.url}/opportunities/${deal!.id}/comments`, post(repCookie, shared))).status).toBe(
      200,
    );

    const events = await received;
    controller.abort();
    expect(events).toContain(deal!.name);
    expect(events).toContain('"unread":1');

    const page = await (
      await fetch(`${t.url}/opportunities/${deal!.id}/comments`, { headers: { Cookie: partnerCookie } })
    ).text();
    expect(page).toContain('Bitte Liefertermin bestätigen');
    expect(page).not.toContain('Interne Kalkulation');

    const notifications = await (
      await fetch(`${t.url}/notifications`, { headers: { Cookie: partnerCookie } })
    ).text();
    expect(notifications).toContain(deal!.name);
    const marked = await fetch(
      `${t.url}/notifications`,
      post(partnerCookie, new URLSearchParams({ intent: 'markAllRead' })),
    );
    expect(marked.status).toBe(303);
    const count = await fetch(`${t.url}/trpc/notification.unreadCount`, {
      headers: { Cookie: partnerCookie },
    });
    expect((await count.json()).result.data.json).toBe(0);

    // Mentioning a partner user on an internal comment is refused with a message, nothing stored.
    const refused = new URLSearchParams({ intent: 'create', visibility: 'internal', body: 'Geheim' });
    refused.append('mentions', partner!.id);
    const response = await fetch(`${t.url}/opportunities/${deal!.id}/comments`, post(repCookie, refused));
    expect(response.status).toBe(400);
    const staffView = await (
      await fetch(`${t.url}/opportunities/${deal!.id}/comments`, { headers: { Cookie: repCookie } })
    ).text();
    expect(staffView).not.toContain('Geheim');
  });
});
