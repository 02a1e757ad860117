// Sign-in with an identity provider in a real browser: a small fake OpenID Connect
// provider (node's http, an RSA key made when the test runs) and `throughline serve
// --oidc-issuer` over a fresh demo database. Chromium signs in through the provider,
// sees the overview with its name and role in the header, is shown no correction form as
// a viewer (and a post is refused all the same), signs out with the header's link (which
// ends the session at the provider too), and signs in again as a contributor, who may
// correct.
//
//   THROUGHLINE_BIN=target/release/throughline node --test e2e/

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { createHash, generateKeyPairSync, sign } from 'node:crypto';
import { mkdtempSync, mkdirSync, rmSync, existsSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { freePort, waitForHealth, stopServer } from './serve.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const shots = resolve(here, '..', 'artifacts', 'screenshots');
const bin = process.env.THROUGHLINE_BIN && resolve(process.env.THROUGHLINE_BIN);
const chromiumPath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

const CLIENT_ID = 'throughline';
// Made up for this test; the fake provider below is the only one that knows it.
const CLIENT_SECRET = 'e2e-client-secret';

const b64url = (buf) => Buffer.from(buf).toString('base64url');

/**
 * A fake OpenID Connect provider on loopback. Whoever reaches its authorize endpoint is
 * signed in at once as `provider.person` (the test sets the groups); the token endpoint
 * checks the client secret and the PKCE verifier, and signs ID tokens with RS256.
 */
function fakeProvider(port) {
  const issuer = `http://127.0.0.1:${port}`;
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = publicKey.export({ format: 'jwk' });
  const grants = new Map();
  const provider = {
    issuer,
    person: { sub: 'person-1', name: 'A Person', groups: ['staff'] },
    tokensIssued: 0,
    lastIdToken: null,
    // The sessions ended here (RP-initiated logout), by the ID token they were named by.
    loggedOut: [],
  };
  const json = (res, status, body) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  const idToken = (nonce) => {
    const now = Math.floor(Date.now() / 1000);
    const head = b64url(JSON.stringify({ alg: 'RS256', typ: 'JWT', kid: 'e2e-key' }));
    const claims = b64url(
      JSON.stringify({ ...provider.person, iss: issuer, aud: CLIENT_ID, iat: now, exp: now + 300, nonce }),
    );
    const sig = sign('sha256', Buffer.from(`${head}.${claims}`), privateKey);
    return `${head}.${claims}.${b64url(sig)}`;
  };
  const server = createHttpServer((req, res) => {
    const url = new URL(req.url, issuer);
    if (url.pathname === '/.well-known/openid-configuration') {
      return json(res, 200, {
        issuer,
        authorization_endpoint: `${issuer}/authorize`,
        token_endpoint: `${issuer}/token`,
        jwks_uri: `${issuer}/jwks`,
        response_types_supported: ['code'],
        id_token_signing_alg_values_supported: ['RS256'],
        code_challenge_methods_supported: ['S256'],
        end_session_endpoint: `${issuer}/logout`,
      });
    }
    if (url.pathname === '/jwks') {
      return json(res, 200, { keys: [{ ...jwk, kid: 'e2e-key', alg: 'RS256', use: 'sig' }] });
    }
    if (url.pathname === '/authorize') {
      const q = url.searchParams;
      if (q.get('client_id') !== CLIENT_ID || q.get('code_challenge_method') !== 'S256' || !q.get('code_challenge')) {
        return json(res, 400, { error: 'invalid_request' });
      }
      const code = b64url(createHash('sha256').update(String(Math.random())).digest());
      grants.set(code, { challenge: q.get('code_challenge'), nonce: q.get('nonce'), redirect: q.get('redirect_uri') });
      const back = new URL(q.get('redirect_uri'));
      back.searchParams.set('code', code);
      back.searchParams.set('state', q.get('state'));
      res.writeHead(302, { location: back.href });
      return res.end();
    }
    if (url.pathname === '/logout') {
      const q = url.searchParams;
      if (q.get('client_id') !== CLIENT_ID || !q.get('post_logout_redirect_uri')) {
        return json(res, 400, { error: 'invalid_request' });
      }
      provider.loggedOut.push(q.get('id_token_hint'));
      res.writeHead(302, { location: q.get('post_logout_redirect_uri') });
      return res.end();
    }
    if (url.pathname === '/token' && req.method === 'POST') {
      let body = '';
      req.on('data', (d) => (body += d));
      req.on('end', () => {
        const f = new URLSearchParams(body);
        const basic = `Basic ${Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64')}`;
        if (req.headers.authorization !== basic) return json(res, 401, { error: 'invalid_client' });
        const grant = grants.get(f.get('code'));
        grants.delete(f.get('code'));
        const verifier = f.get('code_verifier') || '';
        if (!grant || grant.redirect !== f.get('redirect_uri')) return json(res, 400, { error: 'invalid_grant' });
        if (b64url(createHash('sha256').update(verifier).digest()) !== grant.challenge) {
          return json(res, 400, { error: 'invalid_grant', error_description: 'PKCE verifier' });
        }
        provider.tokensIssued += 1;
        provider.lastIdToken = idToken(grant.nonce);
        json(res, 200, { access_token: 'unused', token_type: 'Bearer', expires_in: 300, id_token: provider.lastIdToken });
      });
      return undefined;
    }
    json(res, 404, { error: 'not found' });
  });
  provider.listen = () => new Promise((ok) => server.listen(port, '127.0.0.1', ok));
  provider.close = () => new Promise((ok) => server.close(ok));
  return provider;
}

describe('sign-in with an identity provider', () => {
  let dir;
  let server;
  let browser;
  let context;
  let page;
  let base;
  let provider;
  const log = [];

  before(async () => {
    assert.ok(bin && existsSync(bin), 'set THROUGHLINE_BIN to a built throughline binary');
    assert.ok(existsSync(chromiumPath), `no Chromium at ${chromiumPath} (apt-get install chromium)`);
    mkdirSync(shots, { recursive: true });
    dir = mkdtempSync(join(tmpdir(), 'throughline-e2e-oidc-'));
    const demo = spawnSync(bin, ['demo', '--quiet'], { cwd: dir, encoding: 'utf8' });
    assert.equal(demo.status, 0, `throughline demo failed:\n${demo.stderr}`);
    provider = fakeProvider(await freePort());
    await provider.listen();
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    // The redirect URI is this server's own address (no --base-url).
    const env = { ...process.env, THROUGHLINE_OIDC_CLIENT_SECRET: CLIENT_SECRET };
    delete env.THROUGHLINE_BASE_URL;
    server = spawn(
      bin,
      [
        'serve',
        '--addr', `127.0.0.1:${port}`,
        '--oidc-issuer', provider.issuer,
        '--oidc-client-id', CLIENT_ID,
        '--oidc-contributor-group', 'tl-contributors',
      ],
      {
        cwd: dir,
        stdio: ['ignore', 'pipe', 'pipe'],
        env,
      },
    );
    server.stdout.on('data', (d) => log.push(String(d)));
    server.stderr.on('data', (d) => log.push(String(d)));
    await waitForHealth(base, server, log);
    browser = await chromium.launch({
      executablePath: chromiumPath,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
        '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    page = await context.newPage();
    // Only the server under test and the fake provider.
    await page.route('**/*', (route) => {
      const u = route.request().url();
      return u.startsWith(base) || u.startsWith(provider.issuer) ? route.continue() : route.abort();
    });
  });

  after(async () => {
    await browser?.close();
    await stopServer(server);
    await provider?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** An item of the demo and the page of it. */
  async function anItem() {
    const r = await page.request.get(`${base}/api/items?limit=1`);
    assert.equal(r.status(), 200);
    const { items } = await r.json();
    const { source, key } = items[0];
    return { source, key, href: `${base}/items/${encodeURIComponent(source)}/${encodeURIComponent(key)}` };
  }

  /** Picks another target in the correction form and sends it; the response. */
  async function correct(href) {
    await page.goto(href);
    const options = await page.locator('#correct select option').evaluateAll((os) =>
      os.map((o) => ({ value: o.value, selected: o.selected })),
    );
    const other = options.find((o) => !o.selected && o.value.startsWith('off_plan:'));
    assert.ok(other, 'the correction form offers an off-plan reason');
    await page.locator('#correct select').selectOption(other.value);
    const [response] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST' && r.url().endsWith('/link')),
      page.locator('#correct button[type=submit]').click(),
    ]);
    await page.waitForLoadState();
    return { response, target: other.value };
  }

  it('sends a browser to the provider, and back to the overview signed in', async () => {
    const response = await page.goto(`${base}/`);
    assert.equal(response.status(), 200);
    assert.equal(page.url(), `${base}/`);
    assert.equal(provider.tokensIssued, 1, 'signed in through the provider');
    await page.locator('main h1').first().waitFor();
    assert.ok((await page.locator('main a.count').count()) > 0, 'the overview shows its figures');
    const session = (await context.cookies(base)).find((c) => c.name === 'throughline_session');
    assert.ok(session, 'a session cookie');
    assert.equal(session.httpOnly, true);
    assert.equal(session.sameSite, 'Lax');
    assert.ok(session.expires > Date.now() / 1000, 'it expires');
    const who = page.locator('header .who');
    assert.equal((await who.innerText()).trim(), 'Signed in as A Person (viewer) · Sign out');
    assert.equal(await who.getByRole('link', { name: 'Sign out' }).getAttribute('href'), '/auth/logout');
    await page.screenshot({ path: join(shots, 'oidc-overview.png'), fullPage: false });
  });

  it('shows a viewer no correction form, and refuses a correction sent anyway', async () => {
    const item = await anItem();
    await page.goto(item.href);
    await page.locator('main h1').waitFor();
    assert.equal(await page.locator('main form').count(), 0, 'no form to correct, confirm or add a note');
    await assert.doesNotReject(
      page.getByText('Viewers can read; ask for contributor access to correct links or add notes.').waitFor(),
    );
    await page.screenshot({ path: join(shots, 'oidc-viewer-read-only.png'), fullPage: false });
    // The form is gone, not the rule: a post made by hand is still refused.
    const posted = await page.request.post(`${item.href}/link`, { form: { target: 'off_plan:maintenance' } });
    assert.equal(posted.status(), 403);
    const r = await page.request.get(`${base}/api/items/${encodeURIComponent(item.source)}/${encodeURIComponent(item.key)}`);
    const { links } = await r.json();
    assert.ok(!links.some((l) => l.origin === 'corrected'), 'nothing was corrected');
  });

  it('signs out at the provider too, and a contributor who signs in may correct', async () => {
    await page.goto(`${base}/`);
    const idToken = provider.lastIdToken;
    await Promise.all([
      page.waitForURL(`${base}/auth/signed-out`),
      page.locator('header .who').getByRole('link', { name: 'Sign out' }).click(),
    ]);
    await page.getByRole('heading', { name: 'Signed out' }).waitFor();
    assert.deepEqual(provider.loggedOut, [idToken], 'the provider ended the session the ID token names');
    assert.ok(!(await context.cookies(base)).some((c) => c.name === 'throughline_session'), 'the session cookie is gone');
    const api = await page.request.get(`${base}/api/status`);
    assert.equal(api.status(), 401, 'signed out, the API refuses');

    provider.person = { ...provider.person, sub: 'person-2', groups: ['staff', 'tl-contributors'] };
    await page.goto(`${base}/`);
    assert.equal(page.url(), `${base}/`);
    assert.equal(provider.tokensIssued, 2, 'signed in again through the provider');
    const item = await anItem();
    const { response, target } = await correct(item.href);
    assert.equal(response.status(), 303);
    assert.match(page.url(), /saved=linked/);
    const r = await page.request.get(`${base}/api/items/${encodeURIComponent(item.source)}/${encodeURIComponent(item.key)}`);
    const { links } = await r.json();
    const corrected = links.find((l) => l.origin === 'corrected');
    assert.ok(corrected, 'the correction is stored');
    assert.equal(`off_plan:${corrected.target.id}`, target);
  });
});
