import path from 'node:path'
import type { Command } from 'commander'
import { allPassed, checkPolicy, checkSignIn, checkSignOnPolicy, type CheckResult } from '../../domain/doctor.js'
import type { OktaAdmin } from '../../infra/okta-admin.js'
import { AuthError, ConfigError, UsageError } from '../../domain/errors.js'
import { secretKeys } from '../../domain/profile.js'
import { parseStoredClientKey } from '../../domain/client-key.js'
import { usesClientSecret } from '../../domain/app-requirements.js'
import { checkHttpUrl } from '../../domain/urls.js'
import { targets } from '../../targets/index.js'
import { isRenderable, type TargetModule } from '../../targets/types.js'
import { requireSettings } from '../../targets/settings.js'
import { askMissingSettings } from './target-settings.js'
import type { RenderConfigFile } from '../../usecases/render-config.js'
import { withExamples, type ActionContext, type RegisterCommand } from '../context.js'
import { checkMark } from '../output.js'
import { renderAfterProvision } from './okta-create-app.js'
import { connectOkta } from './okta.js'
import { addProvisionOptions, parseProvisionOptions, provisionJson, runProvision, type ProvisionOptions } from './provision-options.js'
import { provisionScopes } from '../../domain/okta-credentials.js'

interface SetupOptions extends ProvisionOptions {
  out?: string
  verify?: boolean
  dryRun?: boolean
}

/** On a terminal, asks for the target, the base URL and who may sign in when the flags do not give them. */
async function promptMissing(c: ActionContext, options: SetupOptions): Promise<void> {
  if (!c.interactive) {
    return
  }
  if (!options.target) {
    options.target = await c.deps.prompt.select(
      'What are you connecting to Okta?',
      targets.map((t) => ({ value: t.name, name: t.title, description: t.summary })),
    )
  }
  if (!options.baseUrl && options.target !== 'cli' && options.target !== 'service') {
    // An invalid URL is explained and asked again, never the end of the wizard.
    options.baseUrl = await c.deps.prompt.input('Base URL users open (e.g. https://app.example.com):', {
      validate: (value) => {
        try {
          checkHttpUrl('--base-url', value)
          return true
        } catch (error) {
          return error instanceof Error ? error.message : String(error)
        }
      },
    })
  }
  // Without an assignment nobody can sign in (doctor fails it): offer one rather than leave the app unusable.
  if (options.target !== 'service' && !options.assignGroup?.length && !options.assignUser?.length) {
    const group = (await c.deps.prompt.input('Assign a group to the app (e.g. Everyone; empty for none):')).trim()
    if (group) {
      options.assignGroup = [group]
    }
    const user = (await c.deps.prompt.input('Assign a user by login (empty for none):')).trim()
    if (user) {
      options.assignUser = [user]
    }
  }
}

function printChecks(c: ActionContext, checks: CheckResult[]): void {
  for (const r of checks) {
    c.out.info(`${checkMark(r.status, c.out.color)} ${r.message}${r.fix && r.status !== 'pass' ? ` — ${r.fix}` : ''}`)
  }
}

/** `oidc-setup setup`: credentials check + okta create-app + render-config (+ a test sign-in), one summary. */
export const registerSetup: RegisterCommand = (program, ctx) => {
  const cmd = addProvisionOptions(
    program
      .command('setup')
      .description('connect an application to Okta in one step: check credentials, provision the app, render its config'),
    true,
  )
    .option('--out <dir>', 'where to write the config files (default: ./<target>)')
    .option('--verify', 'then sign the --test-user in as the target would and check the tokens it gets')
    .option('--dry-run', 'print the Okta plan and write nothing')
    .action(async (options: SetupOptions, command: Command) => {
      const c = ctx.context(command)
      const { deps, out, globals } = c
      // Asked for the target: a wizard, which also asks for the optional settings the target wants decided.
      const asked = c.interactive && !options.target
      await promptMissing(c, options)
      const dryRun = Boolean(options.dryRun)
      if (options.verify && !options.testUser) {
        throw new UsageError('--verify needs --test-user LOGIN (the user to sign in as)', {
          hint: 'add --test-user test.user@example.com: setup creates it with a random password kept in the secret store',
        })
      }
      if (options.verify && dryRun) {
        throw new UsageError('--verify and --dry-run exclude each other')
      }
      const request = await parseProvisionOptions(options, c)
      const { target } = request
      if (options.out && !isRenderable(target)) {
        throw new UsageError(`target "${target.name}" has no config files to write (--out)`)
      }
      const outDir = isRenderable(target) ? path.resolve(deps.io.cwd, options.out ?? target.name) : undefined
      if (outDir && request.intent) {
        request.intent.render = { out: outDir }
      }
      if (outDir && isRenderable(target) && request.intent) {
        // The settings the files need (OpenMetadata's first admins …): asked or refused before Okta is touched, so a
        // missing one never leaves an app made and its files unwritten.
        const previous = (await deps.profiles.get(request.input.profile))?.settings
        const settings = await askMissingSettings(target, { ...previous, ...request.intent.settings }, c.interactive ? deps.prompt : undefined, {
          optional: asked,
        })
        requireSettings(target, settings)
        request.intent.settings = settings
        request.input.settings = settings
      }

      // 1. Credentials: one cheap call per area, so a missing permission shows before anything is created.
      const step = out.step('checking Okta credentials')
      const admin = await connectOkta(c, undefined, provisionScopes({ testUser: Boolean(options.testUser) }), { connection: request.intent?.connection, profile: request.input.profile }).catch((error: unknown) => {
        step.fail()
        throw error
      })
      const unconfirmed = await admin.checkAccess().catch((error: unknown) => {
        step.fail()
        throw error
      })
      step.done(admin.orgUrl)
      for (const u of unconfirmed) {
        out.warn(`could not confirm ${u.permission}: ${u.reason}`)
      }

      // 2. Okta: the app integration and everything around it.
      out.info(dryRun ? 'planning the Okta changes' : `provisioning ${target.title} in ${admin.orgUrl}`)
      const result = await runProvision(c, admin, request, dryRun)

      // 3. The target's config files.
      let files: RenderConfigFile[] = []
      if (outDir && !dryRun) {
        files = (await renderAfterProvision(c, result.profile, target.name, outDir, { nextSteps: false })).files
      }

      // 4. A test sign-in, as the target would do it.
      let checks: CheckResult[] | undefined
      if (options.verify && options.testUser) {
        checks = await verify(c, target, result.profile, options.testUser, request.input.groupsClaim, admin)
        printChecks(c, checks)
      }

      // One summary.
      const writes = result.changes.filter((ch) => ch.action !== 'unchanged').length
      out.info('')
      out.info(out.color.bold(`${target.title} ${dryRun ? 'plan' : 'setup'} for profile "${result.profile}"`))
      out.info(
        `  Okta:   ${writes ? `${writes} change(s) ${dryRun ? 'planned' : 'made'}` : 'already up to date'} in ${admin.orgUrl} (client id ${result.clientId ?? 'not created yet'})`,
      )
      if (files.length) {
        const written = files.filter((f) => f.written)
        out.info(`  files:  ${written.length ? written.map((f) => path.relative(deps.io.cwd, f.path) || f.path).join(', ') : 'unchanged'}`)
      }
      if (checks) {
        out.info(`  verify: ${allPassed(checks) ? 'test sign-in passed' : 'test sign-in FAILED'}`)
      }
      if (!dryRun) {
        out.info('  next:')
        if (target.name === 'cli') {
          out.info(`    oidc-setup login --profile ${result.profile}`)
        } else if (isRenderable(target)) {
          // setup merges into existing files itself and has no --merge: a step that says "re-run with --merge" is not
          // for it.
          for (const line of target.nextSteps('native').filter((l) => !/--merge/.test(l))) {
            out.info(`    ${line}`)
          }
        }
        out.info(`    oidc-setup doctor --profile ${result.profile}${files.length ? files.map((f) => ` --config ${path.relative(deps.io.cwd, f.path) || f.path}`).join('') : ''}`)
      }
      if (globals.json) {
        out.json({
          ...provisionJson(result, dryRun),
          target: target.name,
          files: files.map((f) => ({ path: f.path, written: f.written, containsSecret: f.containsSecret })),
          verify: checks ? checks.map((r) => ({ id: r.id, status: r.status, message: r.message })) : null,
        })
      } else {
        out.result(`profile: ${result.profile}`)
        out.result(`client id: ${result.clientId ?? '(not created yet)'}`)
        out.result(`issuer: ${result.issuer ?? '(not created yet)'}`)
      }
      if (checks && !allPassed(checks)) {
        throw new AuthError('the test sign-in did not give the target what it needs', {
          hint: `see the ✗ lines above; \`oidc-setup doctor --profile ${result.profile}\` checks the whole setup`,
        })
      }
    })
  withExamples(cmd, [
    'oidc-setup setup --target kestra --base-url https://kestra.example.com --assign-group Everyone',
    'oidc-setup setup --target galaxy --base-url https://galaxy.example.org --out ./galaxy-config --test-user qa@example.org --verify',
    'oidc-setup setup --target cli --profile cli --assign-group Everyone',
    'oidc-setup setup                       # on a terminal: asks for the target and base URL',
  ])
}

async function verify(
  c: ActionContext,
  target: TargetModule,
  profileName: string,
  login: string,
  groupsClaim: boolean,
  admin: OktaAdmin,
): Promise<CheckResult[]> {
  const { deps, globals } = c
  const profile = await deps.profiles.get(profileName)
  if (!profile?.issuer || !profile.clientId) {
    throw new ConfigError(`profile "${profileName}" has no issuer or client id to sign in with`)
  }
  const store = await deps.secretStore({ kind: globals.secretStore })
  const password = await store.get(secretKeys.testUserPassword(profileName))
  if (!password) {
    throw new ConfigError(`no password for the test user of profile "${profileName}" in the ${store.describe()}`, {
      hint: 'setup stores it when it creates the user; delete the user in Okta and run setup again',
    })
  }
  const secret = await store.get(secretKeys.clientSecret(profileName))
  // The second factor setup enrolled for the test user (Identity Engine's default policy asks for two).
  const totpSecret = await store.get(secretKeys.testUserTotp(profileName))
  c.out.registerSecret(password)
  c.out.registerSecret(secret)
  c.out.registerSecret(totpSecret)
  const req = target.requirements({ baseUrl: new URL(profile.baseUrl ?? 'http://127.0.0.1/'), settings: profile.settings ?? {} })
  // A service app has no redirect URI; the secret probe's dummy code needs one, which Okta never reaches.
  const redirectUri = profile.redirectUris?.[0] ?? (req.applicationType === 'service' ? 'http://127.0.0.1/' : undefined)
  if (!redirectUri) {
    throw new ConfigError(`profile "${profileName}" has no redirect URI to sign in with`)
  }
  const scopes = profile.scopes?.length ? profile.scopes : req.scopes
  const grants = profile.grantTypes ?? []
  // 1. Checks that need no person and that Okta answers truthfully (src/infra/oidc-preflight.ts).
  const preflight = await import('../../infra/oidc-preflight.js')
  const checks: CheckResult[] = []
  const discovered = await preflight.probeDiscovery(profile.issuer)
  checks.push(
    discovered.outcome.ok
      ? { id: 'verify.discovery', status: 'pass', message: discovered.outcome.detail }
      : { id: 'verify.discovery', status: 'fail', message: discovered.outcome.reason, fix: 'check the issuer in the profile and that the authorization server is ACTIVE' },
  )
  const server = discovered.server
  if (!server) {
    return checks
  }
  // On a custom server, the access policy and rule Okta evaluates for every token (issue 12 item 4): read back,
  // not assumed from what setup just wrote. https://developer.okta.com/docs/guides/configure-access-policy/
  const serverId = profile.authServerId
  if (serverId && serverId !== 'org') {
    const policies = await admin.listPolicies(serverId)
    const withRules = await Promise.all(policies.map(async (policy) => ({ policy, rules: await admin.listRules(serverId, policy.id) })))
    checks.push(...checkPolicy(profile.clientId, grants, scopes, withRules).map((r) => ({ ...r, id: r.id.replace(/^server\./, 'verify.') })))
  }
  if (secret !== undefined && usesClientSecret(req.tokenEndpointAuthMethod)) {
    const probe = await preflight.probeClientSecret({
      tokenEndpoint: server.tokenEndpoint,
      clientId: profile.clientId,
      clientSecret: secret,
      method: req.tokenEndpointAuthMethod,
      redirectUri,
    })
    checks.push(
      probe.kind === 'accepted'
        ? { id: 'verify.client-secret', status: 'pass', message: 'the stored client secret is accepted by the token endpoint' }
        : probe.kind === 'rejected'
          ? {
              id: 'verify.client-secret',
              status: 'fail',
              message: `the token endpoint refuses the stored client secret (invalid_client${probe.description ? `: ${probe.description}` : ''})`,
              fix: 'rotate the secret in Okta (or re-create the app) and run setup again; a masked secret is never usable',
            }
          : {
              id: 'verify.client-secret',
              status: 'warn',
              message: `the client secret could not be checked (HTTP ${probe.status}${probe.error ? ` ${probe.error}` : ''}${probe.description ? `: ${probe.description}` : ''})`,
            },
    )
  }
  if (profile.intent?.clientAuth === 'private-key-jwt') {
    // issue 15 item 2: the key in the secret store, proven at the token endpoint (client_credentials for a service;
    // a dummy code exchange otherwise, where invalid_grant means the assertion was accepted).
    checks.push(await proveClientKey(profile.issuer, profile.clientId, await store.get(secretKeys.clientPrivateKey(profileName)), req.applicationType === 'service' ? scopes : undefined))
    if (req.applicationType === 'service') {
      return checks
    }
  }
  if (req.applicationType === 'service') {
    if (secret === undefined) {
      return checks
    }
    const token = await preflight.probeClientCredentials({ tokenEndpoint: server.tokenEndpoint, clientId: profile.clientId, clientSecret: secret, scopes })
    checks.push(
      token.ok
        ? { id: 'verify.client-credentials', status: 'pass', message: token.detail }
        : { id: 'verify.client-credentials', status: 'fail', message: `no client-credentials token: ${token.reason}`, fix: 'check the access policy and rule of the authorization server for this client and its scopes' },
    )
    return checks
  }
  const answer = await preflight.probeAuthorization(server, { clientId: profile.clientId, redirectUri, scopes, responseType: 'code' })
  checks.push(
    answer.kind === 'sign-in'
      ? { id: 'verify.authorize', status: 'pass', message: `Okta accepts the authorization request (client, ${redirectUri}, ${scopes.join(' ')}) and shows its sign-in` }
      : {
          id: 'verify.authorize',
          status: 'fail',
          message:
            answer.kind === 'redirect-error'
              ? `Okta refuses the authorization request: ${answer.error}${answer.description ? `: ${answer.description}` : ''}`
              : answer.kind === 'unregistered-redirect-uri'
                ? `Okta does not know the redirect URI ${redirectUri} for this app: ${answer.description}`
                : answer.kind === 'unknown-client'
                  ? `Okta does not know the client ${profile.clientId}: ${answer.description}`
                  : `Okta answered the authorization request with an error page (HTTP ${answer.status}): ${answer.description}`,
          fix: 'run setup again (it repairs redirect URIs, scopes and policies) or `oidc-setup doctor --fix`',
        },
  )
  if (!allPassed(checks)) {
    return checks
  }
  if (profile.intent?.clientAuth === 'private-key-jwt') {
    c.out.info(`the full test sign-in redeems its code with a client secret; with private_key_jwt it stops at the key proof: sign in once as ${login} to finish checking`)
    return checks
  }
  // On Identity Engine orgs the app's authentication policy decides whether a password suffices; new apps get the
  // shared default policy, which asks for two factors (help.okta.com about-app-sign-on-policies). Read through the
  // Management API, so it is checked on real orgs too, where the full sign-in below needs a person. setup never
  // changes the policy: it applies to every user of the app.
  const policy = profile.appId && admin.getAppSignOnPolicy ? await admin.getAppSignOnPolicy(profile.appId) : undefined
  if (policy) {
    const user = await admin.findUser(login)
    if (user) {
      const groupIds = admin.listUserGroupIds ? await admin.listUserGroupIds(user.id) : []
      checks.push(checkSignOnPolicy(policy, { login, id: user.id, groupIds, hasTotp: Boolean(totpSecret) }, profile.appId ?? ''))
      if (checks.some((r) => r.status === 'fail')) {
        return checks
      }
    }
  }
  // 2. The whole sign-in, where the org lets a program do it (the sandbox's test-login endpoint).
  const step = c.out.step(`signing ${login} in as the app would`)
  const { testSignIn } = await import('../../infra/verify-sign-in.js')
  const result = await testSignIn(deps.oidc, {
    issuer: profile.issuer,
    clientId: profile.clientId,
    clientSecret: secret,
    tokenEndpointAuthMethod: req.tokenEndpointAuthMethod,
    redirectUri,
    scopes,
    login,
    password,
    totpSecret,
  })
  if (result.ok === 'skipped') {
    step.done('not run')
    c.out.info(`the full test sign-in needs a person on this org: ${result.reason}; sign in once as ${login} to finish checking`)
    return checks
  }
  if (!result.ok) {
    step.fail()
    return [
      ...checks,
      {
        id: 'verify.sign-in',
        status: 'fail',
        message: `test sign-in: ${result.reason}`,
        fix: 'fix the cause above (assignment, authentication policy, scopes) and run setup again',
      },
    ]
  }
  step.done()
  return [...checks, ...checkSignIn(result, {
    login,
    issuer: profile.issuer,
    clientId: profile.clientId,
    scopes,
    refreshToken: grants.includes('refresh_token') && scopes.includes('offline_access'),
    groupsClaim,
  })]
}

/** The `verify.client-key` check: an assertion signed with the stored private key, at the token endpoint. */
async function proveClientKey(issuer: string, clientId: string, stored: string | undefined, clientCredentialsScopes: string[] | undefined): Promise<CheckResult> {
  const key = parseStoredClientKey(stored)
  if (!key) {
    return { id: 'verify.client-key', status: 'fail', message: 'no private key for this app in the secret store', fix: 'run setup again (it registers a new key), or `oidc-setup okta rotate-key`' }
  }
  const { openIdClientKeyProbe } = await import('../../infra/client-key-probe.js')
  try {
    const verdict = await openIdClientKeyProbe().probe({ issuer, clientId, key, clientCredentialsScopes })
    return verdict.accepted
      ? { id: 'verify.client-key', status: 'pass', message: `the token endpoint accepts assertions signed with the stored key (${key.kid})` }
      : { id: 'verify.client-key', status: 'fail', message: `the token endpoint refuses the stored key: ${verdict.error}${verdict.description ? `: ${verdict.description}` : ''}`, fix: 'check the app\'s public keys in the Admin Console, or `oidc-setup okta rotate-key`' }
  } catch (error) {
    return { id: 'verify.client-key', status: 'fail', message: (error as Error).message, fix: 'check the access policy and rule of the authorization server for this client and its scopes' }
  }
}
