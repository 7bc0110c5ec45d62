import { OktaError, validationError, validationErrors } from '../errors.js'
import type { Org } from '../org.js'
import type { GroupRecord, UserRecord } from '../store.js'
import { asObject, asStringArray, clone, isObject, newId, now, type JsonObject } from '../util.js'
import { newTotpSecret, totpMatches } from '../totp.js'
import { bodyObject } from './resource.js'
import { noContent, ok, paginate, search, type ApiRequest, type ApiResponse, type Router } from './router.js'

function renderGroup(org: Org, g: GroupRecord): JsonObject {
  const href = `${org.orgUrl}/api/v1/groups/${g.id}`
  return {
    id: g.id,
    ...clone(g.group),
    _links: {
      logo: [{ name: 'medium', href: `${org.orgUrl}/assets/img/logos/groups/okta-medium.png`, type: 'image/png' }],
      users: { href: `${href}/users` },
      apps: { href: `${href}/apps` },
      self: { href },
    },
  }
}

function renderUser(org: Org, u: UserRecord): JsonObject {
  const href = `${org.orgUrl}/api/v1/users/${u.id}`
  return { id: u.id, ...clone(u.user), _links: { self: { href } } }
}

function validateGroupProfile(b: JsonObject, org: Org, existing?: GroupRecord): JsonObject {
  const profile = asObject(b.profile)
  if (typeof profile.name !== 'string' || profile.name.trim() === '') {
    throw validationError('profile.name', 'profile.name: The field cannot be left blank')
  }
  if (org.state.groups.some((g) => g !== existing && asObject(g.group.profile).name === profile.name)) {
    throw validationError('profile.name', 'profile.name: An object with this field already exists in the current organization')
  }
  return { name: profile.name, description: typeof profile.description === 'string' ? profile.description : null }
}

const EMAIL = /^[^\s@]+@[^\s@]+$/

function validateUserProfile(b: JsonObject, org: Org, existing?: UserRecord): JsonObject {
  const profile = asObject(b.profile)
  const causes: Array<{ field: string; message: string }> = []
  for (const field of ['login', 'email']) {
    const v = profile[field]
    if (typeof v !== 'string' || !EMAIL.test(v)) {
      causes.push({ field, message: `Does not match required pattern` })
    }
  }
  for (const field of ['firstName', 'lastName']) {
    if (profile[field] !== undefined && profile[field] !== null && typeof profile[field] !== 'string') {
      causes.push({ field, message: 'must be a string' })
    }
  }
  if (typeof profile.login === 'string') {
    const other = org.findUser(profile.login)
    if (other && other !== existing) {
      causes.push({ field: 'login', message: 'An object with this field already exists in the current organization' })
    }
  }
  if (causes.length) {
    throw validationErrors(causes)
  }
  return {
    firstName: profile.firstName ?? null,
    lastName: profile.lastName ?? null,
    mobilePhone: profile.mobilePhone ?? null,
    secondEmail: profile.secondEmail ?? null,
    ...Object.fromEntries(Object.entries(profile).filter(([, v]) => typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' || v === null)),
  }
}

function passwordOf(b: JsonObject): string | undefined {
  const value = asObject(asObject(asObject(b.credentials).password)).value
  if (value === undefined) {
    return undefined
  }
  if (typeof value !== 'string' || value.length < 8) {
    throw validationError(
      'password',
      'password: Password requirements were not met. Password requirements: at least 8 characters.',
    )
  }
  return value
}

/** Registers `/api/v1/groups/**` and `/api/v1/users/**`. */
export function registerDirectory(router: Router, org: Org): void {
  // Groups.
  router.add('GET', '/api/v1/groups', (req) => {
    const found = search(org.state.groups.map((g) => renderGroup(org, g)), req, ['profile.name'], ['id', 'type', 'lastUpdated', 'lastMembershipUpdated', 'profile.name'])
    if (req.query.has('q')) {
      // "Paging and searching are currently mutually exclusive. You can't page a query. The default limit for a query
      // is 300 results." (spec: GET /api/v1/groups, parameter q): no `after`, no next link, at most 300 (or `limit`).
      const limit = Number(req.query.get('limit') ?? 300)
      return ok(found.slice(0, Number.isInteger(limit) && limit > 0 ? Math.min(limit, 300) : 300), 200)
    }
    return paginate(found, req, { defaultLimit: 10000, maxLimit: 10000 })
  })
  router.add('POST', '/api/v1/groups', (req) => {
    const profile = validateGroupProfile(bodyObject(req, 'group'), org)
    const t = now()
    const g: GroupRecord = {
      id: newId('00g'),
      group: { created: t, lastUpdated: t, lastMembershipUpdated: t, objectClass: ['okta:user_group'], type: 'OKTA_GROUP', profile },
      members: [],
    }
    org.state.groups.push(g)
    org.changed()
    return ok(renderGroup(org, g))
  })
  router.add('GET', '/api/v1/groups/:groupId', (req) => ok(renderGroup(org, org.group(req.params.groupId ?? ''))))
  router.add('PUT', '/api/v1/groups/:groupId', (req) => {
    const g = org.group(req.params.groupId ?? '')
    if (g.group.type === 'BUILT_IN') {
      throw new OktaError(403, 'E0000006', 'You do not have permission to perform the requested action', [
        { errorSummary: 'The Everyone group cannot be changed.' },
      ])
    }
    g.group.profile = validateGroupProfile(bodyObject(req, 'group'), org, g)
    g.group.lastUpdated = now()
    org.changed()
    return ok(renderGroup(org, g))
  })
  router.add('DELETE', '/api/v1/groups/:groupId', (req) => {
    const g = org.group(req.params.groupId ?? '')
    if (g.group.type === 'BUILT_IN') {
      throw new OktaError(403, 'E0000006', 'You do not have permission to perform the requested action', [
        { errorSummary: 'The Everyone group cannot be deleted.' },
      ])
    }
    org.state.groups = org.state.groups.filter((x) => x !== g)
    for (const app of org.state.apps) {
      app.groups = app.groups.filter((a) => a.groupId !== g.id)
    }
    org.changed()
    return noContent()
  })
  router.add('GET', '/api/v1/groups/:groupId/users', (req) => {
    const g = org.group(req.params.groupId ?? '')
    const members = g.group.type === 'BUILT_IN' ? org.state.users : org.state.users.filter((u) => g.members.includes(u.id))
    return paginate(members.map((u) => renderUser(org, u)), req, { defaultLimit: 1000, maxLimit: 1000 })
  })
  const membership = (add: boolean) => (req: ApiRequest) => {
    const g = org.group(req.params.groupId ?? '')
    const u = org.user(req.params.userId ?? '')
    if (g.group.type === 'BUILT_IN') {
      throw new OktaError(403, 'E0000006', 'You do not have permission to perform the requested action', [
        { errorSummary: 'Everyone membership is managed by Okta.' },
      ])
    }
    g.members = g.members.filter((m) => m !== u.id)
    if (add) {
      g.members.push(u.id)
    }
    g.group.lastMembershipUpdated = now()
    org.changed()
    return noContent()
  }
  router.add('PUT', '/api/v1/groups/:groupId/users/:userId', membership(true))
  router.add('DELETE', '/api/v1/groups/:groupId/users/:userId', membership(false))

  // Users.
  router.add('GET', '/api/v1/users', (req) =>
    paginate(
      search(org.state.users.map((u) => renderUser(org, u)), req, ['profile.firstName', 'profile.lastName', 'profile.email', 'profile.login']),
      req,
      { defaultLimit: 200, maxLimit: 200 },
    ),
  )
  router.add('POST', '/api/v1/users', (req) => {
    const b = bodyObject(req, 'user')
    const profile = validateUserProfile(b, org)
    const password = passwordOf(b)
    const groupIds = asStringArray(b.groupIds) ?? []
    const groups = groupIds.map((id) => org.group(id))
    const activate = req.query.get('activate') !== 'false'
    const t = now()
    const u: UserRecord = {
      id: newId('00u'),
      password,
      user: {
        status: activate ? (password ? 'ACTIVE' : 'PROVISIONED') : 'STAGED',
        created: t,
        activated: activate ? t : null,
        statusChanged: activate ? t : null,
        lastLogin: null,
        lastUpdated: t,
        passwordChanged: password ? t : null,
        type: { id: newId('oty') },
        profile,
        credentials: { ...(password ? { password: {} } : {}), provider: { type: 'OKTA', name: 'OKTA' } },
      },
    }
    org.state.users.push(u)
    for (const g of groups) {
      if (g.group.type !== 'BUILT_IN') {
        g.members.push(u.id)
      }
    }
    org.changed()
    return ok(renderUser(org, u))
  })
  router.add('GET', '/api/v1/users/:userId', (req) => ok(renderUser(org, org.user(req.params.userId ?? ''))))
  // POST updates the profile partially, PUT replaces it; both may set a new password.
  const updateUser = (req: ApiRequest, partial: boolean): ApiResponse => {
    const u = org.user(req.params.userId ?? '')
    const b = bodyObject(req, 'user')
    if (!partial) {
      u.user.profile = validateUserProfile(b, org, u)
    } else if (isObject(b.profile)) {
      u.user.profile = { ...asObject(u.user.profile), ...validateUserProfile({ profile: { ...asObject(u.user.profile), ...b.profile } }, org, u) }
    }
    const password = passwordOf(b)
    if (password) {
      u.password = password
      u.user.passwordChanged = now()
    }
    u.user.lastUpdated = now()
    org.changed()
    return ok(renderUser(org, u))
  }
  router.add('POST', '/api/v1/users/:userId', (req) => updateUser(req, true))
  router.add('PUT', '/api/v1/users/:userId', (req) => updateUser(req, false))
  router.add('DELETE', '/api/v1/users/:userId', (req) => {
    const u = org.user(req.params.userId ?? '')
    if (u.user.status !== 'DEPROVISIONED') {
      u.user.status = 'DEPROVISIONED'
      u.user.statusChanged = now()
      org.changed()
      return noContent()
    }
    org.state.users = org.state.users.filter((x) => x !== u)
    for (const g of org.state.groups) {
      g.members = g.members.filter((m) => m !== u.id)
    }
    for (const app of org.state.apps) {
      app.users = app.users.filter((a) => a.userId !== u.id)
    }
    org.changed()
    return noContent()
  })
  router.add('GET', '/api/v1/users/:userId/groups', (req) => {
    const u = org.user(req.params.userId ?? '')
    return ok(org.groupsOf(u.id).map((g) => renderGroup(org, g)))
  })
  const userLifecycle = (status: string) => (req: ApiRequest) => {
    const u = org.user(req.params.userId ?? '')
    if (status === 'ACTIVE' && u.user.status === 'ACTIVE') {
      throw new OktaError(403, 'E0000016', 'Activation failed because the user is already active')
    }
    const t = now()
    u.user.status = status === 'ACTIVE' && !u.password ? 'PROVISIONED' : status
    u.user.statusChanged = t
    if (status === 'ACTIVE') {
      u.user.activated = t
    }
    org.changed()
    if (status === 'ACTIVE' && req.query.get('sendEmail') === 'false') {
      return ok({ activationUrl: `${org.orgUrl}/welcome/${newId('act')}`, activationToken: newId('act') })
    }
    return ok({})
  }
  // Factors (https://developer.okta.com/docs/api/openapi/okta-management/management/tag/UserFactor/): a user's
  // `token:software:totp` authenticator (Google Authenticator / Okta Verify TOTP), enrolled by an admin, is
  // PENDING_ACTIVATION with its seed in `_embedded.activation.sharedSecret` until activated with a current passcode
  // (Okta support: "Enroll Google Authenticator via API"). Other factor types are not modelled: refused, never faked.
  const renderFactor = (u: UserRecord, withActivation: boolean): JsonObject => {
    const f = u.totpFactor as NonNullable<UserRecord['totpFactor']>
    const base = `${org.orgUrl}/api/v1/users/${u.id}/factors/${f.id}`
    return {
      id: f.id,
      factorType: 'token:software:totp',
      provider: f.provider,
      vendorName: f.provider,
      status: f.status,
      created: f.created,
      lastUpdated: f.created,
      profile: { credentialId: String(asObject(u.user.profile).login ?? '') },
      ...(withActivation && f.pendingSecret
        ? { _embedded: { activation: { timeStep: 30, sharedSecret: f.pendingSecret, encoding: 'base32', keyLength: f.pendingSecret.length } } }
        : {}),
      _links: { self: { href: base }, ...(f.status === 'PENDING_ACTIVATION' ? { activate: { href: `${base}/lifecycle/activate`, hints: { allow: ['POST'] } } } : {}) },
    }
  }
  const factorOf = (u: UserRecord, factorId: string): NonNullable<UserRecord['totpFactor']> => {
    if (u.totpFactor?.id !== factorId) {
      throw new OktaError(404, 'E0000007', `Not found: Resource not found: ${factorId} (UserFactor)`)
    }
    return u.totpFactor
  }
  router.add('GET', '/api/v1/users/:userId/factors', (req) => {
    const u = org.user(req.params.userId ?? '')
    return ok(u.totpFactor ? [renderFactor(u, false)] : [])
  })
  router.add('POST', '/api/v1/users/:userId/factors', (req) => {
    const u = org.user(req.params.userId ?? '')
    const b = bodyObject(req, 'factor')
    if (b.factorType !== 'token:software:totp') {
      throw validationError('factorType', `factorType: this sandbox enrolls only token:software:totp factors (not ${JSON.stringify(b.factorType ?? null)}).`)
    }
    if (b.provider !== 'GOOGLE' && b.provider !== 'OKTA') {
      throw validationError('provider', 'provider: token:software:totp is provided by OKTA or GOOGLE.')
    }
    if (u.totpFactor?.status === 'ACTIVE') {
      throw new OktaError(400, 'E0000001', 'Api validation failed: factor', [{ errorSummary: 'A factor of this type is already set up.' }])
    }
    u.totpFactor = { id: newId('uft'), provider: b.provider, created: now(), status: 'PENDING_ACTIVATION', pendingSecret: newTotpSecret() }
    org.changed()
    return ok(renderFactor(u, true))
  })
  router.add('GET', '/api/v1/users/:userId/factors/:factorId', (req) => {
    const u = org.user(req.params.userId ?? '')
    factorOf(u, req.params.factorId ?? '')
    return ok(renderFactor(u, false))
  })
  router.add('POST', '/api/v1/users/:userId/factors/:factorId/lifecycle/activate', (req) => {
    const u = org.user(req.params.userId ?? '')
    const f = factorOf(u, req.params.factorId ?? '')
    const b = bodyObject(req, 'activation')
    if (f.status !== 'PENDING_ACTIVATION' || !f.pendingSecret) {
      throw new OktaError(400, 'E0000001', 'Api validation failed: factor', [{ errorSummary: 'The factor is already active.' }])
    }
    if (typeof b.passCode !== 'string' || !totpMatches(f.pendingSecret, b.passCode)) {
      throw new OktaError(403, 'E0000068', 'Invalid Passcode/Answer', [{ errorSummary: 'Your passcode doesn\'t match our records. Please try again.' }])
    }
    u.totpSecret = f.pendingSecret
    u.totpFactor = { id: f.id, provider: f.provider, created: f.created, status: 'ACTIVE' }
    org.changed()
    return ok(renderFactor(u, false))
  })
  router.add('POST', '/api/v1/users/:userId/lifecycle/activate', userLifecycle('ACTIVE'))
  router.add('POST', '/api/v1/users/:userId/lifecycle/deactivate', userLifecycle('DEPROVISIONED'))
  router.add('POST', '/api/v1/users/:userId/lifecycle/suspend', userLifecycle('SUSPENDED'))
  router.add('POST', '/api/v1/users/:userId/lifecycle/unsuspend', userLifecycle('ACTIVE'))
}
