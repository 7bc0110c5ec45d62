import { isManaged, type ScopeSpec } from '../../../domain/okta-model.js'
import { SHARED } from '../../../domain/plan.js'
import { desiredScopes, profileOfNote } from '../../../domain/provision-plan.js'
import { Phase, type PlanBuilder, type Unit } from '../context.js'
import { createOnce } from '../create-once.js'

/**
 * Step 3, custom scopes on custom servers: a scope several apps request is reconciled once (shown as shared). Its
 * description names the profile that created it: only that profile may delete it.
 */
export async function planScopes(units: readonly Unit[], b: PlanBuilder): Promise<void> {
  const { admin, clock } = b.ctx
  // server key → scope name → the units wanting it, in order (the first one creates it).
  const wanted = new Map<string, Map<string, { spec: ScopeSpec; units: Unit[] }>>()
  for (const u of units) {
    if (u.server.kind !== 'custom') {
      continue
    }
    const byName = wanted.get(u.server.key) ?? new Map<string, { spec: ScopeSpec; units: Unit[] }>()
    for (const spec of desiredScopes(u.scopes, u.req.applicationType === 'service' ? u.scopes[0] : undefined, u.app)) {
      const entry = byName.get(spec.name) ?? { spec, units: [] }
      entry.units.push(u)
      byName.set(spec.name, entry)
    }
    wanted.set(u.server.key, byName)
  }
  await Promise.all(
    [...wanted].map(async ([key, byName]) => {
      const server = b.servers.get(key)
      const have = server && byName.size ? await b.obs.scopes(server.id) : []
      for (const [name, { spec, units: users }] of byName) {
        const first = users[0] as Unit
        const group = new Set(users.map((u) => u.app)).size > 1 ? SHARED : first.app
        const found = have.find((s) => s.name === name)
        if (found) {
          b.add({ app: group, kind: 'scope', name, action: 'unchanged', id: found.id })
          // Adopted only when a profile of this run created it (an interrupted run); other apps' scopes stay theirs.
          const creator = isManaged(found.description) ? profileOfNote(found.description) : undefined
          if (server && creator && users.some((u) => u.app === creator)) {
            b.owned.push({ app: creator, resource: { type: 'scope', id: found.id, name, serverId: server.id } })
          }
          continue
        }
        b.add(
          { app: group, kind: 'scope', name, action: 'create', values: { name, default: spec.default, consent: spec.consent, metadataPublish: spec.metadataPublish } },
          {
            phase: Phase.ScopesAndClaims,
            run: async (st) => {
              const sid = st.servers.get(key)?.id ?? ''
              const created = await createOnce(clock, async () => (await admin.listScopes(sid)).find((s) => s.name === name), () => admin.createScope(sid, spec))
              st.own(first.app, { type: 'scope', id: created.id, name, serverId: sid })
              return created.id
            },
          },
        )
      }
    }),
  )
}
