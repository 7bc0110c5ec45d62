import { isManaged, type Policy } from '../../../domain/okta-model.js'
import { diffList, isWrite, KNOWN_AFTER_APPLY } from '../../../domain/plan.js'
import { desiredPolicy } from '../../../domain/provision-plan.js'
import { Phase, type PlanBuilder, type Unit } from '../context.js'
import { createOnce } from '../create-once.js'
import { defined, scalar } from './values.js'
import { duplicates } from '../observe.js'

/**
 * Step 5, the access policy that admits exactly the app's client on its custom server. Its client list is
 * reconciled exactly: another client in it would get this app's rule.
 */
export async function planPolicies(units: readonly Unit[], b: PlanBuilder): Promise<void> {
  const { admin, clock } = b.ctx
  await Promise.all(
    units.map(async (u) => {
      if (u.server.kind !== 'custom') {
        return
      }
      const serverKey = u.server.key
      const server = b.servers.get(serverKey)
      const app = b.apps.get(u.key)
      const name = desiredPolicy(u.label, '').name
      const same = server ? (await b.obs.policies(server.id)).filter((p) => p.name === name) : []
      if (same.length > 1) {
        throw duplicates('access policies', name, same.map((p) => p.id))
      }
      const found: Policy | undefined = same[0]
      b.policies.set(u.key, found)
      const clientId = app?.clientId ?? KNOWN_AFTER_APPLY
      if (!found) {
        b.add(
          { app: u.app, kind: 'policy', name, action: 'create', values: { clientIds: [clientId] } },
          {
            phase: Phase.Policy,
            serial: true,
            run: async (st) => {
              const sid = st.servers.get(serverKey)?.id ?? ''
              const spec = desiredPolicy(u.label, st.apps.get(u.key)?.clientId ?? '')
              const created = await createOnce(clock, async () => (await admin.listPolicies(sid)).find((p) => p.name === name), () => admin.createPolicy(sid, spec))
              st.policies.set(u.key, created)
              st.own(u.app, { type: 'policy', id: created.id, name, serverId: sid })
              return created.id
            },
          },
        )
        return
      }
      if (server && isManaged(found.description)) {
        b.owned.push({ app: u.app, resource: { type: 'policy', id: found.id, name, serverId: server.id } })
      }
      const changes = defined([scalar('status', found.status, 'ACTIVE'), diffList('clientIds', found.clientIds, [clientId], 'exact')])
      const writes = changes.filter(isWrite)
      b.add(
        { app: u.app, kind: 'policy', name, action: writes.length ? 'update' : 'unchanged', id: found.id, ...(changes.length ? { changes } : {}) },
        writes.length
          ? {
              phase: Phase.Policy,
              serial: true,
              run: async (st) => {
                const sid = st.servers.get(serverKey)?.id ?? ''
                st.policies.set(u.key, await admin.updatePolicy(sid, found, desiredPolicy(u.label, st.apps.get(u.key)?.clientId ?? '')))
              },
            }
          : undefined,
      )
    }),
  )
}
