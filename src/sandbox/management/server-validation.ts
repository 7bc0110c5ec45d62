// Okta's validation of authorization server bodies: servers, scopes, claims, access policies and their rules
// (spec: management-api.yaml AuthorizationServer, OAuth2Scope, OAuth2Claim, AuthorizationServerPolicy(Rule)).
import { validationErrors } from '../errors.js'
import type { ServerRecord } from '../store.js'
import { asObject, asStringArray, isObject, newId, now, type JsonObject } from '../util.js'

type Cause = { field: string; message: string }

function requireString(body: JsonObject, field: string, causes: Cause[], max = 100): string | undefined {
  const value = body[field]
  if (typeof value !== 'string' || value.trim() === '') {
    causes.push({ field, message: 'The field cannot be left blank' })
    return undefined
  }
  if (value.length > max) {
    causes.push({ field, message: `The field must be at most ${max} characters.` })
  }
  return value
}

/** Validates an authorization server body. */
export function validateServer(body: JsonObject): { name: string; description: string | undefined; audiences: string[]; issuerMode: string } {
  const causes: Cause[] = []
  const name = requireString(body, 'name', causes) ?? ''
  const audiences = asStringArray(body.audiences)
  if (!audiences || audiences.length === 0 || audiences.some((a) => !a)) {
    causes.push({ field: 'audiences', message: "'audiences' is required." })
  } else if (audiences.length > 1) {
    causes.push({ field: 'audiences', message: 'Okta currently supports only one audience.' })
  }
  const issuerMode = body.issuerMode ?? 'ORG_URL'
  if (!['ORG_URL', 'CUSTOM_URL', 'DYNAMIC'].includes(String(issuerMode))) {
    causes.push({ field: 'issuerMode', message: "'issuerMode' must be ORG_URL, CUSTOM_URL or DYNAMIC." })
  }
  if (body.description !== undefined && body.description !== null && typeof body.description !== 'string') {
    causes.push({ field: 'description', message: "'description' must be a string." })
  }
  if (causes.length) {
    throw validationErrors(causes)
  }
  return {
    name,
    description: typeof body.description === 'string' ? body.description : undefined,
    audiences: audiences ?? [],
    issuerMode: String(issuerMode),
  }
}

/** Validates a scope body. */
export function validateScope(body: JsonObject, server: ServerRecord, existing?: JsonObject): JsonObject {
  const causes: Cause[] = []
  const name = requireString(body, 'name', causes, 300)
  if (name && !/^[\x21\x23-\x5B\x5D-\x7E]+$/.test(name)) {
    causes.push({ field: 'name', message: 'The scope name contains invalid characters.' })
  }
  if (name && server.scopes.some((s) => s.name === name && s !== existing)) {
    causes.push({ field: 'name', message: 'A scope with the same name already exists.' })
  }
  const consent = body.consent ?? existing?.consent ?? 'IMPLICIT'
  if (!['IMPLICIT', 'REQUIRED', 'FLEXIBLE'].includes(String(consent))) {
    causes.push({ field: 'consent', message: "'consent' must be IMPLICIT, REQUIRED or FLEXIBLE." })
  }
  const publish = body.metadataPublish ?? existing?.metadataPublish ?? 'NO_CLIENTS'
  if (!['ALL_CLIENTS', 'NO_CLIENTS'].includes(String(publish))) {
    causes.push({ field: 'metadataPublish', message: "'metadataPublish' must be ALL_CLIENTS or NO_CLIENTS." })
  }
  for (const flag of ['default', 'optional']) {
    if (body[flag] !== undefined && typeof body[flag] !== 'boolean') {
      causes.push({ field: flag, message: `'${flag}' must be a boolean.` })
    }
  }
  if (existing?.system === true && name !== existing.name) {
    causes.push({ field: 'name', message: 'The name of a system scope cannot be changed.' })
  }
  if (causes.length) {
    throw validationErrors(causes)
  }
  const scope: JsonObject = {
    id: existing?.id ?? newId('scp'),
    name,
    displayName: typeof body.displayName === 'string' ? body.displayName : (existing?.displayName ?? name),
    // A string always (spec OAuth2Scope.description: type string): Okta stores the name when none is given.
    description: typeof body.description === 'string' ? body.description : typeof existing?.description === 'string' ? existing.description : name,
    system: existing?.system ?? false,
    metadataPublish: publish,
    consent,
    optional: typeof body.optional === 'boolean' ? body.optional : false,
    default: typeof body.default === 'boolean' ? body.default : false,
  }
  return scope
}

/** Validates a claim body. */
export function validateClaim(body: JsonObject, server: ServerRecord, existing?: JsonObject): JsonObject {
  const causes: Cause[] = []
  const name = requireString(body, 'name', causes)
  const claimType = body.claimType
  if (claimType !== 'IDENTITY' && claimType !== 'RESOURCE') {
    causes.push({ field: 'claimType', message: "'claimType' must be IDENTITY or RESOURCE." })
  }
  const valueType = body.valueType ?? 'EXPRESSION'
  if (!['EXPRESSION', 'GROUPS', 'SYSTEM'].includes(String(valueType))) {
    causes.push({ field: 'valueType', message: "'valueType' must be EXPRESSION, GROUPS or SYSTEM." })
  }
  if (typeof body.value !== 'string' || body.value === '') {
    causes.push({ field: 'value', message: 'The field cannot be left blank' })
  }
  const filterType = body.group_filter_type
  if (valueType === 'GROUPS' && !['STARTS_WITH', 'EQUALS', 'CONTAINS', 'REGEX'].includes(String(filterType))) {
    causes.push({ field: 'group_filter_type', message: "'group_filter_type' must be STARTS_WITH, EQUALS, CONTAINS or REGEX for a GROUPS claim." })
  }
  if (valueType === 'GROUPS' && filterType === 'REGEX' && typeof body.value === 'string') {
    try {
      new RegExp(body.value)
    } catch {
      causes.push({ field: 'value', message: 'The regular expression is not valid.' })
    }
  }
  const status = body.status ?? 'ACTIVE'
  if (status !== 'ACTIVE' && status !== 'INACTIVE') {
    causes.push({ field: 'status', message: "'status' must be ACTIVE or INACTIVE." })
  }
  if (name && server.claims.some((c) => c.name === name && c.claimType === claimType && c !== existing)) {
    causes.push({ field: 'name', message: 'A claim with the same name and claim type already exists.' })
  }
  const scopes = asStringArray(asObject(body.conditions).scopes) ?? []
  for (const s of scopes) {
    if (!server.scopes.some((x) => x.name === s)) {
      causes.push({ field: 'conditions.scopes', message: `The scope '${s}' does not exist on this authorization server.` })
    }
  }
  if (causes.length) {
    throw validationErrors(causes)
  }
  const claim: JsonObject = {
    id: existing?.id ?? newId('ocl'),
    name,
    status,
    claimType,
    valueType,
    value: body.value,
    alwaysIncludeInToken: typeof body.alwaysIncludeInToken === 'boolean' ? body.alwaysIncludeInToken : true,
    conditions: { scopes },
    system: false,
  }
  if (valueType === 'GROUPS') {
    claim.group_filter_type = filterType
  }
  return claim
}

/** Validates an access policy body. */
export function validatePolicy(body: JsonObject, existing?: JsonObject): JsonObject {
  const causes: Cause[] = []
  const name = requireString(body, 'name', causes, 100)
  const description = requireString(body, 'description', causes, 255)
  const type = body.type ?? 'OAUTH_AUTHORIZATION_POLICY'
  if (type !== 'OAUTH_AUTHORIZATION_POLICY') {
    causes.push({ field: 'type', message: "'type' must be OAUTH_AUTHORIZATION_POLICY." })
  }
  const include = asStringArray(asObject(asObject(asObject(body.conditions).clients)).include)
  if (!include || include.length === 0) {
    causes.push({ field: 'conditions.clients.include', message: "'conditions.clients.include' is required." })
  }
  const status = body.status ?? existing?.status ?? 'ACTIVE'
  if (status !== 'ACTIVE' && status !== 'INACTIVE') {
    causes.push({ field: 'status', message: "'status' must be ACTIVE or INACTIVE." })
  }
  if (body.priority !== undefined && (typeof body.priority !== 'number' || !Number.isInteger(body.priority))) {
    causes.push({ field: 'priority', message: "'priority' must be an integer." })
  }
  if (causes.length) {
    throw validationErrors(causes)
  }
  const t = now()
  return {
    id: existing?.id ?? newId('00p'),
    type,
    name,
    description,
    priority: existing?.priority ?? 0,
    system: false,
    status,
    created: existing?.created ?? t,
    lastUpdated: t,
    conditions: { clients: { include } },
  }
}

const GRANTS_IN_RULES = [
  'authorization_code',
  'password',
  'refresh_token',
  'client_credentials',
  'implicit',
  'interaction_code',
  'urn:ietf:params:oauth:grant-type:device_code',
  'urn:ietf:params:oauth:grant-type:token-exchange',
  'urn:ietf:params:oauth:grant-type:jwt-bearer',
  'urn:ietf:params:oauth:grant-type:saml2-bearer',
  'urn:openid:params:grant-type:ciba',
  'urn:okta:params:oauth:grant-type:otp',
  'urn:okta:params:oauth:grant-type:oob',
  'http://auth0.com/oauth/grant-type/mfa-otp',
  'http://auth0.com/oauth/grant-type/mfa-oob',
]

/** Validates an access policy rule body. */
export function validateRule(body: JsonObject, existing?: JsonObject): JsonObject {
  const causes: Cause[] = []
  const name = requireString(body, 'name', causes, 50)
  const type = body.type ?? 'RESOURCE_ACCESS'
  if (type !== 'RESOURCE_ACCESS') {
    causes.push({ field: 'type', message: "'type' must be RESOURCE_ACCESS." })
  }
  const conditions = asObject(body.conditions)
  if (!isObject(body.conditions)) {
    causes.push({ field: 'conditions', message: "'conditions' is required." })
  }
  const grants = asStringArray(asObject(conditions.grantTypes).include)
  if (!grants || grants.length === 0) {
    causes.push({ field: 'conditions.grantTypes.include', message: "'conditions.grantTypes.include' is required." })
  } else {
    for (const g of grants) {
      if (!GRANTS_IN_RULES.includes(g)) {
        causes.push({ field: 'conditions.grantTypes.include', message: `'${g}' is not a valid grant type.` })
      }
    }
  }
  const scopes = asStringArray(asObject(conditions.scopes).include)
  if (!scopes || scopes.length === 0) {
    causes.push({ field: 'conditions.scopes.include', message: "'conditions.scopes.include' is required." })
  }
  const people = asObject(conditions.people)
  const groups = asObject(people.groups)
  const users = asObject(people.users)
  const groupInclude = asStringArray(groups.include) ?? []
  const userInclude = asStringArray(users.include) ?? []
  if (!isObject(conditions.people) || (groupInclude.length === 0 && userInclude.length === 0)) {
    causes.push({ field: 'conditions.people', message: "'conditions.people' must include at least one group or user." })
  }
  const token = asObject(asObject(body.actions).token)
  const access = token.accessTokenLifetimeMinutes ?? 60
  const refresh = token.refreshTokenLifetimeMinutes ?? 0
  const window = token.refreshTokenWindowMinutes ?? 10080
  if (typeof access !== 'number' || access < 5 || access > 1440) {
    causes.push({ field: 'actions.token.accessTokenLifetimeMinutes', message: 'The access token lifetime must be between 5 and 1440 minutes.' })
  }
  if (typeof refresh !== 'number' || refresh < 0) {
    causes.push({ field: 'actions.token.refreshTokenLifetimeMinutes', message: 'The refresh token lifetime must be 0 (unlimited) or more minutes.' })
  }
  // Okta's bounds for the refresh token window: 10 minutes to 5 years (terraform-provider-okta
  // resource_okta_auth_server_policy_rule.go: refresh_token_window_minutes, validation.IntBetween(10, 2628000)).
  if (typeof window !== 'number' || window < 10 || window > 2628000) {
    causes.push({ field: 'actions.token.refreshTokenWindowMinutes', message: 'The refresh token window must be between 10 and 2628000 minutes.' })
  } else if (typeof access === 'number' && window < access) {
    causes.push({ field: 'actions.token.refreshTokenWindowMinutes', message: 'The refresh token window must be at least the access token lifetime.' })
  } else if (typeof refresh === 'number' && refresh > 0 && window > refresh) {
    causes.push({ field: 'actions.token.refreshTokenWindowMinutes', message: 'The refresh token window must not exceed the refresh token lifetime.' })
  }
  const status = body.status ?? existing?.status ?? 'ACTIVE'
  if (status !== 'ACTIVE' && status !== 'INACTIVE') {
    causes.push({ field: 'status', message: "'status' must be ACTIVE or INACTIVE." })
  }
  if (causes.length) {
    throw validationErrors(causes)
  }
  const t = now()
  const peopleOut: JsonObject = {}
  if (groupInclude.length || groups.exclude) {
    peopleOut.groups = { include: groupInclude, ...(asStringArray(groups.exclude) ? { exclude: groups.exclude } : {}) }
  }
  if (userInclude.length || users.exclude) {
    peopleOut.users = { include: userInclude, ...(asStringArray(users.exclude) ? { exclude: users.exclude } : {}) }
  }
  const tokenOut: JsonObject = { accessTokenLifetimeMinutes: access, refreshTokenLifetimeMinutes: refresh, refreshTokenWindowMinutes: window }
  if (isObject(token.inlineHook)) {
    tokenOut.inlineHook = token.inlineHook
  }
  return {
    id: existing?.id ?? newId('0pr'),
    type,
    name,
    priority: existing?.priority ?? 0,
    system: false,
    status,
    created: existing?.created ?? t,
    lastUpdated: t,
    conditions: { people: peopleOut, grantTypes: { include: grants }, scopes: { include: scopes } },
    actions: { token: tokenOut },
  }
}
