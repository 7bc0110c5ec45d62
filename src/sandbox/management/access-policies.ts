// Identity Engine authentication policies ("app sign-in policies"): `/api/v1/policies?type=ACCESS_POLICY` with their
// rules, and `PUT /api/v1/apps/{appId}/policies/{policyId}` (spec: management-api.yaml AccessPolicy, AccessPolicyRule,
// AssuranceMethod; https://developer.okta.com/docs/guides/configure-signon-policy/main/). Every new org has the shared
// "Default Policy", whose catch-all rule asks for two factors, assigned to every new app that signs users in
// (https://help.okta.com/oie/en-us/content/topics/identity-engine/policies/about-app-sign-on-policies.htm).
import { OktaError, validationError, validationErrors } from '../errors.js'
import type { Org } from '../org.js'
import type { AccessPolicyRecord, AppRecord } from '../store.js'
import { asObject, asStringArray, clone, isObject, newId, now, type JsonObject } from '../util.js'
import { bodyObject, lifecycleLinks, registerCollection, registerLifecycle } from './resource.js'
import { noContent, ok, type ApiRequest, type Router } from './router.js'
import { renumber, requestedPriority } from './server-policies.js'

/** The name of the shared default authentication policy. */
export const DEFAULT_ACCESS_POLICY = 'Default Policy'

function rule(name: string, priority: number, factorMode: '1FA' | '2FA', system: boolean): JsonObject {
  const t = now()
  return {
    id: newId('rul'),
    name,
    priority,
    status: 'ACTIVE',
    system,
    type: 'ACCESS_POLICY',
    created: t,
    lastUpdated: t,
    conditions: null,
    actions: {
      appSignOn: {
        access: 'ALLOW',
        verificationMethod: {
          type: 'ASSURANCE',
          factorMode,
          reauthenticateIn: 'PT2H',
          constraints: factorMode === '2FA' ? [{ knowledge: { types: ['password'] }, possession: { required: false } }] : [{ knowledge: { types: ['password'] } }],
        },
      },
    },
  }
}

function policy(name: string, description: string, priority: number, system: boolean): JsonObject {
  const t = now()
  return { id: newId('rst'), name, description, priority, status: 'ACTIVE', system, type: 'ACCESS_POLICY', conditions: null, created: t, lastUpdated: t }
}

/**
 * Creates the policies a new Identity Engine org has when they are missing: the Default Policy (catch-all: any two
 * factors) and the "Password only" preset (catch-all: password), both Okta's presets for new orgs.
 */
export function seedAccessPolicies(org: Org): void {
  if (org.mode.profile !== 'oie' || org.state.accessPolicies) {
    return
  }
  org.state.accessPolicies = [
    { policy: policy(DEFAULT_ACCESS_POLICY, 'The default app sign-in policy', 1, true), rules: [rule('Catch-all Rule', 99, '2FA', true)] },
    { policy: policy('Password only', 'Password only', 2, false), rules: [rule('Catch-all Rule', 99, '1FA', true)] },
  ]
}

/** The default authentication policy's id (Identity Engine only). */
export function defaultAccessPolicyId(org: Org): string | undefined {
  return org.state.accessPolicies?.find((p) => p.policy.name === DEFAULT_ACCESS_POLICY)?.policy.id as string | undefined
}

/** What the app's authentication policy asks of a user: to be refused, a password, or a password and a second factor. */
export type SignOnRequirement = 'deny' | '1FA' | '2FA'

/**
 * Evaluates an app's authentication policy for a user like Okta: its ACTIVE rules in priority order, the first whose
 * people condition includes the user (or has none) decides. Classic orgs and apps without a policy need a password.
 */
export function signOnRequirement(org: Org, app: AppRecord, userId: string): SignOnRequirement {
  const record = org.state.accessPolicies?.find((p) => p.policy.id === (app.accessPolicyId ?? defaultAccessPolicyId(org)))
  if (org.mode.profile !== 'oie' || !record || record.policy.status !== 'ACTIVE') {
    return '1FA'
  }
  const groups = new Set(org.groupsOf(userId).map((g) => g.id))
  const rules = record.rules.filter((r) => r.status === 'ACTIVE').sort((a, b) => Number(a.priority) - Number(b.priority))
  for (const r of rules) {
    const people = asObject(asObject(r.conditions).people)
    const users = asStringArray(asObject(people.users).include) ?? []
    const groupIds = asStringArray(asObject(people.groups).include) ?? []
    if ((users.length || groupIds.length) && !users.includes(userId) && !groupIds.some((g) => groups.has(g))) {
      continue
    }
    const appSignOn = asObject(asObject(r.actions).appSignOn)
    if (appSignOn.access === 'DENY') {
      return 'deny'
    }
    return asObject(appSignOn.verificationMethod).factorMode === '1FA' ? '1FA' : '2FA'
  }
  return 'deny'
}

function validatePolicy(body: JsonObject, existing?: JsonObject): JsonObject {
  if (body.type !== 'ACCESS_POLICY') {
    throw validationError('type', "type: Only 'ACCESS_POLICY' policies are supported by the sandbox.")
  }
  if (typeof body.name !== 'string' || !body.name.trim()) {
    throw validationError('name', 'name: The field cannot be left blank')
  }
  const t = now()
  return {
    ...policy(body.name, typeof body.description === 'string' ? body.description : '', Number(existing?.priority ?? 0), existing?.system === true),
    id: existing?.id ?? newId('rst'),
    status: body.status === 'INACTIVE' ? 'INACTIVE' : (existing?.status ?? 'ACTIVE'),
    created: existing?.created ?? t,
  }
}

function validateRule(body: JsonObject, existing?: JsonObject): JsonObject {
  const causes: Array<{ field: string; message: string }> = []
  if (typeof body.name !== 'string' || !body.name.trim()) {
    causes.push({ field: 'name', message: 'The field cannot be left blank' })
  }
  const appSignOn = asObject(asObject(body.actions).appSignOn)
  if (appSignOn.access !== 'ALLOW' && appSignOn.access !== 'DENY') {
    causes.push({ field: 'actions.appSignOn.access', message: "'access' must be ALLOW or DENY." })
  }
  const method = asObject(appSignOn.verificationMethod)
  if (appSignOn.access === 'ALLOW' && method.type === 'ASSURANCE' && method.factorMode !== '1FA' && method.factorMode !== '2FA') {
    causes.push({ field: 'actions.appSignOn.verificationMethod.factorMode', message: "'factorMode' must be 1FA or 2FA." })
  }
  if (causes.length) {
    throw validationErrors(causes)
  }
  const t = now()
  return {
    id: existing?.id ?? newId('rul'),
    name: body.name,
    priority: existing?.priority ?? 0,
    status: body.status === 'INACTIVE' ? 'INACTIVE' : (existing?.status ?? 'ACTIVE'),
    system: existing?.system ?? false,
    type: 'ACCESS_POLICY',
    created: existing?.created ?? t,
    lastUpdated: t,
    conditions: isObject(body.conditions) ? clone(body.conditions) : null,
    actions: { appSignOn: clone(appSignOn) },
  }
}

const systemRefusal = (what: string): OktaError =>
  new OktaError(403, 'E0000006', 'You do not have permission to perform the requested action', [{ errorSummary: `The ${what} cannot be deleted.` }])

/** Registers `/api/v1/policies/**` (ACCESS_POLICY) and `PUT /api/v1/apps/{appId}/policies/{policyId}`. */
export function registerAccessPolicies(router: Router, org: Org): void {
  const base = '/api/v1/policies'
  const policies = (): AccessPolicyRecord[] => {
    if (org.mode.profile !== 'oie' || !org.state.accessPolicies) {
      // Classic Engine orgs have no authentication policies (Okta: "Invalid policy type").
      throw validationError('type', 'type: Invalid Policy Type: ACCESS_POLICY is available on Okta Identity Engine orgs only.')
    }
    return org.state.accessPolicies
  }
  const renderPolicy = (p: AccessPolicyRecord): JsonObject => {
    const href = `${org.orgUrl}${base}/${String(p.policy.id)}`
    return { ...clone(p.policy), _links: { self: { href, hints: { allow: ['GET', 'PUT', 'DELETE'] } }, rules: { href: `${href}/rules` }, ...lifecycleLinks(href, p.policy.status) } }
  }
  const listPolicies = (req: ApiRequest) => {
    const type = req.query.get('type')
    if (!type) {
      throw validationError('type', "type: The 'type' query parameter is required.")
    }
    return ok(type === 'ACCESS_POLICY' ? policies().map(renderPolicy) : [])
  }
  const find = registerCollection<undefined, AccessPolicyRecord>(router, org, {
    path: base,
    param: 'policyId',
    type: 'Policy',
    parent: () => undefined,
    items: () => policies(),
    idOf: (p) => String(p.policy.id),
    render: (_p, p) => renderPolicy(p),
    list: listPolicies,
    createdStatus: 200,
    create: (req) => {
      const list = policies()
      const created: AccessPolicyRecord = { policy: validatePolicy(bodyObject(req, 'policy')), rules: [rule('Catch-all Rule', 99, '2FA', true)] }
      list.push(created)
      const items = list.map((p) => p.policy)
      renumber(items, created.policy, requestedPriority(asObject(req.body)))
      return created
    },
    replace: (req, _p, p) => {
      p.policy = { ...validatePolicy(bodyObject(req, 'policy'), p.policy), priority: p.policy.priority }
      return p
    },
    remove: (_p, p) => {
      if (p.policy.system === true) {
        throw systemRefusal('default policy')
      }
      org.state.accessPolicies = policies().filter((x) => x !== p)
      // Apps that used it fall back to the default policy.
      for (const app of org.state.apps) {
        const fallback = defaultAccessPolicyId(org)
        if (app.accessPolicyId === p.policy.id && fallback) {
          app.accessPolicyId = fallback
        }
      }
    },
  })
  registerLifecycle(router, org, `${base}/:policyId`, find, { holder: (p) => p.policy })

  const renderRule = (p: AccessPolicyRecord, r: JsonObject): JsonObject => {
    const href = `${org.orgUrl}${base}/${String(p.policy.id)}/rules/${String(r.id)}`
    return { ...clone(r), _links: { self: { href, hints: { allow: ['GET', 'PUT', 'DELETE'] } }, ...lifecycleLinks(href, r.status) } }
  }
  const findRule = registerCollection<AccessPolicyRecord, JsonObject>(router, org, {
    path: `${base}/:policyId/rules`,
    param: 'ruleId',
    type: 'PolicyRule',
    parent: (req) => find(req)[1],
    items: (p) => p.rules,
    idOf: (r) => String(r.id),
    render: renderRule,
    list: (req) => {
      const p = find(req)[1]
      return ok([...p.rules].sort((a, b) => Number(a.priority) - Number(b.priority)).map((r) => renderRule(p, r)))
    },
    createdStatus: 200,
    create: (req, p) => {
      const body = bodyObject(req, 'policyRule')
      const created = validateRule(body)
      // New rules go before the catch-all rule, which stays last.
      const catchAll = p.rules.filter((r) => r.system === true)
      p.rules = p.rules.filter((r) => r.system !== true)
      p.rules.push(created)
      renumber(p.rules, created, requestedPriority(body))
      p.rules.push(...catchAll)
      return created
    },
    replace: (req, p, r) => {
      const updated = validateRule(bodyObject(req, 'policyRule'), r)
      p.rules[p.rules.indexOf(r)] = updated
      return updated
    },
    remove: (p, r) => {
      if (r.system === true) {
        throw systemRefusal('catch-all rule')
      }
      p.rules = p.rules.filter((x) => x !== r)
    },
  })
  registerLifecycle(router, org, `${base}/:policyId/rules/:ruleId`, findRule, { holder: (r) => r })

  // Assigns an authentication policy to an app (spec: PUT /api/v1/apps/{appId}/policies/{policyId}, 204).
  router.add('PUT', '/api/v1/apps/:appId/policies/:policyId', (req) => {
    const app = org.app(req.params.appId ?? '')
    const p = policies().find((x) => x.policy.id === req.params.policyId)
    if (!p) {
      throw new OktaError(404, 'E0000007', `Not found: Resource not found: ${req.params.policyId ?? ''} (Policy)`)
    }
    app.accessPolicyId = String(p.policy.id)
    app.app.lastUpdated = now()
    org.changed()
    return noContent()
  })
}
