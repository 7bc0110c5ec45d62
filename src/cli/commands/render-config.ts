import { Option, type Command } from 'commander'
import { usesClientSecret } from '../../domain/app-requirements.js'
import { ConfigError, ErrorCode, UsageError } from '../../domain/errors.js'
import { secretKeys, type Profile } from '../../domain/profile.js'
import { checkHttpUrl, checkIssuer } from '../../domain/urls.js'
import { templatesDir } from '../../infra/templates.js'
import { requireRenderableTarget, targetNames, targets } from '../../targets/index.js'
import { parseSetFlags, resolveSettings } from '../../targets/settings.js'
import { isRenderable, type OktaAppRequirements, type RenderFormat, type SecretSource } from '../../targets/types.js'
import {
  checkRenderOptions,
  diffFile,
  oktaSummary,
  renderConfig,
  type ExistingPolicy,
  type RenderConfigResult,
  type RenderMode,
} from '../../usecases/render-config.js'
import { confirmDestructive } from '../confirm.js'
import { withExamples, type ActionContext, type RegisterCommand } from '../context.js'
import type { Output } from '../output.js'
import { readSecretInput } from '../secret-input.js'
import { collect } from './okta.js'
import { askMissingSettings } from './target-settings.js'

interface RenderConfigOptions {
  target?: string
  issuer?: string
  clientId?: string
  clientSecretEnv?: string
  clientSecretFile?: string
  baseUrl?: string
  out: string
  stdout?: boolean
  format: RenderFormat
  secretRef?: 'env'
  merge?: boolean
  force?: boolean
  dryRun?: boolean
  set?: string[]
}

function randomBase64(bytes: number): string {
  return Buffer.from(globalThis.crypto.getRandomValues(new Uint8Array(bytes))).toString('base64')
}

/** Names a value that is missing from both the flags and the profile. */
function missing(what: string, flag: string, field: string, profile: Profile | undefined): UsageError {
  const where = profile ? `; profile "${profile.name}" has no "${field}" either` : ''
  return new UsageError(`missing the ${what}: pass ${flag}${where}`, {
    hint: profile
      ? `pass ${flag}, or record it in the profile (oidc-setup okta create-app --profile ${profile.name} …)`
      : `pass ${flag}, or use a profile that has it (--profile NAME)`,
  })
}

/** Prints what has to be registered in Okta for the rendered config to work. */
function printRequirements(out: Output, target: string, okta: OktaAppRequirements, issuerKind: string): void {
  const rows: Array<[string, string]> = [
    ['application type', okta.applicationType],
    ['grant types', okta.grantTypes.join(', ')],
    ['sign-in redirect URIs', okta.redirectUris.join(', ')],
    ['sign-out redirect URIs', okta.postLogoutRedirectUris.join(', ') || '(none)'],
    ['scopes', okta.scopes.join(' ')],
    ['client authentication', okta.tokenEndpointAuthMethod],
    ['authorization server', `${okta.authServer === 'org' ? 'org' : 'custom (e.g. default)'} recommended; this issuer is ${issuerKind === 'org' ? 'the org server' : 'a custom server'}`],
  ]
  out.info(`Register in Okta (app integration for ${target}):`)
  for (const [label, value] of rows) {
    out.info(`  ${label.padEnd(24)}${value}`)
  }
  for (const note of okta.notes) {
    out.info(`  - ${note}`)
  }
}

/** A prompt validator: the URL check's message, or true. */
function validUrl(flag: string): (value: string) => string | true {
  return (value) => {
    try {
      checkHttpUrl(flag, value)
      return true
    } catch (error) {
      return error instanceof Error ? error.message : String(error)
    }
  }
}

async function resolveProfile(c: ActionContext): Promise<Profile | undefined> {
  const profile = await c.deps.profiles.get(c.globals.profile)
  if (!profile && c.profileExplicit) {
    throw new ConfigError(`profile "${c.globals.profile}" does not exist`, {
          code: ErrorCode.profileNotFound,
      hint: `create it with oidc-setup okta create-app --profile ${c.globals.profile}, or pass --issuer, --client-id and --base-url`,
    })
  }
  return profile
}

async function run(options: RenderConfigOptions, c: ActionContext): Promise<void> {
  const { deps, out, globals } = c
  // Flags first: everything is validated before any secret is read or file touched.
  if (options.merge && options.force) {
    throw new UsageError('pass either --merge or --force, not both', {
      hint: '--merge updates only the keys oidc-setup owns; --force replaces the file and keeps a .bak copy',
    })
  }
  if (options.stdout && options.dryRun) {
    throw new UsageError('pass either --stdout or --dry-run, not both')
  }
  if (options.stdout && globals.json) {
    throw new UsageError('--stdout prints the files themselves and cannot be combined with --json')
  }
  const profile = await resolveProfile(c)
  const prompt = c.interactive ? deps.prompt : undefined
  let targetName = options.target ?? profile?.target
  // Asked for the target: a wizard, which also asks for the optional settings the target wants decided.
  const wizard = targetName === undefined && prompt !== undefined
  if (targetName === undefined && prompt) {
    targetName = await prompt.select(
      'Which application?',
      targets.filter(isRenderable).map((t) => ({ value: t.name, name: t.title, description: t.summary })),
    )
  }
  if (targetName === undefined) {
    throw new UsageError('missing the target: pass --target', {
      hint: `one of: ${targetNames(isRenderable)}`,
    })
  }
  const target = requireRenderableTarget(targetName, options.target ? '--target' : `profile "${profile?.name}"`)
  const secretRef = options.secretRef === 'env'
  checkRenderOptions(target, options.format, secretRef)
  // Start loading the renderer (yaml, xmldom) while the profile, secret store and files are read.
  target.loadRenderer().catch(() => undefined)

  const issuerText =
    options.issuer ?? profile?.issuer ?? (await prompt?.input('Issuer (e.g. https://example.okta.com/oauth2/default):', { validate: validUrl('--issuer') }))
  if (issuerText === undefined) {
    throw missing('issuer', '--issuer URL', 'issuer', profile)
  }
  const issuer = checkIssuer(options.issuer ? '--issuer' : `the issuer of profile "${profile?.name}"`, issuerText)
  const baseText =
    options.baseUrl ??
    profile?.baseUrl ??
    (await prompt?.input(`${target.title} URL${target.name === 'pomerium' ? ' (the authenticate service)' : ''}:`, { validate: validUrl('--base-url') }))
  if (baseText === undefined) {
    throw missing('base URL', '--base-url URL', 'baseUrl', profile)
  }
  const baseUrl = checkHttpUrl(options.baseUrl ? '--base-url' : `the base URL of profile "${profile?.name}"`, baseText)
  const clientId = options.clientId ?? profile?.clientId ?? (await prompt?.input('Client id of the Okta app integration:'))
  if (clientId === undefined || clientId === '') {
    throw missing('client id', '--client-id ID', 'clientId', profile)
  }

  let clientSecret: SecretSource
  // A public client (e.g. kubernetes: PKCE, no secret) has no secret to read, and its files never hold one.
  const publicClient = !usesClientSecret(target.requirements({ baseUrl: baseUrl.url }).tokenEndpointAuthMethod)
  if (secretRef || publicClient) {
    if (options.clientSecretEnv !== undefined || options.clientSecretFile !== undefined) {
      out.warn(secretRef ? '--secret-ref env renders a reference, so the client secret given on the command line is not used' : `the ${target.name} app is a public client: the client secret given on the command line is not used`)
    }
    clientSecret = { kind: 'env' }
  } else {
    let value = await readSecretInput({ envName: options.clientSecretEnv, file: options.clientSecretFile }, deps)
    // The profile's stored secret belongs to the profile's client: never pair it with another client id.
    if (value === undefined && profile && profile.clientId === clientId) {
      const store = await deps.secretStore({ kind: globals.secretStore })
      value = await store.get(secretKeys.clientSecret(profile.name))
    }
    if (value === undefined && prompt) {
      value = (await prompt.password('Client secret (not echoed):')).trim() || undefined
    }
    if (value === undefined) {
      throw new UsageError('missing the client secret', {
        hint: `pass --client-secret-env NAME or --client-secret-file PATH (- for stdin)${
          profile ? `, store it for profile "${profile.name}" with oidc-setup okta create-app` : ''
        }, or render a reference with --secret-ref env`,
      })
    }
    out.registerSecret(value)
    clientSecret = { kind: 'literal', value }
  }
  const settings = await askMissingSettings(
    target,
    resolveSettings(target, [
      { source: `profile "${profile?.name}"`, values: profile?.target === target.name ? profile.settings : undefined },
      { source: '--set', values: parseSetFlags(options.set ?? []) },
    ]),
    prompt,
    { optional: wizard },
  )
  const issuerWarning = target.issuerWarning?.(issuer.kind)
  for (const warning of [...issuer.warnings, ...baseUrl.warnings, ...(issuerWarning ? [issuerWarning] : [])]) {
    out.warn(warning)
  }

  const existing: ExistingPolicy = options.merge ? 'merge' : options.force ? 'force' : 'refuse'
  const mode: RenderMode = options.stdout ? 'stdout' : options.dryRun ? 'dry-run' : 'write'
  const input = { target, issuer, clientId, clientSecret, baseUrl, outDir: options.out, format: options.format, existing, settings }
  const renderDeps = { fs: deps.fs, cwd: deps.io.cwd, templatesDir: templatesDir(), randomBase64 }
  if (existing === 'force' && mode === 'write' && !globals.yes) {
    // --force replaces the user's files: the dry run says exactly which, before anything is written.
    const plan = await renderConfig({ ...input, mode: 'dry-run' }, renderDeps)
    const replaced = plan.files.filter((f) => f.action === 'overwrite')
    if (
      replaced.length > 0 &&
      !(await confirmDestructive(c, {
        action: `replace ${replaced.length} existing file(s) in ${options.out} (a .bak copy of each is kept)`,
        items: replaced.map((f) => f.path),
        preview: 'oidc-setup render-config … --dry-run',
      }))
    ) {
      out.notice('nothing written')
      return
    }
  }
  const result = await renderConfig({ ...input, mode }, renderDeps)
  for (const file of result.files) {
    for (const secret of file.secrets) {
      out.registerSecret(secret)
    }
  }
  await report(result, mode, issuer.kind, c)
  if (mode === 'write' && !globals.json) {
    const merged = result.files.filter((f) => f.action === 'merge')
    for (const step of target.nextSteps(options.format, { secretRef, settings })) {
      // After a --merge the file is already the merged one: "re-run with --merge" would send the user in circles.
      if (!(merged.length && /--merge/.test(step))) {
        out.hint(step)
      }
    }
    if (merged.length) {
      out.hint(`${merged.map((f) => f.path).join(', ')} merged in place; restart ${target.title} to apply it`)
    }
  }
}

async function report(result: RenderConfigResult, mode: RenderMode, issuerKind: string, c: ActionContext): Promise<void> {
  const { out, globals, deps } = c
  const target = result.target
  printRequirements(out, target, result.okta, issuerKind)
  if (globals.json) {
    out.json({
      target,
      files: result.files.map((f) => ({ path: f.path, written: f.written, containsSecret: f.containsSecret })),
      okta: oktaSummary(result.okta),
    })
  } else if (mode === 'stdout') {
    // --stdout is the user's explicit request for the file content, secret included (pipe it where it belongs,
    // or use --secret-ref env to keep the secret out); a terminal gets a warning on stderr.
    if (result.files.some((f) => f.containsSecret) && deps.io.stdout.isTTY) {
      out.warn('the output below contains the client secret; redirect it to a file (> FILE) or use --secret-ref env')
    }
    const many = result.files.length > 1
    for (const file of result.files) {
      if (many) {
        out.data(`==> ${file.name} <==`)
      }
      deps.io.stdout.write(file.text)
    }
  } else if (mode === 'dry-run') {
    for (const file of result.files) {
      if (file.action === 'unchanged') {
        out.info(`${file.path}: unchanged`)
        continue
      }
      out.data(await diffFile(file))
    }
  } else {
    for (const file of result.files) {
      out.result(file.path)
    }
  }
  if (mode === 'write') {
    for (const file of result.files) {
      const how =
        file.action === 'unchanged'
          ? 'unchanged'
          : `${file.action === 'merge' ? 'merged into' : file.action === 'overwrite' ? 'replaced' : 'wrote'}${file.containsSecret ? ' (0600, holds a secret)' : ''}${file.backup ? `; previous copy in ${file.backup}` : ''}`
      out.success(`${file.path}: ${how}`)
    }
  } else if (mode === 'dry-run') {
    out.info('dry run: nothing was written')
  }
}

/** `oidc-setup render-config`: renders a target's config files and prints what to register in Okta. */
export const registerRenderConfig: RegisterCommand = (program, ctx) => {
  const cmd = program
    .command('render-config')
    .description("render an application's Okta login config (galaxy, pomerium, kestra, openmetadata/collate)")
    .option('--target <name>', `the application: ${targetNames(isRenderable)} (default: the profile's target)`)
    .option('--issuer <url>', 'the issuer exactly as Okta publishes it (default: the profile\'s issuer)')
    .option('--client-id <id>', "the app integration's client id (default: the profile's)")
    .option('--client-secret-env <name>', 'read the client secret from this environment variable')
    .option('--client-secret-file <path>', 'read the client secret from this file (- for stdin)')
    .option('--base-url <url>', "the application's URL (pomerium: the authenticate service URL)")
    .option('--out <dir>', 'directory to write the files to', '.')
    .option('--stdout', 'print the files instead of writing them (secret included unless --secret-ref env)')
    .addOption(new Option('--format <format>', 'native config file or environment variables').choices(['native', 'env']).default('native'))
    .addOption(new Option('--secret-ref <kind>', 'reference the secret (${OKTA_CLIENT_SECRET} or the target\'s own variable) instead of writing it').choices(['env']))
    .option('--merge', 'update an existing file: only the keys oidc-setup owns change, everything else is kept')
    .option('--force', 'replace existing files (a .bak copy of each is kept)')
    .option('--dry-run', 'print a diff of what would change (secrets redacted) and write nothing')
    .option('--set <key=value>', "a target setting, e.g. --set defaultRole=Viewer (repeatable; `oidc-setup targets` lists each target's)", collect)
    .action(async (options: RenderConfigOptions, self: Command) => {
      await run(options, ctx.context(self))
    })
  withExamples(cmd, [
    'oidc-setup render-config --target galaxy --issuer https://example.okta.com --client-id 0oa1 --client-secret-env OKTA_CLIENT_SECRET --base-url https://galaxy.example.org --out ./config',
    'oidc-setup render-config --profile kestra --merge --out /etc/kestra        # values from a profile, secret from the keychain',
    'oidc-setup render-config --target pomerium --profile pomerium --format env --secret-ref env --stdout',
    'oidc-setup render-config --target collate --profile om --client-secret-file - --dry-run < secret.txt',
  ])
}
