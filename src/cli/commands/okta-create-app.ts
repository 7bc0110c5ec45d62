import { UsageError } from '../../domain/errors.js'
import { parseAuthServerSelection, type AuthServerSelection } from '../../domain/provision-plan.js'
import { checkHttpUrl } from '../../domain/urls.js'
import { BASE_URL_OPTIONAL } from '../../targets/presets.js'
import { requireTarget, targetNames } from '../../targets/index.js'
import { isRenderable } from '../../targets/types.js'
import { provisionApp } from '../../usecases/provision-app.js'
import { withExamples, type RegisterCommand } from '../context.js'
import { collect, connectOkta, describeChange, oktaCommand } from './okta.js'

interface CreateAppOptions {
  target: string
  baseUrl?: string
  name?: string
  authServer?: string
  scope?: string[]
  groupsClaim?: boolean
  assignGroup?: string[]
  assignUser?: string[]
  redirectUri?: string[]
  logoutUri?: string[]
  dryRun?: boolean
  render?: string
  showSecret?: boolean
  testUser?: string
}

/** `oidc-setup okta create-app`: everything a target needs in Okta, idempotently. */
export const registerOktaCreateApp: RegisterCommand = (program, ctx) => {
  const cmd = oktaCommand(program)
    .command('create-app')
    .description('create or reconcile the Okta app integration (and auth server, scopes, policy, rule, assignments) for a target')
    .requiredOption('--target <name>', `what the app is for: ${targetNames()}`)
    .option('--base-url <url>', 'the application\'s base URL; redirect URIs are derived from it')
    .option('--name <label>', 'app label (default: derived from the target and the base URL host)')
    .option('--auth-server <server>', 'default | org | new | <id> (default: what the target works best with)')
    .option('--scope <name>', 'extra scope to request (repeatable); custom ones are created on the server', collect)
    .option('--groups-claim', 'add a "groups" claim to ID tokens (custom authorization server)')
    .option('--assign-group <name>', 'assign a group to the app (repeatable; "Everyone" allowed)', collect)
    .option('--assign-user <login>', 'assign a user to the app (repeatable)', collect)
    .option('--redirect-uri <uri>', 'sign-in redirect URI instead of the target\'s (repeatable)', collect)
    .option('--logout-uri <uri>', 'sign-out redirect URI instead of the target\'s (repeatable)', collect)
    .option('--dry-run', 'print the plan (create / update / unchanged per object) and write nothing')
    .option('--render <dir>', 'then render the target\'s config files into this directory')
    .option('--test-user <login>', 'create this user (random password, kept in the secret store) and assign it to the app')
    .option('--show-secret', 'print the client secret (and a new test user\'s password); otherwise they only go to the secret store')
    .action(async (options: CreateAppOptions, command) => {
      const c = ctx.context(command)
      const { deps, out, globals } = c
      // Validate every flag before any side effect.
      const target = requireTarget(options.target)
      if (!options.baseUrl && !BASE_URL_OPTIONAL.has(target.name)) {
        throw new UsageError(`--base-url is required for target "${target.name}"`, {
          hint: 'pass the URL users open, e.g. --base-url https://app.example.com',
        })
      }
      const base = options.baseUrl ? checkHttpUrl('--base-url', options.baseUrl) : undefined
      for (const w of base?.warnings ?? []) {
        out.warn(w)
      }
      for (const uri of [...(options.redirectUri ?? []), ...(options.logoutUri ?? [])]) {
        if (!/^[a-z][a-z0-9+.-]*:/i.test(uri) || /\s/.test(uri)) {
          throw new UsageError(`not an absolute URI: "${uri}"`, { hint: 'redirect URIs must match exactly what the app sends, e.g. https://app.example.com/callback' })
        }
      }
      if (options.name !== undefined && !options.name.trim()) {
        throw new UsageError('--name must not be empty')
      }
      const authServer: AuthServerSelection | undefined = options.authServer ? parseAuthServerSelection(options.authServer) : undefined
      if (options.render && options.dryRun) {
        throw new UsageError('--render and --dry-run exclude each other')
      }
      if (options.render && !isRenderable(target)) {
        throw new UsageError(`target "${target.name}" has no config files to render (--render)`, {
          hint: `--render works with: ${targetNames(isRenderable)}`,
        })
      }
      if (options.showSecret && globals.json) {
        out.warn('--show-secret with --json puts the client secret into the JSON document')
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

      const admin = await connectOkta(c)
      const dryRun = Boolean(options.dryRun)
      const result = await provisionApp(
        {
          profile: globals.profile,
          target,
          baseUrl: base?.url,
          label: options.name?.trim(),
          authServer,
          scopes: options.scope ?? [],
          groupsClaim: Boolean(options.groupsClaim),
          assignGroups: options.assignGroup ?? [],
          assignUsers: options.assignUser ?? [],
          redirectUris: options.redirectUri ?? [],
          logoutUris: options.logoutUri ?? [],
          testUser,
          dryRun,
        },
        {
          admin,
          profiles: deps.profiles,
          secretStore: () => deps.secretStore({ kind: globals.secretStore, probe: true }),
          onChange: (change) => {
            const line = describeChange(change, dryRun)
            if (change.action === 'unchanged') {
              out.info(`  ${line}`)
            } else if (dryRun) {
              out.info(`${change.action === 'create' ? '+' : change.action === 'update' ? '~' : '-'} ${line}`)
            } else {
              out.success(line)
            }
          },
        },
      )
      out.registerSecret(result.clientSecret)
      out.registerSecret(testUser?.password)
      for (const w of result.warnings) {
        out.warn(w)
      }
      const writes = result.changes.filter((ch) => ch.action !== 'unchanged').length
      if (dryRun) {
        out.info(writes ? `dry run: ${writes} change(s) planned, nothing written` : 'dry run: everything is up to date, nothing to do')
      } else {
        out.info(writes ? `done: ${writes} change(s) written to ${admin.orgUrl}` : `everything was already up to date in ${admin.orgUrl}`)
        if (result.confidential) {
          out.info(result.secretStored ? 'client secret is in the secret store (never printed; --show-secret prints it)' : 'client secret was not stored')
        }
        if (result.testUserPassword) {
          out.info(`test user ${options.testUser}: password in the secret store (--show-secret prints it)`)
        }
        out.info(`profile "${result.profile}" saved`)
        out.info('next steps:')
        if (target.name === 'cli') {
          out.info(`  oidc-setup login --profile ${result.profile}`)
        } else if (isRenderable(target)) {
          if (!options.render) {
            out.info(`  oidc-setup render-config --profile ${result.profile} --target ${target.name} --out ./${target.name}`)
          }
        } else {
          out.info(`  configure your app with issuer ${result.issuer ?? '?'} and client id ${result.clientId ?? '?'}${result.confidential ? ' (the client secret is in the secret store)' : ''}`)
        }
        if (!options.assignGroup?.length && !options.assignUser?.length && target.name !== 'service') {
          out.info('  assign people: re-run with --assign-group NAME (or --assign-user LOGIN); nobody is assigned yet')
        }
      }
      if (options.render && !dryRun) {
        await renderAfterProvision(c, result.profile, target.name, options.render)
      }
      if (globals.json) {
        out.json({
          profile: result.profile,
          appId: result.appId ?? null,
          clientId: result.clientId ?? null,
          issuer: result.issuer ?? null,
          authServerId: result.authServerId ?? null,
          dryRun,
          changes: result.changes.map((ch) => ({ type: ch.type, name: ch.name, action: ch.action, id: ch.id ?? null, ...(ch.fields ? { fields: ch.fields } : {}) })),
          ...(options.showSecret && result.clientSecret ? { clientSecret: result.clientSecret } : {}),
          ...(options.showSecret && result.testUserPassword ? { testUserPassword: result.testUserPassword } : {}),
        })
      } else {
        out.result(`profile: ${result.profile}`)
        out.result(`client id: ${result.clientId ?? '(not created yet)'}`)
        out.result(`issuer: ${result.issuer ?? '(not created yet)'}`)
        if (options.showSecret && result.testUserPassword) {
          out.data(`test user password: ${result.testUserPassword}`)
        }
        if (options.showSecret && result.clientSecret) {
          out.data(`client secret: ${result.clientSecret}`)
        } else if (options.showSecret) {
          out.warn('no client secret to show (public client, or it was already stored by an earlier run)')
        }
      }
    })
  withExamples(cmd, [
    'oidc-setup okta create-app --target galaxy --base-url https://galaxy.example.org --assign-group Everyone',
    'oidc-setup okta create-app --target cli --profile cli            # the app `oidc-setup login` uses',
    'oidc-setup okta create-app --target web --base-url http://localhost:3000 --test-user test.user@example.com',
    'oidc-setup okta create-app --target spa --base-url http://localhost:5173 --dry-run',
    'oidc-setup okta create-app --target kestra --base-url https://kestra.example.com --auth-server new --groups-claim --render ./kestra',
    'oidc-setup okta create-app --target service --name billing-worker --json',
  ])
}

async function renderAfterProvision(
  c: Parameters<typeof connectOkta>[0],
  profile: string,
  target: string,
  dir: string,
): Promise<void> {
  c.out.info(`rendering ${target} config into ${dir}`)
  const { renderAfterCreate } = await import('./okta-render-bridge.js')
  await renderAfterCreate(c, profile, target, dir)
}
