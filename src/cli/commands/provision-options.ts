import type { Command } from 'commander'
import { UsageError } from '../../domain/errors.js'
import { parseAuthServerSelection } from '../../domain/provision-plan.js'
import { checkHttpUrl } from '../../domain/urls.js'
import type { OktaAdmin } from '../../infra/okta-admin.js'
import { BASE_URL_OPTIONAL } from '../../targets/presets.js'
import { requireTarget, targetNames } from '../../targets/index.js'
import { parseSetFlags, resolveSettings } from '../../targets/settings.js'
import type { TargetModule } from '../../targets/types.js'
import { clientAuthMethod } from '../../targets/client-auth.js'
import type { ProvisionAppInput, ProvisionAppResult } from '../../usecases/provision-app.js'
import { derivedProfileName } from '../../domain/connection.js'
import type { AppIntent } from '../../domain/intent.js'
import { intentOf } from '../../domain/intent-of.js'
import { isValidProfileName } from '../../domain/profile.js'
import { provisionInputOf } from '../../usecases/provision-input.js'
import type { ActionContext } from '../context.js'
import { collect, describeChange } from './okta.js'

/** The flags shared by `okta create-app` and `setup`: what to provision for which target. */
export interface ProvisionOptions {
  target?: string
  baseUrl?: string
  name?: string
  authServer?: string
  scope?: string[]
  groupsClaim?: boolean
  assignGroup?: string[]
  assignUser?: string[]
  redirectUri?: string[]
  logoutUri?: string[]
  testUser?: string
  set?: string[]
  org?: string
  clientAuth?: string
}

/** A validated provisioning request: everything provisionApp needs but the dry-run switch. */
export interface ProvisionRequest {
  target: TargetModule
  input: Omit<ProvisionAppInput, 'dryRun'>
  /** What the flags asked for (the same value a spec entry gives); kept in the profile. */
  intent?: AppIntent | undefined
}

/** Declares the provisioning flags on a command. `--target` is required unless `targetOptional` (setup prompts). */
export function addProvisionOptions(cmd: Command, targetOptional = false): Command {
  const targetHelp = `what the app is for: ${targetNames()}`
  return (targetOptional ? cmd.option('--target <name>', targetHelp) : cmd.requiredOption('--target <name>', targetHelp))
    .option('--base-url <url>', 'the application\'s base URL; redirect URIs are derived from it')
    .option('--name <label>', 'app label (default: derived from the target and the base URL host)')
    .option('--auth-server <server>', 'default | org | new | <id> (default: what the target works best with)')
    .option('--scope <name>', 'extra scope to request (repeatable); custom ones are created on the server', collect)
    .option('--groups-claim', 'add a "groups" claim to ID tokens (custom authorization server)')
    .option('--assign-group <name>', 'assign a group to the app (repeatable; "Everyone" allowed)', collect)
    .option('--assign-user <login>', 'assign a user to the app (repeatable)', collect)
    .option('--redirect-uri <uri>', 'sign-in redirect URI instead of the target\'s (repeatable)', collect)
    .option('--logout-uri <uri>', 'sign-out redirect URI instead of the target\'s (repeatable)', collect)
    .option('--test-user <login>', 'create this user (random password, kept in the secret store) and assign it to the app')
    .option('--set <key=value>', "a target setting, e.g. --set defaultRole=Viewer (repeatable; `oidc-setup targets` lists each target's)", collect)
    .option('--org <name>', 'the Okta org connection to use (`okta configure --org NAME`; default: the profile\'s, or the only one)')
    .option('--client-auth <method>', 'client-secret | private-key-jwt (a key pair generated here, the private key kept in the secret store; targets service and web)')
}

/** Validates the provisioning flags before any side effect; throws UsageError naming the flag. */
export async function parseProvisionOptions(options: ProvisionOptions, c: ActionContext): Promise<ProvisionRequest> {
  if (!options.target) {
    throw new UsageError('missing --target', { hint: `pass one of: ${targetNames()}` })
  }
  const target = requireTarget(options.target)
  if (!options.baseUrl && !BASE_URL_OPTIONAL.has(target.name)) {
    throw new UsageError(`--base-url is required for target "${target.name}"`, {
      hint: 'pass the URL users open, e.g. --base-url https://app.example.com',
    })
  }
  const base = options.baseUrl ? checkHttpUrl('--base-url', options.baseUrl) : undefined
  for (const w of base?.warnings ?? []) {
    c.out.warn(w)
  }
  for (const uri of [...(options.redirectUri ?? []), ...(options.logoutUri ?? [])]) {
    if (!/^[a-z][a-z0-9+.-]*:/i.test(uri) || /\s/.test(uri)) {
      throw new UsageError(`not an absolute URI: "${uri}"`, {
        hint: 'redirect URIs must match exactly what the app sends, e.g. https://app.example.com/callback',
      })
    }
  }
  if (options.name !== undefined && !options.name.trim()) {
    throw new UsageError('--name must not be empty')
  }
  if (options.testUser !== undefined && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(options.testUser)) {
    throw new UsageError(`--test-user must be an email-style login, not "${options.testUser}"`, {
      hint: 'Okta logins look like email addresses, e.g. --test-user test.user@example.com',
    })
  }
  // Okta's default password policy wants upper and lower case, a digit and a symbol.
  const testUser = options.testUser
    ? { login: options.testUser, password: `${(await import('node:crypto')).randomBytes(18).toString('base64url')}aA1!` }
    : undefined
  const settings = resolveSettings(target, [{ source: '--set', values: parseSetFlags(options.set ?? []) }])
  if (options.org !== undefined && !isValidProfileName(options.org)) {
    throw new UsageError(`invalid connection name "${options.org}" (--org)`)
  }
  if (options.clientAuth !== undefined && options.clientAuth !== 'client-secret' && options.clientAuth !== 'private-key-jwt') {
    throw new UsageError(`invalid --client-auth "${options.clientAuth}"`, { hint: 'pass --client-auth client-secret or --client-auth private-key-jwt' })
  }
  const baseUrl = base?.text
  const profile = c.profileExplicit ? c.globals.profile : await deriveProfile(c, target.name, baseUrl, options.name?.trim())
  // Every flag maps to one field of the intent: the flags build the same AppIntent a spec entry does.
  const intent: AppIntent = {
    name: profile,
    target: target.name,
    ...(options.org ? { connection: options.org } : {}),
    ...(baseUrl ? { baseUrl } : {}),
    ...(options.name?.trim() ? { label: options.name.trim() } : {}),
    ...(options.authServer ? { authServer: options.authServer.trim() } : {}),
    scopes: options.scope ?? [],
    ...(options.groupsClaim ? { groupsClaim: { name: 'groups' } } : {}),
    assign: { groups: options.assignGroup ?? [], users: options.assignUser ?? [] },
    ...(options.redirectUri?.length ? { redirectUris: options.redirectUri } : {}),
    ...(options.logoutUri?.length ? { logoutUris: options.logoutUri } : {}),
    trustedOrigins: [],
    settings,
    ...(options.testUser ? { testUser: options.testUser } : {}),
    ...(options.clientAuth ? { clientAuth: options.clientAuth as 'client-secret' | 'private-key-jwt' } : {}),
  }
  // Refused before any side effect: a target that cannot use the method asked for (exit 2).
  clientAuthMethod(target, target.requirements({ baseUrl: new URL(baseUrl ?? 'http://127.0.0.1/'), settings }), intent.clientAuth)
  if (options.authServer) {
    parseAuthServerSelection(options.authServer)
  }
  return { target, intent, input: provisionInputOf(intent, target, testUser?.password) }
}

/**
 * The profile a create-app / setup run without --profile writes: one that already holds this target and base URL
 * (a re-run), else a new name derived from the target and host — never an existing profile of another app.
 */
async function deriveProfile(c: ActionContext, target: string, baseUrl: string | undefined, label: string | undefined): Promise<string> {
  const same = (await c.deps.profiles.list()).find((p) => {
    const i = intentOf(p).intent
    return p.appId && i.target === target && i.baseUrl === baseUrl && (label === undefined || p.appLabel === label)
  })
  const name = same?.name ?? derivedProfileName(target, baseUrl, label)
  c.out.info(`profile "${name}" (${same ? 'it already holds this app' : 'derived from the target and host'}; pass --profile NAME to choose)`)
  return name
}

/**
 * Runs the provisioning engine: prints the plan with values (Terraform-style, to stderr), then, unless dryRun,
 * one progress line per object written, and the warnings.
 */
export async function runProvision(
  c: ActionContext,
  admin: OktaAdmin,
  request: ProvisionRequest,
  dryRun: boolean,
): Promise<ProvisionAppResult> {
  const { deps, out, globals } = c
  const { provisionApp } = await import('../../usecases/provision-app.js')
  const { renderPlan } = await import('../../usecases/engine/index.js')
  const result = await provisionApp(
    { ...request.input, ...(request.intent ? { intent: request.intent } : {}), dryRun },
    {
      admin,
      profiles: deps.profiles,
      clock: deps.clock,
      secretStore: () => deps.secretStore({ kind: globals.secretStore, probe: true }),
      onPlan: (plan) => out.info(renderPlan(plan)),
      onChange: dryRun
        ? undefined
        : (change) => {
            if (change.action !== 'unchanged') {
              out.success(describeChange(change, false))
            }
          },
    },
  )
  out.registerSecret(result.clientSecret)
  out.registerSecret(request.input.testUser?.password)
  for (const w of result.warnings) {
    out.warn(w)
  }
  return result
}

/** The `--json` document of a provisioning run (the shape `okta create-app --json` documents). */
export function provisionJson(result: ProvisionAppResult, dryRun: boolean): Record<string, unknown> {
  return {
    profile: result.profile,
    appId: result.appId ?? null,
    clientId: result.clientId ?? null,
    issuer: result.issuer ?? null,
    authServerId: result.authServerId ?? null,
    dryRun,
    changes: result.changes.map((ch) => ({
      type: ch.type,
      name: ch.name,
      action: ch.action,
      id: ch.id ?? null,
      ...(ch.fields ? { fields: ch.fields } : {}),
    })),
    // The same plan, with values (what each change sets, adds, removes or keeps).
    plan: result.plan.items,
  }
}
