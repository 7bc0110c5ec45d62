import type { Claim, OidcApp, Policy, Rule, Scope } from './okta-model.js'
import type { OktaAppRequirements } from '../targets/types.js'
import type { SecretRotation } from './profile.js'

/** The outcome of one doctor check: ✓ pass, ✗ fail, ! warn (works, but a trap is near). */
export type CheckStatus = 'pass' | 'fail' | 'warn'

/** One line of `oidc-setup doctor`. */
export interface CheckResult {
  /** Stable id, e.g. `app.redirect-uris`. */
  id: string
  status: CheckStatus
  /** What was checked, with the facts found. */
  message: string
  /** What to do about a failure or warning. */
  fix?: string | undefined
  /** Whether `doctor --fix` can repair it through the provisioning engine. */
  fixable?: boolean | undefined
}

/** Allowed clock difference between this machine and the issuer before tokens are refused. */
export const CLOCK_SKEW_LIMIT_SECONDS = 60

const pass = (id: string, message: string): CheckResult => ({ id, status: 'pass', message })
const fail = (id: string, message: string, fix: string, fixable = false): CheckResult => ({
  id,
  status: 'fail',
  message,
  fix,
  fixable,
})
const warn = (id: string, message: string, fix: string, fixable = false): CheckResult => ({
  id,
  status: 'warn',
  message,
  fix,
  fixable,
})

const list = (values: readonly string[]): string => (values.length ? values.join(', ') : '(none)')
const missingFrom = (needed: readonly string[], have: readonly string[]): string[] =>
  needed.filter((v) => !have.includes(v))

/** The issuer's discovery document agrees byte for byte with the configured issuer. */
export function checkIssuer(configured: string, discovered: string | undefined, url: string): CheckResult {
  if (discovered === undefined) {
    return fail('issuer.discovery', `discovery document not reachable at ${url}`, 'check the issuer URL and the network path to it')
  }
  if (discovered !== configured) {
    return fail(
      'issuer.match',
      `issuer mismatch: configured "${configured}", discovery says "${discovered}"`,
      `use the issuer exactly as published ("${discovered}"): trailing slashes and /oauth2/default vs the org URL matter`,
    )
  }
  return pass('issuer.match', `issuer ${configured} matches its discovery document`)
}

/** The JWKS endpoint serves at least one key. */
export function checkJwks(url: string | undefined, keyCount: number | undefined): CheckResult {
  if (url === undefined || keyCount === undefined) {
    return fail('issuer.jwks', `JWKS not reachable${url ? ` at ${url}` : ''}`, 'check the issuer: its discovery document must name a reachable jwks_uri')
  }
  if (keyCount === 0) {
    return fail('issuer.jwks', `JWKS at ${url} has no keys`, 'the authorization server has no signing key; check it in Okta')
  }
  return pass('issuer.jwks', `JWKS reachable at ${url} (${keyCount} key${keyCount === 1 ? '' : 's'})`)
}

/** The app exists and is active. */
export function checkAppExists(app: OidcApp | undefined, ref: string): CheckResult {
  if (!app) {
    return fail('app.exists', `no app ${ref} in Okta`, 'run `oidc-setup okta create-app` (or `doctor --fix`) to create it', true)
  }
  if (app.status !== 'ACTIVE') {
    return fail('app.active', `app "${app.label}" (${app.clientId}) is ${app.status}`, 'activate it, or run `doctor --fix`', true)
  }
  return pass('app.active', `app "${app.label}" (${app.clientId}) exists and is active`)
}

/** The app has the grant types, response types and exact redirect URIs the target needs. */
export function checkAppSettings(app: OidcApp, req: OktaAppRequirements): CheckResult[] {
  const results: CheckResult[] = []
  const type = app.applicationType === req.applicationType
  results.push(
    type
      ? pass('app.type', `application type ${app.applicationType}`)
      : fail(
          'app.type',
          `application type is ${app.applicationType}, the target needs ${req.applicationType}`,
          'an app type cannot change in Okta: delete the app (`okta delete-app`) and create it again',
        ),
  )
  const grants = missingFrom(req.grantTypes, app.grantTypes)
  results.push(
    grants.length === 0
      ? pass('app.grant-types', `grant types ${list(app.grantTypes)}`)
      : fail(
          'app.grant-types',
          `grant types ${list(app.grantTypes)} lack ${list(grants)}`,
          grants.includes('refresh_token')
            ? 'enable the Refresh Token grant: without it the target cannot keep sessions (Galaxy refuses first logins)'
            : `enable ${list(grants)} on the app`,
          true,
        ),
  )
  const responses = missingFrom(req.responseTypes, app.responseTypes)
  results.push(
    responses.length === 0
      ? pass('app.response-types', `response types ${list(app.responseTypes)}`)
      : fail('app.response-types', `response types lack ${list(responses)}`, `add ${list(responses)} to the app`, true),
  )
  const redirects = missingFrom(req.redirectUris, app.redirectUris)
  results.push(
    redirects.length === 0
      ? pass('app.redirect-uris', `sign-in redirect URIs include ${list(req.redirectUris)}`)
      : fail(
          'app.redirect-uris',
          `sign-in redirect URIs lack ${list(redirects)} (registered: ${list(app.redirectUris)})`,
          'Okta matches redirect URIs exactly (scheme, host, port, path): register the missing ones',
          true,
        ),
  )
  const logouts = missingFrom(req.postLogoutRedirectUris, app.postLogoutRedirectUris)
  results.push(
    logouts.length === 0
      ? pass('app.logout-uris', `sign-out redirect URIs include ${list(req.postLogoutRedirectUris)}`)
      : warn('app.logout-uris', `sign-out redirect URIs lack ${list(logouts)}`, 'register them, or sign-out will not return to the app', true),
  )
  const wantIssuerMode = req.issuerMode ?? 'ORG_URL'
  if (app.issuerMode === undefined) {
    results.push(
      warn(
        'app.issuer-mode',
        'the app has no issuer_mode: on an org with a custom domain its ID tokens carry the custom domain issuer (Okta\'s default CUSTOM_URL)',
        `set issuer_mode ${wantIssuerMode} (Sign On › OpenID Connect ID Token › Issuer), or run \`doctor --fix\``,
        true,
      ),
    )
  } else if (app.issuerMode !== wantIssuerMode) {
    results.push(
      fail(
        'app.issuer-mode',
        `the app's ID tokens carry the ${app.issuerMode === 'DYNAMIC' ? 'dynamic' : app.issuerMode === 'CUSTOM_URL' ? 'custom domain' : 'Okta URL'} issuer (${app.issuerMode}); the target's config names the ${wantIssuerMode === 'ORG_URL' ? 'Okta URL' : 'custom domain'} issuer`,
        `set Sign On › OpenID Connect ID Token › Issuer to ${wantIssuerMode === 'ORG_URL' ? '"Okta URL"' : '"Custom URL"'} (issuer_mode ${wantIssuerMode}), or run \`doctor --fix\``,
        true,
      ),
    )
  }
  if (req.pkceRequired && !app.pkceRequired) {
    results.push(fail('app.pkce', 'PKCE is not required by the app', 'require PKCE for this public client', true))
  }
  return results
}

/** On a custom server: the scopes the target requests exist. */
export function checkScopes(requested: readonly string[], scopes: readonly Scope[], serverId: string): CheckResult {
  const names = scopes.map((s) => s.name)
  const missing = missingFrom(requested, names)
  return missing.length === 0
    ? pass('server.scopes', `scopes ${list([...requested])} exist on authorization server ${serverId}`)
    : fail(
        'server.scopes',
        `scopes ${list(missing)} do not exist on authorization server ${serverId} (logins fail with invalid_scope)`,
        `create them, or stop requesting them`,
        true,
      )
}

/** On a custom server: an active access policy covers the client and a rule allows its grants and scopes. */
export function checkPolicy(
  clientId: string,
  grantTypes: readonly string[],
  scopes: readonly string[],
  policies: ReadonlyArray<{ policy: Policy; rules: readonly Rule[] }>,
): CheckResult[] {
  const covering = policies.filter(
    ({ policy }) =>
      policy.status === 'ACTIVE' && (policy.clientIds.includes(clientId) || policy.clientIds.includes('ALL_CLIENTS')),
  )
  const first = covering[0]
  if (!first) {
    return [
      fail(
        'server.policy',
        `no active access policy covers client ${clientId} (logins fail with "Policy evaluation failed")`,
        'create an access policy assigned to this client, or run `doctor --fix`',
        true,
      ),
    ]
  }
  const userGrants = grantTypes.filter((g) => g !== 'implicit')
  const allows = covering.some(({ rules }) =>
    rules.some(
      (rule) =>
        rule.status === 'ACTIVE' &&
        missingFrom(userGrants, rule.grantTypes).length === 0 &&
        (rule.scopes.includes('*') || missingFrom(scopes, rule.scopes).length === 0),
    ),
  )
  return [
    pass('server.policy', `access policy "${first.policy.name}" covers client ${clientId}`),
    allows
      ? pass('server.rule', `a rule allows grants ${list([...userGrants])} and scopes ${list([...scopes])}`)
      : fail(
          'server.rule',
          `no active rule allows grants ${list([...userGrants])} with scopes ${list([...scopes])}`,
          'add a rule with those grant types and scopes, or run `doctor --fix`',
          true,
        ),
  ]
}

/** On a custom server: a groups claim exists when the setup asks for one. */
export function checkGroupsClaim(claims: readonly Claim[]): CheckResult {
  const claim = claims.find((c) => c.name === 'groups' && c.status === 'ACTIVE')
  return claim
    ? pass('server.groups-claim', `groups claim present (${claim.claimType.toLowerCase()} token)`)
    : fail('server.groups-claim', 'no active "groups" claim on the authorization server', 'create it, or run `doctor --fix`', true)
}

/** Somebody can sign in: groups or users are assigned (fails when nobody is). */
export function checkAssignments(groupCount: number, userCount: number, federationBrokerMode = false): CheckResult {
  if (federationBrokerMode) {
    // https://help.okta.com/oie/en-us/content/topics/apps/apps-fbm-enable.htm: no assignments, every user may sign in.
    return pass('app.assignments', 'Federation Broker Mode: every user of the org may sign in (Okta allows no assignments in this mode)')
  }
  if (groupCount === 0 && userCount === 0) {
    // Nobody can sign in at all: a failure, not a warning (issue 11; README troubleshooting).
    return fail(
      'app.assignments',
      'no groups or users are assigned to the app (sign-ins fail with "User is not assigned to the client application")',
      're-run `oidc-setup okta create-app` for this profile with --assign-group NAME (e.g. Everyone) or --assign-user LOGIN, or assign people in the Okta admin console',
    )
  }
  const plural = (n: number, what: string): string => `${n} ${what}${n === 1 ? '' : 's'}`
  return pass('app.assignments', `assigned: ${plural(groupCount, 'group')}, ${plural(userCount, 'user')} (directly or through groups)`)
}

/**
 * A private_key_jwt client: the key oidc-setup holds (its kid) is an ACTIVE public key of the app in Okta, so its
 * client assertions verify (https://developer.okta.com/docs/guides/implement-oauth-for-okta-serviceapp/main/).
 */
export function checkClientKey(storedKid: string | undefined, keys: ReadonlyArray<{ kid: string; status: string }>, profile = 'NAME'): CheckResult {
  const active = keys.filter((k) => k.status === 'ACTIVE')
  if (storedKid === undefined) {
    return fail('app.client-key', 'no private key for this private_key_jwt client in the secret store', `run \`oidc-setup okta rotate-key --profile ${profile}\` to make and register one`)
  }
  if (!active.some((k) => k.kid === storedKid)) {
    return fail(
      'app.client-key',
      `the stored private key (kid ${storedKid}) is not an active public key of the app (active: ${active.map((k) => k.kid).join(', ') || 'none'})`,
      `run \`oidc-setup okta rotate-key --profile ${profile}\``,
    )
  }
  return pass('app.client-key', `the stored private key (kid ${storedKid}) is an active public key of the app`)
}

/** A confidential client has an active secret in Okta and the one oidc-setup holds matches it. */
export function checkClientSecret(
  confidential: boolean,
  activeSecrets: number,
  storedMatches: boolean | 'masked' | undefined,
  profile = 'NAME',
): CheckResult {
  if (!confidential) {
    return pass('app.client-secret', 'public client: no client secret needed')
  }
  if (activeSecrets === 0) {
    return fail('app.client-secret', 'the app has no active client secret', 'create one in Okta, or run `okta create-app` again')
  }
  if (storedMatches === 'masked') {
    // Okta masks the values and does not document how `secret_hash` is computed (spec OAuth2ClientSecret).
    return warn(
      'app.client-secret',
      'cannot compare the stored client secret with Okta\'s: Okta masks secret values and does not document how secret_hash is computed',
      `if the application is refused with invalid_client, get a new secret: \`oidc-setup okta rotate-secret --profile ${profile}\``,
    )
  }
  if (storedMatches === false) {
    return fail(
      'app.client-secret',
      'the client secret in the secret store matches none of the app\'s active secrets (compared by hash)',
      'run `oidc-setup okta create-app` again to store the current secret, then render the config again',
    )
  }
  return pass(
    'app.client-secret',
    storedMatches === undefined ? 'the app has an active client secret' : 'the stored client secret is active in Okta',
  )
}

/**
 * A client-secret rotation under way (okta rotate-secret): both secrets are named, and the check warns until the old
 * one is retired, since Okta keeps two active secrets at most and the next rotation needs the slot.
 */
export function checkRotation(rotation: SecretRotation, activeIds: readonly string[]): CheckResult {
  const listed = activeIds.map((id) => (id === rotation.newSecretId ? `${id} (new)` : rotation.oldSecretIds.includes(id) ? `${id} (old)` : id))
  const next =
    rotation.step === 'proven'
      ? 'after the application restarted with the new secret: `okta rotate-secret --finish`'
      : 'run `okta rotate-secret` again to resume it'
  return warn(
    'app.client-secret.rotation',
    `a client secret rotation is under way (${rotation.step}${rotation.graceUntil ? `, old secret retired after ${rotation.graceUntil}` : ''}); active secrets: ${listed.join(', ') || 'none'}`,
    next,
  )
}

/** This machine's clock agrees with the issuer's. */
export function checkClock(localMs: number, serverDate: string | undefined): CheckResult {
  if (!serverDate) {
    return warn('clock.skew', 'the issuer sent no Date header; clock skew not checked', 'make sure this machine syncs its clock (NTP)')
  }
  const serverMs = Date.parse(serverDate)
  if (Number.isNaN(serverMs)) {
    return warn('clock.skew', `the issuer sent an unreadable Date header "${serverDate}"`, 'make sure this machine syncs its clock (NTP)')
  }
  // The Date header has one-second resolution.
  const skew = Math.round((localMs - serverMs) / 1000)
  return Math.abs(skew) <= CLOCK_SKEW_LIMIT_SECONDS
    ? pass('clock.skew', `clock within ${CLOCK_SKEW_LIMIT_SECONDS} s of the issuer (${skew >= 0 ? '+' : ''}${skew} s)`)
    : fail(
        'clock.skew',
        `this machine's clock is ${Math.abs(skew)} s ${skew > 0 ? 'ahead of' : 'behind'} the issuer (limit ${CLOCK_SKEW_LIMIT_SECONDS} s): tokens will be refused`,
        'sync the clock (e.g. `timedatectl set-ntp true`)',
      )
}

/** Values a rendered config file holds, as far as doctor compares them with Okta. */
export interface ObservedConfig {
  file: string
  issuer?: string | undefined
  clientId?: string | undefined
  redirectUris?: string[] | undefined
  jwksUrls?: string[] | undefined
  /** True/false when the file holds a literal secret that does/doesn't match; undefined when it holds a reference. */
  secretMatches?: boolean | undefined
}

/** What a rendered config file should say. */
export interface ExpectedConfig {
  issuer: string
  /** What the target writes as its issuer (Galaxy writes `{org}/oauth2` as api_url). */
  issuerAsWritten: string
  clientId: string
  redirectUris: string[]
  jwksUrls: string[]
}

/** A rendered config file agrees with Okta. */
export function checkConfigFile(observed: ObservedConfig, expected: ExpectedConfig): CheckResult {
  const problems: string[] = []
  if (observed.issuer !== undefined && observed.issuer !== expected.issuerAsWritten) {
    problems.push(`issuer "${observed.issuer}" is not "${expected.issuerAsWritten}"`)
  }
  if (observed.clientId !== undefined && observed.clientId !== expected.clientId) {
    problems.push(`client id ${observed.clientId} is not ${expected.clientId}`)
  }
  for (const uri of observed.redirectUris ?? []) {
    if (!expected.redirectUris.includes(uri)) {
      problems.push(`redirect URI ${uri} is not registered in Okta`)
    }
  }
  if (observed.jwksUrls !== undefined) {
    for (const url of expected.jwksUrls) {
      if (!observed.jwksUrls.includes(url)) {
        problems.push(`public key URLs lack ${url}`)
      }
    }
  }
  if (observed.secretMatches === false) {
    problems.push('the client secret does not match the one in Okta (compared by hash)')
  }
  return problems.length === 0
    ? pass(`config.${observed.file}`, `${observed.file} agrees with Okta`)
    : fail(`config.${observed.file}`, `${observed.file}: ${problems.join('; ')}`, 'render it again: `oidc-setup render-config --merge …`')
}

/** Whether every check passed (warnings do not fail doctor). */
export function allPassed(results: readonly CheckResult[]): boolean {
  return results.every((r) => r.status !== 'fail')
}

/** What a target needs from the tokens of a test sign-in. */
export interface TokenExpectations {
  /** The test user's login: the ID token must be about them. */
  login: string
  issuer: string
  clientId: string
  scopes: string[]
  /** The target keeps sessions with a refresh token (Galaxy, Pomerium). */
  refreshToken: boolean
  groupsClaim: boolean
}

/** Facts of a completed test sign-in (the ID token was validated by openid-client). */
export interface SignInFacts {
  idTokenClaims: Record<string, unknown>
  grantedScopes: string[]
  hasRefreshToken: boolean
}

/** Checks a test sign-in's tokens against what the target needs. */
export function checkSignIn(facts: SignInFacts, want: TokenExpectations): CheckResult[] {
  const claims = facts.idTokenClaims
  const aud = Array.isArray(claims.aud) ? claims.aud : [claims.aud]
  const who = String(claims.preferred_username ?? claims.email ?? claims.sub)
  const results: CheckResult[] = [
    who.toLowerCase() === want.login.toLowerCase()
      ? pass('verify.sign-in', `test sign-in completed as ${who}`)
      : fail(
          'verify.sign-in',
          `the sign-in completed as ${who}, not as the test user ${want.login}`,
          'an existing session or an auto-login signed somebody else in; sign out (or turn auto-login off) and run again',
        ),
    claims.iss === want.issuer && aud.includes(want.clientId)
      ? pass('verify.id-token', `ID token issued by ${want.issuer} for ${want.clientId}`)
      : fail('verify.id-token', `ID token has iss "${String(claims.iss)}" and aud ${JSON.stringify(claims.aud)}`, 'the target validates both: use the issuer exactly as Okta publishes it'),
  ]
  const missing = missingFrom(want.scopes, facts.grantedScopes)
  results.push(
    missing.length === 0
      ? pass('verify.scopes', `granted scopes ${list(facts.grantedScopes)}`)
      : fail('verify.scopes', `scopes ${list(missing)} were not granted`, 'allow them in the access policy rule'),
  )
  if (want.refreshToken) {
    results.push(
      facts.hasRefreshToken
        ? pass('verify.refresh-token', 'a refresh token was issued (offline_access)')
        : fail('verify.refresh-token', 'no refresh token was issued', 'enable the Refresh Token grant on the app and its policy rule, and request offline_access', true),
    )
  }
  if (want.groupsClaim) {
    results.push(
      Array.isArray(claims.groups)
        ? pass('verify.groups', `ID token carries groups (${(claims.groups as unknown[]).length})`)
        : fail('verify.groups', 'the ID token has no "groups" claim', 'add a groups claim to the authorization server', true),
    )
    const limit = groupsLimitWarning(claims.groups)
    if (limit) {
      results.push(limit)
    }
  }
  return results
}

/** Okta's groups claim holds at most this many groups. */
export const GROUPS_CLAIM_LIMIT = 100
/** From this many groups in the claim on, doctor warns that the cut-off is near. */
export const GROUPS_CLAIM_WARN_AT = 90

/**
 * A warning when a groups claim approaches Okta's 100-group cut-off. Sources: support.okta.com "Error: The groups
 * claim matched too many groups and must be configured to match fewer groups" (a groups claim returns up to 100 groups;
 * a user in more gets that error instead of tokens) and "Limitations of group functions (dynamic allowlists)" (the
 * limit of Groups.startsWith/contains must be 1–100); HashiCorp Vault's Okta guide reports silent truncation at 100.
 * Kubernetes (and every target that maps groups) then sees a partial list or no sign-in at all.
 */
export function groupsLimitWarning(groups: unknown, whose = "the ID token's groups claim"): CheckResult | undefined {
  if (!Array.isArray(groups) || groups.length < GROUPS_CLAIM_WARN_AT) {
    return undefined
  }
  return warn(
    'verify.groups-limit',
    `${whose} carries ${groups.length} groups; Okta returns at most ${GROUPS_CLAIM_LIMIT} in one claim (users in more get a cut-off list or no token)`,
    'narrow the claim to the groups the application maps: a filter in the spec (groupsClaim: { name: groups, filter: "^k8s-" })',
  )
}

/** An Identity Engine authentication ("app sign-in") policy as the Management API returns it, rules in priority order. */
export interface SignOnPolicy {
  id: string
  name: string
  rules: SignOnPolicyRule[]
}

/** One rule of an authentication policy (spec AccessPolicyRule, AccessPolicyRuleApplicationSignOn, AssuranceMethod). */
export interface SignOnPolicyRule {
  name: string
  status: string
  priority: number
  /** `actions.appSignOn.access`: ALLOW or DENY. */
  access: string
  /** `verificationMethod.type` (ASSURANCE, AUTH_METHOD_CHAIN, ID_PROOFING). */
  method: string | undefined
  /** `verificationMethod.factorMode` (1FA, 2FA) for ASSURANCE. */
  factorMode: string | undefined
  /** Whether some constraint of a 1FA rule is satisfied by a password alone (no constraints: any one factor). */
  passwordSuffices: boolean
  /** `conditions.people.users.include` / `groups.include` (empty: everyone). */
  users: string[]
  groups: string[]
  /** Conditions other than people (network, device, platform, risk, user type, expression): not evaluated here. */
  otherConditions: string[]
}

/**
 * Whether a password-only test user can pass the app's authentication policy, evaluated like Okta: the ACTIVE rules
 * in priority order, the first whose people condition includes the user decides
 * (https://help.okta.com/oie/en-us/content/topics/identity-engine/policies/about-app-sign-on-policies.htm). A rule
 * with conditions this cannot evaluate makes the answer a warning, not a verdict. Never changes the policy: moving the
 * app to another policy changes sign-in for every user of the app, which is the org admin's call.
 */
export function checkSignOnPolicy(
  policy: SignOnPolicy,
  user: { login: string; id: string; groupIds: readonly string[]; hasTotp?: boolean | undefined },
  appId: string,
): CheckResult {
  const id = 'verify.sign-in-policy'
  const hint =
    `assign the app an authentication policy whose first matching rule for ${user.login} allows a password alone ` +
    `(a rule "1 factor type: password" for that user; Admin Console › Applications › the app › Sign On › User authentication, or ` +
    `PUT /api/v1/apps/${appId}/policies/{policyId}); note that the app's policy applies to every user of the app, so keep ` +
    'two factors for real users in it — or enroll a second factor for the test user and sign in by hand'
  const rules = policy.rules.filter((r) => r.status === 'ACTIVE').sort((a, b) => a.priority - b.priority)
  for (const rule of rules) {
    const people = rule.users.length > 0 || rule.groups.length > 0
    if (people && !rule.users.includes(user.id) && !rule.groups.some((g) => user.groupIds.includes(g))) {
      continue
    }
    if (rule.otherConditions.length) {
      return warn(
        id,
        `cannot tell whether ${user.login} can sign in with a password alone: rule "${rule.name}" of the app's authentication policy "${policy.name}" also depends on ${rule.otherConditions.join(', ')}`,
        hint,
      )
    }
    if (rule.access === 'DENY') {
      return fail(id, `the app's authentication policy "${policy.name}" denies ${user.login} (rule "${rule.name}")`, hint)
    }
    if (rule.method !== undefined && rule.method !== 'ASSURANCE') {
      return warn(id, `cannot tell whether ${user.login} can sign in with a password alone: rule "${rule.name}" of "${policy.name}" verifies with ${rule.method}`, hint)
    }
    if (rule.factorMode === '1FA' && rule.passwordSuffices) {
      return pass(id, `the app's authentication policy "${policy.name}" lets ${user.login} sign in with a password (rule "${rule.name}")`)
    }
    // Setup gives the test users it creates a TOTP authenticator: a password and a TOTP code are two factors.
    if (rule.factorMode === '2FA' && user.hasTotp) {
      return pass(id, `the app's authentication policy "${policy.name}" asks for two factors (rule "${rule.name}"): ${user.login} has a password and a TOTP authenticator`)
    }
    return fail(
      id,
      `the app's authentication policy "${policy.name}" asks ${user.login} for ${rule.factorMode === '2FA' ? 'two factors' : 'a factor other than a password'} (rule "${rule.name}"), and the test user has only a password`,
      hint,
    )
  }
  return fail(id, `no rule of the app's authentication policy "${policy.name}" lets ${user.login} sign in`, hint)
}
