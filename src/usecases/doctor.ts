import { usesClientSecret } from '../domain/app-requirements.js'
import { parseStoredClientKey } from '../domain/client-key.js'
import {
  checkAppExists,
  checkAppSettings,
  checkAssignments,
  checkClientKey,
  checkSignOnPolicy,
  checkClientSecret,
  checkRotation,
  checkClock,
  checkConfigFile,
  checkGroupsClaim,
  checkIssuer,
  checkJwks,
  checkPolicy,
  checkScopes,
  groupsLimitWarning,
  type CheckResult,
} from '../domain/doctor.js'
import { ConfigError, ManagementApiError } from '../domain/errors.js'
import type { OidcApp } from '../domain/okta-model.js'
import { secretKeys, type Profile } from '../domain/profile.js'
import { decodeJwtPayload, parseTokenSet } from '../domain/token-set.js'
import { SYSTEM_SCOPES } from '../domain/provision-plan.js'
import type { HttpProbe } from '../infra/http.js'
import type { OktaAdmin } from '../infra/okta-admin.js'
import type { SecretStore } from '../infra/secret-store.js'
import { inspectConfigFile } from '../targets/inspect.js'
import type { TargetModule } from '../targets/types.js'

/** What `oidc-setup doctor` checks. */
export interface DoctorInput {
  profile: Profile
  target: TargetModule
  /** Rendered config files to compare with Okta (`--config`). */
  configFiles: string[]
  /** Check for a groups claim (`--groups-claim`, or the profile requests the `groups` scope). */
  groupsClaim: boolean
}

/** The edges doctor reads from. Doctor never writes; `--fix` goes through provisionApp. */
export interface DoctorDeps {
  http: HttpProbe
  /** The Management API, or undefined when no credentials are configured (Okta checks are then skipped). */
  admin(): Promise<OktaAdmin | undefined>
  secretStore(): Promise<SecretStore>
  readFile(file: string): Promise<string | undefined>
  now(): Date
  /** Called as each check completes, for progress output. */
  onResult?: ((result: CheckResult) => void) | undefined
}


/** Runs every check that applies and returns them in order. Throws only for unusable input. */
export async function runDoctor(input: DoctorInput, deps: DoctorDeps): Promise<CheckResult[]> {
  const { profile, target } = input
  const { createHash } = await import('node:crypto')
  const sha256 = (value: string): string => createHash('sha256').update(value).digest('hex')
  // The stored client secret, read at most once (the Okta checks and the file checks both compare with it).
  let storedSecret: Promise<string | undefined> | undefined
  const readStoredSecret = (): Promise<string | undefined> =>
    (storedSecret ??= deps.secretStore().then((store) => store.get(secretKeys.clientSecret(profile.name))))
  const results: CheckResult[] = []
  const add = (...rs: CheckResult[]): void => {
    for (const r of rs) {
      results.push(r)
      deps.onResult?.(r)
    }
  }
  const issuer = profile.issuer
  const clientId = profile.clientId
  if (!issuer || !clientId) {
    throw new ConfigError(`profile "${profile.name}" has no ${issuer ? 'client id' : 'issuer'}`, {
      hint: `run \`oidc-setup okta create-app --profile ${profile.name} …\` or \`oidc-setup setup\` first`,
    })
  }
  const baseUrl = new URL(profile.baseUrl ?? 'http://127.0.0.1/')
  const req = target.requirements({ baseUrl })

  // 1. The issuer: discovery, exact issuer, JWKS, and this machine's clock against the issuer's.
  const discoveryUrl = `${issuer}/.well-known/openid-configuration`
  let discovery: Record<string, unknown> | undefined
  let serverDate: string | undefined
  try {
    const response = await deps.http.getJson(discoveryUrl)
    serverDate = response.date
    if (response.status === 200 && response.body && typeof response.body === 'object') {
      discovery = response.body as Record<string, unknown>
    }
  } catch {
    discovery = undefined
  }
  add(checkIssuer(issuer, typeof discovery?.issuer === 'string' ? discovery.issuer : undefined, discoveryUrl))
  const jwksUri = typeof discovery?.jwks_uri === 'string' ? discovery.jwks_uri : undefined
  let keyCount: number | undefined
  if (jwksUri) {
    try {
      const jwks = await deps.http.getJson(jwksUri)
      const keys = (jwks.body as { keys?: unknown[] } | undefined)?.keys
      keyCount = jwks.status === 200 && Array.isArray(keys) ? keys.length : undefined
    } catch {
      keyCount = undefined
    }
  }
  if (discovery) {
    add(checkJwks(jwksUri, keyCount))
    add(checkClock(deps.now().getTime(), serverDate))
  }

  // 2. Okta: the app, its server's scopes, policy, rule and claim, assignments, the client secret.
  const admin = await deps.admin()
  let app: OidcApp | undefined
  if (!admin) {
    add({
      id: 'okta.credentials',
      status: 'warn',
      message: 'no Management API credentials: the app, policy and assignment checks were skipped',
      fix: 'run `oidc-setup okta configure` (or set OKTA_CLIENT_ORGURL and OKTA_CLIENT_TOKEN)',
    })
  } else {
    try {
      app = profile.appId ? await admin.getApp(profile.appId) : undefined
      if (!app && profile.appLabel) {
        app = (await admin.findAppsByLabel(profile.appLabel)).find((a) => a.clientId === clientId)
      }
      add(checkAppExists(app, profile.appLabel ? `"${profile.appLabel}" (${clientId})` : clientId))
      if (app) {
        add(...checkAppSettings(app, req))
        const serverId = profile.authServerId
        const requested = profile.scopes?.length ? profile.scopes : req.scopes
        if (serverId && serverId !== 'org') {
          const [scopes, policies, claims] = await Promise.all([
            admin.listScopes(serverId),
            admin.listPolicies(serverId),
            input.groupsClaim ? admin.listClaims(serverId) : Promise.resolve([]),
          ])
          add(checkScopes(requested, scopes, serverId))
          const withRules = await Promise.all(
            policies.map(async (policy) => ({ policy, rules: await admin.listRules(serverId, policy.id) })),
          )
          add(...checkPolicy(clientId, app.grantTypes, requested, withRules))
          if (input.groupsClaim) {
            add(checkGroupsClaim(claims))
          }
        } else {
          const unknown = requested.filter((s) => !SYSTEM_SCOPES.has(s) && s !== 'groups')
          if (unknown.length) {
            add({
              id: 'server.scopes',
              status: 'fail',
              message: `the org authorization server has no custom scopes, but ${unknown.join(', ')} are requested`,
              fix: 'use a custom authorization server (--auth-server default or new) for custom scopes',
            })
          }
        }
        const [groups, users] = await Promise.all([admin.listAppGroupIds(app.id), admin.listAppUserIds(app.id)])
        add(checkAssignments(groups.length, users.length, app.federationBrokerMode === true))
        // A test user this profile made has a password, and a TOTP authenticator when setup could enroll one: on
        // Identity Engine orgs the app's authentication policy decides whether that suffices.
        const testUser = profile.managed?.find((m) => m.type === 'test-user')
        const signOn = testUser && admin.getAppSignOnPolicy ? await admin.getAppSignOnPolicy(app.id) : undefined
        if (testUser && signOn) {
          const groupIds = admin.listUserGroupIds ? await admin.listUserGroupIds(testUser.id) : []
          const hasTotp = Boolean(await (await deps.secretStore()).get(secretKeys.testUserTotp(profile.name)))
          const verdict = checkSignOnPolicy(signOn, { login: testUser.name, id: testUser.id, groupIds, hasTotp }, app.id)
          add({ ...verdict, id: 'app.test-user-sign-in', ...(verdict.status === 'fail' ? { status: 'warn' as const } : {}) })
        }
        if (app.tokenEndpointAuthMethod === 'private_key_jwt') {
          const kid = parseStoredClientKey(await (await deps.secretStore()).get(secretKeys.clientPrivateKey(profile.name)))?.kid
          add(checkClientKey(kid, await admin.listJwks(app.id), profile.name))
        }
        const confidential = usesClientSecret(app.tokenEndpointAuthMethod)
        const active = confidential ? (await admin.listClientSecrets(app.id)).filter((s) => s.status === 'ACTIVE') : []
        const stored = confidential ? await readStoredSecret() : undefined
        // Plaintexts are compared by a local hash. Masked values cannot be: Okta returns `secret_hash` (spec
        // OAuth2ClientSecret: "OAuth 2.0 client secret string hash") but documents no algorithm for it, so a hash
        // computed here could never be trusted to match; doctor says it cannot compare instead of "matches none".
        const plain = active.filter((s) => s.value && !s.masked)
        const activeHashes = new Set(plain.map((s) => sha256(s.value)))
        const masked = stored !== undefined && plain.length < active.length
        if (app.tokenEndpointAuthMethod !== 'private_key_jwt') {
          // Masked: compared by the secret_hash recorded when the secret was stored, when there is one.
          const byOktaHash = masked && profile.clientSecretHash ? active.some((s) => s.secretHash === profile.clientSecretHash) : undefined
          const matches =
            byOktaHash !== undefined
              ? byOktaHash
              : stored === undefined || activeHashes.size === 0 || (masked && !activeHashes.has(sha256(stored)))
                ? masked
                  ? ('masked' as const)
                  : undefined
                : activeHashes.has(sha256(stored))
          add(checkClientSecret(confidential, active.length, matches, profile.name))
        }
        if (profile.rotation) {
          add(checkRotation(profile.rotation, active.map((s) => s.id)))
        }
      }
    } catch (error) {
      if (!(error instanceof ManagementApiError)) {
        throw error
      }
      add({
        id: 'okta.api',
        status: 'fail',
        message: `the Management API failed: ${error.message}`,
        fix: error.hint ?? 'run `oidc-setup okta configure` to check the credentials',
      })
    }
  }

  // 3. Rendered config files against what Okta says.
  if (input.configFiles.length) {
    let secretHash: string | undefined
    const stored = await readStoredSecret()
    if (stored) {
      secretHash = sha256(stored)
    }
    const issuerAsWritten =
      target.name === 'galaxy' && (profile.authServerId ?? 'org') === 'org' ? `${issuer}/oauth2` : issuer
    const jwksUrls = target.name === 'openmetadata' ? [jwksUri ?? `${issuer}/v1/keys`] : []
    for (const file of input.configFiles) {
      const text = await deps.readFile(file)
      if (text === undefined) {
        add({ id: `config.${file}`, status: 'fail', message: `${file} does not exist`, fix: 'render it: `oidc-setup render-config …`' })
        continue
      }
      let observed
      try {
        observed = inspectConfigFile(target.name, file, text)
      } catch (error) {
        if (!(error instanceof ConfigError)) {
          throw error
        }
        add({ id: `config.${file}`, status: 'fail', message: error.message, fix: error.hint ?? 'render it again' })
        continue
      }
      if (!observed) {
        continue
      }
      let usesPrevious = false
      if (profile.rotation && observed.clientSecret !== undefined && sha256(observed.clientSecret) !== secretHash) {
        const previous = await (await deps.secretStore()).get(secretKeys.clientSecretPrevious(profile.name))
        usesPrevious = previous !== undefined && previous === observed.clientSecret
      }
      if (usesPrevious) {
        add({
          id: `config.${file}.secret`,
          status: 'warn',
          message: `${file} still uses the old client secret of the rotation under way`,
          fix: `render it again (oidc-setup okta rotate-secret --profile ${profile.name} --render DIR) and restart the application before --finish`,
        })
      } else if (profile.rotation && observed.clientSecret !== undefined && sha256(observed.clientSecret) === secretHash) {
        add({ id: `config.${file}.secret`, status: 'pass', message: `${file} uses the new client secret of the rotation under way` })
      }
      const [first, ...more] = observed.advice ?? []
      if (first !== undefined) {
        // What the file cannot show (e.g. OpenMetadata's database-stored settings winning over it).
        add({ id: `config.${file}.applies`, status: 'warn', message: `${file} may not be what the server uses`, fix: [first, ...more].join('; ') })
      }
      add(
        checkConfigFile(
          {
            file,
            issuer: observed.issuer,
            clientId: observed.clientId,
            redirectUris: observed.redirectUris,
            jwksUrls: observed.jwksUrls,
            secretMatches:
              observed.clientSecret === undefined || secretHash === undefined || usesPrevious
                ? undefined
                : sha256(observed.clientSecret) === secretHash,
          },
          {
            issuer,
            issuerAsWritten,
            clientId,
            redirectUris: app?.redirectUris ?? profile.redirectUris ?? req.redirectUris,
            jwksUrls,
          },
        ),
      )
    }
  }

  // 4. The signed-in user's ID token (oidc-setup login): a groups claim near Okta's 100-group cut-off.
  if (input.groupsClaim) {
    const set = parseTokenSet(await (await deps.secretStore()).get(secretKeys.tokenSet(profile.name)))
    const limit = groupsLimitWarning(set?.idToken ? decodeJwtPayload(set.idToken)?.groups : undefined, `the groups claim of the ID token oidc-setup login stored for "${profile.name}"`)
    if (limit) {
      add(limit)
    }
  }
  return results
}
