/** User administration: only an admin creates and deactivates users, in the UI. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formPost, login, startTestServer, type TestServer } from './server.ts';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(async () => {
  await t?.close();
});

const post = (cookie: string, fields: Record<string, string>) =>
  formPost(t.url, `${cookie}; konsort_lang=de`, fields);

describe('user administration', () => {
  it('an admin creates a user (field errors in German first), who can sign in until deactivated', async () => {
    const admin = t.logins.find((l) => l.role === 'admin')!;
    const cookie = await login(t.url, admin.email, admin.password);
    const page = await fetch(`${t.url}/admin/users`, { headers: { Cookie: cookie } });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('claudia.neumann@konsort.example');

    const weak = await fetch(
      `${t.url}/admin/users`,
      post(cookie, {
        intent: 'create',
        name: 'Neu',
        email: 'neu@konsort.example',
        role: 'rep',
        locale: 'de',
        password: 'kurz',
      }),
    );
    expect(weak.status).toBe(400);
    expect(await weak.text()).toContain('Mindestens 12 Zeichen.');

    const created = await fetch(
      `${t.url}/admin/users`,
      post(cookie, {
        intent: 'create',
        name: 'Nina Neu',
        email: 'nina.neu@konsort.example',
        role: 'rep',
        locale: 'de',
        password: 'ein langes Passwort',
      }),
    );
    expect(created.status).toBe(200);
    const session = await login(t.url, 'nina.neu@konsort.example', 'ein langes Passwort');
    expect(
      (await fetch(`${t.url}/opportunities`, { headers: { Cookie: session }, redirect: 'manual' })).status,
    ).toBe(200);

    const list = await (await fetch(`${t.url}/admin/users`, { headers: { Cookie: cookie } })).text();
    const id =
      /name="id" value="([0-9a-f-]{36})"\/><input type="hidden" name="active" value="false"\/>[\s\S]*?/.exec(
        list.slice(list.indexOf('nina.neu@konsort.example')),
      )?.[1];
    expect(id).toBeDefined();
    await fetch(`${t.url}/admin/users`, post(cookie, { intent: 'setActive', id: id!, active: 'false' }));
    // Deactivation ends the open session at once.
    expect(
      (await fetch(`${t.url}/opportunities`, { headers: { Cookie: session }, redirect: 'manual' })).status,
    ).toBe(302);
  });

  it('is closed to everyone but admins', async () => {
    const rep = t.logins.find((l) => l.role === 'rep')!;
    const partner = t.logins.find((l) => l.role === 'partner_admin')!;
    for (const who of [rep, partner]) {
      const cookie = await login(t.url, who.email, who.password);
      expect((await fetch(`${t.url}/admin/users`, { headers: { Cookie: cookie } })).status).toBe(403);
    }
  });
});
