import type { ClientJwk, PublicJwk } from '../../domain/client-key.js'
import type { SignOnPolicy } from '../../domain/doctor.js'
import { ManagementApiError } from '../../domain/errors.js'
import type {
  AppSpec,
  AuthServer,
  AuthServerSpec,
  Claim,
  ClaimSpec,
  ClientSecret,
  Group,
  OidcApp,
  Policy,
  PolicySpec,
  Rule,
  RuleSpec,
  Scope,
  ScopeSpec,
  TrustedOrigin,
  TrustedOriginSpec,
  User,
} from '../../domain/okta-model.js'
import type { OktaAdmin } from '../okta-admin.js'
import { translateError } from './errors.js'
import type { HttpResponseLike } from './executor.js'
import {
  appFromJson,
  appToJson,
  authServerFromJson,
  claimFromJson,
  enc,
  groupFromJson,
  nextLink,
  originFromJson,
  originToJson,
  policyFromJson,
  policyToJson,
  ruleFromJson,
  ruleToJson,
  scopeFromJson,
  secretFromJson,
  signOnRuleFromJson,
  obj,
  str,
  type Json,
} from './json.js'

/** The part of the SDK's Client the adapter uses: the base URL and the authenticated JSON HTTP layer. */
export interface SdkClientLike {
  baseUrl: string
  http: { http(url: string, request: Json): Promise<HttpResponseLike> }
}

export class SdkOktaAdmin implements OktaAdmin {
  /** Last JSON seen per app id, so an update replaces only the fields oidc-setup owns. */
  private readonly rawApps = new Map<string, Json>()

  constructor(
    private readonly client: SdkClientLike,
    readonly orgUrl: string,
  ) {}

  private async call(
    what: string,
    method: string,
    path: string,
    body?: unknown,
  ): Promise<{ status: number; json: unknown; next?: string | undefined }> {
    const url = path.startsWith('http') ? path : `${this.client.baseUrl}${path}`
    let response: HttpResponseLike
    try {
      response = await this.client.http.http(url, {
        method: method.toLowerCase(),
        headers: { Accept: 'application/json', 'Content-Type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      })
    } catch (error) {
      throw translateError(error, what, method, url)
    }
    const text = await response.text()
    let json: unknown
    try {
      json = text ? JSON.parse(text) : undefined
    } catch (cause) {
      throw new ManagementApiError(`could not ${what}: the response from ${url} is not JSON`, { status: response.status, url }, { cause })
    }
    return { status: response.status, json, next: nextLink(response.headers.get('link')) }
  }

  private async get(what: string, path: string): Promise<Json | undefined> {
    try {
      return (await this.call(what, 'GET', path)).json as Json
    } catch (error) {
      if (error instanceof ManagementApiError && error.details.status === 404) {
        return undefined
      }
      throw error
    }
  }

  private async list(what: string, path: string): Promise<Json[]> {
    const all: Json[] = []
    let next: string | undefined = path
    while (next) {
      const page: { json: unknown; next?: string | undefined } = await this.call(what, 'GET', next)
      all.push(...((page.json as Json[] | undefined) ?? []))
      next = page.next
    }
    return all
  }

  private async send(what: string, method: string, path: string, body?: unknown): Promise<Json> {
    return ((await this.call(what, method, path, body)).json as Json | undefined) ?? {}
  }

  private async remove(what: string, path: string): Promise<void> {
    try {
      await this.call(what, 'DELETE', path)
    } catch (error) {
      if (error instanceof ManagementApiError && error.details.status === 404) {
        return
      }
      throw error
    }
  }

  private remember(json: Json): OidcApp {
    const app = appFromJson(json)
    this.rawApps.set(app.id, json)
    return app
  }

  // apps

  async findAppsByLabel(label: string): Promise<OidcApp[]> {
    const apps = await this.list(`look up app "${label}"`, `/api/v1/apps?q=${encodeURIComponent(label)}&limit=200`)
    return apps.filter((a) => a.label === label && a.signOnMode === 'OPENID_CONNECT').map((a) => this.remember(a))
  }

  async getApp(appId: string): Promise<OidcApp | undefined> {
    const json = await this.get(`read app ${appId}`, `/api/v1/apps/${enc(appId)}`)
    return json ? this.remember(json) : undefined
  }

  async listApps(): Promise<OidcApp[]> {
    const apps = await this.list('list apps', `/api/v1/apps?limit=200`)
    return apps.filter((a) => a.signOnMode === 'OPENID_CONNECT').map((a) => this.remember(a))
  }

  async createApp(spec: AppSpec, options: { jwks?: PublicJwk[] | undefined } = {}): Promise<OidcApp> {
    const body = appToJson(spec, {
      name: 'oidc_client',
      signOnMode: 'OPENID_CONNECT',
    })
    if (options.jwks?.length) {
      // Okta: private_key_jwt needs `settings.oauthClient.jwks` (or jwks_uri) in the same request
      // (https://developer.okta.com/docs/api/openapi/okta-oauth/guides/client-auth; spec OpenIdConnectApplicationSettingsClientKeys).
      const settings = obj(body.settings)
      body.settings = { ...settings, oauthClient: { ...obj(settings.oauthClient), jwks: { keys: options.jwks } } }
    }
    return this.remember(await this.send(`create app "${spec.label}"`, 'POST', '/api/v1/apps?activate=true', body))
  }

  async updateApp(appId: string, spec: AppSpec): Promise<OidcApp> {
    let raw = this.rawApps.get(appId)
    if (!raw) {
      raw = await this.get(`read app ${appId}`, `/api/v1/apps/${enc(appId)}`)
    }
    const body = appToJson(spec, raw ?? {})
    return this.remember(await this.send(`update app "${spec.label}"`, 'PUT', `/api/v1/apps/${enc(appId)}`, body))
  }

  async activateApp(appId: string): Promise<void> {
    await this.send(`activate app ${appId}`, 'POST', `/api/v1/apps/${enc(appId)}/lifecycle/activate`)
  }

  async deleteApp(appId: string): Promise<void> {
    // Read first: a missing app is done at once, and an inactive one needs no deactivation (terraform-provider-okta
    // app.go deleteApplication deactivates only an ACTIVE app). The deactivation and deletion are retried through
    // Okta's eventual consistency by the executor (consistencyWindow).
    const current = await this.get(`read app ${appId}`, `/api/v1/apps/${enc(appId)}`)
    if (!current) {
      return
    }
    try {
      if (current.status !== 'INACTIVE') {
        await this.send(`deactivate app ${appId}`, 'POST', `/api/v1/apps/${enc(appId)}/lifecycle/deactivate`)
      }
    } catch (error) {
      if (error instanceof ManagementApiError && error.details.status === 404) {
        return
      }
      throw error
    }
    await this.remove(`delete app ${appId}`, `/api/v1/apps/${enc(appId)}`)
  }

  async listClientSecrets(appId: string): Promise<ClientSecret[]> {
    const list = await this.list(`read the client secrets of app ${appId}`, `/api/v1/apps/${enc(appId)}/credentials/secrets`)
    return list.map(secretFromJson)
  }

  async createClientSecret(appId: string): Promise<ClientSecret> {
    return secretFromJson(await this.send(`add a client secret to app ${appId}`, 'POST', `/api/v1/apps/${enc(appId)}/credentials/secrets`, {}))
  }

  async setClientSecretStatus(appId: string, secretId: string, status: 'ACTIVE' | 'INACTIVE'): Promise<ClientSecret> {
    const verb = status === 'ACTIVE' ? 'activate' : 'deactivate'
    const path = `/api/v1/apps/${enc(appId)}/credentials/secrets/${enc(secretId)}/lifecycle/${verb}`
    return secretFromJson(await this.send(`${verb} client secret ${secretId} of app ${appId}`, 'POST', path))
  }

  async deleteClientSecret(appId: string, secretId: string): Promise<void> {
    await this.remove(`delete client secret ${secretId} of app ${appId}`, `/api/v1/apps/${enc(appId)}/credentials/secrets/${enc(secretId)}`)
  }

  async listJwks(appId: string): Promise<ClientJwk[]> {
    const list = await this.list(`read the public keys of app ${appId}`, `/api/v1/apps/${enc(appId)}/credentials/jwks`)
    return list.map(jwkFromJson)
  }

  async addJwk(appId: string, jwk: PublicJwk): Promise<ClientJwk> {
    // The app's JSON changes with its keys (`settings.oauthClient.jwks`): the next update must read it again, or its
    // PUT would replace the keys with the ones it saw before.
    this.rawApps.delete(appId)
    return jwkFromJson(await this.send(`add a public key to app ${appId}`, 'POST', `/api/v1/apps/${enc(appId)}/credentials/jwks`, jwk))
  }

  async setJwkStatus(appId: string, keyId: string, status: 'ACTIVE' | 'INACTIVE'): Promise<ClientJwk> {
    this.rawApps.delete(appId)
    const verb = status === 'ACTIVE' ? 'activate' : 'deactivate'
    const path = `/api/v1/apps/${enc(appId)}/credentials/jwks/${enc(keyId)}/lifecycle/${verb}`
    return jwkFromJson(await this.send(`${verb} public key ${keyId} of app ${appId}`, 'POST', path))
  }

  async deleteJwk(appId: string, keyId: string): Promise<void> {
    this.rawApps.delete(appId)
    await this.remove(`delete public key ${keyId} of app ${appId}`, `/api/v1/apps/${enc(appId)}/credentials/jwks/${enc(keyId)}`)
  }

  async listAppGroupIds(appId: string): Promise<string[]> {
    const list = await this.list(`list the groups of app ${appId}`, `/api/v1/apps/${enc(appId)}/groups?limit=200`)
    return list.map((g) => str(g.id))
  }

  async assignGroup(appId: string, groupId: string): Promise<void> {
    const what = `assign group ${groupId} to app ${appId}`
    try {
      await this.send(what, 'PUT', `/api/v1/apps/${enc(appId)}/groups/${enc(groupId)}`, {})
    } catch (error) {
      throw await this.explainAssignment(error, what, appId)
    }
  }

  /**
   * A refused assignment on an app in Federation Broker Mode (`settings.implicitAssignment: true`), where Okta allows
   * no manual assignments and every user may sign in (https://help.okta.com/oie/en-us/content/topics/apps/apps-fbm-enable.htm),
   * told as such; any other failure as it is.
   */
  private async explainAssignment(error: unknown, what: string, appId: string): Promise<unknown> {
    if (!(error instanceof ManagementApiError) || error.details.status !== 400) {
      return error
    }
    const said = [error.details.errorSummary, ...(error.details.errorCauses ?? [])].join(' ')
    let broker = /federation broker|implicitAssignment/i.test(said)
    if (!broker) {
      const raw = await this.get(`read app ${appId}`, `/api/v1/apps/${enc(appId)}`).catch(() => undefined)
      broker = obj(raw?.settings).implicitAssignment === true
    }
    if (!broker) {
      return error
    }
    return new ManagementApiError(
      `could not ${what}: the app is in Federation Broker Mode, where Okta allows no group or user assignments (every user of the org may sign in)`,
      error.details,
      {
        hint: 'leave out --assign-group/--assign-user for this app, or turn Federation Broker Mode off (Admin Console › Applications › the app › General › App Settings) to choose who may sign in',
        cause: error,
      },
    )
  }

  async isUserAssigned(appId: string, userId: string): Promise<boolean> {
    return (await this.get(`read the assignment of user ${userId}`, `/api/v1/apps/${enc(appId)}/users/${enc(userId)}`)) !== undefined
  }

  async listAppUserIds(appId: string): Promise<string[]> {
    const list = await this.list(`list the users of app ${appId}`, `/api/v1/apps/${enc(appId)}/users?limit=200`)
    return list.map((u) => str(u.id))
  }

  async assignUser(appId: string, userId: string): Promise<void> {
    const what = `assign user ${userId} to app ${appId}`
    try {
      await this.send(what, 'POST', `/api/v1/apps/${enc(appId)}/users`, { id: userId, scope: 'USER' })
    } catch (error) {
      throw await this.explainAssignment(error, what, appId)
    }
  }

  async unassignGroup(appId: string, groupId: string): Promise<void> {
    await this.remove(`remove group ${groupId} from app ${appId}`, `/api/v1/apps/${enc(appId)}/groups/${enc(groupId)}`)
  }

  async listGroupAppIds(groupId: string): Promise<string[]> {
    // https://developer.okta.com/docs/api/openapi/okta-management/management/tag/Group/#tag/Group/operation/listAssignedApplicationsForGroup
    const list = await this.list(`list the apps of group ${groupId}`, `/api/v1/groups/${enc(groupId)}/apps?limit=200`)
    return list.map((a) => str(a.id))
  }

  // authentication policies (Identity Engine)

  async getAppSignOnPolicy(appId: string): Promise<SignOnPolicy | undefined> {
    const app = await this.get(`read app ${appId}`, `/api/v1/apps/${enc(appId)}`)
    const href = obj(obj(app?._links).accessPolicy).href
    const policyId = typeof href === 'string' ? /\/api\/v1\/policies\/([^/?#]+)/.exec(href)?.[1] : undefined
    if (!policyId) {
      return undefined
    }
    const policy = await this.get(`read authentication policy ${policyId}`, `/api/v1/policies/${policyId}`)
    if (!policy) {
      return undefined
    }
    const rules = await this.list(`list the rules of authentication policy ${policyId}`, `/api/v1/policies/${policyId}/rules`)
    return { id: str(policy.id), name: str(policy.name), rules: rules.map(signOnRuleFromJson) }
  }

  async listUserGroupIds(userId: string): Promise<string[]> {
    return (await this.list(`list the groups of user ${userId}`, `/api/v1/users/${enc(userId)}/groups?limit=200`)).map((g) => str(g.id))
  }

  // authorization servers

  async getAuthServer(id: string): Promise<AuthServer | undefined> {
    const json = await this.get(`read authorization server "${id}"`, `/api/v1/authorizationServers/${enc(id)}`)
    return json ? authServerFromJson(json) : undefined
  }

  async findAuthServersByName(name: string): Promise<AuthServer[]> {
    const list = await this.list(
      `look up authorization server "${name}"`,
      `/api/v1/authorizationServers?q=${encodeURIComponent(name)}&limit=200`,
    )
    return list.filter((s) => s.name === name).map(authServerFromJson)
  }

  async listAuthServers(): Promise<AuthServer[]> {
    return (await this.list('list authorization servers', '/api/v1/authorizationServers?limit=200')).map(authServerFromJson)
  }

  async createAuthServer(spec: AuthServerSpec): Promise<AuthServer> {
    return authServerFromJson(
      await this.send(`create authorization server "${spec.name}"`, 'POST', '/api/v1/authorizationServers', spec),
    )
  }

  async deleteAuthServer(id: string): Promise<void> {
    try {
      await this.send(`deactivate authorization server ${id}`, 'POST', `/api/v1/authorizationServers/${enc(id)}/lifecycle/deactivate`)
    } catch (error) {
      if (error instanceof ManagementApiError && error.details.status === 404) {
        return
      }
      throw error
    }
    await this.remove(`delete authorization server ${id}`, `/api/v1/authorizationServers/${enc(id)}`)
  }

  async listScopes(serverId: string): Promise<Scope[]> {
    const list = await this.list(`list the scopes of authorization server ${serverId}`, `/api/v1/authorizationServers/${enc(serverId)}/scopes?limit=200`)
    return list.map(scopeFromJson)
  }

  async createScope(serverId: string, spec: ScopeSpec): Promise<Scope> {
    return scopeFromJson(
      await this.send(`create scope "${spec.name}"`, 'POST', `/api/v1/authorizationServers/${enc(serverId)}/scopes`, spec),
    )
  }

  async deleteScope(serverId: string, scopeId: string): Promise<void> {
    await this.remove(`delete scope ${scopeId}`, `/api/v1/authorizationServers/${enc(serverId)}/scopes/${enc(scopeId)}`)
  }

  async listClaims(serverId: string): Promise<Claim[]> {
    const list = await this.list(`list the claims of authorization server ${serverId}`, `/api/v1/authorizationServers/${enc(serverId)}/claims`)
    return list.map(claimFromJson)
  }

  async createClaim(serverId: string, spec: ClaimSpec): Promise<Claim> {
    return claimFromJson(
      await this.send(`create claim "${spec.name}"`, 'POST', `/api/v1/authorizationServers/${enc(serverId)}/claims`, claimBody(spec)),
    )
  }

  async updateClaim(serverId: string, claimId: string, spec: ClaimSpec): Promise<Claim> {
    return claimFromJson(
      await this.send(`update claim "${spec.name}"`, 'PUT', `/api/v1/authorizationServers/${enc(serverId)}/claims/${enc(claimId)}`, claimBody(spec)),
    )
  }

  async deleteClaim(serverId: string, claimId: string): Promise<void> {
    await this.remove(`delete claim ${claimId}`, `/api/v1/authorizationServers/${enc(serverId)}/claims/${enc(claimId)}`)
  }

  async listPolicies(serverId: string): Promise<Policy[]> {
    const list = await this.list(`list the policies of authorization server ${serverId}`, `/api/v1/authorizationServers/${enc(serverId)}/policies`)
    return list.map(policyFromJson)
  }

  async createPolicy(serverId: string, spec: PolicySpec): Promise<Policy> {
    return policyFromJson(
      await this.send(
        `create access policy "${spec.name}"`,
        'POST',
        `/api/v1/authorizationServers/${enc(serverId)}/policies`,
        policyToJson(spec, 1),
      ),
    )
  }

  async updatePolicy(serverId: string, policy: Policy, spec: PolicySpec): Promise<Policy> {
    return policyFromJson(
      await this.send(
        `update access policy "${spec.name}"`,
        'PUT',
        `/api/v1/authorizationServers/${enc(serverId)}/policies/${enc(policy.id)}`,
        policyToJson(spec, policy.priority),
      ),
    )
  }

  async deletePolicy(serverId: string, policyId: string): Promise<void> {
    await this.remove(`delete access policy ${policyId}`, `/api/v1/authorizationServers/${enc(serverId)}/policies/${enc(policyId)}`)
  }

  async listRules(serverId: string, policyId: string): Promise<Rule[]> {
    const list = await this.list(
      `list the rules of access policy ${policyId}`,
      `/api/v1/authorizationServers/${enc(serverId)}/policies/${enc(policyId)}/rules`,
    )
    return list.map(ruleFromJson)
  }

  async createRule(serverId: string, policyId: string, spec: RuleSpec): Promise<Rule> {
    return ruleFromJson(
      await this.send(
        `create rule "${spec.name}"`,
        'POST',
        `/api/v1/authorizationServers/${enc(serverId)}/policies/${enc(policyId)}/rules`,
        ruleToJson(spec, 1),
      ),
    )
  }

  async updateRule(serverId: string, policyId: string, rule: Rule, spec: RuleSpec): Promise<Rule> {
    return ruleFromJson(
      await this.send(
        `update rule "${spec.name}"`,
        'PUT',
        `/api/v1/authorizationServers/${enc(serverId)}/policies/${enc(policyId)}/rules/${enc(rule.id)}`,
        ruleToJson(spec, rule.priority),
      ),
    )
  }

  // directory

  async findGroupsByName(name: string): Promise<Group[]> {
    const path =
      name.toLowerCase() === 'everyone'
        ? `/api/v1/groups?filter=${encodeURIComponent('type eq "BUILT_IN"')}`
        : // `q` is a prefix match that caps at 300 and cannot be paged; `search` on profile.name is exact and pages
          // (spec /api/v1/groups listGroups: "search … supports pagination"), so an exact name past the first 200 is found.
          `/api/v1/groups?search=${encodeURIComponent(`profile.name eq "${name.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`)}&limit=200`
    const list = await this.list(`look up group "${name}"`, path)
    return list.map(groupFromJson).filter((g) => g.name === name || (name.toLowerCase() === 'everyone' && g.type === 'BUILT_IN' && g.name === 'Everyone'))
  }

  async findUser(login: string): Promise<User | undefined> {
    const json = await this.get(`look up user "${login}"`, `/api/v1/users/${enc(login)}`)
    if (!json) {
      return undefined
    }
    const profile = (json.profile ?? {}) as Json
    return { id: str(json.id), login: str(profile.login), status: str(json.status) }
  }

  async createUser(spec: { login: string; firstName: string; lastName: string; password: string }): Promise<User> {
    const json = await this.send(`create user "${spec.login}"`, 'POST', '/api/v1/users?activate=true', {
      profile: { login: spec.login, email: spec.login, firstName: spec.firstName, lastName: spec.lastName },
      credentials: { password: { value: spec.password } },
    })
    return { id: str(json.id), login: str(obj(json.profile).login), status: str(json.status) }
  }

  async enrollTotpFactor(userId: string): Promise<{ id: string; sharedSecret: string }> {
    // https://developer.okta.com/docs/api/openapi/okta-management/management/tag/UserFactor/#tag/UserFactor/operation/enrollFactor
    const json = await this.send(`enroll a TOTP authenticator for user ${userId}`, 'POST', `/api/v1/users/${enc(userId)}/factors`, {
      factorType: 'token:software:totp',
      provider: 'GOOGLE',
    })
    const sharedSecret = str(obj(obj(json._embedded).activation).sharedSecret)
    if (!sharedSecret) {
      throw new ManagementApiError(`Okta enrolled a TOTP authenticator for user ${userId} but returned no seed`, {})
    }
    return { id: str(json.id), sharedSecret }
  }

  async activateFactor(userId: string, factorId: string, passCode: string): Promise<void> {
    await this.send(`activate factor ${factorId} of user ${userId}`, 'POST', `/api/v1/users/${enc(userId)}/factors/${enc(factorId)}/lifecycle/activate`, { passCode })
  }

  async deleteUser(userId: string): Promise<void> {
    try {
      await this.send(`deactivate user ${userId}`, 'POST', `/api/v1/users/${enc(userId)}/lifecycle/deactivate`)
    } catch (error) {
      if (error instanceof ManagementApiError && error.details.status === 404) {
        return
      }
      throw error
    }
    await this.remove(`delete user ${userId}`, `/api/v1/users/${enc(userId)}`)
  }

  async findTrustedOrigins(origin: string): Promise<TrustedOrigin[]> {
    const list = await this.list(
      `look up trusted origin ${origin}`,
      `/api/v1/trustedOrigins?q=${encodeURIComponent(origin)}&limit=200`,
    )
    return list.map(originFromJson).filter((o) => o.origin === origin)
  }

  async listTrustedOrigins(): Promise<TrustedOrigin[]> {
    return (await this.list('list trusted origins', '/api/v1/trustedOrigins?limit=200')).map(originFromJson)
  }

  async createTrustedOrigin(spec: TrustedOriginSpec): Promise<TrustedOrigin> {
    return originFromJson(await this.send(`create trusted origin ${spec.origin}`, 'POST', '/api/v1/trustedOrigins', originToJson(spec)))
  }

  async updateTrustedOrigin(origin: TrustedOrigin, spec: TrustedOriginSpec): Promise<TrustedOrigin> {
    return originFromJson(
      await this.send(`update trusted origin ${spec.origin}`, 'PUT', `/api/v1/trustedOrigins/${enc(origin.id)}`, originToJson(spec)),
    )
  }

  async deleteTrustedOrigin(id: string): Promise<void> {
    await this.remove(`delete trusted origin ${id}`, `/api/v1/trustedOrigins/${enc(id)}`)
  }

  async checkAccess(): Promise<Array<{ permission: string; reason: string }>> {
    const probes: Array<[string, string]> = [
      ['okta.apps.read', '/api/v1/apps?limit=1'],
      ['okta.authorizationServers.read', '/api/v1/authorizationServers?limit=1'],
      ['okta.groups.read', `/api/v1/groups?filter=${encodeURIComponent('type eq "BUILT_IN"')}`],
      ['okta.trustedOrigins.read', '/api/v1/trustedOrigins?limit=1'],
    ]
    // The first probe runs alone: a rejected token should fail once, clearly, not four times.
    const missing: Array<{ permission: string; reason: string }> = []
    const [first, ...rest] = probes
    const check = async ([permission, path]: [string, string]): Promise<void> => {
      try {
        await this.call(`check ${permission}`, 'GET', path)
      } catch (error) {
        if (error instanceof ManagementApiError && (error.details.status === 403 || error.details.status === 404 || error.details.errorCode === 'E0000015')) {
          missing.push({ permission, reason: `${error.details.errorSummary ?? 'denied'} (${error.details.errorCode ?? error.details.status})` })
          return
        }
        throw error
      }
    }
    if (first) {
      await check(first)
    }
    await Promise.all(rest.map(check))
    return missing
  }
}


function jwkFromJson(json: Json): ClientJwk {
  return { id: str(json.id), kid: str(json.kid), status: str(json.status), created: json.created === undefined ? undefined : str(json.created) }
}

/** A claim as Okta's API takes it (spec OAuth2Claim). */
function claimBody(spec: ClaimSpec): Json {
  return {
    name: spec.name,
    status: spec.status,
    claimType: spec.claimType,
    valueType: spec.valueType,
    value: spec.value,
    alwaysIncludeInToken: spec.alwaysIncludeInToken,
    conditions: { scopes: spec.scopes },
    ...(spec.groupFilterType ? { group_filter_type: spec.groupFilterType } : {}),
  }
}
