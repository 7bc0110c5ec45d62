import path from 'node:path'
import { ConfigError, UsageError } from '../domain/errors.js'
import { REDACTED } from '../domain/redact.js'
import type { CheckedIssuer, CheckedUrl } from '../domain/urls.js'
import type { FileSystem } from '../infra/fs.js'
import type {
  OktaAppRequirements,
  RenderableTarget,
  RenderContext,
  RenderFormat,
  RenderedFile,
  SecretSource,
  TargetSettings,
} from '../targets/types.js'
import { requireSettings, withDefaults } from '../targets/settings.js'

/** What to do with a file that already exists. */
export type ExistingPolicy = 'refuse' | 'merge' | 'force'

/** Where the rendered files go. */
export type RenderMode = 'write' | 'stdout' | 'dry-run'

/** A fully resolved render-config request (flags, profile and secret already combined and validated). */
export interface RenderConfigInput {
  target: RenderableTarget
  issuer: CheckedIssuer
  clientId: string
  clientSecret: SecretSource
  baseUrl: CheckedUrl
  /** The output directory as the user gave it (paths in the result are shown relative to it). */
  outDir: string
  format: RenderFormat
  existing: ExistingPolicy
  mode: RenderMode
  /** The target's settings, already validated (resolveSettings); required ones are checked here. */
  settings?: TargetSettings | undefined
  /** Client ids of the target's companion apps by role. */
  companions?: Readonly<Record<string, { clientId: string }>> | undefined
}

/** The edges render-config touches. */
export interface RenderConfigDeps {
  fs: Pick<FileSystem, 'readText' | 'writeTextAtomic' | 'copy'>
  /** The working directory that a relative `outDir` resolves against. */
  cwd: string
  /** The shipped templates directory. */
  templatesDir: string
  /** Base64 of n random bytes (injected so golden files are deterministic). */
  randomBase64(bytes: number): string
}

/** One file of the result. */
export interface RenderConfigFile {
  /** Path shown to the user: outDir joined with the file name. */
  path: string
  /** The file name inside the output directory. */
  name: string
  text: string
  containsSecret: boolean
  /** Secret values in `text` or `previous`, for redaction. */
  secrets: string[]
  /** The file's text before this run, if it existed. */
  previous?: string | undefined
  /** True when the previous text could not be parsed, so its secrets are unknown and diffs must not show it. */
  previousHidden?: boolean | undefined
  action: 'create' | 'merge' | 'overwrite' | 'unchanged'
  written: boolean
  /** Where the previous file was copied before --force replaced it. */
  backup?: string | undefined
}

/** What render-config produced. */
export interface RenderConfigResult {
  target: string
  files: RenderConfigFile[]
  okta: OktaAppRequirements
}

/**
 * Checks that a target supports the requested format and secret reference, before anything is read or written.
 * Throws a UsageError naming the flag.
 */
export function checkRenderOptions(target: RenderableTarget, format: RenderFormat, secretRef: boolean): void {
  if (!target.formats.includes(format)) {
    throw new UsageError(`target "${target.name}" has no --format ${format}`, {
      hint: `${target.name} supports --format ${target.formats.join(' | ')}`,
    })
  }
  if (secretRef && target.secretRefUnsupported) {
    throw new UsageError(`target "${target.name}" cannot take --secret-ref env: ${target.secretRefUnsupported}`, {
      hint: 'leave out --secret-ref; the file is then written 0600 with the literal secret',
    })
  }
}

/** The `okta` part of the --json result: what to register in Okta. */
export function oktaSummary(okta: OktaAppRequirements): {
  redirectUris: string[]
  postLogoutRedirectUris: string[]
  grantTypes: string[]
  scopes: string[]
  applicationType: string
} {
  return {
    redirectUris: okta.redirectUris,
    postLogoutRedirectUris: okta.postLogoutRedirectUris,
    grantTypes: okta.grantTypes,
    scopes: okta.scopes,
    applicationType: okta.applicationType,
  }
}

/** Builds the renderer context from the input. */
export function renderContext(input: RenderConfigInput, randomBase64: (bytes: number) => string): RenderContext {
  const settings = withDefaults(input.target, input.settings ?? {})
  const requirements = input.target.requirements({ baseUrl: input.baseUrl.url, settings })
  return {
    issuer: input.issuer.text,
    issuerKind: input.issuer.kind,
    jwksUri: input.issuer.jwksUri,
    discoveryUri: input.issuer.discoveryUri,
    clientId: input.clientId,
    clientSecret: input.clientSecret,
    baseUrl: input.baseUrl.text,
    format: input.format,
    requirements,
    settings,
    companions: input.companions ?? {},
    randomBase64,
  }
}

async function loadTemplates(
  deps: RenderConfigDeps,
  target: RenderableTarget,
  names: string[],
): Promise<Map<string, string>> {
  const templates = new Map<string, string>()
  for (const name of names) {
    const file = path.join(deps.templatesDir, target.name, name)
    const text = await deps.fs.readText(file)
    if (text === undefined) {
      throw new ConfigError(`could not find the template ${file}`, { hint: 'reinstall oidc-setup' })
    }
    templates.set(name, text)
  }
  return templates
}

/**
 * Renders a target's config files and, in `write` mode, writes them: atomically, 0600 when they hold a secret,
 * never over an existing file unless `merge` (only the keys this tool owns change) or `force` (a `.bak` copy is
 * kept). Every file is checked before the first one is written. `stdout` and `dry-run` write nothing.
 */
export async function renderConfig(input: RenderConfigInput, deps: RenderConfigDeps): Promise<RenderConfigResult> {
  checkRenderOptions(input.target, input.format, input.clientSecret.kind === 'env')
  requireSettings(input.target, input.settings ?? {})
  const context = renderContext(input, deps.randomBase64)
  const renderer = await input.target.loadRenderer()
  const names = renderer.files(input.format)
  const templates = await loadTemplates(deps, input.target, names)
  const absoluteDir = path.resolve(deps.cwd, input.outDir)

  const previous = new Map<string, string>()
  for (const name of names) {
    const file = path.join(absoluteDir, name)
    let text: string | undefined
    try {
      text = await deps.fs.readText(file)
    } catch (cause) {
      throw new ConfigError(`could not read ${path.join(input.outDir, name)}: ${(cause as Error).message}`, {
        hint: 'check that --out names a readable directory',
        cause,
      })
    }
    if (text !== undefined) {
      previous.set(name, text)
    }
  }
  const blocked = [...previous.keys()].map((name) => path.join(input.outDir, name))
  if (blocked.length > 0 && input.existing === 'refuse' && input.mode !== 'stdout') {
    throw new ConfigError(`${blocked.join(', ')} already ${blocked.length === 1 ? 'exists' : 'exist'}; not overwriting`, {
      hint: 'pass --merge to update only the keys oidc-setup owns (everything else is kept), --force to replace (a .bak copy is kept), or --out DIR for another directory',
    })
  }

  const fresh = new Map(renderer.render(context, templates).map((f) => [f.path, f]))
  const files: RenderConfigFile[] = names.map((name) => {
    const old = previous.get(name)
    let rendered: RenderedFile | undefined
    let action: RenderConfigFile['action']
    if (old !== undefined && input.existing === 'merge') {
      rendered = renderer.merge(name, old, context, templates)
      action = 'merge'
    } else {
      rendered = fresh.get(name)
      action = old === undefined ? 'create' : 'overwrite'
    }
    if (!rendered) {
      throw new Error(`renderer for ${input.target.name} produced no ${name}`)
    }
    if (old !== undefined && old === rendered.text) {
      action = 'unchanged'
    }
    let secrets = rendered.secrets
    let previousHidden = false
    if (old !== undefined && action === 'overwrite') {
      // Find the secrets of the file being replaced, so a --dry-run diff can hide them too.
      try {
        secrets = [...secrets, ...renderer.merge(name, old, { ...context, randomBase64: () => '' }, templates).secrets]
      } catch {
        previousHidden = true
      }
    }
    return {
      path: path.join(input.outDir, name),
      name,
      text: rendered.text,
      containsSecret: rendered.containsSecret,
      secrets,
      previous: old,
      previousHidden,
      action,
      written: false,
    }
  })

  if (input.mode === 'write') {
    const dirMode = files.some((f) => f.containsSecret) ? 0o700 : 0o755
    for (const file of files) {
      if (file.action === 'unchanged') {
        continue
      }
      const target = path.join(absoluteDir, file.name)
      try {
        if (file.action === 'overwrite') {
          file.backup = `${file.path}.bak`
          // The old file may hold a secret too.
          await deps.fs.copy(target, `${target}.bak`, 0o600)
        }
        await deps.fs.writeTextAtomic(target, file.text, { mode: file.containsSecret ? 0o600 : 0o644, dirMode })
      } catch (cause) {
        throw new ConfigError(`could not write ${file.path}: ${(cause as Error).message}`, {
          hint: 'check that the output directory is writable (--out DIR)',
          cause,
        })
      }
      file.written = true
    }
  }
  return { target: input.target.name, files, okta: context.requirements }
}

/**
 * Replaces every secret value in a text (longest first, so overlapping values are fully hidden). Secrets for which
 * `isOld` is true get a different marker, so a diff still shows that a secret changed.
 */
export function redactSecrets(text: string, secrets: readonly string[], isOld: (s: string) => boolean = () => false): string {
  let out = text
  for (const secret of [...new Set(secrets)].filter((s) => s.length > 0).sort((a, b) => b.length - a.length)) {
    out = out.split(secret).join(isOld(secret) ? OLD_SECRET : REDACTED)
  }
  return out
}

const OLD_SECRET = '[redacted old value]'

/** A unified diff of one file's change with every secret redacted (for --dry-run). */
export async function diffFile(file: RenderConfigFile): Promise<string> {
  const { createTwoFilesPatch } = await import('diff')
  const isOld = (secret: string): boolean => !file.text.includes(secret)
  const before = file.previousHidden
    ? '(previous content not shown: it could not be parsed to hide its secrets)\n'
    : redactSecrets(file.previous ?? '', file.secrets, isOld)
  const after = redactSecrets(file.text, file.secrets, isOld)
  return createTwoFilesPatch(
    file.previous === undefined ? '/dev/null' : file.path,
    file.path,
    before,
    after,
    file.previous === undefined ? '' : 'current',
    'rendered',
    { context: 3 },
  )
}
