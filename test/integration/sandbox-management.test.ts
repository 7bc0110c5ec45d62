// The official Okta SDK drives every Management endpoint the sandbox serves.
import { Client, OktaApiError, type Application, type OpenIdConnectApplication } from '@okta/okta-sdk-nodejs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js'

let sandbox: Sandbox
let client: Client

beforeAll(async () => {
  sandbox = await startSandbox()
  client = new Client({ orgUrl: sandbox.orgUrl, token: sandbox.apiToken, authorizationMode: 'SSWS', cacheMiddleware: null })
})
afterAll(async () => {
  await sandbox?.close()
})

async function all<T>(collection: Promise<AsyncIterable<T | null>>): Promise<T[]> {
  const out: T[] = []
  for await (const item of await collection) {
    if (item !== null) {
      out.push(item)
    }
  }
  return out
}

async function oktaError(promise: Promise<unknown>): Promise<OktaApiError> {
  try {
    await promise
  } catch (error) {
    if (error instanceof OktaApiError) {
      return error
    }
    throw error
  }
  throw new Error('expected an OktaApiError')
}

function webApp(label: string, extra: Record<string, unknown> = {}): OpenIdConnectApplication {
  return {
    name: 'oidc_client',
    label,
    signOnMode: 'OPENID_CONNECT',
    credentials: { oauthClient: { token_endpoint_auth_method: 'client_secret_basic' } },
    settings: {
      oauthClient: {
        application_type: 'web',
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        redirect_uris: ['https://app.example.com/callback'],
        post_logout_redirect_uris: ['https://app.example.com/'],
        ...extra,
      },
    },
  } as OpenIdConnectApplication
}

function oidcOf(app: Application): OpenIdConnectApplication {
  return app as OpenIdConnectApplication
}

describe('sandbox Management API through @okta/okta-sdk-nodejs', () => {
  it('creates apps of every application_type with Okta defaults; the secret only on create', async () => {
    const web = oidcOf(await client.applicationApi.createApplication({ application: webApp('sdk-web') }))
    expect(web.id).toMatch(/^0oa[A-Za-z0-9]{17}$/)
    expect(web.credentials?.oauthClient?.client_id).toBe(web.id)
    expect(web.credentials?.oauthClient?.client_secret).toMatch(/.{14,}/)
    expect(web.status).toBe('ACTIVE')
    expect(web.settings?.oauthClient?.refresh_token).toEqual({ rotation_type: 'STATIC', leeway: 30 })

    const fetched = oidcOf(await client.applicationApi.getApplication({ appId: web.id ?? '' }))
    expect(fetched.label).toBe('sdk-web')
    expect(fetched.credentials?.oauthClient?.client_secret).toBeUndefined()

    const spa = oidcOf(
      await client.applicationApi.createApplication({
        application: {
          name: 'oidc_client',
          label: 'sdk-spa',
          signOnMode: 'OPENID_CONNECT',
          credentials: { oauthClient: { token_endpoint_auth_method: 'none' } },
          settings: { oauthClient: { application_type: 'browser', grant_types: ['authorization_code', 'refresh_token'], response_types: ['code'], redirect_uris: ['http://localhost:5173/callback'] } },
        } as OpenIdConnectApplication,
      }),
    )
    expect(spa.credentials?.oauthClient?.pkce_required).toBe(true)
    expect(spa.credentials?.oauthClient?.client_secret).toBeUndefined()
    expect(spa.settings?.oauthClient?.refresh_token?.rotation_type).toBe('ROTATE')

    const native = oidcOf(
      await client.applicationApi.createApplication({
        application: {
          name: 'oidc_client',
          label: 'sdk-native',
          signOnMode: 'OPENID_CONNECT',
          credentials: { oauthClient: { token_endpoint_auth_method: 'none', client_id: 'my-native-cli' } },
          settings: { oauthClient: { application_type: 'native', grant_types: ['authorization_code', 'urn:ietf:params:oauth:grant-type:device_code'], response_types: ['code'], redirect_uris: ['http://127.0.0.1:8765/callback', 'com.okta.dev-1:/callback'] } },
        } as OpenIdConnectApplication,
        activate: false,
      }),
    )
    expect(native.credentials?.oauthClient?.client_id).toBe('my-native-cli')
    expect(native.status).toBe('INACTIVE')

    const service = oidcOf(
      await client.applicationApi.createApplication({
        application: {
          name: 'oidc_client',
          label: 'sdk-service',
          signOnMode: 'OPENID_CONNECT',
          credentials: { oauthClient: { token_endpoint_auth_method: 'client_secret_post' } },
          settings: { oauthClient: { application_type: 'service', grant_types: ['client_credentials'], response_types: ['token'] } },
        } as OpenIdConnectApplication,
      }),
    )
    expect(service.credentials?.oauthClient?.client_secret).toBeTruthy()
  })

  it('rejects invalid apps with E0000001 and errorCauses', async () => {
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [{ application_type: 'service', grant_types: ['authorization_code'] }, /not a valid grant type for the application type 'service'/],
      [{ grant_types: ['authorization_code'], redirect_uris: [] }, /'redirect_uris' is required/],
      [{ application_type: 'web', grant_types: ['refresh_token'] }, /requires the 'authorization_code' grant type/],
      [{ grant_types: ['authorization_code'], response_types: ['token'] }, /requires the 'code' response type/],
      [{ application_type: 'bogus' }, /not a valid application type/],
    ]
    for (const [settings, message] of cases) {
      const error = await oktaError(client.applicationApi.createApplication({ application: webApp('bad', settings) }))
      expect(error.status).toBe(400)
      expect(error.errorCode).toBe('E0000001')
      expect(error.errorSummary).toMatch(/^Api validation failed: /)
      expect(error.errorCauses?.map((c) => c.errorSummary).join('\n')).toMatch(message)
    }
    const browserWithSecret = await oktaError(
      client.applicationApi.createApplication({
        application: { ...webApp('bad-spa', { application_type: 'browser' }), credentials: { oauthClient: { token_endpoint_auth_method: 'client_secret_basic' } } } as OpenIdConnectApplication,
      }),
    )
    expect(browserWithSecret.errorCauses?.[0]?.errorSummary).toMatch(/Browser applications must use the 'none'/)
    const pkceOff = await oktaError(
      client.applicationApi.createApplication({
        application: { ...webApp('bad-native', { application_type: 'native' }), credentials: { oauthClient: { token_endpoint_auth_method: 'none', pkce_required: false } } } as OpenIdConnectApplication,
      }),
    )
    expect(pkceOff.errorCauses?.[0]?.errorSummary).toMatch(/pkce_required' must be true/)
  })

  it('lists apps with q, filter, limit/after and follows Link headers', async () => {
    for (const label of ['page-a', 'page-b', 'page-c', 'other-page']) {
      await client.applicationApi.createApplication({ application: webApp(label) })
    }
    const byPrefix = await all(client.applicationApi.listApplications({ q: 'page-' }))
    expect(byPrefix.map((a) => a.label).sort()).toEqual(['page-a', 'page-b', 'page-c'])
    // The SDK follows rel="next" through 2-item pages.
    sandbox.clearRequestLog()
    const paged = await all(client.applicationApi.listApplications({ q: 'page-', limit: 2 }))
    expect(paged).toHaveLength(3)
    expect(sandbox.requestLog.filter((r) => r.path === '/api/v1/apps')).toHaveLength(2)
    const inactive = await all(client.applicationApi.listApplications({ filter: 'status eq "INACTIVE"' }))
    expect(inactive.map((a) => a.label)).toContain('sdk-native')
    expect(inactive.every((a) => a.status === 'INACTIVE')).toBe(true)
  })

  it('replaces an app (PUT) keeping the client_id; lifecycle; delete only when inactive', async () => {
    const app = oidcOf(await client.applicationApi.createApplication({ application: webApp('put-me') }))
    const appId = app.id ?? ''
    const body = webApp('put-me-renamed', { redirect_uris: ['https://app.example.com/cb2'] })
    const replaced = oidcOf(await client.applicationApi.replaceApplication({ appId, application: body }))
    expect(replaced.label).toBe('put-me-renamed')
    expect(replaced.settings?.oauthClient?.redirect_uris).toEqual(['https://app.example.com/cb2'])
    expect(replaced.credentials?.oauthClient?.client_id).toBe(app.credentials?.oauthClient?.client_id)
    expect(replaced.credentials?.oauthClient?.client_secret).toBe(app.credentials?.oauthClient?.client_secret)

    const active = await oktaError(client.applicationApi.deleteApplication({ appId }))
    expect(active.status).toBe(403)
    expect(active.errorCode).toBe('E0000056')
    await client.applicationApi.deactivateApplication({ appId })
    expect((await client.applicationApi.getApplication({ appId })).status).toBe('INACTIVE')
    await client.applicationApi.activateApplication({ appId })
    expect((await client.applicationApi.getApplication({ appId })).status).toBe('ACTIVE')
    await client.applicationApi.deactivateApplication({ appId })
    await client.applicationApi.deleteApplication({ appId })
    const gone = await oktaError(client.applicationApi.getApplication({ appId }))
    expect(gone.status).toBe(404)
    expect(gone.errorCode).toBe('E0000007')
  })

  it('manages client secrets: list, create (max 2), deactivate, delete only inactive', async () => {
    const app = oidcOf(await client.applicationApi.createApplication({ application: webApp('secrets') }))
    const appId = app.id ?? ''
    const api = client.applicationSSOPublicKeysApi
    const first = await all(api.listOAuth2ClientSecrets({ appId }))
    expect(first).toHaveLength(1)
    expect(first[0]?.client_secret).toBe(app.credentials?.oauthClient?.client_secret)
    expect(first[0]?.status).toBe('ACTIVE')
    const second = await api.createOAuth2ClientSecret({ appId, oAuth2ClientSecretRequestBody: {} })
    expect(second.client_secret).not.toBe(first[0]?.client_secret)
    const third = await oktaError(api.createOAuth2ClientSecret({ appId, oAuth2ClientSecretRequestBody: {} }))
    expect(third.errorCauses?.[0]?.errorSummary).toMatch(/maximum number of client secrets/)
    const activeDelete = await oktaError(api.deleteOAuth2ClientSecret({ appId, secretId: second.id ?? '' }))
    expect(activeDelete.status).toBe(400)
    const deactivated = await api.deactivateOAuth2ClientSecret({ appId, secretId: second.id ?? '' })
    expect(deactivated.status).toBe('INACTIVE')
    expect((await api.getOAuth2ClientSecret({ appId, secretId: second.id ?? '' })).status).toBe('INACTIVE')
    await api.activateOAuth2ClientSecret({ appId, secretId: second.id ?? '' })
    await api.deactivateOAuth2ClientSecret({ appId, secretId: second.id ?? '' })
    await api.deleteOAuth2ClientSecret({ appId, secretId: second.id ?? '' })
    expect(await all(api.listOAuth2ClientSecrets({ appId }))).toHaveLength(1)
  })

  it('assigns groups and users to apps', async () => {
    const app = oidcOf(await client.applicationApi.createApplication({ application: webApp('assign') }))
    const appId = app.id ?? ''
    const everyone = (await all(client.groupApi.listGroups({ filter: 'type eq "BUILT_IN"' })))[0]
    expect(everyone?.profile?.name).toBe('Everyone')
    const assignment = await client.applicationApi.assignGroupToApplication({ appId, groupId: everyone?.id ?? '', applicationGroupAssignment: { priority: 2 } })
    expect(assignment.id).toBe(everyone?.id)
    expect(assignment.priority).toBe(2)
    expect((await client.applicationApi.getApplicationGroupAssignment({ appId, groupId: everyone?.id ?? '' })).priority).toBe(2)
    expect(await all(client.applicationApi.listApplicationGroupAssignments({ appId }))).toHaveLength(1)

    const user = await client.userApi.createUser({
      body: { profile: { firstName: 'Ada', lastName: 'Lovelace', email: 'ada@example.com', login: 'ada@example.com' }, credentials: { password: { value: 'Analytical-Engine-1' } } },
      activate: true,
    })
    const appUser = await client.applicationApi.assignUserToApplication({ appId, appUser: { id: user.id ?? '', scope: 'USER' } })
    expect(appUser.scope).toBe('USER')
    expect(appUser.credentials?.userName).toBe('ada@example.com')
    expect((await client.applicationApi.getApplicationUser({ appId, userId: user.id ?? '' })).scope).toBe('USER')
    const users = await all(client.applicationApi.listApplicationUsers({ appId }))
    expect(users.map((u) => u.id)).toEqual(expect.arrayContaining([user.id, sandbox.users[0]?.id]))
    await client.applicationApi.unassignUserFromApplication({ appId, userId: user.id ?? '' })
    await client.applicationApi.unassignApplicationFromGroup({ appId, groupId: everyone?.id ?? '' })
    expect(await all(client.applicationApi.listApplicationGroupAssignments({ appId }))).toHaveLength(0)
  })

  it('serves the default authorization server and custom servers with lifecycle', async () => {
    const api = client.authorizationServerApi
    const def = await api.getAuthorizationServer({ authServerId: 'default' })
    expect(def.audiences).toEqual(['api://default'])
    expect(def.issuer).toBe(`${sandbox.orgUrl}/oauth2/default`)
    const created = await api.createAuthorizationServer({ authorizationServer: { name: 'my-api', description: 'My API', audiences: ['api://my-api'] } })
    expect(created.id).toMatch(/^aus/)
    expect(created.issuer).toBe(`${sandbox.orgUrl}/oauth2/${created.id}`)
    expect(created.status).toBe('ACTIVE')
    const listed = await all(api.listAuthorizationServers({ q: 'my-' }))
    expect(listed.map((s) => s.id)).toEqual([created.id])
    const replaced = await api.replaceAuthorizationServer({ authServerId: created.id ?? '', authorizationServer: { name: 'my-api', description: 'Changed', audiences: ['api://my-api'] } })
    expect(replaced.description).toBe('Changed')
    const bad = await oktaError(api.createAuthorizationServer({ authorizationServer: { name: 'x', audiences: [] } }))
    expect(bad.errorCode).toBe('E0000001')
    const activeDelete = await oktaError(api.deleteAuthorizationServer({ authServerId: created.id ?? '' }))
    expect(activeDelete.status).toBe(400)
    await api.deactivateAuthorizationServer({ authServerId: created.id ?? '' })
    expect((await api.getAuthorizationServer({ authServerId: created.id ?? '' })).status).toBe('INACTIVE')
    await api.activateAuthorizationServer({ authServerId: created.id ?? '' })
    await api.deactivateAuthorizationServer({ authServerId: created.id ?? '' })
    await api.deleteAuthorizationServer({ authServerId: created.id ?? '' })
    expect((await oktaError(api.getAuthorizationServer({ authServerId: created.id ?? '' }))).errorCode).toBe('E0000007')
  })

  it('manages scopes (system + custom), claims, policies and rules with priority renumbering', async () => {
    const api = client.authorizationServerApi
    const server = await api.createAuthorizationServer({ authorizationServer: { name: 'scoped', description: 'scoped', audiences: ['api://scoped'] } })
    const authServerId = server.id ?? ''
    const system = await all(api.listOAuth2Scopes({ authServerId }))
    expect(system.map((s) => s.name)).toEqual(expect.arrayContaining(['openid', 'profile', 'email', 'address', 'phone', 'offline_access']))
    expect(system.every((s) => s.system === true)).toBe(true)
    const scope = await api.createOAuth2Scope({ authServerId, oAuth2Scope: { name: 'todo:read', description: 'Read todos', _default: true, metadataPublish: 'ALL_CLIENTS' } })
    expect(scope.id).toMatch(/^scp/)
    expect(scope._default).toBe(true)
    const dup = await oktaError(api.createOAuth2Scope({ authServerId, oAuth2Scope: { name: 'todo:read' } }))
    expect(dup.errorCode).toBe('E0000001')
    expect((await api.replaceOAuth2Scope({ authServerId, scopeId: scope.id ?? '', oAuth2Scope: { name: 'todo:read', description: 'Changed' } })).description).toBe('Changed')
    expect((await api.getOAuth2Scope({ authServerId, scopeId: scope.id ?? '' })).name).toBe('todo:read')
    expect((await all(api.listOAuth2Scopes({ authServerId, q: 'todo' }))).map((s) => s.name)).toEqual(['todo:read'])
    const openid = system.find((s) => s.name === 'openid')
    expect((await oktaError(api.deleteOAuth2Scope({ authServerId, scopeId: openid?.id ?? '' }))).status).toBe(403)

    const claim = await api.createOAuth2Claim({
      authServerId,
      oAuth2Claim: { name: 'groups', status: 'ACTIVE', claimType: 'IDENTITY', valueType: 'GROUPS', value: '.*', group_filter_type: 'REGEX', alwaysIncludeInToken: true, conditions: { scopes: [] } },
    })
    expect(claim.id).toMatch(/^ocl/)
    await api.createOAuth2Claim({
      authServerId,
      oAuth2Claim: { name: 'groups', status: 'ACTIVE', claimType: 'RESOURCE', valueType: 'GROUPS', value: '.*', group_filter_type: 'REGEX', conditions: { scopes: [] } },
    })
    expect(await all(api.listOAuth2Claims({ authServerId }))).toHaveLength(2)
    expect((await api.replaceOAuth2Claim({ authServerId, claimId: claim.id ?? '', oAuth2Claim: { name: 'groups', claimType: 'IDENTITY', valueType: 'GROUPS', value: 'app-', group_filter_type: 'STARTS_WITH', conditions: { scopes: [] } } })).value).toBe('app-')
    expect((await api.getOAuth2Claim({ authServerId, claimId: claim.id ?? '' })).group_filter_type).toBe('STARTS_WITH')
    await api.deleteOAuth2Claim({ authServerId, claimId: claim.id ?? '' })

    const policy = (name: string, priority?: number) =>
      api.createAuthorizationServerPolicy({
        authServerId,
        policy: { type: 'OAUTH_AUTHORIZATION_POLICY', name, description: name, status: 'ACTIVE', ...(priority === undefined ? {} : { priority }), conditions: { clients: { include: ['ALL_CLIENTS'] } } },
      })
    const p1 = await policy('p1', 99)
    expect(p1.priority).toBe(1)
    const p2 = await policy('p2')
    expect(p2.priority).toBe(2)
    const p0 = await policy('p0', 1)
    expect(p0.priority).toBe(1)
    const ordered = await all(api.listAuthorizationServerPolicies({ authServerId }))
    expect(ordered.map((p) => [p.name, p.priority])).toEqual([['p0', 1], ['p1', 2], ['p2', 3]])
    await api.deleteAuthorizationServerPolicy({ authServerId, policyId: p0.id ?? '' })
    expect((await api.getAuthorizationServerPolicy({ authServerId, policyId: p2.id ?? '' })).priority).toBe(2)
    const renamed = await api.replaceAuthorizationServerPolicy({
      authServerId,
      policyId: p2.id ?? '',
      policy: { type: 'OAUTH_AUTHORIZATION_POLICY', name: 'p2b', description: 'p2b', priority: 1, conditions: { clients: { include: ['ALL_CLIENTS'] } } },
    })
    expect(renamed.priority).toBe(1)
    await api.deactivateAuthorizationServerPolicy({ authServerId, policyId: p1.id ?? '' })
    expect((await api.getAuthorizationServerPolicy({ authServerId, policyId: p1.id ?? '' })).status).toBe('INACTIVE')
    await api.activateAuthorizationServerPolicy({ authServerId, policyId: p1.id ?? '' })

    const rule = (name: string, priority?: number) =>
      api.createAuthorizationServerPolicyRule({
        authServerId,
        policyId: p1.id ?? '',
        policyRule: {
          type: 'RESOURCE_ACCESS',
          name,
          ...(priority === undefined ? {} : { priority }),
          conditions: { people: { groups: { include: ['EVERYONE'] } }, grantTypes: { include: ['authorization_code', 'refresh_token'] }, scopes: { include: ['*'] } },
          actions: { token: { accessTokenLifetimeMinutes: 60, refreshTokenLifetimeMinutes: 0, refreshTokenWindowMinutes: 10080 } },
        },
      })
    const r1 = await rule('r1', 5)
    expect(r1.priority).toBe(1)
    const r0 = await rule('r0', 1)
    expect(r0.priority).toBe(1)
    const rules = await all(api.listAuthorizationServerPolicyRules({ authServerId, policyId: p1.id ?? '' }))
    expect(rules.map((r) => [r.name, r.priority])).toEqual([['r0', 1], ['r1', 2]])
    const replacedRule = await api.replaceAuthorizationServerPolicyRule({
      authServerId,
      policyId: p1.id ?? '',
      ruleId: r1.id ?? '',
      policyRule: {
        type: 'RESOURCE_ACCESS',
        name: 'r1b',
        priority: 1,
        conditions: { people: { users: { include: [sandbox.users[0]?.id ?? ''] } }, grantTypes: { include: ['client_credentials'] }, scopes: { include: ['todo:read'] } },
        actions: { token: { accessTokenLifetimeMinutes: 30, refreshTokenLifetimeMinutes: 0, refreshTokenWindowMinutes: 60 } },
      },
    })
    expect(replacedRule.priority).toBe(1)
    expect((await api.getAuthorizationServerPolicyRule({ authServerId, policyId: p1.id ?? '', ruleId: r0.id ?? '' })).priority).toBe(2)
    await api.deactivateAuthorizationServerPolicyRule({ authServerId, policyId: p1.id ?? '', ruleId: r0.id ?? '' })
    await api.activateAuthorizationServerPolicyRule({ authServerId, policyId: p1.id ?? '', ruleId: r0.id ?? '' })
    await api.deleteAuthorizationServerPolicyRule({ authServerId, policyId: p1.id ?? '', ruleId: r0.id ?? '' })
    expect(await all(api.listAuthorizationServerPolicyRules({ authServerId, policyId: p1.id ?? '' }))).toHaveLength(1)
    const badRule = await oktaError(
      api.createAuthorizationServerPolicyRule({
        authServerId,
        policyId: p1.id ?? '',
        policyRule: { type: 'RESOURCE_ACCESS', name: 'bad', conditions: { grantTypes: { include: [] } } } as never,
      }),
    )
    expect(badRule.errorCode).toBe('E0000001')
    await api.deleteOAuth2Scope({ authServerId, scopeId: scope.id ?? '' })
  })

  it('serves groups (Everyone built in), users with lifecycle, and memberships', async () => {
    const created = await client.groupApi.createGroup({ group: { profile: { name: 'app-admins', description: 'Admins' } } })
    expect(created.type).toBe('OKTA_GROUP')
    expect((await client.groupApi.getGroup({ groupId: created.id ?? '' })).profile?.name).toBe('app-admins')
    expect((await all(client.groupApi.listGroups({ q: 'app-' }))).map((g) => g.id)).toEqual([created.id])
    expect((await all(client.groupApi.listGroups({ search: 'type eq "BUILT_IN"' })))[0]?.profile?.name).toBe('Everyone')
    await client.groupApi.replaceGroup({ groupId: created.id ?? '', group: { profile: { name: 'app-admins', description: 'Changed' } } })

    const staged = await client.userApi.createUser({
      body: { profile: { firstName: 'Grace', lastName: 'Hopper', email: 'grace@example.com', login: 'grace@example.com' }, credentials: { password: { value: 'COBOL-1959-rocks' } } },
      activate: false,
    })
    expect(staged.status).toBe('STAGED')
    await client.userApi.activateUser({ userId: staged.id ?? '', sendEmail: false })
    expect((await client.userApi.getUser({ userId: staged.id ?? '' })).status).toBe('ACTIVE')
    expect((await client.userApi.getUser({ userId: 'grace@example.com' })).id).toBe(staged.id)
    expect((await all(client.userApi.listUsers({ q: 'grace' }))).map((u) => u.id)).toEqual([staged.id])
    const dupLogin = await oktaError(
      client.userApi.createUser({ body: { profile: { firstName: 'G', lastName: 'H', email: 'grace@example.com', login: 'grace@example.com' } } }),
    )
    expect(dupLogin.errorCode).toBe('E0000001')
    const weak = await oktaError(
      client.userApi.createUser({ body: { profile: { email: 'weak@example.com', login: 'weak@example.com' }, credentials: { password: { value: 'short' } } } }),
    )
    expect(weak.errorCauses?.[0]?.errorSummary).toMatch(/Password requirements/)

    await client.groupApi.assignUserToGroup({ groupId: created.id ?? '', userId: staged.id ?? '' })
    expect((await all(client.groupApi.listGroupUsers({ groupId: created.id ?? '' }))).map((u) => u.id)).toEqual([staged.id])
    expect((await all(client.userApi.listUserGroups({ userId: staged.id ?? '' }))).map((g) => g.profile?.name).sort()).toEqual(['Everyone', 'app-admins'])
    await client.groupApi.unassignUserFromGroup({ groupId: created.id ?? '', userId: staged.id ?? '' })
    await client.userApi.deactivateUser({ userId: staged.id ?? '' })
    await client.userApi.deleteUser({ userId: staged.id ?? '' })
    expect((await oktaError(client.userApi.getUser({ userId: staged.id ?? '' }))).status).toBe(404)
    await client.groupApi.deleteGroup({ groupId: created.id ?? '' })
    expect((await oktaError(client.groupApi.getGroup({ groupId: created.id ?? '' }))).errorCode).toBe('E0000007')
  })

  it('serves trusted origins with q, filter, replace and lifecycle; origins are unique', async () => {
    const api = client.trustedOriginApi
    const origin = await api.createTrustedOrigin({ trustedOrigin: { name: 'spa-dev', origin: 'http://localhost:5173', scopes: [{ type: 'CORS' }, { type: 'REDIRECT' }] } })
    expect(origin.id).toMatch(/^tos/)
    expect(origin.status).toBe('ACTIVE')
    const dup = await oktaError(api.createTrustedOrigin({ trustedOrigin: { name: 'again', origin: 'http://localhost:5173', scopes: [{ type: 'CORS' }] } }))
    expect(dup.errorCode).toBe('E0000001')
    expect((await all(api.listTrustedOrigins({ q: 'spa' }))).map((o) => o.id)).toEqual([origin.id])
    expect((await all(api.listTrustedOrigins({ filter: 'origin eq "http://localhost:5173"' }))).map((o) => o.id)).toEqual([origin.id])
    const replaced = await api.replaceTrustedOrigin({ trustedOriginId: origin.id ?? '', trustedOrigin: { name: 'spa-dev', origin: 'http://localhost:5173', scopes: [{ type: 'CORS' }] } })
    expect(replaced.scopes).toHaveLength(1)
    expect((await api.deactivateTrustedOrigin({ trustedOriginId: origin.id ?? '' })).status).toBe('INACTIVE')
    expect((await api.activateTrustedOrigin({ trustedOriginId: origin.id ?? '' })).status).toBe('ACTIVE')
    expect((await api.getTrustedOrigin({ trustedOriginId: origin.id ?? '' })).name).toBe('spa-dev')
    await api.deleteTrustedOrigin({ trustedOriginId: origin.id ?? '' })
    expect((await oktaError(api.getTrustedOrigin({ trustedOriginId: origin.id ?? '' }))).status).toBe(404)
  })

  it('answers 401 E0000011 to a wrong token', async () => {
    const wrong = new Client({ orgUrl: sandbox.orgUrl, token: 'wrong', authorizationMode: 'SSWS', cacheMiddleware: null })
    const error = await oktaError(wrong.applicationApi.getApplication({ appId: 'x' }))
    expect(error.status).toBe(401)
    expect(error.errorCode).toBe('E0000011')
    expect(error.errorSummary).toBe('Invalid token provided')
  })
})
