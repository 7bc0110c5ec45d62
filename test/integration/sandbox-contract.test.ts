// Contract: sandbox responses (and the request bodies sent here) validate against Okta's OpenAPI description.
import { generateKeyPairSync } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js'
import { OktaContract } from '../helpers/okta-contract.js'
import { sharedFile, sharedMissing } from '../helpers/shared.js'

const SPEC = 'okta/management-api.yaml'
const specFile = sharedFile(SPEC)
let sandbox: Sandbox
let contract: OktaContract
const problems: string[] = []
const checked = new Set<string>()

beforeAll(async () => {
  if (!specFile) {
    return
  }
  contract = new OktaContract(specFile)
  sandbox = await startSandbox()
}, 60_000)
afterAll(async () => {
  await sandbox?.close()
})

/** Calls the sandbox and validates the request body and the response against the operation in the spec. */
async function call<T = Record<string, unknown>>(method: string, path: string, body?: unknown, expectStatus?: number): Promise<T> {
  const url = new URL(path, sandbox.orgUrl)
  if (body !== undefined) {
    const errors = contract.validateRequest(method, url.pathname, body)
    if (errors?.length) {
      problems.push(`request ${method} ${url.pathname}: ${errors.join('; ')}`)
    }
  }
  const res = await fetch(url, {
    method,
    headers: { Authorization: `SSWS ${sandbox.apiToken}`, Accept: 'application/json', ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  })
  const text = await res.text()
  const json: unknown = text ? JSON.parse(text) : undefined
  if (expectStatus !== undefined) {
    expect(res.status, `${method} ${path}: ${text}`).toBe(expectStatus)
  } else {
    expect(res.status, `${method} ${path}: ${text}`).toBeLessThan(300)
  }
  for (const header of ['x-rate-limit-limit', 'x-rate-limit-remaining', 'x-rate-limit-reset']) {
    expect(res.headers.get(header), `${header} on ${method} ${path}`).toMatch(/^\d+$/)
  }
  const op = contract.operation(method, url.pathname)
  expect(op, `${method} ${url.pathname} is documented`).toBeDefined()
  checked.add(`${method} ${op?.template}`)
  if (json !== undefined) {
    const errors = contract.validateResponse(method, url.pathname, res.status, json)
    if (errors?.length) {
      problems.push(`response ${res.status} ${method} ${url.pathname}: ${errors.slice(0, 5).join('; ')}`)
    }
  }
  return json as T
}

describe('sandbox contract against management-api.yaml', () => {
  it.skipIf(!specFile)(`every endpoint's request and response validate (${specFile ? 'spec present' : sharedMissing(SPEC)})`, async () => {
    const web = {
      name: 'oidc_client', label: 'contract-web', signOnMode: 'OPENID_CONNECT',
      credentials: { oauthClient: { token_endpoint_auth_method: 'client_secret_basic', autoKeyRotation: true } },
      settings: { oauthClient: {
        application_type: 'web', grant_types: ['authorization_code', 'refresh_token'], response_types: ['code'],
        redirect_uris: ['https://app.example.com/callback'], post_logout_redirect_uris: ['https://app.example.com/'],
        initiate_login_uri: 'https://app.example.com/login', consent_method: 'TRUSTED', refresh_token: { rotation_type: 'STATIC', leeway: 30 },
      } },
    }
    const app = await call<{ id: string; settings: Record<string, unknown> }>('POST', '/api/v1/apps', web)
    const spa = { ...web, label: 'contract-spa', credentials: { oauthClient: { token_endpoint_auth_method: 'none', pkce_required: true } },
      settings: { oauthClient: { application_type: 'browser', grant_types: ['authorization_code'], response_types: ['code'], redirect_uris: ['http://localhost:5173/callback'] } } }
    await call('POST', '/api/v1/apps', spa)
    const svc = { ...web, label: 'contract-svc', settings: { oauthClient: { application_type: 'service', grant_types: ['client_credentials'], response_types: ['token'] } } }
    await call('POST', '/api/v1/apps', svc)
    await call('GET', `/api/v1/apps?q=contract&limit=2`)
    await call('GET', `/api/v1/apps/${app.id}`)
    await call('PUT', `/api/v1/apps/${app.id}`, { ...web, label: 'contract-web-2' })
    await call('POST', `/api/v1/apps/${app.id}/lifecycle/deactivate`)
    await call('POST', `/api/v1/apps/${app.id}/lifecycle/activate`)
    const secrets = await call<Array<{ id: string }>>('GET', `/api/v1/apps/${app.id}/credentials/secrets`)
    const secret = await call<{ id: string }>('POST', `/api/v1/apps/${app.id}/credentials/secrets`, {}, 201)
    await call('GET', `/api/v1/apps/${app.id}/credentials/secrets/${secret.id}`)
    await call('POST', `/api/v1/apps/${app.id}/credentials/secrets/${secret.id}/lifecycle/deactivate`)
    await call('POST', `/api/v1/apps/${app.id}/credentials/secrets/${secret.id}/lifecycle/activate`)
    await call('POST', `/api/v1/apps/${app.id}/credentials/secrets/${secrets[0]?.id}/lifecycle/deactivate`)
    await call('DELETE', `/api/v1/apps/${app.id}/credentials/secrets/${secrets[0]?.id}`, undefined, 204)

    // JWKS credentials and the app's authentication policy (Identity Engine).
    const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
    const jwk = await call<{ id: string }>('POST', `/api/v1/apps/${app.id}/credentials/jwks`, { ...publicKey.export({ format: 'jwk' }), kid: 'contract-1', use: 'sig', status: 'ACTIVE' }, 201)
    await call('GET', `/api/v1/apps/${app.id}/credentials/jwks`)
    await call('GET', `/api/v1/apps/${app.id}/credentials/jwks/${jwk.id}`)
    await call('POST', `/api/v1/apps/${app.id}/credentials/jwks/${jwk.id}/lifecycle/deactivate`)
    await call('POST', `/api/v1/apps/${app.id}/credentials/jwks/${jwk.id}/lifecycle/activate`)
    await call('POST', `/api/v1/apps/${app.id}/credentials/jwks/${jwk.id}/lifecycle/deactivate`)
    await call('DELETE', `/api/v1/apps/${app.id}/credentials/jwks/${jwk.id}`, undefined, 204)
    const policies = (await (await fetch(`${sandbox.orgUrl}/api/v1/policies?type=ACCESS_POLICY`, { headers: { Authorization: `SSWS ${sandbox.apiToken}` } })).json()) as Array<{ id: string }>
    expect(contract.validateSchema('AccessPolicy', policies[0])).toEqual([])
    await call('PUT', `/api/v1/apps/${app.id}/policies/${policies[1]?.id}`, undefined, 204)

    const grant = await call<{ id: string }>('POST', `/api/v1/apps/${app.id}/grants`, { issuer: sandbox.orgUrl, scopeId: 'okta.apps.read' }, 201)
    await call('GET', `/api/v1/apps/${app.id}/grants`)
    await call('GET', `/api/v1/apps/${app.id}/grants/${grant.id}`)
    await call('DELETE', `/api/v1/apps/${app.id}/grants/${grant.id}`, undefined, 204)

    const everyone = (await call<Array<{ id: string }>>('GET', '/api/v1/groups?filter=type eq "BUILT_IN"'))[0]
    const group = await call<{ id: string }>('POST', '/api/v1/groups', { profile: { name: 'contract-group', description: 'c' } })
    await call('GET', `/api/v1/groups/${group.id}`)
    await call('PUT', `/api/v1/groups/${group.id}`, { profile: { name: 'contract-group', description: 'changed' } })
    await call('GET', '/api/v1/groups?q=contract')
    const user = await call<{ id: string }>('POST', '/api/v1/users?activate=false', {
      profile: { firstName: 'Con', lastName: 'Tract', email: 'contract@example.com', login: 'contract@example.com' },
      credentials: { password: { value: 'Contract-Pass-1' } }, groupIds: [group.id],
    })
    await call('POST', `/api/v1/users/${user.id}/lifecycle/activate?sendEmail=false`)
    await call('GET', `/api/v1/users/${user.id}`)
    await call('GET', '/api/v1/users?q=contract')
    await call('GET', `/api/v1/users/${user.id}/groups`)
    await call('GET', `/api/v1/groups/${group.id}/users`)
    await call('PUT', `/api/v1/groups/${group.id}/users/${sandbox.users[0]?.id}`, undefined, 204)
    await call('DELETE', `/api/v1/groups/${group.id}/users/${sandbox.users[0]?.id}`, undefined, 204)

    await call('PUT', `/api/v1/apps/${app.id}/groups/${everyone?.id}`, { priority: 0 })
    await call('GET', `/api/v1/apps/${app.id}/groups/${everyone?.id}`)
    await call('GET', `/api/v1/apps/${app.id}/groups`)
    await call('POST', `/api/v1/apps/${app.id}/users`, { id: user.id, scope: 'USER' })
    await call('GET', `/api/v1/apps/${app.id}/users/${user.id}`)
    await call('GET', `/api/v1/apps/${app.id}/users`)
    await call('DELETE', `/api/v1/apps/${app.id}/users/${user.id}`, undefined, 204)
    await call('DELETE', `/api/v1/apps/${app.id}/groups/${everyone?.id}`, undefined, 204)

    await call('GET', '/api/v1/authorizationServers')
    await call('GET', '/api/v1/authorizationServers/default')
    const server = await call<{ id: string }>('POST', '/api/v1/authorizationServers', { name: 'contract', description: 'contract', audiences: ['api://contract'] }, 201)
    await call('PUT', `/api/v1/authorizationServers/${server.id}`, { name: 'contract', description: 'changed', audiences: ['api://contract'] })
    const scope = await call<{ id: string }>('POST', `/api/v1/authorizationServers/${server.id}/scopes`, { name: 'contract:read', description: 'Read', consent: 'IMPLICIT', default: false, metadataPublish: 'ALL_CLIENTS' }, 201)
    await call('GET', `/api/v1/authorizationServers/${server.id}/scopes`)
    await call('GET', `/api/v1/authorizationServers/${server.id}/scopes/${scope.id}`)
    await call('PUT', `/api/v1/authorizationServers/${server.id}/scopes/${scope.id}`, { name: 'contract:read', description: 'Read all' })
    const claim = await call<{ id: string }>('POST', `/api/v1/authorizationServers/${server.id}/claims`, {
      name: 'groups', status: 'ACTIVE', claimType: 'IDENTITY', valueType: 'GROUPS', value: '.*', group_filter_type: 'REGEX', alwaysIncludeInToken: true, conditions: { scopes: [] },
    }, 201)
    await call('GET', `/api/v1/authorizationServers/${server.id}/claims`)
    await call('GET', `/api/v1/authorizationServers/${server.id}/claims/${claim.id}`)
    await call('PUT', `/api/v1/authorizationServers/${server.id}/claims/${claim.id}`, { name: 'groups', claimType: 'IDENTITY', valueType: 'GROUPS', value: 'a', group_filter_type: 'STARTS_WITH', conditions: { scopes: [] } })
    const policyBody = { type: 'OAUTH_AUTHORIZATION_POLICY', name: 'contract', description: 'contract', priority: 1, status: 'ACTIVE', conditions: { clients: { include: ['ALL_CLIENTS'] } } }
    const policy = await call<{ id: string }>('POST', `/api/v1/authorizationServers/${server.id}/policies`, policyBody, 201)
    await call('GET', `/api/v1/authorizationServers/${server.id}/policies`)
    await call('GET', `/api/v1/authorizationServers/${server.id}/policies/${policy.id}`)
    await call('PUT', `/api/v1/authorizationServers/${server.id}/policies/${policy.id}`, { ...policyBody, description: 'changed' })
    const ruleBody = {
      type: 'RESOURCE_ACCESS', name: 'contract', priority: 1, status: 'ACTIVE',
      conditions: { people: { groups: { include: ['EVERYONE'] } }, grantTypes: { include: ['authorization_code', 'client_credentials'] }, scopes: { include: ['*'] } },
      actions: { token: { accessTokenLifetimeMinutes: 60, refreshTokenLifetimeMinutes: 0, refreshTokenWindowMinutes: 10080 } },
    }
    const rule = await call<{ id: string }>('POST', `/api/v1/authorizationServers/${server.id}/policies/${policy.id}/rules`, ruleBody, 201)
    await call('GET', `/api/v1/authorizationServers/${server.id}/policies/${policy.id}/rules`)
    await call('GET', `/api/v1/authorizationServers/${server.id}/policies/${policy.id}/rules/${rule.id}`)
    await call('PUT', `/api/v1/authorizationServers/${server.id}/policies/${policy.id}/rules/${rule.id}`, { ...ruleBody, name: 'changed' })
    await call('POST', `/api/v1/authorizationServers/${server.id}/policies/${policy.id}/rules/${rule.id}/lifecycle/deactivate`, undefined, 204)
    await call('POST', `/api/v1/authorizationServers/${server.id}/policies/${policy.id}/rules/${rule.id}/lifecycle/activate`, undefined, 204)
    await call('DELETE', `/api/v1/authorizationServers/${server.id}/policies/${policy.id}/rules/${rule.id}`, undefined, 204)
    await call('POST', `/api/v1/authorizationServers/${server.id}/policies/${policy.id}/lifecycle/deactivate`, undefined, 204)
    await call('POST', `/api/v1/authorizationServers/${server.id}/policies/${policy.id}/lifecycle/activate`, undefined, 204)
    await call('DELETE', `/api/v1/authorizationServers/${server.id}/policies/${policy.id}`, undefined, 204)
    await call('DELETE', `/api/v1/authorizationServers/${server.id}/claims/${claim.id}`, undefined, 204)
    await call('DELETE', `/api/v1/authorizationServers/${server.id}/scopes/${scope.id}`, undefined, 204)
    await call('POST', `/api/v1/authorizationServers/${server.id}/lifecycle/deactivate`, undefined, 204)
    await call('POST', `/api/v1/authorizationServers/${server.id}/lifecycle/activate`, undefined, 204)
    await call('POST', `/api/v1/authorizationServers/${server.id}/lifecycle/deactivate`, undefined, 204)
    await call('DELETE', `/api/v1/authorizationServers/${server.id}`, undefined, 204)

    const origin = await call<{ id: string }>('POST', '/api/v1/trustedOrigins', { name: 'contract', origin: 'http://localhost:5173', scopes: [{ type: 'CORS' }, { type: 'REDIRECT' }] })
    await call('GET', '/api/v1/trustedOrigins?q=contract')
    await call('GET', `/api/v1/trustedOrigins/${origin.id}`)
    await call('PUT', `/api/v1/trustedOrigins/${origin.id}`, { name: 'contract', origin: 'http://localhost:5173', scopes: [{ type: 'CORS' }] })
    await call('POST', `/api/v1/trustedOrigins/${origin.id}/lifecycle/deactivate`)
    await call('POST', `/api/v1/trustedOrigins/${origin.id}/lifecycle/activate`)
    await call('DELETE', `/api/v1/trustedOrigins/${origin.id}`, undefined, 204)

    // Error bodies have Okta's Error shape.
    await call('GET', '/api/v1/apps/0oanope', undefined, 404)
    await call('POST', '/api/v1/apps', { ...web, label: '' }, 400)

    await call('POST', `/api/v1/apps/${app.id}/lifecycle/deactivate`)
    await call('DELETE', `/api/v1/apps/${app.id}`, undefined, 204)
    await call('POST', `/api/v1/users/${user.id}/lifecycle/deactivate`)
    await call('DELETE', `/api/v1/users/${user.id}`, undefined, 204)
    await call('DELETE', `/api/v1/groups/${group.id}`, undefined, 204)

    expect(problems).toEqual([])
    expect(checked.size).toBeGreaterThanOrEqual(55)
  })

  it.skipIf(!specFile)('validates the shapes of a fresh org against component schemas', async () => {
    const apps = await call<unknown[]>('POST', '/api/v1/apps', {
      name: 'oidc_client', label: 'native', signOnMode: 'OPENID_CONNECT', credentials: { oauthClient: { token_endpoint_auth_method: 'none' } },
      settings: { oauthClient: { application_type: 'native', grant_types: ['authorization_code', 'refresh_token', 'urn:ietf:params:oauth:grant-type:device_code'], response_types: ['code'], redirect_uris: ['http://127.0.0.1:8765/callback'] } },
    })
    expect(contract.validateSchema('OpenIdConnectApplication', apps)).toEqual([])
    const server = await call('GET', '/api/v1/authorizationServers/default')
    expect(contract.validateSchema('AuthorizationServer', server)).toEqual([])
    // The validator is not vacuous: a wrong enum value is reported.
    expect(contract.validateSchema('AuthorizationServer', { ...server, status: 'BOGUS' })).not.toEqual([])
  })
})
