// What the browser tests share: a free loopback port for a server, waiting until a
// started `throughline serve` answers, and stopping it. Not a test file itself (`node --test e2e/` runs
// only `*.test.mjs`).

import { createServer } from 'node:net';

/** A free loopback port (the OS picks one; we release it for the server). */
export function freePort() {
  return new Promise((ok, fail) => {
    const s = createServer();
    s.unref();
    s.on('error', fail);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => ok(port));
    });
  });
}

/** Waits up to 60 s for `/api/health` of `server` (its output so far in `log`). */
export async function waitForHealth(base, server, log) {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (server.exitCode !== null) {
      throw new Error(`throughline serve exited with ${server.exitCode}:\n${log.join('')}`);
    }
    try {
      const r = await fetch(`${base}/api/health`);
      if (r.ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`the server did not answer /api/health within 60 s:\n${log.join('')}`);
}

/** Stops `server` if it still runs: SIGINT (a graceful shutdown), SIGKILL after 5 s. */
export async function stopServer(server) {
  if (!server || server.exitCode !== null) return;
  server.kill('SIGINT');
  await new Promise((r) => {
    const t = setTimeout(() => {
      server.kill('SIGKILL');
      r();
    }, 5000);
    server.on('exit', () => {
      clearTimeout(t);
      r();
    });
  });
}
