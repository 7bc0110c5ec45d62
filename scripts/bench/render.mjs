// Startup benchmark (issue 2 §5): `oidc-setup --help` and one `render-config` per target, as medians over
// ctx.runs, against a bare `node -e 0` measured in the same run. Goals: ≤ 1.5× bare node, peak RSS ≤ 80 MB.
// render-config writes to --stdout (no files, so every run does the same work) with the secret from an env var.
import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'

const MAX_RATIO = 1.5
const MAX_RSS_MB = 80

const TARGETS = [
  ['galaxy', 'https://galaxy.example.org', 'https://example.okta.com'],
  ['pomerium', 'https://authenticate.example.com', 'https://example.okta.com'],
  ['kestra', 'https://kestra.example.com', 'https://example.okta.com'],
  ['openmetadata', 'https://om.example.com', 'https://example.okta.com/oauth2/default'],
  ['grafana', 'https://grafana.example.com', 'https://example.okta.com/oauth2/default'],
  ['argocd', 'https://argocd.example.com', 'https://example.okta.com/oauth2/default'],
  ['kubernetes', 'https://k8s.example.com:6443', 'https://example.okta.com/oauth2/default', ['--set', 'bindGroups=k8s-viewers']],
  ['vault', 'https://vault.example.com:8200', 'https://example.okta.com/oauth2/default'],
  ['oauth2-proxy', 'https://proxy.example.com', 'https://example.okta.com/oauth2/default', ['--set', 'upstreams=http://127.0.0.1:8080/']],
  ['gitlab', 'https://gitlab.example.com', 'https://example.okta.com'],
  ['harbor', 'https://harbor.example.com', 'https://example.okta.com'],
  ['minio', 'https://console.minio.example.com', 'https://example.okta.com/oauth2/default'],
  ['jenkins', 'https://jenkins.example.com', 'https://example.okta.com'],
  ['backstage', 'https://backstage.example.com', 'https://example.okta.com'],
]

/** Rows for the bench table: time ratio and peak RSS per command. */
function rows(ctx, label, measured) {
  // Against the bare-node runs interleaved with this command's runs (same load), not the one at the start.
  const ratio = measured.ratio ?? measured.medianMs / ctx.baselineMs
  return [
    {
      name: `${label} (×node)`,
      value: ratio,
      unit: `× (${measured.medianMs.toFixed(0)} ms)`,
      goal: `≤ ${MAX_RATIO}×`,
      ok: ratio <= MAX_RATIO,
    },
    {
      name: `${label} peak RSS`,
      value: measured.peakRssMb,
      unit: 'MB',
      goal: `≤ ${MAX_RSS_MB} MB`,
      ok: measured.peakRssMb <= MAX_RSS_MB,
    },
  ]
}

export default async function renderBench(ctx) {
  const home = mkdtempSync(path.join(os.tmpdir(), 'bench-render-home-'))
  const env = { OIDC_SETUP_CONFIG_DIR: home, BENCH_OKTA_SECRET: 'bench-secret-0123456789abcdef' }
  try {
    const out = [...rows(ctx, 'oidc-setup --help', ctx.timeCli(['--help'], { env }))]
    for (const [target, baseUrl, issuer, extra = []] of TARGETS) {
      const args = [
        'render-config',
        '--target',
        target,
        '--issuer',
        issuer,
        '--client-id',
        '0oabench',
        '--client-secret-env',
        'BENCH_OKTA_SECRET',
        '--base-url',
        baseUrl,
        '--stdout',
        ...extra,
      ]
      out.push(...rows(ctx, `render-config --target ${target}`, ctx.timeCli(args, { env })))
    }
    return out
  } finally {
    rmSync(home, { recursive: true, force: true })
  }
}
