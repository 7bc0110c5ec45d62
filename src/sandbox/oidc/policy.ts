// Okta's policy evaluation and claim values for the sandbox's OpenID side: which access-policy rule of a custom
// server allows a request, and what a groups or expression claim says for a user.
import type { Org } from '../org.js'
import type { ServerRecord, UserRecord } from '../store.js'
import { asObject, asStringArray, type JsonObject } from '../util.js'

/** The key of the org authorization server in maps keyed by server id. */
export const ORG_SERVER = 'org'

/** The device authorization grant type. */
export const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code'

/** Okta's messages for the cases where it differs from a generic OP. */
export const MESSAGES = {
  policy: 'Policy evaluation failed for this request, please check the policy configurations.',
  notAssigned: 'User is not assigned to the client application.',
  scopes: 'One or more scopes are not configured for the authorization server resource.',
}

/** One rule that matched, with the token lifetimes it grants. */
export interface PolicyMatch {
  policy: JsonObject
  rule: JsonObject
}

/**
 * Evaluates a custom server's access policies like Okta: active policies in priority order whose clients include the
 * client (or ALL_CLIENTS), then their active rules in priority order; a rule matches when it allows the grant type, every
 * requested scope (or `*`) and, when a user is known, includes the user or one of their groups (or EVERYONE).
 */
export function evaluatePolicy(
  org: Org,
  server: ServerRecord,
  clientId: string,
  grantType: string,
  scopes: string[],
  userId?: string,
): PolicyMatch | undefined {
  const policies = server.policies
    .filter((p) => p.policy.status === 'ACTIVE')
    .filter((p) => {
      const include = asStringArray(asObject(asObject(p.policy.conditions).clients).include) ?? []
      return include.includes('ALL_CLIENTS') || include.includes(clientId)
    })
    .sort((a, b) => Number(a.policy.priority) - Number(b.policy.priority))
  const groupIds = userId ? new Set(org.groupsOf(userId).flatMap((g) => (g.group.type === 'BUILT_IN' ? [g.id, 'EVERYONE'] : [g.id]))) : undefined
  for (const p of policies) {
    const rules = p.rules.filter((r) => r.status === 'ACTIVE').sort((a, b) => Number(a.priority) - Number(b.priority))
    for (const rule of rules) {
      const conditions = asObject(rule.conditions)
      const grants = asStringArray(asObject(conditions.grantTypes).include) ?? []
      const grantOk = grants.includes(grantType) || (grantType === 'refresh_token' && grants.some((g) => g === 'authorization_code' || g === DEVICE_GRANT))
      if (!grantOk) {
        continue
      }
      const allowed = asStringArray(asObject(conditions.scopes).include) ?? []
      if (!allowed.includes('*') && !scopes.every((s) => allowed.includes(s))) {
        continue
      }
      if (userId && groupIds) {
        const people = asObject(conditions.people)
        const users = asObject(people.users)
        const groups = asObject(people.groups)
        const excludedUser = (asStringArray(users.exclude) ?? []).includes(userId)
        const excludedGroup = (asStringArray(groups.exclude) ?? []).some((g) => groupIds.has(g))
        const included =
          (asStringArray(users.include) ?? []).includes(userId) || (asStringArray(groups.include) ?? []).some((g) => groupIds.has(g))
        if (!included || excludedUser || excludedGroup) {
          continue
        }
      }
      return { policy: p.policy, rule }
    }
  }
  return undefined
}
/** The groups of a user a GROUPS claim names (its filter applied). */
export function groupClaimValue(org: Org, userId: string, claim: JsonObject): string[] {
  const names = org.groupsOf(userId).map((g) => String(asObject(g.group.profile).name ?? ''))
  const value = String(claim.value ?? '')
  switch (claim.group_filter_type) {
    case 'STARTS_WITH':
      return names.filter((n) => n.toLowerCase().startsWith(value.toLowerCase()))
    case 'EQUALS':
      return names.filter((n) => n === value)
    case 'CONTAINS':
      return names.filter((n) => n.toLowerCase().includes(value.toLowerCase()))
    case 'REGEX':
      try {
        const re = new RegExp(`^(?:${value})$`)
        return names.filter((n) => re.test(n))
      } catch {
        return []
      }
    default:
      return names
  }
}
/** The value of an Okta expression claim (`user.login`, a literal) for a user. */
export function expressionValue(user: UserRecord, expression: string): unknown {
  const literal = /^"(.*)"$/.exec(expression)
  if (literal) {
    return literal[1]
  }
  const m = /^(?:user|appuser)\.(?:profile\.)?([A-Za-z0-9_]+)$/.exec(expression.trim())
  if (m?.[1]) {
    if (m[1] === 'id') {
      return user.id
    }
    return asObject(user.user.profile)[m[1]] ?? null
  }
  return null
}
