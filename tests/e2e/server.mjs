// SPDX-License-Identifier: Apache-2.0
// Starts a real tsunagu server for the browser tests: a fresh data directory with the demo
// region, a free port, the built UI from web/dist. Stopped by PID at the end.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
export const serverBin = process.env.TSUNAGU_BIN ?? path.join(repoRoot, 'build', 'tsunagu');
export const staticDir = process.env.TSUNAGU_STATIC_DIR ?? path.join(repoRoot, 'web', 'dist');

export const DEMO_PASSWORD = 'minami-demo-2026';

const HEALTH_TIMEOUT_MS = 20_000;
const HEALTH_POLL_MS = 50;
const STOP_TIMEOUT_MS = 5_000;
const LOG_LIMIT = 64 * 1024;

/** Asks the kernel for a free port on the loopback interface. */
function freePort() {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.unref();
    probe.on('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

/** Runs a command to completion; rejects with its output when it fails. */
function run(command, args) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (code === 0) resolve(output);
      else reject(new Error(`${command} ${args.join(' ')} failed (${code ?? signal}):\n${output}`));
    });
  });
}

function checkPrerequisites() {
  if (!existsSync(serverBin)) {
    throw new Error(`server binary not found: ${serverBin} (build it, or set TSUNAGU_BIN)`);
  }
  if (!existsSync(path.join(staticDir, 'index.html'))) {
    throw new Error(`UI not built: ${staticDir}/index.html missing (run npm run build in web/)`);
  }
}

const running = new Set();
process.on('exit', () => {
  // Last resort if a test process ends without calling stop(): never leave a server behind.
  for (const child of running) {
    try {
      process.kill(child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
});

function spawnServer(port, dataDir) {
  const args = ['serve', '--listen', `127.0.0.1:${port}`, '--data-dir', dataDir, '--static-dir', staticDir];
  const child = spawn(serverBin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const state = { child, log: '', exit: null };
  const keep = (chunk) => {
    if (state.log.length < LOG_LIMIT) state.log += chunk;
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  child.on('error', (error) => (state.exit = { error }));
  child.on('exit', (code, signal) => {
    state.exit = { code, signal };
    running.delete(child);
  });
  running.add(child);
  return state;
}

/** Polls GET /api/health until it answers 200, the server exits, or the time is up. */
async function waitHealthy(baseUrl, state) {
  const deadline = Date.now() + HEALTH_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (state.exit) return false;
    try {
      const response = await fetch(`${baseUrl}/api/health`);
      if (response.ok) return true;
    } catch {
      // not listening yet
    }
    await delay(HEALTH_POLL_MS);
  }
  throw new Error(`server did not become healthy within ${HEALTH_TIMEOUT_MS} ms:\n${state.log}`);
}

async function stopChild(state) {
  if (state.exit) return;
  const exited = new Promise((resolve) => state.child.once('exit', resolve));
  process.kill(state.child.pid, 'SIGTERM');
  const timer = delay(STOP_TIMEOUT_MS).then(() => 'timeout');
  if ((await Promise.race([exited, timer])) === 'timeout' && !state.exit) {
    process.kill(state.child.pid, 'SIGKILL');
    await exited;
  }
}

/**
 * Creates a demo data directory and starts `tsunagu serve` on a free port.
 * Returns { baseUrl, dataDir, log(), stop() }; stop() kills the server and removes the data.
 */
export async function startServer() {
  checkPrerequisites();
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'tsunagu-e2e-'));
  try {
    await run(serverBin, ['init', '--demo', '--data-dir', dataDir]);
    // A port found free can be taken before the server binds it: try a few times.
    for (let attempt = 1; ; attempt++) {
      const port = await freePort();
      const baseUrl = `http://127.0.0.1:${port}`;
      const state = spawnServer(port, dataDir);
      if (await waitHealthy(baseUrl, state)) {
        return {
          baseUrl,
          dataDir,
          log: () => state.log,
          stop: async () => {
            await stopChild(state);
            await rm(dataDir, { recursive: true, force: true });
          },
        };
      }
      if (attempt >= 3) {
        throw new Error(`server exited (${JSON.stringify(state.exit)}):\n${state.log}`);
      }
    }
  } catch (error) {
    await rm(dataDir, { recursive: true, force: true });
    throw error;
  }
}

/** Logs in through the API (as a script would) and returns helpers bound to that session. */
export async function apiSession(baseUrl, login, password = DEMO_PASSWORD) {
  const response = await fetch(`${baseUrl}/api/auth/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ login, password }),
  });
  if (!response.ok) throw new Error(`API login as ${login}: HTTP ${response.status} ${await response.text()}`);
  const body = await response.json();
  const cookie = response.headers
    .getSetCookie()
    .map((line) => line.split(';', 1)[0])
    .join('; ');
  const call = async (method, apiPath, payload) => {
    const headers = { Cookie: cookie, Accept: 'application/json' };
    if (method !== 'GET') headers['X-CSRF-Token'] = body.csrf_token;
    if (payload !== undefined) headers['Content-Type'] = 'application/json';
    const answer = await fetch(`${baseUrl}${apiPath}`, {
      method,
      headers,
      body: payload === undefined ? undefined : JSON.stringify(payload),
    });
    const text = await answer.text();
    if (!answer.ok) throw new Error(`${method} ${apiPath}: HTTP ${answer.status} ${text}`);
    return text ? JSON.parse(text) : undefined;
  };
  return {
    me: body.me,
    get: (apiPath) => call('GET', apiPath),
    post: (apiPath, payload) => call('POST', apiPath, payload),
    put: (apiPath, payload) => call('PUT', apiPath, payload),
    patch: (apiPath, payload) => call('PATCH', apiPath, payload),
    del: (apiPath) => call('DELETE', apiPath),
  };
}

/** The id of a demo patient found by name and local id, as seen by `login`. */
export async function findPatientId(baseUrl, login, name, localId) {
  const session = await apiSession(baseUrl, login);
  const list = await session.get(`/api/patients?q=${encodeURIComponent(name)}`);
  const patient = list.items.find((p) => p.name === name && p.local_ids.some((l) => l.local_id === localId));
  if (!patient) throw new Error(`${login} cannot find ${name} (${localId}): ${JSON.stringify(list)}`);
  return patient.id;
}
