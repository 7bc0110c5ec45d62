import { OktaError, notFound, validationError, validationErrors } from '../errors.js'
import { clientIdOf, oauthCredentials, oauthSettings, type Org } from '../org.js'
import type { AppRecord, SecretRecord } from '../store.js'
import { asObject, asStringArray, clone, isObject, newId, now, secret, type JsonObject } from '../util.js'
import { noContent, ok, paginate, search, type ApiRequest, type Router } from './router.js'

const DEVICE = 'urn:ietf:params:oauth:grant-type:device_code'
const SAML2 = 'urn:ietf:params:oauth:grant-type:saml2-bearer'
const TOKEN_EXCHANGE = 'urn:ietf:params:oauth:grant-type:token-exchange'
const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer'
const OIE = [
  'interaction_code',
  'urn:okta:params:oauth:grant-type:otp',
  'urn:okta:params:oauth:grant-type:oob',
  'http://auth0.com/oauth/grant-type/mfa-otp',
  'http://auth0.com/oauth/grant-type/mfa-oob',
]

/** Valid and required grant types per application_type (Okta's table, see okta-api.md §1.3). */
export const GRANTS_BY_TYPE: Record<string, { valid: string[]; required?: string }> = {
  web: {
    valid: ['authorization_code', 'implicit', 'refresh_token', 'client_credentials', SAML2, TOKEN_EXCHANGE, DEVICE, ...OIE],
    required: 'authorization_code',
  },
  browser: { valid: ['authorization_code', 'implicit', 'refresh_token', SAML2, TOKEN_EXCHANGE, DEVICE, ...OIE] },
  native: {
    valid: ['authorization_code', 'implicit', 'refresh_token', 'password', SAML2, JWT_BEARER, TOKEN_EXCHANGE, DEVICE, ...OIE],
    required: 'authorization_code',
  },
  service: { valid: ['client_credentials', SAML2, TOKEN_EXCHANGE, JWT_BEARER], required: 'client_credentials' },
}

const AUTH_METHODS = ['client_secret_basic', 'client_secret_post', 'client_secret_jwt', 'private_key_jwt', 'none']
const SECRET_METHODS = new Set(['client_secret_basic', 'client_secret_post', 'client_secret_jwt'])

/** settings.oauthClient fields the sandbox keeps (anything else is ignored, like Okta ignores unknown fields). */
const SETTINGS_FIELDS = [
  'client_uri',
  'logo_uri',
  'policy_uri',
  'tos_uri',
  'jwks',
  'jwks_uri',
  'initiate_login_uri',
  'idp_initiated_login',
  'subject_type',
  'sector_identifier_uri',
  'dpop_bound_access_tokens',
  'participate_slo',
  'frontchannel_logout_uri',
  'frontchannel_logout_session_required',
  'backchannel_logout_uri',
  'backchannel_logout_session_required',
]

type Cause = { field: string; message: string }

function isUri(value: string, { allowCustomScheme = true } = {}): boolean {
  try {
    const url = new URL(value)
    if (url.hash) {
      return false
    }
    return allowCustomScheme || url.protocol === 'http:' || url.protocol === 'https:'
  } catch {
    return false
  }
}

function uriList(field: string, value: unknown, causes: Cause[], allowCustomScheme = true): string[] | undefined {
  if (value === undefined || value === null) {
    return undefined
  }
  const list = asStringArray(value)
  if (!list) {
    causes.push({ field, message: `'${field}' must be an array of URIs.` })
    return undefined
  }
  for (const uri of list) {
    if (!isUri(uri, { allowCustomScheme })) {
      causes.push({ field, message: `'${uri}' is not a valid redirect URI.` })
    }
  }
  return list
}

/** What validation produced: the stored representation and the secret to use (if the method needs one). */
interface ValidatedApp {
  app: JsonObject
  needsSecret: boolean
  requestedSecret: string | undefined
}

/** Validates an OIDC app body the way Okta does and builds the stored representation (unknown fields dropped). */
export function validateApp(body: unknown, existing?: AppRecord): ValidatedApp {
  if (!isObject(body)) {
    throw validationError('application', 'application: The request body must be a JSON object.')
  }
  const causes: Cause[] = []
  const name = body.name ?? existing?.app.name
  if (name !== 'oidc_client') {
    throw validationError(
      'name',
      `name: The sandbox supports only OpenID Connect apps (name "oidc_client"), not ${JSON.stringify(name ?? null)}.`,
    )
  }
  const signOnMode = body.signOnMode ?? 'OPENID_CONNECT'
  if (signOnMode !== 'OPENID_CONNECT') {
    causes.push({ field: 'signOnMode', message: `'${String(signOnMode)}' is not valid for an oidc_client app; use OPENID_CONNECT.` })
  }
  const label = body.label
  if (typeof label !== 'string' || label.trim() === '') {
    causes.push({ field: 'label', message: 'The field cannot be left blank' })
  } else if (label.length > 100) {
    causes.push({ field: 'label', message: 'The label must be at most 100 characters.' })
  }
  const settings = asObject(body.settings)
  const credentials = asObject(body.credentials)
  const inSettings = asObject(settings.oauthClient)
  const inCreds = asObject(credentials.oauthClient)
  if (!isObject(settings.oauthClient)) {
    causes.push({ field: 'settings.oauthClient', message: "'settings.oauthClient' is required." })
  }
  const appType = inSettings.application_type ?? 'web'
  const rules = typeof appType === 'string' ? GRANTS_BY_TYPE[appType] : undefined
  if (!rules) {
    causes.push({
      field: 'settings.oauthClient.application_type',
      message: `'${String(appType)}' is not a valid application type; use web, browser, native or service.`,
    })
  }
  const grantTypes = asStringArray(inSettings.grant_types)
  if (!grantTypes || grantTypes.length === 0) {
    causes.push({ field: 'settings.oauthClient.grant_types', message: "'grant_types' is required." })
  }
  const grants = grantTypes ?? []
  if (rules) {
    for (const g of grants) {
      if (!rules.valid.includes(g)) {
        causes.push({
          field: 'settings.oauthClient.grant_types',
          message: `'${g}' is not a valid grant type for the application type '${String(appType)}'.`,
        })
      }
    }
    if (rules.required && grants.length && !grants.includes(rules.required)) {
      causes.push({
        field: 'settings.oauthClient.grant_types',
        message: `Application type '${String(appType)}' requires the '${rules.required}' grant type.`,
      })
    }
  }
  let responseTypes = asStringArray(inSettings.response_types)
  if (inSettings.response_types !== undefined && inSettings.response_types !== null && !responseTypes) {
    causes.push({ field: 'settings.oauthClient.response_types', message: "'response_types' must be an array." })
  }
  if (!responseTypes || responseTypes.length === 0) {
    const derived = new Set<string>()
    if (grants.includes('implicit') || grants.includes('client_credentials')) {
      derived.add('token')
    }
    if (grants.some((g) => ['authorization_code', 'password', 'refresh_token'].includes(g))) {
      derived.add('code')
    }
    responseTypes = [...derived]
  }
  for (const r of responseTypes) {
    if (!['code', 'token', 'id_token'].includes(r)) {
      causes.push({ field: 'settings.oauthClient.response_types', message: `'${r}' is not a valid response type.` })
    }
  }
  if (grants.includes('authorization_code') && !responseTypes.includes('code')) {
    causes.push({
      field: 'settings.oauthClient.response_types',
      message: "The 'authorization_code' grant type requires the 'code' response type.",
    })
  }
  if (responseTypes.includes('code') && !grants.some((g) => ['authorization_code', 'password', 'refresh_token'].includes(g))) {
    causes.push({
      field: 'settings.oauthClient.response_types',
      message: "The 'code' response type requires the 'authorization_code' grant type.",
    })
  }
  if (grants.includes('implicit') && !responseTypes.some((r) => r === 'token' || r === 'id_token')) {
    causes.push({
      field: 'settings.oauthClient.response_types',
      message: "The 'implicit' grant type requires the 'token' or 'id_token' response type.",
    })
  }
  const redirectUris = uriList('settings.oauthClient.redirect_uris', inSettings.redirect_uris, causes) ?? []
  if ((grants.includes('authorization_code') || grants.includes('implicit')) && redirectUris.length === 0) {
    causes.push({
      field: 'settings.oauthClient.redirect_uris',
      message: "'redirect_uris' is required for the 'authorization_code' and 'implicit' grant types.",
    })
  }
  const logoutUris = uriList('settings.oauthClient.post_logout_redirect_uris', inSettings.post_logout_redirect_uris, causes)

  const method = inCreds.token_endpoint_auth_method ?? defaultAuthMethod(String(appType))
  if (typeof method !== 'string' || !AUTH_METHODS.includes(method)) {
    causes.push({
      field: 'credentials.oauthClient.token_endpoint_auth_method',
      message: `'${String(method)}' is not a valid client authentication method.`,
    })
  } else if (appType === 'browser' && method !== 'none') {
    causes.push({
      field: 'credentials.oauthClient.token_endpoint_auth_method',
      message: "Browser applications must use the 'none' client authentication method.",
    })
  } else if ((appType === 'web' || appType === 'service') && method === 'none') {
    causes.push({
      field: 'credentials.oauthClient.token_endpoint_auth_method',
      message: `Application type '${String(appType)}' requires client authentication; 'none' is not allowed.`,
    })
  }
  if (method === 'private_key_jwt' && !isObject(inSettings.jwks) && typeof inSettings.jwks_uri !== 'string') {
    causes.push({
      field: 'settings.oauthClient.jwks',
      message: "'jwks' or 'jwks_uri' is required for the 'private_key_jwt' client authentication method.",
    })
  }
  const pkceDefault = method === 'none' || appType === 'browser' || appType === 'native'
  const pkce = inCreds.pkce_required ?? pkceDefault
  if (typeof pkce !== 'boolean') {
    causes.push({ field: 'credentials.oauthClient.pkce_required', message: "'pkce_required' must be a boolean." })
  } else if (method === 'none' && pkce === false) {
    causes.push({
      field: 'credentials.oauthClient.pkce_required',
      message: "'pkce_required' must be true when the client authentication method is 'none'.",
    })
  }
  let clientId = existing ? clientIdOf(existing) : inCreds.client_id
  if (existing && inCreds.client_id !== undefined && inCreds.client_id !== clientId) {
    causes.push({ field: 'credentials.oauthClient.client_id', message: "'client_id' cannot be changed." })
  }
  if (!existing && clientId !== undefined) {
    if (typeof clientId !== 'string' || clientId.length < 6 || clientId.length > 100 || clientId === 'ALL_CLIENTS') {
      causes.push({ field: 'credentials.oauthClient.client_id', message: "'client_id' must be 6 to 100 characters." })
      clientId = undefined
    }
  }
  const requestedSecret = inCreds.client_secret
  if (requestedSecret !== undefined && requestedSecret !== null) {
    if (typeof requestedSecret !== 'string' || requestedSecret.length < 14 || requestedSecret.length > 100) {
      causes.push({ field: 'credentials.oauthClient.client_secret', message: "'client_secret' must be 14 to 100 characters." })
    } else if (method === 'client_secret_jwt' && requestedSecret.length < 32) {
      causes.push({
        field: 'credentials.oauthClient.client_secret',
        message: "'client_secret' must be at least 32 characters for 'client_secret_jwt'.",
      })
    }
  }
  let refresh: JsonObject | undefined
  if (inSettings.refresh_token !== undefined && inSettings.refresh_token !== null) {
    const rt = asObject(inSettings.refresh_token)
    if (rt.rotation_type !== 'ROTATE' && rt.rotation_type !== 'STATIC') {
      causes.push({
        field: 'settings.oauthClient.refresh_token.rotation_type',
        message: "'rotation_type' must be ROTATE or STATIC.",
      })
    }
    const leeway = rt.leeway ?? 30
    if (typeof leeway !== 'number' || !Number.isInteger(leeway) || leeway < 0 || leeway > 60) {
      causes.push({ field: 'settings.oauthClient.refresh_token.leeway', message: "'leeway' must be between 0 and 60." })
    }
    refresh = { rotation_type: rt.rotation_type, leeway }
  } else if (grants.includes('refresh_token')) {
    refresh = { rotation_type: appType === 'browser' ? 'ROTATE' : 'STATIC', leeway: 30 }
  }
  const consent = inSettings.consent_method ?? 'TRUSTED'
  if (consent !== 'TRUSTED' && consent !== 'REQUIRED') {
    causes.push({ field: 'settings.oauthClient.consent_method', message: "'consent_method' must be TRUSTED or REQUIRED." })
  }
  const wildcard = inSettings.wildcard_redirect ?? 'DISABLED'
  if (wildcard !== 'DISABLED' && wildcard !== 'SUBDOMAIN') {
    causes.push({ field: 'settings.oauthClient.wildcard_redirect', message: "'wildcard_redirect' must be DISABLED or SUBDOMAIN." })
  }
  const issuerMode = inSettings.issuer_mode ?? 'ORG_URL'
  if (!['ORG_URL', 'CUSTOM_URL', 'DYNAMIC'].includes(String(issuerMode))) {
    causes.push({ field: 'settings.oauthClient.issuer_mode', message: "'issuer_mode' must be ORG_URL, CUSTOM_URL or DYNAMIC." })
  }
  if (causes.length) {
    throw validationErrors(causes)
  }

  const oauthClient: JsonObject = {
    application_type: appType,
    consent_method: consent,
    grant_types: grants,
    response_types: responseTypes,
    redirect_uris: redirectUris,
    issuer_mode: issuerMode,
    wildcard_redirect: wildcard,
  }
  if (logoutUris) {
    oauthClient.post_logout_redirect_uris = logoutUris
  }
  if (refresh) {
    oauthClient.refresh_token = refresh
  }
  for (const field of SETTINGS_FIELDS) {
    if (inSettings[field] !== undefined) {
      oauthClient[field] = clone(inSettings[field])
    }
  }
  const notes = asObject(settings.notes)
  const t = now()
  const app: JsonObject = {
    name: 'oidc_client',
    label,
    status: existing ? existing.app.status : 'ACTIVE',
    created: existing ? existing.app.created : t,
    lastUpdated: t,
    accessibility: { selfService: false, ...pick(asObject(body.accessibility), ['selfService', 'errorRedirectUrl', 'loginRedirectUrl']) },
    visibility: {
      autoLaunch: false,
      autoSubmitToolbar: false,
      hide: { iOS: false, web: false },
      appLinks: { oidc_client_link: true },
      ...pick(asObject(body.visibility), ['autoLaunch', 'autoSubmitToolbar', 'hide', 'appLinks']),
    },
    features: [],
    signOnMode: 'OPENID_CONNECT',
    credentials: {
      userNameTemplate: { template: '${source.login}', type: 'BUILT_IN' },
      signing: { kid: existing ? asObject(asObject(existing.app.credentials).signing).kid : secret(24) },
      oauthClient: {
        autoKeyRotation: typeof inCreds.autoKeyRotation === 'boolean' ? inCreds.autoKeyRotation : true,
        client_id: clientId,
        token_endpoint_auth_method: method,
        pkce_required: pkce,
      },
    },
    settings: {
      app: {},
      notifications: { vpn: { network: { connection: 'DISABLED' } } },
      manualProvisioning: false,
      implicitAssignment: typeof settings.implicitAssignment === 'boolean' ? settings.implicitAssignment : false,
      notes: pick(notes, ['admin', 'enduser']),
      oauthClient,
    },
  }
  return {
    app,
    needsSecret: SECRET_METHODS.has(String(method)),
    requestedSecret: typeof requestedSecret === 'string' ? requestedSecret : undefined,
  }
}

function pick(source: JsonObject, keys: string[]): JsonObject {
  return Object.fromEntries(keys.filter((k) => source[k] !== undefined).map((k) => [k, clone(source[k])]))
}

function defaultAuthMethod(appType: string): string {
  return appType === 'browser' || appType === 'native' ? 'none' : 'client_secret_basic'
}

function newSecret(value?: string): SecretRecord {
  const t = now()
  return { id: newId('ocs'), status: 'ACTIVE', client_secret: value ?? secret(30), created: t, lastUpdated: t }
}

/** The newest active secret of an app. */
export function activeSecret(app: AppRecord): string | undefined {
  const active = app.secrets.filter((s) => s.status === 'ACTIVE')
  return active[active.length - 1]?.client_secret
}

/** The app as Okta returns it; with `withSecret` the active secret is included (create/update responses only). */
export function renderApp(org: Org, app: AppRecord, withSecret = false): JsonObject {
  const out = clone(app.app)
  out.id = app.id
  const creds = asObject(asObject(out.credentials).oauthClient)
  if (withSecret && SECRET_METHODS.has(String(creds.token_endpoint_auth_method))) {
    const value = activeSecret(app)
    if (value) {
      creds.client_secret = value
    }
  }
  const base = `${org.orgUrl}/api/v1/apps/${app.id}`
  out._links = {
    appLinks: [{ name: 'oidc_client_link', href: `${org.orgUrl}/home/oidc_client/${app.id}/aln177a159h7Zf52X0g8`, type: 'text/html' }],
    groups: { href: `${base}/groups` },
    logo: [{ name: 'medium', href: `${org.orgUrl}/assets/img/logos/default.png`, type: 'image/png' }],
    users: { href: `${base}/users` },
    self: { href: base },
    ...(app.app.status === 'ACTIVE'
      ? { deactivate: { href: `${base}/lifecycle/deactivate` } }
      : { activate: { href: `${base}/lifecycle/activate` } }),
  }
  return out
}

function renderSecret(org: Org, app: AppRecord, s: SecretRecord): JsonObject {
  const base = `${org.orgUrl}/api/v1/apps/${app.id}/credentials/secrets/${s.id}`
  return {
    id: s.id,
    status: s.status,
    client_secret: s.client_secret,
    secret_hash: secretHash(s.client_secret),
    created: s.created,
    lastUpdated: s.lastUpdated,
    _links: {
      ...(s.status === 'ACTIVE'
        ? { deactivate: { href: `${base}/lifecycle/deactivate`, hints: { allow: ['POST'] } } }
        : { activate: { href: `${base}/lifecycle/activate`, hints: { allow: ['POST'] } } }),
    },
  }
}

function secretHash(value: string): string {
  let h = 0
  for (const c of value) {
    h = (h * 31 + c.charCodeAt(0)) | 0
  }
  return Math.abs(h).toString(36)
}

function renderGroupAssignment(org: Org, app: AppRecord, g: AppRecord['groups'][number]): JsonObject {
  return {
    id: g.groupId,
    lastUpdated: g.lastUpdated,
    priority: g.priority,
    profile: g.profile,
    _links: {
      app: { href: `${org.orgUrl}/api/v1/apps/${app.id}` },
      group: { href: `${org.orgUrl}/api/v1/groups/${g.groupId}` },
    },
  }
}

function renderAppUser(org: Org, app: AppRecord, userId: string, scope: 'USER' | 'GROUP', created: string, lastUpdated: string, profile: JsonObject): JsonObject {
  const user = org.findUser(userId)
  const login = String(asObject(user?.user.profile).login ?? '')
  return {
    id: userId,
    created,
    lastUpdated,
    scope,
    status: 'ACTIVE',
    statusChanged: created,
    passwordChanged: null,
    syncState: 'DISABLED',
    credentials: { userName: login },
    profile,
    _links: {
      app: { href: `${org.orgUrl}/api/v1/apps/${app.id}` },
      user: { href: `${org.orgUrl}/api/v1/users/${userId}` },
    },
  }
}

function appUsers(org: Org, app: AppRecord): JsonObject[] {
  const out = new Map<string, JsonObject>()
  for (const u of app.users) {
    out.set(u.userId, renderAppUser(org, app, u.userId, 'USER', u.created, u.lastUpdated, u.profile))
  }
  for (const g of app.groups) {
    const group = org.state.groups.find((x) => x.id === g.groupId)
    if (!group) {
      continue
    }
    const members = group.group.type === 'BUILT_IN' ? org.state.users.map((u) => u.id) : group.members
    for (const userId of members) {
      if (!out.has(userId)) {
        out.set(userId, renderAppUser(org, app, userId, 'GROUP', g.lastUpdated, g.lastUpdated, {}))
      }
    }
  }
  return [...out.values()]
}

function activateParam(req: ApiRequest): boolean {
  const value = req.query.get('activate')
  return value === null ? true : value !== 'false'
}

/** Registers `/api/v1/apps/**`. */
export function registerApps(router: Router, org: Org): void {
  router.add('GET', '/api/v1/apps', (req) => {
    const items = org.state.apps.map((a) => renderApp(org, a))
    return paginate(search(items, req, ['name', 'label'], ['id', 'status', 'name', 'credentials.signing.kid', 'settings.slo.enabled', 'credentials.oauthClient.client_id']), req, {
      defaultLimit: -1,
      maxLimit: 200,
    })
  })

  router.add('POST', '/api/v1/apps', (req) => {
    const { app, needsSecret, requestedSecret } = validateApp(req.body)
    const creds = asObject(asObject(app.credentials).oauthClient)
    const id = newId('0oa')
    if (creds.client_id === undefined) {
      creds.client_id = id
    } else if (org.appByClientId(String(creds.client_id))) {
      throw validationError('client_id', 'credentials.oauthClient.client_id: An app with this client_id already exists.')
    }
    app.status = activateParam(req) ? 'ACTIVE' : 'INACTIVE'
    const record: AppRecord = { id, app, secrets: [], groups: [], users: [] }
    if (needsSecret) {
      record.secrets.push(newSecret(requestedSecret))
    }
    org.state.apps.push(record)
    org.changed()
    return ok(renderApp(org, record, true))
  })

  router.add('GET', '/api/v1/apps/:appId', (req) => ok(renderApp(org, org.app(req.params.appId ?? ''))))

  router.add('PUT', '/api/v1/apps/:appId', (req) => {
    const record = org.app(req.params.appId ?? '')
    const { app, needsSecret, requestedSecret } = validateApp(req.body, record)
    record.app = app
    if (needsSecret) {
      if (requestedSecret && requestedSecret !== activeSecret(record)) {
        record.secrets = [newSecret(requestedSecret)]
      } else if (!activeSecret(record)) {
        record.secrets.push(newSecret())
      }
    }
    org.changed()
    return ok(renderApp(org, record, true))
  })

  router.add('DELETE', '/api/v1/apps/:appId', (req) => {
    const record = org.app(req.params.appId ?? '')
    if (record.app.status === 'ACTIVE') {
      throw new OktaError(403, 'E0000056', 'Delete application forbidden.', [
        { errorSummary: 'The application must be deactivated before it can be deleted.' },
      ])
    }
    org.state.apps = org.state.apps.filter((a) => a !== record)
    org.changed()
    return noContent()
  })

  const lifecycle = (status: 'ACTIVE' | 'INACTIVE') => (req: ApiRequest) => {
    const record = org.app(req.params.appId ?? '')
    if (record.app.status !== status) {
      record.app.status = status
      record.app.lastUpdated = now()
      org.changed()
    }
    return ok({})
  }
  router.add('POST', '/api/v1/apps/:appId/lifecycle/activate', lifecycle('ACTIVE'))
  router.add('POST', '/api/v1/apps/:appId/lifecycle/deactivate', lifecycle('INACTIVE'))

  // Client secrets.
  router.add('GET', '/api/v1/apps/:appId/credentials/secrets', (req) => {
    const record = org.app(req.params.appId ?? '')
    return ok(record.secrets.map((s) => renderSecret(org, record, s)))
  })
  router.add('POST', '/api/v1/apps/:appId/credentials/secrets', (req) => {
    const record = org.app(req.params.appId ?? '')
    if (!SECRET_METHODS.has(String(oauthCredentials(record).token_endpoint_auth_method))) {
      throw validationError('client_secret', 'client_secret: This client does not use a client secret.')
    }
    if (record.secrets.length >= 2) {
      throw validationError('client_secret', "client_secret: You've reached the maximum number of client secrets per client.")
    }
    const body = asObject(req.body)
    const value = body.client_secret
    if (value !== undefined && (typeof value !== 'string' || value.length < 14 || value.length > 100)) {
      throw validationError('client_secret', "client_secret: 'client_secret' must be 14 to 100 characters.")
    }
    const s = newSecret(typeof value === 'string' ? value : undefined)
    if (body.status === 'INACTIVE') {
      s.status = 'INACTIVE'
    }
    record.secrets.push(s)
    org.changed()
    return ok(renderSecret(org, record, s), 201)
  })
  const findSecret = (req: ApiRequest): [AppRecord, SecretRecord] => {
    const record = org.app(req.params.appId ?? '')
    const s = record.secrets.find((x) => x.id === req.params.secretId)
    if (!s) {
      throw notFound(req.params.secretId ?? '', 'OAuth2ClientSecret')
    }
    return [record, s]
  }
  router.add('GET', '/api/v1/apps/:appId/credentials/secrets/:secretId', (req) => {
    const [record, s] = findSecret(req)
    return ok(renderSecret(org, record, s))
  })
  router.add('DELETE', '/api/v1/apps/:appId/credentials/secrets/:secretId', (req) => {
    const [record, s] = findSecret(req)
    if (s.status === 'ACTIVE') {
      throw validationError('client_secret', 'client_secret: An active client secret cannot be deleted; deactivate it first.')
    }
    record.secrets = record.secrets.filter((x) => x !== s)
    org.changed()
    return noContent()
  })
  const secretLifecycle = (status: 'ACTIVE' | 'INACTIVE') => (req: ApiRequest) => {
    const [record, s] = findSecret(req)
    if (status === 'INACTIVE' && record.secrets.filter((x) => x.status === 'ACTIVE' && x !== s).length === 0) {
      throw validationError('client_secret', 'client_secret: The only active client secret cannot be deactivated.')
    }
    s.status = status
    s.lastUpdated = now()
    org.changed()
    return ok(renderSecret(org, record, s))
  }
  router.add('POST', '/api/v1/apps/:appId/credentials/secrets/:secretId/lifecycle/activate', secretLifecycle('ACTIVE'))
  router.add('POST', '/api/v1/apps/:appId/credentials/secrets/:secretId/lifecycle/deactivate', secretLifecycle('INACTIVE'))

  // Group assignments.
  router.add('GET', '/api/v1/apps/:appId/groups', (req) => {
    const record = org.app(req.params.appId ?? '')
    return paginate(
      [...record.groups].sort((a, b) => a.priority - b.priority).map((g) => renderGroupAssignment(org, record, g)),
      req,
      { defaultLimit: 20, maxLimit: 200 },
    )
  })
  router.add('GET', '/api/v1/apps/:appId/groups/:groupId', (req) => {
    const record = org.app(req.params.appId ?? '')
    const g = record.groups.find((x) => x.groupId === req.params.groupId)
    if (!g) {
      throw notFound(req.params.groupId ?? '', 'ApplicationGroupAssignment')
    }
    return ok(renderGroupAssignment(org, record, g))
  })
  router.add('PUT', '/api/v1/apps/:appId/groups/:groupId', (req) => {
    const record = org.app(req.params.appId ?? '')
    const group = org.group(req.params.groupId ?? '')
    const body = asObject(req.body)
    if (body.priority !== undefined && (typeof body.priority !== 'number' || !Number.isInteger(body.priority) || body.priority < 0)) {
      throw validationError('priority', "priority: 'priority' must be a non-negative integer.")
    }
    let g = record.groups.find((x) => x.groupId === group.id)
    const priority = typeof body.priority === 'number' ? body.priority : Math.max(-1, ...record.groups.map((x) => x.priority)) + 1
    if (!g) {
      g = { groupId: group.id, priority, profile: asObject(body.profile), lastUpdated: now() }
      record.groups.push(g)
    } else {
      g.priority = typeof body.priority === 'number' ? body.priority : g.priority
      g.profile = isObject(body.profile) ? body.profile : g.profile
      g.lastUpdated = now()
    }
    org.changed()
    return ok(renderGroupAssignment(org, record, g))
  })
  router.add('DELETE', '/api/v1/apps/:appId/groups/:groupId', (req) => {
    const record = org.app(req.params.appId ?? '')
    const before = record.groups.length
    record.groups = record.groups.filter((x) => x.groupId !== req.params.groupId)
    if (record.groups.length === before) {
      throw notFound(req.params.groupId ?? '', 'ApplicationGroupAssignment')
    }
    org.changed()
    return noContent()
  })

  // User assignments.
  router.add('GET', '/api/v1/apps/:appId/users', (req) => {
    const record = org.app(req.params.appId ?? '')
    return paginate(search(appUsers(org, record), req, ['credentials.userName']), req, { defaultLimit: 50, maxLimit: 500 })
  })
  router.add('POST', '/api/v1/apps/:appId/users', (req) => {
    const record = org.app(req.params.appId ?? '')
    const body = asObject(req.body)
    if (typeof body.id !== 'string' || !body.id) {
      throw validationError('id', "id: 'id' is required.")
    }
    const user = org.user(body.id)
    let u = record.users.find((x) => x.userId === user.id)
    const t = now()
    if (!u) {
      u = { userId: user.id, scope: 'USER', profile: asObject(body.profile), created: t, lastUpdated: t }
      record.users.push(u)
    } else {
      u.profile = isObject(body.profile) ? body.profile : u.profile
      u.lastUpdated = t
    }
    org.changed()
    return ok(renderAppUser(org, record, user.id, 'USER', u.created, u.lastUpdated, u.profile))
  })
  router.add('GET', '/api/v1/apps/:appId/users/:userId', (req) => {
    const record = org.app(req.params.appId ?? '')
    const found = appUsers(org, record).find((u) => u.id === req.params.userId)
    if (!found) {
      throw notFound(req.params.userId ?? '', 'AppUser')
    }
    return ok(found)
  })
  router.add('DELETE', '/api/v1/apps/:appId/users/:userId', (req) => {
    const record = org.app(req.params.appId ?? '')
    const before = record.users.length
    record.users = record.users.filter((x) => x.userId !== req.params.userId)
    if (record.users.length === before) {
      throw notFound(req.params.userId ?? '', 'AppUser')
    }
    org.changed()
    return noContent()
  })
}

export { oauthSettings }
