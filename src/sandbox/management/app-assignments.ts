// Who is assigned to an app: `/api/v1/apps/{appId}/groups/**` and `/api/v1/apps/{appId}/users/**`.
import { OktaError, notFound, validationError } from '../errors.js'
import type { Org } from '../org.js'
import type { AppRecord } from '../store.js'
import { asObject, isObject, now, type JsonObject } from '../util.js'
import { renderApp } from './apps.js'
import { noContent, ok, paginate, search, type Router } from './router.js'

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
    if (org.settling(`group-assignment:${app.id}:${g.groupId}`)) {
      // Group-to-user assignment propagates asynchronously on Okta.
      continue
    }
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
/**
 * Federation Broker Mode (`settings.implicitAssignment: true`): every user may sign in and Okta refuses manual user
 * and group assignments (https://help.okta.com/oie/en-us/content/topics/apps/apps-fbm-enable.htm).
 */
function refuseInBrokerMode(app: AppRecord): AppRecord {
  if (asObject(app.app.settings).implicitAssignment === true) {
    throw new OktaError(400, 'E0000001', 'Api validation failed: assignment', [
      { errorSummary: 'assignment: Users and groups cannot be assigned to an app in Federation Broker Mode (settings.implicitAssignment is true).' },
    ])
  }
  return app
}

/** Registers the group and user assignments of apps. */
export function registerAppAssignments(router: Router, org: Org): void {
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
    const record = refuseInBrokerMode(org.app(req.params.appId ?? ''))
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
      org.settle(`group-assignment:${record.id}:${group.id}`)
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

  // The apps a group is assigned to (listAssignedApplicationsForGroup): one read per group, however many apps.
  // https://developer.okta.com/docs/api/openapi/okta-management/management/tag/Group/#tag/Group/operation/listAssignedApplicationsForGroup
  router.add('GET', '/api/v1/groups/:groupId/apps', (req) => {
    const group = org.group(req.params.groupId ?? '')
    const items = org.state.apps.filter((a) => a.groups.some((g) => g.groupId === group.id)).map((a) => renderApp(org, a))
    return paginate(items, req, { defaultLimit: 20, maxLimit: 200 })
  })

  // User assignments.
  router.add('GET', '/api/v1/apps/:appId/users', (req) => {
    const record = org.app(req.params.appId ?? '')
    return paginate(search(appUsers(org, record), req, ['credentials.userName']), req, { defaultLimit: 50, maxLimit: 500 })
  })
  router.add('POST', '/api/v1/apps/:appId/users', (req) => {
    const record = refuseInBrokerMode(org.app(req.params.appId ?? ''))
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
