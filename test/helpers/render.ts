import path from 'node:path'
import { checkHttpUrl, checkIssuer } from '../../src/domain/urls.js'
import { nodeFileSystem } from '../../src/infra/fs.js'
import { templatesDir } from '../../src/infra/templates.js'
import { requireRenderableTarget } from '../../src/targets/index.js'
import type { RenderContext, RenderFormat, SecretSource, TargetSettings } from '../../src/targets/types.js'
import {
  renderConfig,
  renderContext,
  type ExistingPolicy,
  type RenderConfigDeps,
  type RenderConfigInput,
  type RenderMode,
} from '../../src/usecases/render-config.js'
import { ROOT } from './cli.js'

/** A deterministic stand-in for random bytes: 0x01…, then 0x02…, so golden files never change. */
export function fixedRandom(): (bytes: number) => string {
  let next = 1
  return (bytes) => Buffer.alloc(bytes, next++).toString('base64')
}

/** The templates shipped in the repository. */
export const TEMPLATES = templatesDir(path.join(ROOT, 'src', 'infra', 'templates.ts'))

/** Options for one render in tests; defaults are the golden-file values. */
export interface RenderOptions {
  target: string
  issuer?: string
  clientId?: string
  secret?: SecretSource
  baseUrl?: string
  format?: RenderFormat
  outDir: string
  existing?: ExistingPolicy
  mode?: RenderMode
  /** Target settings (`--set`), already in their typed form. */
  settings?: TargetSettings | undefined
  companions?: Readonly<Record<string, { clientId: string }>> | undefined
}

/** Settings a target requires, for tests that are not about them. */
export const REQUIRED_SETTINGS: Readonly<Record<string, TargetSettings>> = {
  openmetadata: { adminPrincipals: ['jdoe', 'asmith'], principalDomain: 'example.com' },
  kestra: { defaultRole: 'Viewer', defaultRolePermissions: ['FLOW:READ', 'EXECUTION:READ', 'FLOW:UPDATE'] },
}

export const DEFAULT_SECRET = 'S3cr3t-from-Okta_0123456789abcdef'

/** Builds a render-config input from test options. */
export function inputFor(options: RenderOptions): RenderConfigInput {
  return {
    target: requireRenderableTarget(options.target),
    issuer: checkIssuer('--issuer', options.issuer ?? 'https://example.okta.com'),
    clientId: options.clientId ?? '0oa1example2client3',
    clientSecret: options.secret ?? { kind: 'literal', value: DEFAULT_SECRET },
    baseUrl: checkHttpUrl('--base-url', options.baseUrl ?? 'https://app.example.org'),
    outDir: options.outDir,
    format: options.format ?? 'native',
    existing: options.existing ?? 'refuse',
    mode: options.mode ?? 'write',
    settings: options.settings ?? REQUIRED_SETTINGS[requireRenderableTarget(options.target).name],
    companions: options.companions,
  }
}

/** The use case's deps with the real filesystem and deterministic randomness. */
export function depsFor(overrides: Partial<RenderConfigDeps> = {}): RenderConfigDeps {
  return { fs: nodeFileSystem, cwd: ROOT, templatesDir: TEMPLATES, randomBase64: fixedRandom(), ...overrides }
}

/** Renders with the use case (no CLI). */
export function render(options: RenderOptions, deps: Partial<RenderConfigDeps> = {}) {
  return renderConfig(inputFor(options), depsFor(deps))
}

/** A renderer context (for calling a target's renderer directly in property tests). */
export function contextFor(options: Omit<RenderOptions, 'outDir'>): RenderContext {
  return renderContext(inputFor({ ...options, outDir: '.' }), fixedRandom())
}
