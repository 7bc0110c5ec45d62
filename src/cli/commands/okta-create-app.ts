import { UsageError } from '../../domain/errors.js'
import { secretKeys } from '../../domain/profile.js'
import { targetNames } from '../../targets/index.js'
import { isRenderable } from '../../targets/types.js'
import type { RenderConfigResult } from '../../usecases/render-config.js'
import { withExamples, type RegisterCommand } from '../context.js'
import { connectOkta, oktaCommand } from './okta.js'
import { addProvisionOptions, parseProvisionOptions, provisionJson, runProvision, type ProvisionOptions } from './provision-options.js'
import { provisionScopes } from '../../domain/okta-credentials.js'

interface CreateAppOptions extends ProvisionOptions {
  dryRun?: boolean
  render?: string
  showSecret?: boolean
}

/** `oidc-setup okta create-app`: everything a target needs in Okta, idempotently. */
export const registerOktaCreateApp: RegisterCommand = (program, ctx) => {
  const cmd = addProvisionOptions(
    oktaCommand(program)
      .command('create-app')
      .description('create or reconcile the Okta app integration (and auth server, scopes, policy, rule, assignments) for a target'),
  )
    .option('--dry-run', 'print the plan (create / update / unchanged per object) and write nothing')
    .option('--render <dir>', 'then render the target\'s config files into this directory')
    .option('--show-secret', 'print the client secret (and a new test user\'s password); otherwise they only go to the secret store')
    .action(async (options: CreateAppOptions, command) => {
      const c = ctx.context(command)
      const { out, globals } = c
      // Validate every flag before any side effect.
      const request = await parseProvisionOptions(options, c)
      const { target } = request
      if (options.render && request.intent) {
        request.intent.render = { out: (await import('node:path')).resolve(c.deps.io.cwd, options.render) }
      }
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

      const admin = await connectOkta(c, undefined, provisionScopes({ testUser: Boolean(options.testUser) }), { connection: request.intent?.connection, profile: request.input.profile })
      const dryRun = Boolean(options.dryRun)
      const result = await runProvision(c, admin, request, dryRun)
      const writes = result.changes.filter((ch) => ch.action !== 'unchanged').length
      if (dryRun) {
        out.info(writes ? `dry run: ${writes} change(s) planned, nothing written` : 'dry run: everything is up to date, nothing to do')
      } else {
        out.info(writes ? `done: ${writes} change(s) written to ${admin.orgUrl}` : `everything was already up to date in ${admin.orgUrl}`)
        if (result.confidential && !options.showSecret) {
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
        // Only what this profile's provisioning knows: people assigned in the console count too (doctor counts them all).
        const assigned = result.changes.some((ch) => ch.type === 'group-assignment' || ch.type === 'user-assignment')
        if (!assigned && target.name !== 'service') {
          out.info(`  assign people: re-run with --assign-group NAME (or --assign-user LOGIN); \`oidc-setup doctor --profile ${result.profile}\` counts who can sign in`)
        }
      }
      // --show-secret is the explicit request for the secret: one stored by an earlier run is read back for it.
      let clientSecret = result.clientSecret
      if (options.showSecret && !clientSecret && result.confidential && !dryRun) {
        clientSecret = await (await c.deps.secretStore({ kind: globals.secretStore })).get(secretKeys.clientSecret(result.profile))
        out.registerSecret(clientSecret)
      }
      if (options.render && !dryRun) {
        await renderAfterProvision(c, result.profile, target.name, options.render)
      }
      if (globals.json) {
        out.json({
          ...provisionJson(result, dryRun),
          ...(options.showSecret && clientSecret ? { clientSecret } : {}),
          ...(options.showSecret && result.testUserPassword ? { testUserPassword: result.testUserPassword } : {}),
        })
      } else {
        out.result(`profile: ${result.profile}`)
        out.result(`client id: ${result.clientId ?? '(not created yet)'}`)
        out.result(`issuer: ${result.issuer ?? '(not created yet)'}`)
        if (options.showSecret && result.testUserPassword) {
          out.data(`test user password: ${result.testUserPassword}`)
        }
        if (options.showSecret && clientSecret) {
          out.data(`client secret: ${clientSecret}`)
        } else if (options.showSecret) {
          out.warn(result.confidential ? 'no client secret to show: none is in the secret store for this profile' : 'no client secret to show: this is a public client (PKCE, no secret)')
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

/** Chains into render-config with what provisioning just stored (merging existing files). */
export async function renderAfterProvision(
  c: Parameters<typeof connectOkta>[0],
  profile: string,
  target: string,
  dir: string,
  options: { nextSteps?: boolean } = {},
): Promise<RenderConfigResult> {
  c.out.info(`rendering ${target} config into ${dir}`)
  const { renderAfterCreate } = await import('./okta-render-bridge.js')
  return renderAfterCreate(c, profile, target, dir, options)
}
