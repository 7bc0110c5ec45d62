// OAuth 2.0 for Okta: API scope grants to apps, admin roles of clients, and which scope each Management call needs.
import { OktaError, notFound, validationError } from '../errors.js'
import { clientIdOf, type Org } from '../org.js'
import type { AppRecord, RoleRecord, ScopeGrantRecord } from '../store.js'
import { asObject, newId, now, type JsonObject } from '../util.js'
import { registerCollection } from './resource.js'
import type { Router } from './router.js'

/** The Okta API scopes the sandbox knows (the org authorization server mints them for granted service apps). */
export const OKTA_API_SCOPES = [
  'okta.apps.read',
  'okta.apps.manage',
  'okta.appGrants.read',
  'okta.appGrants.manage',
  'okta.authorizationServers.read',
  'okta.authorizationServers.manage',
  'okta.groups.read',
  'okta.groups.manage',
  'okta.users.read',
  'okta.users.manage',
  'okta.trustedOrigins.read',
  'okta.trustedOrigins.manage',
  'okta.roles.read',
  'okta.roles.manage',
  'okta.clients.read',
  'okta.clients.manage',
]

/** Standard admin role types a client may be given. */
const ROLE_TYPES: Record<string, string> = {
  SUPER_ADMIN: 'Super Administrator',
  ORG_ADMIN: 'Organizational Administrator',
  APP_ADMIN: 'Application Administrator',
  API_ACCESS_MANAGEMENT_ADMIN: 'API Access Management Administrator',
  USER_ADMIN: 'Group Administrator',
  GROUP_MEMBERSHIP_ADMIN: 'Group Membership Administrator',
  HELP_DESK_ADMIN: 'Help Desk Administrator',
  READ_ONLY_ADMIN: 'Read-only Administrator',
  REPORT_ADMIN: 'Report Administrator',
}

/** The Okta scope a Management API call needs (a `.manage` scope also allows reading). */
export function requiredScope(method: string, path: string): string {
  const read = method === 'GET'
  let area = 'apps'
  if (/^\/api\/v1\/apps\/[^/]+\/grants/.test(path)) {
    area = 'appGrants'
  } else if (path.startsWith('/api/v1/authorizationServers')) {
    area = 'authorizationServers'
  } else if (path.startsWith('/api/v1/groups')) {
    area = 'groups'
  } else if (path.startsWith('/api/v1/users')) {
    area = 'users'
  } else if (path.startsWith('/api/v1/trustedOrigins')) {
    area = 'trustedOrigins'
  } else if (path.startsWith('/oauth2/v1/clients')) {
    area = 'roles'
  }
  return `okta.${area}.${read ? 'read' : 'manage'}`
}

/** Whether granted scopes satisfy a required one. */
export function scopeSatisfied(granted: Set<string>, required: string): boolean {
  return granted.has(required) || (required.endsWith('.read') && granted.has(required.replace(/\.read$/, '.manage')))
}

/** 403 E0000006 as Okta sends it for a missing scope or role. */
export function forbidden(detail: string): OktaError {
  return new OktaError(403, 'E0000006', 'You do not have permission to perform the requested action', [{ errorSummary: detail }], {
    'WWW-Authenticate': `Bearer authorization_uri="", realm="IdpMyAccountAPI", scope="", error="insufficient_scope", error_description="${detail}"`,
  })
}

function renderGrant(org: Org, app: AppRecord, g: ScopeGrantRecord): JsonObject {
  const href = `${org.orgUrl}/api/v1/apps/${app.id}/grants/${g.id}`
  return {
    id: g.id,
    issuer: g.issuer,
    scopeId: g.scopeId,
    clientId: clientIdOf(app),
    source: 'ADMIN',
    status: 'ACTIVE',
    created: g.created,
    lastUpdated: g.lastUpdated,
    createdBy: { id: org.state.users[0]?.id ?? 'admin', type: 'User' },
    _links: {
      app: { href: `${org.orgUrl}/api/v1/apps/${app.id}` },
      client: { href: `${org.orgUrl}/oauth2/v1/clients/${clientIdOf(app)}` },
      self: { href, hints: { allow: ['GET', 'DELETE'] } },
    },
  }
}

function renderRole(org: Org, app: AppRecord, r: RoleRecord): JsonObject {
  return {
    id: r.id,
    label: ROLE_TYPES[r.type] ?? r.type,
    type: r.type,
    status: 'ACTIVE',
    created: r.created,
    lastUpdated: r.lastUpdated,
    assignmentType: 'CLIENT',
    _links: { assignee: { href: `${org.orgUrl}/oauth2/v1/clients/${clientIdOf(app)}` } },
  }
}

/** Registers `/api/v1/apps/{appId}/grants/**` and `/oauth2/v1/clients/{clientId}/roles/**`. */
export function registerServiceApps(router: Router, org: Org): void {
  registerCollection<AppRecord, ScopeGrantRecord>(router, org, {
    path: '/api/v1/apps/:appId/grants',
    param: 'grantId',
    type: 'OAuth2ScopeConsentGrant',
    parent: (req) => org.app(req.params.appId ?? ''),
    items: (a) => a.grants ?? [],
    idOf: (g) => g.id,
    render: (a, g) => renderGrant(org, a, g),
    create: (req, a) => {
      const body = asObject(req.body)
      if (body.issuer !== org.orgUrl) {
        throw validationError('issuer', `issuer: The issuer must be the org authorization server, ${org.orgUrl}.`)
      }
      if (typeof body.scopeId !== 'string' || !OKTA_API_SCOPES.includes(body.scopeId)) {
        throw validationError('scopeId', `scopeId: '${String(body.scopeId)}' is not an Okta API scope.`)
      }
      a.grants ??= []
      let grant = a.grants.find((g) => g.scopeId === body.scopeId)
      if (!grant) {
        const t = now()
        grant = { id: newId('oag'), issuer: org.orgUrl, scopeId: body.scopeId, created: t, lastUpdated: t }
        a.grants.push(grant)
      }
      return grant
    },
    remove: (a, g) => {
      a.grants = (a.grants ?? []).filter((x) => x !== g)
    },
  })

  registerCollection<AppRecord, RoleRecord>(router, org, {
    path: '/oauth2/v1/clients/:clientId/roles',
    param: 'roleId',
    type: 'RoleAssignment',
    parent: (req) => {
      const found = org.appByClientId(req.params.clientId ?? '')
      if (!found) {
        throw notFound(req.params.clientId ?? '', 'OAuth2Client')
      }
      return found
    },
    items: (a) => a.roles ?? [],
    idOf: (r) => r.id,
    render: (a, r) => renderRole(org, a, r),
    create: (req, a) => {
      const type = asObject(req.body).type
      if (typeof type !== 'string' || !ROLE_TYPES[type]) {
        throw validationError('type', `type: '${String(type)}' is not a role type the sandbox knows (${Object.keys(ROLE_TYPES).join(', ')}).`)
      }
      a.roles ??= []
      let role = a.roles.find((r) => r.type === type)
      if (!role) {
        const t = now()
        role = { id: newId('irb'), type, created: t, lastUpdated: t }
        a.roles.push(role)
      }
      return role
    },
    remove: (a, r) => {
      a.roles = (a.roles ?? []).filter((x) => x !== r)
    },
  })
}
