// The reference systems: the backend every system forwards to, and nginx and HAProxy as plain keep-alive
// reverse proxies in front of it (Debian packages, installed when missing and possible, else skipped).

import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { type CpuPlan, hasCommand, pinned } from './machine.js';
import { type Started, startProcess } from './processes.js';

// A small app answering every request with a short body, as a typical JSON endpoint would.
const BACKEND = `require('node:http').createServer((q, s) => { s.setHeader('content-type', 'text/plain'); s.end('ok') })
  .listen(0, '127.0.0.1', function () { console.log('port ' + this.address().port) })`;

export async function startBackend(plan: CpuPlan): Promise<Started & { port: number }> {
  const started = await startProcess(
    pinned(plan, plan.systemCpu, [process.execPath, '-e', BACKEND]),
    /port (\d+)/,
  );
  return { ...started, port: Number(started.match[1]) };
}

/** Whether `command` is here, installing Debian's `pkg` when running as root; the reason when not. */
export function ensureInstalled(command: string, pkg: string): { ok: true } | { ok: false; reason: string } {
  if (hasCommand(command)) return { ok: true };
  if (process.getuid?.() !== 0 || !hasCommand('apt-get')) {
    return { ok: false, reason: `${command} is not installed (apt-get install ${pkg}); skipped` };
  }
  try {
    execFileSync('apt-get', ['install', '-y', '-qq', pkg], { stdio: 'ignore', timeout: 180_000 });
  } catch {
    try {
      execFileSync('apt-get', ['update', '-qq'], { stdio: 'ignore', timeout: 180_000 });
      execFileSync('apt-get', ['install', '-y', '-qq', pkg], { stdio: 'ignore', timeout: 180_000 });
    } catch (error) {
      return { ok: false, reason: `apt-get install ${pkg} failed (${(error as Error).message}); skipped` };
    }
  }
  return hasCommand(command)
    ? { ok: true }
    : { ok: false, reason: `${pkg} installed no ${command}; skipped` };
}

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Resolves once `url` answers 200 (the C proxies print nothing when ready). */
async function answering(url: string, timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    try {
      const res = await request(url);
      await res.body.text();
      if (res.statusCode === 200) return;
    } catch {}
    if (Date.now() > until) throw new Error(`${url} did not answer 200 in ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** nginx, one worker, upstream keep-alive: the configuration a careful operator would write. */
export async function startNginx(plan: CpuPlan, backendPort: number): Promise<Started & { port: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-bench-nginx-'));
  const port = await freePort();
  writeFileSync(
    join(dir, 'nginx.conf'),
    `daemon off;
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  upstream backend { server 127.0.0.1:${backendPort}; keepalive 128; }
  server {
    listen 127.0.0.1:${port};
    keepalive_requests 1000000;
    location / {
      proxy_pass http://backend;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
    }
  }
}
`,
  );
  const started = await startProcess(
    pinned(plan, plan.systemCpu, ['nginx', '-p', dir, '-c', join(dir, 'nginx.conf')]),
    () => answering(`http://127.0.0.1:${port}/`),
  );
  return { ...started, port };
}

/** HAProxy, one thread, server connections reused across clients (`http-reuse always`). */
export async function startHaproxy(plan: CpuPlan, backendPort: number): Promise<Started & { port: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-bench-haproxy-'));
  const port = await freePort();
  writeFileSync(
    join(dir, 'haproxy.cfg'),
    `global
  nbthread 1
  maxconn 8192
defaults
  mode http
  timeout connect 5s
  timeout client 30s
  timeout server 30s
  option http-keep-alive
  http-reuse always
frontend bench
  bind 127.0.0.1:${port}
  default_backend app
backend app
  server app 127.0.0.1:${backendPort}
`,
  );
  const started = await startProcess(
    pinned(plan, plan.systemCpu, ['haproxy', '-db', '-f', join(dir, 'haproxy.cfg')]),
    () => answering(`http://127.0.0.1:${port}/`),
  );
  return { ...started, port };
}
