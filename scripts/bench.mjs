// `npm run bench`: one table with every performance figure the issues define. Medians of several runs; startup
// figures are ratios to a bare `node -e 0` measured in the same run. Each area contributes rows from
// scripts/bench/<area>.mjs (default export: async (ctx) => [{ name, value, unit, goal, ok }]).
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const runs = Number(process.env.BENCH_RUNS ?? 9)
const only = process.argv.slice(2)

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}

function timeOnce(argv, env) {
  const start = process.hrtime.bigint()
  const r = spawnSync(process.execPath, argv, { cwd: root, env, stdio: ['ignore', 'ignore', 'pipe'] })
  const ms = Number(process.hrtime.bigint() - start) / 1e6
  return { ms, status: r.status, stderr: r.stderr?.toString() ?? '' }
}

/**
 * Times `node <argv>` `runs` times (after one warm-up), each run right after a bare `node -e 0`, so the ratio
 * compares runs made under the same load; measures peak RSS in one extra run.
 */
function timeNode(argv, { env = {}, runs: n = runs, expectStatus = 0 } = {}) {
  const fullEnv = { ...process.env, NO_COLOR: '1', ...env }
  const first = timeOnce(argv, fullEnv)
  if (expectStatus !== undefined && first.status !== expectStatus) {
    throw new Error(`node ${argv.join(' ')} exited ${first.status}: ${first.stderr.slice(0, 500)}`)
  }
  const times = []
  const baselines = []
  for (let i = 0; i < n; i++) {
    baselines.push(timeOnce(['-e', '0'], fullEnv).ms)
    times.push(timeOnce(argv, fullEnv).ms)
  }
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-rss-'))
  const rssFile = path.join(dir, 'rss')
  spawnSync(process.execPath, ['--require', path.join(root, 'scripts/bench/rss-probe.cjs'), ...argv], {
    cwd: root,
    env: { ...fullEnv, BENCH_RSS_FILE: rssFile },
    stdio: 'ignore',
  })
  let peakRssMb = NaN
  try {
    peakRssMb = Number(readFileSync(rssFile, 'utf8').trim().split('\n').pop()) / 1024
  } catch {
    // the process did not exit normally; leave NaN
  }
  rmSync(dir, { recursive: true, force: true })
  return { medianMs: median(times), baselineMs: median(baselines), ratio: median(times) / median(baselines), peakRssMb }
}

const baseline = timeNode(['-e', '0'])
const ctx = {
  root,
  runs,
  median,
  baselineMs: baseline.medianMs,
  baselineRssMb: baseline.peakRssMb,
  timeNode,
  timeCli: (args, options = {}) => timeNode([path.join(root, 'bin/oidc-setup.js'), ...args], options),
}

const rows = [
  { name: 'node -e 0 (at the start; each ratio uses bare-node runs interleaved with its own)', value: baseline.medianMs, unit: 'ms', goal: '', ok: true },
]
const areas = readdirSync(path.join(root, 'scripts/bench'))
  .filter((f) => f.endsWith('.mjs'))
  .filter((f) => only.length === 0 || only.includes(f.replace(/\.mjs$/, '')))
  .sort()
let failed = false
for (const file of areas) {
  const mod = await import(pathToFileURL(path.join(root, 'scripts/bench', file)).href)
  try {
    rows.push(...(await mod.default(ctx)))
  } catch (error) {
    failed = true
    rows.push({ name: `${file}: failed`, value: NaN, unit: '', goal: String(error?.message ?? error).slice(0, 80), ok: false })
  }
}

const fmt = (v) => (typeof v === 'number' ? (Number.isInteger(v) ? String(v) : v.toFixed(v < 10 ? 2 : 1)) : String(v))
const table = [['figure', 'median', 'unit', 'goal', ''], ...rows.map((r) => [r.name, fmt(r.value), r.unit, r.goal ?? '', r.ok ? 'ok' : 'MISS'])]
const widths = table[0].map((_, i) => Math.max(...table.map((row) => String(row[i]).length)))
const line = (row) => `| ${row.map((c, i) => String(c).padEnd(widths[i])).join(' | ')} |`
console.log(`oidc-setup benchmarks — ${runs} runs each, node ${process.version}, ${os.cpus().length} cores, ${new Date().toISOString().slice(0, 10)}\n`)
console.log(line(table[0]))
console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`)
for (const row of table.slice(1)) {
  console.log(line(row))
}
process.exitCode = failed || rows.some((r) => !r.ok) ? 1 : 0
