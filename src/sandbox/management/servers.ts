import { OktaError, notFound, validationError, validationErrors } from '../errors.js'
import type { Org } from '../org.js'
import { ensureSigningKey, nextRotation, systemScopes, type PolicyRecord, type ServerRecord } from '../store.js'
import { asObject, asStringArray, clone, isObject, newId, now, secret, type JsonObject } from '../util.js'
import { noContent, ok, paginate, search, type ApiRequest, type Router } from './router.js'

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

function bodyObject(req: ApiRequest, name: string): JsonObject {
  if (!isObject(req.body)) {
    throw validationError(name, `${name}: The request body must be a JSON object.`)
  }
  return req.body
}

/** Renders a server as Okta does (with `issuer` and `_links`). */
export function renderServer(org: Org, s: ServerRecord): JsonObject {
  const base = `${org.orgUrl}/api/v1/authorizationServers/${s.id}`
  const out = clone(s.server)
  delete out.default
  return {
    id: s.id,
    ...out,
    issuer: org.issuer(s.id),
    _links: {
      scopes: { href: `${base}/scopes`, hints: { allow: ['GET'] } },
      claims: { href: `${base}/claims`, hints: { allow: ['GET'] } },
      policies: { href: `${base}/policies`, hints: { allow: ['GET'] } },
      self: { href: base, hints: { allow: ['GET', 'DELETE', 'PUT'] } },
      metadata: [
        { name: 'oauth-authorization-server', href: `${org.issuer(s.id)}/.well-known/oauth-authorization-server`, hints: { allow: ['GET'] } },
        { name: 'openid-configuration', href: `${org.issuer(s.id)}/.well-known/openid-configuration`, hints: { allow: ['GET'] } },
      ],
      rotateKey: { href: `${base}/credentials/lifecycle/keyRotate`, hints: { allow: ['POST'] } },
      ...(s.server.status === 'ACTIVE'
        ? { deactivate: { href: `${base}/lifecycle/deactivate`, hints: { allow: ['POST'] } } }
        : { activate: { href: `${base}/lifecycle/activate`, hints: { allow: ['POST'] } } }),
    },
  }
}

function validateServer(body: JsonObject): { name: string; description: string | undefined; audiences: string[]; issuerMode: string } {
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

function renderChild(org: Org, s: ServerRecord, kind: string, item: JsonObject, extra: string[] = []): JsonObject {
  const href = `${org.orgUrl}/api/v1/authorizationServers/${s.id}/${kind}/${String(item.id)}${extra.join('')}`
  return { ...clone(item), _links: { self: { href, hints: { allow: ['GET', 'PUT', 'DELETE'] } } } }
}

/** Renumbers priorities contiguously from 1, keeping `moved` at its requested place. */
function renumber(items: JsonObject[], moved?: JsonObject, requested?: number): void {
  const others = items.filter((i) => i !== moved).sort((a, b) => Number(a.priority) - Number(b.priority))
  if (moved) {
    const at = requested === undefined ? others.length : Math.min(Math.max(requested, 1), others.length + 1) - 1
    others.splice(at, 0, moved)
  }
  others.forEach((item, i) => {
    item.priority = i + 1
  })
  items.splice(0, items.length, ...others)
}

function validateScope(body: JsonObject, server: ServerRecord, existing?: JsonObject): JsonObject {
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
    description: typeof body.description === 'string' ? body.description : (existing?.description ?? null),
    system: existing?.system ?? false,
    metadataPublish: publish,
    consent,
    optional: typeof body.optional === 'boolean' ? body.optional : false,
    default: typeof body.default === 'boolean' ? body.default : false,
  }
  return scope
}

function validateClaim(body: JsonObject, server: ServerRecord, existing?: JsonObject): JsonObject {
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

function validatePolicy(body: JsonObject, existing?: JsonObject): JsonObject {
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

function validateRule(body: JsonObject, existing?: JsonObject): JsonObject {
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
  if (typeof window !== 'number' || window < 5 || window > 2628000) {
    causes.push({ field: 'actions.token.refreshTokenWindowMinutes', message: 'The refresh token window must be between 5 and 2628000 minutes.' })
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

/** Registers `/api/v1/authorizationServers/**`. */
export function registerServers(router: Router, org: Org): void {
  const base = '/api/v1/authorizationServers'
  const server = (req: ApiRequest): ServerRecord => org.server(req.params.authServerId ?? '')

  router.add('GET', base, (req) =>
    paginate(
      search(org.state.servers.map((s) => renderServer(org, s)), req, ['name', 'audiences']),
      req,
      { defaultLimit: 200, maxLimit: 200 },
    ),
  )
  router.add('POST', base, (req) => {
    const v = validateServer(bodyObject(req, 'authorizationServer'))
    const kid = secret(24)
    const t = now()
    const id = newId('aus')
    const record: ServerRecord = {
      id,
      server: {
        name: v.name,
        description: v.description ?? null,
        audiences: v.audiences,
        issuerMode: v.issuerMode,
        status: 'ACTIVE',
        created: t,
        lastUpdated: t,
        credentials: { signing: { rotationMode: 'AUTO', lastRotated: t, nextRotation: nextRotation(), kid, use: 'sig' } },
      },
      scopes: systemScopes(),
      claims: [],
      policies: [],
    }
    org.state.servers.push(record)
    void ensureSigningKey(org.state, id, kid).then(() => org.changed(), () => undefined)
    org.changed()
    return ok(renderServer(org, record), 201)
  })
  router.add('GET', `${base}/:authServerId`, (req) => ok(renderServer(org, server(req))))
  router.add('PUT', `${base}/:authServerId`, (req) => {
    const record = server(req)
    const v = validateServer(bodyObject(req, 'authorizationServer'))
    Object.assign(record.server, {
      name: v.name,
      description: v.description ?? record.server.description ?? null,
      audiences: v.audiences,
      issuerMode: v.issuerMode,
      lastUpdated: now(),
    })
    org.changed()
    return ok(renderServer(org, record))
  })
  router.add('DELETE', `${base}/:authServerId`, (req) => {
    const record = server(req)
    if (record.server.status === 'ACTIVE') {
      throw new OktaError(400, 'E0000001', 'Api validation failed: authorizationServer', [
        { errorSummary: 'authorizationServer: An active authorization server cannot be deleted; deactivate it first.' },
      ])
    }
    org.state.servers = org.state.servers.filter((s) => s !== record)
    delete org.state.keys[record.id]
    org.changed()
    return noContent()
  })
  const serverLifecycle = (status: string) => (req: ApiRequest) => {
    const record = server(req)
    record.server.status = status
    record.server.lastUpdated = now()
    org.changed()
    return noContent()
  }
  router.add('POST', `${base}/:authServerId/lifecycle/activate`, serverLifecycle('ACTIVE'))
  router.add('POST', `${base}/:authServerId/lifecycle/deactivate`, serverLifecycle('INACTIVE'))

  // Scopes.
  const scope = (req: ApiRequest): [ServerRecord, JsonObject] => {
    const s = server(req)
    const found = s.scopes.find((x) => x.id === req.params.scopeId)
    if (!found) {
      throw notFound(req.params.scopeId ?? '', 'OAuth2Scope')
    }
    return [s, found]
  }
  router.add('GET', `${base}/:authServerId/scopes`, (req) => {
    const s = server(req)
    return paginate(search(s.scopes.map((x) => renderChild(org, s, 'scopes', x)), req, ['name']), req, {
      defaultLimit: -1,
      maxLimit: 200,
    })
  })
  router.add('POST', `${base}/:authServerId/scopes`, (req) => {
    const s = server(req)
    const created = validateScope(bodyObject(req, 'scope'), s)
    s.scopes.push(created)
    org.changed()
    return ok(renderChild(org, s, 'scopes', created), 201)
  })
  router.add('GET', `${base}/:authServerId/scopes/:scopeId`, (req) => {
    const [s, found] = scope(req)
    return ok(renderChild(org, s, 'scopes', found))
  })
  router.add('PUT', `${base}/:authServerId/scopes/:scopeId`, (req) => {
    const [s, found] = scope(req)
    const updated = validateScope(bodyObject(req, 'scope'), s, found)
    s.scopes[s.scopes.indexOf(found)] = updated
    org.changed()
    return ok(renderChild(org, s, 'scopes', updated))
  })
  router.add('DELETE', `${base}/:authServerId/scopes/:scopeId`, (req) => {
    const [s, found] = scope(req)
    if (found.system === true) {
      throw new OktaError(403, 'E0000006', 'You do not have permission to perform the requested action', [
        { errorSummary: 'System scopes cannot be deleted.' },
      ])
    }
    s.scopes = s.scopes.filter((x) => x !== found)
    org.changed()
    return noContent()
  })

  // Claims.
  const claim = (req: ApiRequest): [ServerRecord, JsonObject] => {
    const s = server(req)
    const found = s.claims.find((x) => x.id === req.params.claimId)
    if (!found) {
      throw notFound(req.params.claimId ?? '', 'OAuth2Claim')
    }
    return [s, found]
  }
  router.add('GET', `${base}/:authServerId/claims`, (req) => {
    const s = server(req)
    return ok(s.claims.map((x) => renderChild(org, s, 'claims', x)))
  })
  router.add('POST', `${base}/:authServerId/claims`, (req) => {
    const s = server(req)
    const created = validateClaim(bodyObject(req, 'claim'), s)
    s.claims.push(created)
    org.changed()
    return ok(renderChild(org, s, 'claims', created), 201)
  })
  router.add('GET', `${base}/:authServerId/claims/:claimId`, (req) => {
    const [s, found] = claim(req)
    return ok(renderChild(org, s, 'claims', found))
  })
  router.add('PUT', `${base}/:authServerId/claims/:claimId`, (req) => {
    const [s, found] = claim(req)
    const updated = validateClaim(bodyObject(req, 'claim'), s, found)
    s.claims[s.claims.indexOf(found)] = updated
    org.changed()
    return ok(renderChild(org, s, 'claims', updated))
  })
  router.add('DELETE', `${base}/:authServerId/claims/:claimId`, (req) => {
    const [s, found] = claim(req)
    s.claims = s.claims.filter((x) => x !== found)
    org.changed()
    return noContent()
  })

  // Policies.
  const policy = (req: ApiRequest): [ServerRecord, PolicyRecord] => {
    const s = server(req)
    const found = s.policies.find((x) => x.policy.id === req.params.policyId)
    if (!found) {
      throw notFound(req.params.policyId ?? '', 'AuthorizationServerPolicy')
    }
    return [s, found]
  }
  const renderPolicy = (s: ServerRecord, p: PolicyRecord): JsonObject => {
    const href = `${org.orgUrl}${base}/${s.id}/policies/${String(p.policy.id)}`
    return {
      ...clone(p.policy),
      _links: {
        self: { href, hints: { allow: ['GET', 'PUT', 'DELETE'] } },
        rules: { href: `${href}/rules`, hints: { allow: ['GET'] } },
        ...(p.policy.status === 'ACTIVE'
          ? { deactivate: { href: `${href}/lifecycle/deactivate`, hints: { allow: ['POST'] } } }
          : { activate: { href: `${href}/lifecycle/activate`, hints: { allow: ['POST'] } } }),
      },
    }
  }
  const reorderPolicies = (s: ServerRecord, moved?: PolicyRecord, requested?: number): void => {
    const items = s.policies.map((p) => p.policy)
    renumber(items, moved?.policy, requested)
    s.policies = items.map((item) => s.policies.find((p) => p.policy === item) as PolicyRecord)
  }
  router.add('GET', `${base}/:authServerId/policies`, (req) => {
    const s = server(req)
    return ok([...s.policies].sort((a, b) => Number(a.policy.priority) - Number(b.policy.priority)).map((p) => renderPolicy(s, p)))
  })
  router.add('POST', `${base}/:authServerId/policies`, (req) => {
    const s = server(req)
    const body = bodyObject(req, 'policy')
    const created: PolicyRecord = { policy: validatePolicy(body), rules: [] }
    s.policies.push(created)
    reorderPolicies(s, created, typeof body.priority === 'number' ? body.priority : undefined)
    org.changed()
    return ok(renderPolicy(s, created), 201)
  })
  router.add('GET', `${base}/:authServerId/policies/:policyId`, (req) => {
    const [s, p] = policy(req)
    return ok(renderPolicy(s, p))
  })
  router.add('PUT', `${base}/:authServerId/policies/:policyId`, (req) => {
    const [s, p] = policy(req)
    const body = bodyObject(req, 'policy')
    p.policy = validatePolicy(body, p.policy)
    reorderPolicies(s, p, typeof body.priority === 'number' ? body.priority : Number(p.policy.priority))
    org.changed()
    return ok(renderPolicy(s, p))
  })
  router.add('DELETE', `${base}/:authServerId/policies/:policyId`, (req) => {
    const [s, p] = policy(req)
    s.policies = s.policies.filter((x) => x !== p)
    reorderPolicies(s)
    org.changed()
    return noContent()
  })
  const policyLifecycle = (status: string) => (req: ApiRequest) => {
    const [, p] = policy(req)
    p.policy.status = status
    p.policy.lastUpdated = now()
    org.changed()
    return noContent()
  }
  router.add('POST', `${base}/:authServerId/policies/:policyId/lifecycle/activate`, policyLifecycle('ACTIVE'))
  router.add('POST', `${base}/:authServerId/policies/:policyId/lifecycle/deactivate`, policyLifecycle('INACTIVE'))

  // Rules.
  const rule = (req: ApiRequest): [ServerRecord, PolicyRecord, JsonObject] => {
    const [s, p] = policy(req)
    const found = p.rules.find((x) => x.id === req.params.ruleId)
    if (!found) {
      throw notFound(req.params.ruleId ?? '', 'AuthorizationServerPolicyRule')
    }
    return [s, p, found]
  }
  const renderRule = (s: ServerRecord, p: PolicyRecord, r: JsonObject): JsonObject => {
    const href = `${org.orgUrl}${base}/${s.id}/policies/${String(p.policy.id)}/rules/${String(r.id)}`
    return {
      ...clone(r),
      _links: {
        self: { href, hints: { allow: ['GET', 'PUT', 'DELETE'] } },
        ...(r.status === 'ACTIVE'
          ? { deactivate: { href: `${href}/lifecycle/deactivate`, hints: { allow: ['POST'] } } }
          : { activate: { href: `${href}/lifecycle/activate`, hints: { allow: ['POST'] } } }),
      },
    }
  }
  router.add('GET', `${base}/:authServerId/policies/:policyId/rules`, (req) => {
    const [s, p] = policy(req)
    return ok([...p.rules].sort((a, b) => Number(a.priority) - Number(b.priority)).map((r) => renderRule(s, p, r)))
  })
  router.add('POST', `${base}/:authServerId/policies/:policyId/rules`, (req) => {
    const [s, p] = policy(req)
    const body = bodyObject(req, 'policyRule')
    const created = validateRule(body)
    p.rules.push(created)
    renumber(p.rules, created, typeof body.priority === 'number' ? body.priority : undefined)
    org.changed()
    return ok(renderRule(s, p, created), 201)
  })
  router.add('GET', `${base}/:authServerId/policies/:policyId/rules/:ruleId`, (req) => {
    const [s, p, r] = rule(req)
    return ok(renderRule(s, p, r))
  })
  router.add('PUT', `${base}/:authServerId/policies/:policyId/rules/:ruleId`, (req) => {
    const [s, p, r] = rule(req)
    const body = bodyObject(req, 'policyRule')
    const updated = validateRule(body, r)
    p.rules[p.rules.indexOf(r)] = updated
    renumber(p.rules, updated, typeof body.priority === 'number' ? body.priority : Number(r.priority))
    org.changed()
    return ok(renderRule(s, p, updated))
  })
  router.add('DELETE', `${base}/:authServerId/policies/:policyId/rules/:ruleId`, (req) => {
    const [, p, r] = rule(req)
    if (r.system === true) {
      throw new OktaError(403, 'E0000006', 'You do not have permission to perform the requested action', [
        { errorSummary: 'System rules cannot be deleted.' },
      ])
    }
    p.rules = p.rules.filter((x) => x !== r)
    renumber(p.rules)
    org.changed()
    return noContent()
  })
  const ruleLifecycle = (status: string) => (req: ApiRequest) => {
    const [, , r] = rule(req)
    r.status = status
    r.lastUpdated = now()
    org.changed()
    return noContent()
  }
  router.add('POST', `${base}/:authServerId/policies/:policyId/rules/:ruleId/lifecycle/activate`, ruleLifecycle('ACTIVE'))
  router.add('POST', `${base}/:authServerId/policies/:policyId/rules/:ruleId/lifecycle/deactivate`, ruleLifecycle('INACTIVE'))
}
