import type { RuleSpec } from '../../../domain/okta-model.js'
import { diffList, isWrite } from '../../../domain/plan.js'
import { desiredRule, RULE_NAME } from '../../../domain/provision-plan.js'
import { Phase, type PlanBuilder, type Unit } from '../context.js'
import { createOnce } from '../create-once.js'
import { duplicates } from '../observe.js'
import { defined, scalar } from './values.js'

/** The rule a unit wants: its grant types, everyone (assignments decide who), its scopes, the intent's lifetimes. */
export function ruleOf(u: Unit): RuleSpec {
  const rule = desiredRule(u.spec.grantTypes, u.scopes)
  const lifetimes = u.intent.tokenLifetimes
  return {
    ...rule,
    accessTokenLifetimeMinutes: lifetimes?.accessTokenMinutes ?? rule.accessTokenLifetimeMinutes,
    refreshTokenLifetimeMinutes: lifetimes?.refreshTokenMinutes ?? rule.refreshTokenLifetimeMinutes,
  }
}

/**
 * Step 6, the one rule of the app's policy. Grant types, scopes and people widen what tokens the policy issues:
 * all reconciled exactly, each removal shown with its value.
 */
export async function planRules(units: readonly Unit[], b: PlanBuilder): Promise<void> {
  const { admin, clock } = b.ctx
  await Promise.all(
    units.map(async (u) => {
      if (u.server.kind !== 'custom') {
        return
      }
      const serverKey = u.server.key
      const server = b.servers.get(serverKey)
      const policy = b.policies.get(u.key)
      const spec = ruleOf(u)
      const same = server && policy ? (await b.obs.rules(server.id, policy.id)).filter((r) => r.name === RULE_NAME) : []
      if (same.length > 1) {
        throw duplicates('policy rules', RULE_NAME, same.map((r) => r.id))
      }
      const found = same[0]
      if (!found) {
        b.add(
          {
            app: u.app,
            kind: 'rule',
            name: RULE_NAME,
            action: 'create',
            values: {
              grantTypes: spec.grantTypes,
              scopes: spec.scopes,
              groups: spec.groups,
              accessTokenLifetimeMinutes: spec.accessTokenLifetimeMinutes,
              refreshTokenLifetimeMinutes: spec.refreshTokenLifetimeMinutes,
            },
          },
          {
            phase: Phase.Rule,
            serial: true,
            run: async (st) => {
              const sid = st.servers.get(serverKey)?.id ?? ''
              const pid = st.policies.get(u.key)?.id ?? ''
              const created = await createOnce(clock, async () => (await admin.listRules(sid, pid)).find((r) => r.name === RULE_NAME), () => admin.createRule(sid, pid, spec))
              return created.id
            },
          },
        )
        return
      }
      const changes = defined([
        scalar('status', found.status, spec.status),
        diffList('grantTypes', found.grantTypes, spec.grantTypes, 'exact'),
        diffList('scopes', found.scopes, spec.scopes, 'exact'),
        diffList('groups', found.groups, spec.groups, 'exact'),
        diffList('users', found.users, spec.users, 'exact'),
        scalar('accessTokenLifetimeMinutes', found.accessTokenLifetimeMinutes, spec.accessTokenLifetimeMinutes),
        scalar('refreshTokenLifetimeMinutes', found.refreshTokenLifetimeMinutes, spec.refreshTokenLifetimeMinutes),
        scalar('refreshTokenWindowMinutes', found.refreshTokenWindowMinutes, spec.refreshTokenWindowMinutes),
      ])
      const writes = changes.filter(isWrite)
      b.add(
        { app: u.app, kind: 'rule', name: RULE_NAME, action: writes.length ? 'update' : 'unchanged', id: found.id, ...(changes.length ? { changes } : {}) },
        writes.length
          ? {
              phase: Phase.Rule,
              serial: true,
              run: async (st) => {
                const sid = st.servers.get(serverKey)?.id ?? ''
                await admin.updateRule(sid, st.policies.get(u.key)?.id ?? policy?.id ?? '', found, spec)
              },
            }
          : undefined,
      )
    }),
  )
}
