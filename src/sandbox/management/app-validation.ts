// Okta's validation of OIDC app bodies (spec: management-api.yaml OpenIdConnectApplication and its settings and
// credentials schemas), producing the representation the sandbox stores.
import { validationError, validationErrors } from '../errors.js'
import { clientIdOf, oauthSettings as oauthSettingsOf } from '../org.js'
import type { AppRecord } from '../store.js'
import { asObject, clone, isObject, now, secret, type JsonObject } from '../util.js'
import { GRANTS_BY_TYPE, validateGrants, type Cause } from './app-grants.js'

export { GRANTS_BY_TYPE }

const AUTH_METHODS = ['client_secret_basic', 'client_secret_post', 'client_secret_jwt', 'private_key_jwt', 'none']
/** The client authentication methods that use a client secret. */
export const SECRET_METHODS = new Set(['client_secret_basic', 'client_secret_post', 'client_secret_jwt'])

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

/** What validation produced: the stored representation and the secret to use (if the method needs one). */
interface ValidatedApp {
  app: JsonObject
  needsSecret: boolean
  requestedSecret: string | undefined
}

/** What the org decides for fields a new app's body leaves out. */
export interface AppDefaults {
  /** `issuer_mode` of new apps: CUSTOM_URL once the org has a custom domain (spec OpenIdConnectApplicationIssuerMode). */
  issuerMode?: 'ORG_URL' | 'CUSTOM_URL'
  /** Whether new service apps require DPoP-bound tokens (Okta's default since 2024). */
  dpopForServiceApps?: boolean
}

/**
 * Validates an OIDC app body the way Okta does and builds the stored representation (unknown fields dropped). A PUT
 * replaces the app: `name`, `signOnMode` and `settings.oauthClient.application_type` must be sent again, Okta does
 * not keep them from the stored app (okta/terraform-provider-okta sends the whole app on update for this reason).
 */
export function validateApp(body: unknown, existing?: AppRecord, defaults: AppDefaults = {}): ValidatedApp {
  if (!isObject(body)) {
    throw validationError('application', 'application: The request body must be a JSON object.')
  }
  if (existing) {
    const missing = [
      body.name === undefined ? 'name' : undefined,
      body.signOnMode === undefined ? 'signOnMode' : undefined,
      asObject(asObject(body.settings).oauthClient).application_type === undefined ? 'settings.oauthClient.application_type' : undefined,
    ].filter((f): f is string => f !== undefined)
    if (missing.length) {
      throw validationErrors(missing.map((field) => ({ field, message: 'The field cannot be left blank' })))
    }
  }
  const causes: Cause[] = []
  const name = body.name
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
  if (typeof appType !== 'string' || !GRANTS_BY_TYPE[appType]) {
    causes.push({
      field: 'settings.oauthClient.application_type',
      message: `'${String(appType)}' is not a valid application type; use web, browser, native or service.`,
    })
  }
  const { grants, responseTypes, redirectUris, logoutUris } = validateGrants(inSettings, appType, causes)
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
  const issuerMode = inSettings.issuer_mode ?? (existing ? oauthSettingsOf(existing).issuer_mode : undefined) ?? defaults.issuerMode ?? 'ORG_URL'
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
  if (appType === 'service' && oauthClient.dpop_bound_access_tokens === undefined) {
    // New API service apps require DPoP-bound access tokens unless told otherwise (Okta, 2024:
    // https://developer.okta.com/docs/guides/dpop/oktaresourceserver/main/); an update keeps the stored value.
    const stored = existing ? oauthSettingsOf(existing).dpop_bound_access_tokens : undefined
    oauthClient.dpop_bound_access_tokens = typeof stored === 'boolean' ? stored : defaults.dpopForServiceApps === true
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
