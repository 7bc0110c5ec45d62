import type { SignOnPolicyRule } from '../../domain/doctor.js'
import type {
  AppSpec,
  AuthServer,
  Claim,
  ClientSecret,
  Group,
  OidcApp,
  Policy,
  PolicySpec,
  Rule,
  RuleSpec,
  Scope,
  TrustedOrigin,
  TrustedOriginSpec,
} from '../../domain/okta-model.js'
import { isManaged } from '../../domain/okta-model.js'

/** A JSON object as Okta sends it. */
export type Json = Record<string, unknown>

export function enc(value: string): string {
  return encodeURIComponent(value)
}

export function str(value: unknown): string {
  return typeof value === 'string' ? value : value === undefined || value === null ? '' : String(value)
}

export function strs(value: unknown): string[] {
  return Array.isArray(value) ? value.map(str) : []
}

export function obj(value: unknown): Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : {}
}

export function nextLink(header: string | null): string | undefined {
  if (!header) {
    return undefined
  }
  for (const part of header.split(',')) {
    const m = part.match(/<([^>]+)>\s*;\s*rel="?next"?/)
    if (m?.[1]) {
      return m[1]
    }
  }
  return undefined
}

export function appFromJson(json: Json): OidcApp {
  const settings = obj(json.settings)
  const oauth = obj(settings.oauthClient)
  const creds = obj(obj(json.credentials).oauthClient)
  const rotation = obj(oauth.refresh_token).rotation_type
  const notes = obj(settings.notes).admin
  return {
    id: str(json.id),
    label: str(json.label),
    status: str(json.status),
    clientId: str(creds.client_id) || str(json.id),
    // Only a plaintext secret: an app read back from an org that masks secrets carries an elided one (issue 12).
    clientSecret: typeof creds.client_secret === 'string' && !isMaskedSecret(creds.client_secret) ? creds.client_secret : undefined,
    applicationType: str(oauth.application_type) as OidcApp['applicationType'],
    grantTypes: strs(oauth.grant_types),
    responseTypes: strs(oauth.response_types),
    redirectUris: strs(oauth.redirect_uris),
    postLogoutRedirectUris: strs(oauth.post_logout_redirect_uris),
    tokenEndpointAuthMethod: (str(creds.token_endpoint_auth_method) || 'client_secret_basic') as OidcApp['tokenEndpointAuthMethod'],
    pkceRequired: creds.pkce_required === true,
    refreshTokenRotation: rotation === 'ROTATE' || rotation === 'STATIC' ? rotation : undefined,
    // The value as Okta holds it: missing is not ORG_URL (with a custom domain Okta's default is CUSTOM_URL), so doctor
    // sees an app that never had it set.
    issuerMode: (str(oauth.issuer_mode) || undefined) as OidcApp['issuerMode'],
    notes: typeof notes === 'string' ? notes : undefined,
    signOnMode: typeof json.signOnMode === 'string' ? json.signOnMode : undefined,
    federationBrokerMode: settings.implicitAssignment === true,
  }
}

/** Writes the reconciled fields into an app's JSON, keeping every other field (PUT replaces the whole app). */
export function appToJson(spec: AppSpec, base: Json): Json {
  const json: Json = { ...base }
  delete json._links
  delete json._embedded
  const settings = { ...obj(json.settings) }
  const oauth: Json = {
    ...obj(settings.oauthClient),
    application_type: spec.applicationType,
    grant_types: spec.grantTypes,
    response_types: spec.responseTypes,
    redirect_uris: spec.redirectUris,
    post_logout_redirect_uris: spec.postLogoutRedirectUris,
  }
  if (spec.refreshTokenRotation) {
    oauth.refresh_token = { rotation_type: spec.refreshTokenRotation, leeway: 30 }
  } else {
    delete oauth.refresh_token
  }
  if (spec.issuerMode) {
    oauth.issuer_mode = spec.issuerMode
  }
  if (!('consent_method' in oauth)) {
    oauth.consent_method = 'TRUSTED'
  }
  settings.oauthClient = oauth
  // The marker is added once (on create, or when an adopted app is first applied); other admin notes stay.
  const admin = obj(settings.notes).admin
  if (spec.notes !== undefined && !isManaged(typeof admin === 'string' ? admin : undefined)) {
    settings.notes = { ...obj(settings.notes), admin: typeof admin === 'string' && admin ? `${admin}\n${spec.notes}` : spec.notes }
  }
  const credentials = { ...obj(json.credentials) }
  const oauthCreds: Json = { ...obj(credentials.oauthClient) }
  delete oauthCreds.client_secret
  oauthCreds.token_endpoint_auth_method = spec.tokenEndpointAuthMethod
  oauthCreds.pkce_required = spec.pkceRequired
  if (!('autoKeyRotation' in oauthCreds)) {
    oauthCreds.autoKeyRotation = true
  }
  credentials.oauthClient = oauthCreds
  return { ...json, label: spec.label, credentials, settings }
}

export function authServerFromJson(json: Json): AuthServer {
  return {
    id: str(json.id),
    name: str(json.name),
    description: json.description === undefined ? undefined : str(json.description),
    audiences: strs(json.audiences),
    issuer: str(json.issuer),
    status: str(json.status),
  }
}

export function scopeFromJson(json: Json): Scope {
  return {
    id: str(json.id),
    name: str(json.name),
    description: json.description === undefined ? undefined : str(json.description),
    default: json.default === true,
    system: json.system === true,
    metadataPublish: json.metadataPublish === 'ALL_CLIENTS' ? 'ALL_CLIENTS' : 'NO_CLIENTS',
    consent: (str(json.consent) || 'IMPLICIT') as Scope['consent'],
  }
}

export function claimFromJson(json: Json): Claim {
  const filter = str(json.group_filter_type)
  return {
    id: str(json.id),
    name: str(json.name),
    claimType: str(json.claimType) as Claim['claimType'],
    valueType: str(json.valueType) as Claim['valueType'],
    value: str(json.value),
    groupFilterType: filter ? (filter as Claim['groupFilterType']) : undefined,
    alwaysIncludeInToken: json.alwaysIncludeInToken === true,
    status: str(json.status) === 'INACTIVE' ? 'INACTIVE' : 'ACTIVE',
    scopes: strs(obj(json.conditions).scopes),
  }
}

export function policyFromJson(json: Json): Policy {
  return {
    id: str(json.id),
    name: str(json.name),
    description: str(json.description),
    status: str(json.status) === 'INACTIVE' ? 'INACTIVE' : 'ACTIVE',
    priority: typeof json.priority === 'number' ? json.priority : 0,
    system: json.system === true,
    clientIds: strs(obj(obj(obj(json.conditions).clients)).include),
  }
}

export function policyToJson(spec: PolicySpec, priority: number): Json {
  return {
    type: 'OAUTH_AUTHORIZATION_POLICY',
    name: spec.name,
    description: spec.description,
    priority,
    status: spec.status,
    conditions: { clients: { include: spec.clientIds } },
  }
}

export function ruleFromJson(json: Json): Rule {
  const conditions = obj(json.conditions)
  const people = obj(conditions.people)
  const token = obj(obj(json.actions).token)
  return {
    id: str(json.id),
    name: str(json.name),
    status: str(json.status) === 'INACTIVE' ? 'INACTIVE' : 'ACTIVE',
    priority: typeof json.priority === 'number' ? json.priority : 0,
    system: json.system === true,
    grantTypes: strs(obj(conditions.grantTypes).include),
    scopes: strs(obj(conditions.scopes).include),
    groups: strs(obj(people.groups).include),
    users: strs(obj(people.users).include),
    accessTokenLifetimeMinutes: Number(token.accessTokenLifetimeMinutes ?? 0),
    refreshTokenLifetimeMinutes: Number(token.refreshTokenLifetimeMinutes ?? 0),
    refreshTokenWindowMinutes: Number(token.refreshTokenWindowMinutes ?? 0),
  }
}

export function ruleToJson(spec: RuleSpec, priority: number): Json {
  const people: Json = {}
  if (spec.groups.length) {
    people.groups = { include: spec.groups }
  }
  if (spec.users.length) {
    people.users = { include: spec.users }
  }
  return {
    type: 'RESOURCE_ACCESS',
    name: spec.name,
    priority,
    status: spec.status,
    conditions: { people, grantTypes: { include: spec.grantTypes }, scopes: { include: spec.scopes } },
    actions: {
      token: {
        accessTokenLifetimeMinutes: spec.accessTokenLifetimeMinutes,
        refreshTokenLifetimeMinutes: spec.refreshTokenLifetimeMinutes,
        refreshTokenWindowMinutes: spec.refreshTokenWindowMinutes,
      },
    },
  }
}

export function groupFromJson(json: Json): Group {
  return { id: str(json.id), name: str(obj(json.profile).name), type: str(json.type) }
}

export function originFromJson(json: Json): TrustedOrigin {
  const scopes = Array.isArray(json.scopes) ? json.scopes.map((s) => str(obj(s).type)) : []
  return {
    id: str(json.id),
    name: str(json.name),
    origin: str(json.origin),
    scopes: scopes.filter((s): s is 'CORS' | 'REDIRECT' => s === 'CORS' || s === 'REDIRECT'),
  }
}

export function originToJson(spec: TrustedOriginSpec): Json {
  return { name: spec.name, origin: spec.origin, scopes: spec.scopes.map((type) => ({ type })) }
}

/**
 * Whether a `client_secret` Okta returned is not the secret itself: empty, elided (`abc......xyz`, `***`, as the
 * spec's examples of GET /api/v1/apps/{appId}/credentials/secrets show) or the "undisclosed hashed value" the spec
 * describes for responses other than the create one (management-api.yaml APIServiceIntegrationInstanceSecret
 * .client_secret). Okta generates secrets from the base64url alphabet, so dots, asterisks and ellipses never occur
 * in a real generated one.
 */
export function isMaskedSecret(value: string, secretHash?: string): boolean {
  return value === '' || /\.{3,}|…|\*{3,}/.test(value) || (secretHash !== undefined && value === secretHash)
}

/** A secret as the API returned it; a masked value becomes `''` (never mistaken for the plaintext), `masked` true. */
export function secretFromJson(s: Json): ClientSecret & { masked: boolean } {
  const raw = str(s.client_secret)
  const hash = s.secret_hash === undefined ? undefined : str(s.secret_hash)
  const masked = isMaskedSecret(raw, hash)
  return {
    id: str(s.id),
    status: str(s.status),
    value: masked ? '' : raw,
    masked,
    secretHash: s.secret_hash === undefined ? undefined : str(s.secret_hash),
    created: s.created === undefined ? undefined : str(s.created),
  }
}

/** An authentication policy rule (spec AccessPolicyRule: conditions.people, actions.appSignOn.verificationMethod). */
export function signOnRuleFromJson(r: Json): SignOnPolicyRule {
  const conditions = obj(r.conditions)
  const people = obj(conditions.people)
  const appSignOn = obj(obj(r.actions).appSignOn)
  const method = obj(appSignOn.verificationMethod)
  const constraints = Array.isArray(method.constraints) ? (method.constraints as Json[]) : []
  // AccessPolicyConstraints: a constraint is met by a password when it asks for knowledge (password, or any) and no
  // possession factor. Only one constraint object needs to be satisfied (spec AssuranceMethod.constraints).
  const passwordMeets = (c: Json): boolean => {
    const knowledge = c.knowledge === undefined ? undefined : obj(c.knowledge)
    const types = knowledge ? strs(knowledge.types) : []
    const possession = c.possession !== undefined && c.possession !== null
    return !possession && (knowledge === undefined || types.length === 0 || types.includes('password'))
  }
  return {
    name: str(r.name),
    status: str(r.status),
    priority: typeof r.priority === 'number' ? r.priority : 0,
    access: str(appSignOn.access) || 'ALLOW',
    method: method.type === undefined ? undefined : str(method.type),
    factorMode: method.factorMode === undefined ? undefined : str(method.factorMode),
    passwordSuffices: constraints.length === 0 || constraints.some(passwordMeets),
    users: strs(obj(people.users).include),
    groups: strs(obj(people.groups).include),
    otherConditions: Object.keys(conditions).filter((k) => k !== 'people' && conditions[k] !== null && conditions[k] !== undefined),
  }
}
