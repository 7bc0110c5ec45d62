// Reconcile engine benchmark (issue 9 item 10), against the sandbox with 50 ms added latency per request: one run
// over a 50-app spec of mixed targets — org server and one shared custom server (`default`, with a shared custom
// scope) — assigned to two groups; fresh, then a no-change re-run (goal: 0 writes, at most 12 reads, under 3 s).
// Runs the engine API (planApps + applyPlan) in-process, as `apply -f` does (one plan per org).
import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { loadSource } from './load-source.mjs'

const LATENCY_MS = 50
const APPS = Number(process.env.BENCH_APPLY_APPS ?? 50)
const TARGETS = ['galaxy', 'pomerium', 'kestra', 'web', 'openmetadata', 'service']

async function loadModules(root) {
  return loadSource(root, 'apply', [
    "export { startSandbox } from './src/sandbox/index.ts'",
    "export { planApps, applyPlan } from './src/usecases/engine/index.ts'",
    "export { createOktaAdmin } from './src/infra/okta-admin.ts'",
    "export { FileProfileStore } from './src/infra/profile-store.ts'",
    "export { FileSecretStore } from './src/infra/secret-store.ts'",
    "export { nodeFileSystem } from './src/infra/fs.ts'",
    "export { requireTarget } from './src/targets/index.ts'",
  ])
}

function countSince(sandbox, mark) {
  const entries = sandbox.requestLog.slice(mark).filter((e) => e.path.startsWith('/api/v1/'))
  const reads = entries.filter((e) => e.method === 'GET').length
  return { reads, writes: entries.length - reads }
}

export default async function applyBench(ctx) {
  const mods = await loadModules(ctx.root)
  const sandbox = await mods.startSandbox()
  const home = mkdtempSync(path.join(os.tmpdir(), 'bench-apply-'))
  try {
    const headers = { Authorization: `SSWS ${sandbox.apiToken}`, 'Content-Type': 'application/json' }
    for (const name of ['bench-eng', 'bench-ops']) {
      await fetch(`${sandbox.orgUrl}/api/v1/groups`, { method: 'POST', headers, body: JSON.stringify({ profile: { name } }) })
    }
    sandbox.faults.setLatency(LATENCY_MS)
    const engine = {
      admin: await mods.createOktaAdmin({ orgUrl: sandbox.orgUrl, auth: { mode: 'SSWS', token: sandbox.apiToken }, source: 'bench' }),
      profiles: new mods.FileProfileStore(mods.nodeFileSystem, home),
      secretStore: async () => new mods.FileSecretStore(mods.nodeFileSystem, home),
      clock: { now: () => new Date(), sleep: (ms) => new Promise((r) => setTimeout(r, ms)) },
      target: mods.requireTarget,
    }
    const intents = Array.from({ length: APPS }, (_, i) => {
      const target = TARGETS[i % TARGETS.length]
      return {
        name: `bench-${i}`,
        target,
        baseUrl: target === 'service' ? undefined : `https://bench-${i}.apply.example.com`,
        label: `bench apply ${i}`,
        // The custom-server apps share one custom scope on `default`.
        scopes: target === 'web' || target === 'openmetadata' || target === 'service' ? ['bench:read'] : [],
        assign: { groups: target === 'service' ? [] : ['bench-eng', 'bench-ops'], users: [] },
        trustedOrigins: [],
        settings: target === 'openmetadata' ? { adminPrincipals: ['admin'] } : {},
      }
    })
    const run = async () => {
      const mark = sandbox.requestLog.length
      const start = performance.now()
      const plan = await mods.planApps(intents, engine)
      await mods.applyPlan(plan, engine)
      return { ms: performance.now() - start, ...countSince(sandbox, mark) }
    }
    const fresh = await run()
    const again = await run()
    if (process.env.BENCH_APPLY_DEBUG) {
      const byPath = {}
      for (const e of sandbox.requestLog.slice(-again.reads - again.writes)) {
        const key = `${e.method} ${e.path.replace(/[0-9a-zA-Z]{20}/g, ':id')}`
        byPath[key] = (byPath[key] ?? 0) + 1
      }
      console.error(byPath)
    }
    sandbox.faults.setLatency(0)
    return [
      { name: `apply ${APPS} apps (org + shared custom server, 2 groups): fresh (50 ms latency)`, value: Math.round(fresh.ms), unit: 'ms', goal: `${fresh.reads} reads + ${fresh.writes} writes`, ok: true },
      {
        name: `apply ${APPS} apps: no-change re-run`,
        value: Math.round(again.ms),
        unit: 'ms',
        goal: `0 writes, ≤ 12 reads, < 3000 ms (${again.writes} writes, ${again.reads} reads)`,
        ok: again.writes === 0 && again.reads <= 12 && again.ms < 3000,
      },
    ]
  } finally {
    await sandbox.close()
    rmSync(home, { recursive: true, force: true })
  }
}
