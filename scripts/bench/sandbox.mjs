// Sandbox benchmark (issue 3): start time of `oidc-setup sandbox start` until it has printed its JSON (goal < 1 s),
// and sustained requests/s from this (second) process against the sandbox child: GET /api/v1/apps (goal >= 500/s)
// and POST /api/v1/apps (app creation). Bounded: fixed durations and request caps, 127.0.0.1 only.
// Knobs: BENCH_SANDBOX_SECONDS (per load phase, default 3), BENCH_SANDBOX_CONCURRENCY (default 16),
// BENCH_SANDBOX_STARTS (start-time samples, default 5).
import { spawn } from 'node:child_process'
import path from 'node:path'

const SECONDS = Number(process.env.BENCH_SANDBOX_SECONDS ?? 3)
const CONCURRENCY = Number(process.env.BENCH_SANDBOX_CONCURRENCY ?? 16)
const STARTS = Number(process.env.BENCH_SANDBOX_STARTS ?? 5)
const MAX_REQUESTS = 200_000

/** Starts the built CLI's sandbox; resolves with its JSON document, the child, and the ms until the JSON was out. */
function startSandbox(root) {
  return new Promise((resolve, reject) => {
    const started = performance.now()
    const child = spawn(process.execPath, [path.join(root, 'bin/oidc-setup.js'), 'sandbox', 'start', '--json', '--port', '0'], {
      cwd: root,
      env: { ...process.env, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let out = ''
    let err = ''
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`sandbox did not start in 20 s: ${err.slice(0, 300)}`))
    }, 20_000)
    child.stderr.setEncoding('utf8').on('data', (d) => (err += d))
    child.stdout.setEncoding('utf8').on('data', (d) => {
      out += d
      try {
        const doc = JSON.parse(out)
        clearTimeout(timer)
        resolve({ doc, child, ms: performance.now() - started })
      } catch {
        // not complete yet
      }
    })
    child.on('error', reject)
    child.on('exit', (code) => {
      clearTimeout(timer)
      if (!out) {
        reject(new Error(`sandbox exited ${code}: ${err.slice(0, 300)}`))
      }
    })
  })
}

function stop(child) {
  return new Promise((resolve) => {
    child.once('exit', () => resolve())
    child.kill('SIGTERM')
    setTimeout(() => child.kill('SIGKILL'), 3000).unref()
  })
}

/** Runs `request` from CONCURRENCY workers for SECONDS; returns requests/s and the error count. */
async function load(request) {
  const deadline = performance.now() + SECONDS * 1000
  let done = 0
  let errors = 0
  const worker = async (w) => {
    let i = 0
    while (performance.now() < deadline && done < MAX_REQUESTS) {
      try {
        await request(w, i++)
        done++
      } catch {
        errors++
      }
    }
  }
  const start = performance.now()
  await Promise.all(Array.from({ length: CONCURRENCY }, (_, w) => worker(w)))
  return { perSecond: done / ((performance.now() - start) / 1000), errors }
}

function appBody(label) {
  return JSON.stringify({
    name: 'oidc_client',
    label,
    signOnMode: 'OPENID_CONNECT',
    credentials: { oauthClient: { token_endpoint_auth_method: 'client_secret_basic' } },
    settings: { oauthClient: { application_type: 'web', grant_types: ['authorization_code', 'refresh_token'], redirect_uris: ['https://app.example.com/callback'] } },
  })
}

export default async function sandboxBench(ctx) {
  const startTimes = []
  for (let i = 0; i < STARTS; i++) {
    const { child, ms } = await startSandbox(ctx.root)
    startTimes.push(ms)
    await stop(child)
  }
  const startMs = ctx.median(startTimes)

  const { doc, child } = await startSandbox(ctx.root)
  try {
    const headers = { Authorization: `SSWS ${doc.apiToken}`, Accept: 'application/json' }
    const json = { ...headers, 'Content-Type': 'application/json' }
    for (let i = 0; i < 20; i++) {
      const res = await fetch(`${doc.orgUrl}/api/v1/apps`, { method: 'POST', headers: json, body: appBody(`bench-seed-${i}`) })
      await res.arrayBuffer()
    }
    const reads = await load(async () => {
      const res = await fetch(`${doc.orgUrl}/api/v1/apps?limit=20`, { headers })
      await res.arrayBuffer()
      if (res.status !== 200) {
        throw new Error(String(res.status))
      }
    })
    const writes = await load(async (w, i) => {
      const res = await fetch(`${doc.orgUrl}/api/v1/apps`, { method: 'POST', headers: json, body: appBody(`bench-${w}-${i}`) })
      await res.arrayBuffer()
      if (res.status !== 200) {
        throw new Error(String(res.status))
      }
    })
    return [
      { name: 'sandbox start (CLI, until JSON printed)', value: startMs, unit: 'ms', goal: '< 1000', ok: startMs < 1000 },
      { name: `sandbox GET /api/v1/apps (${CONCURRENCY} conns)`, value: reads.perSecond, unit: 'req/s', goal: '>= 500', ok: reads.perSecond >= 500 && reads.errors === 0 },
      { name: `sandbox POST /api/v1/apps (${CONCURRENCY} conns)`, value: writes.perSecond, unit: 'req/s', goal: 'no errors', ok: writes.errors === 0 },
    ]
  } finally {
    await stop(child)
  }
}
