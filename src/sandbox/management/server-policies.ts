// Access policies of a custom authorization server and their rules:
// `/api/v1/authorizationServers/{authServerId}/policies/{policyId}/rules/{ruleId}`.
import { OktaError } from '../errors.js'
import type { Org } from '../org.js'
import type { PolicyRecord, ServerRecord } from '../store.js'
import { clone, type JsonObject } from '../util.js'
import { ok, type ApiRequest, type Router } from './router.js'
import { bodyObject, lifecycleLinks, registerCollection, registerLifecycle } from './resource.js'
import { validatePolicy, validateRule } from './server-validation.js'

/** Renumbers priorities contiguously from 1, keeping `moved` at its requested place. */
export function renumber(items: JsonObject[], moved?: JsonObject, requested?: number): void {
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

/** A requested priority, when the body has one. */
export function requestedPriority(body: JsonObject, fallback?: number): number | undefined {
  return typeof body.priority === 'number' ? body.priority : fallback
}

const byPriority = (a: JsonObject, b: JsonObject): number => Number(a.priority) - Number(b.priority)

/** Registers the policies and rules of the servers `server(req)` finds. */
export function registerServerPolicies(router: Router, org: Org, server: (req: ApiRequest) => ServerRecord): void {
  const base = '/api/v1/authorizationServers/:authServerId/policies'
  const hrefOf = (s: ServerRecord, p: PolicyRecord): string => `${org.orgUrl}/api/v1/authorizationServers/${s.id}/policies/${String(p.policy.id)}`
  const renderPolicy = (s: ServerRecord, p: PolicyRecord): JsonObject => {
    const href = hrefOf(s, p)
    return {
      ...clone(p.policy),
      _links: {
        self: { href, hints: { allow: ['GET', 'PUT', 'DELETE'] } },
        rules: { href: `${href}/rules`, hints: { allow: ['GET'] } },
        ...lifecycleLinks(href, p.policy.status),
      },
    }
  }
  const reorderPolicies = (s: ServerRecord, moved?: PolicyRecord, requested?: number): void => {
    const items = s.policies.map((p) => p.policy)
    renumber(items, moved?.policy, requested)
    s.policies = items.map((item) => s.policies.find((p) => p.policy === item) as PolicyRecord)
  }
  const policy = registerCollection<ServerRecord, PolicyRecord>(router, org, {
    path: base,
    param: 'policyId',
    type: 'AuthorizationServerPolicy',
    parent: server,
    items: (s) => s.policies,
    idOf: (p) => String(p.policy.id),
    render: renderPolicy,
    list: (_req, s) => ok([...s.policies].sort((a, b) => byPriority(a.policy, b.policy)).map((p) => renderPolicy(s, p))),
    create: (req, s) => {
      const body = bodyObject(req, 'policy')
      const created: PolicyRecord = { policy: validatePolicy(body), rules: [] }
      s.policies.push(created)
      reorderPolicies(s, created, requestedPriority(body))
      return created
    },
    replace: (req, s, p) => {
      const body = bodyObject(req, 'policy')
      p.policy = validatePolicy(body, p.policy)
      reorderPolicies(s, p, requestedPriority(body, Number(p.policy.priority)))
      return p
    },
    remove: (s, p) => {
      s.policies = s.policies.filter((x) => x !== p)
      reorderPolicies(s)
    },
  })
  registerLifecycle(router, org, `${base}/:policyId`, policy, { holder: (p) => p.policy })

  const renderRule = ([s, p]: [ServerRecord, PolicyRecord], r: JsonObject): JsonObject => {
    const href = `${hrefOf(s, p)}/rules/${String(r.id)}`
    return { ...clone(r), _links: { self: { href, hints: { allow: ['GET', 'PUT', 'DELETE'] } }, ...lifecycleLinks(href, r.status) } }
  }
  const rule = registerCollection<[ServerRecord, PolicyRecord], JsonObject>(router, org, {
    path: `${base}/:policyId/rules`,
    param: 'ruleId',
    type: 'AuthorizationServerPolicyRule',
    parent: policy,
    items: ([, p]) => p.rules,
    idOf: (r) => String(r.id),
    render: renderRule,
    list: (_req, parent) => ok([...parent[1].rules].sort(byPriority).map((r) => renderRule(parent, r))),
    create: (req, [, p]) => {
      const body = bodyObject(req, 'policyRule')
      const created = validateRule(body)
      p.rules.push(created)
      renumber(p.rules, created, requestedPriority(body))
      return created
    },
    replace: (req, [, p], r) => {
      const body = bodyObject(req, 'policyRule')
      const updated = validateRule(body, r)
      p.rules[p.rules.indexOf(r)] = updated
      renumber(p.rules, updated, requestedPriority(body, Number(r.priority)))
      return updated
    },
    remove: ([, p], r) => {
      if (r.system === true) {
        throw new OktaError(403, 'E0000006', 'You do not have permission to perform the requested action', [
          { errorSummary: 'System rules cannot be deleted.' },
        ])
      }
      p.rules = p.rules.filter((x) => x !== r)
      renumber(p.rules)
    },
  })
  registerLifecycle(router, org, `${base}/:policyId/rules/:ruleId`, rule, { holder: (r) => r })
}
