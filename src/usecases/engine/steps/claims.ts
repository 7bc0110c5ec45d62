import { UsageError } from '../../../domain/errors.js'
import type { ClaimSpec } from '../../../domain/okta-model.js'
import { SHARED } from '../../../domain/plan.js'
import { desiredGroupsClaim } from '../../../domain/provision-plan.js'
import { Phase, type PlanBuilder, type Unit } from '../context.js'
import { createOnce } from '../create-once.js'
import { defined, scalar } from './values.js'

/** Step 4, the groups claim (ID tokens) on each custom server an intent asks it on; reconciled once per server. */
export async function planClaims(units: readonly Unit[], b: PlanBuilder): Promise<void> {
  const { admin, clock } = b.ctx
  const wanted = new Map<string, { spec: ClaimSpec; units: Unit[] }>()
  for (const u of units) {
    const claim = u.intent.groupsClaim
    if (!claim || u.role) {
      continue
    }
    if (u.server.kind === 'org') {
      b.warnings.push('a groups claim needs a custom authorization server; use --auth-server default or new, or set the claim on the app in the Admin Console')
      continue
    }
    const spec: ClaimSpec = { ...desiredGroupsClaim(), name: claim.name, value: claim.filter ?? '.*' }
    const key = `${u.server.key}\u0000${spec.name}`
    const entry = wanted.get(key) ?? { spec, units: [] }
    if (entry.spec.value !== spec.value) {
      // One claim per name on a server: two apps cannot want it with different filters.
      throw new UsageError(
        `apps "${entry.units[0]?.app ?? ''}" and "${u.app}" want the groups claim "${spec.name}" on one authorization server with different filters (${entry.spec.value} and ${spec.value})`,
        { hint: 'give them one filter, or another claim name (groupsClaim: { name, filter })' },
      )
    }
    entry.units.push(u)
    wanted.set(key, entry)
  }
  await Promise.all(
    [...wanted.values()].map(async ({ spec, units: users }) => {
      const first = users[0] as Unit
      const serverKey = first.server.kind === 'custom' ? first.server.key : ''
      const server = b.servers.get(serverKey)
      const group = new Set(users.map((u) => u.app)).size > 1 ? SHARED : first.app
      const same = (c: { name: string; claimType: string }): boolean => c.name === spec.name && c.claimType === spec.claimType
      const found = server ? (await b.obs.claims(server.id)).find(same) : undefined
      if (found) {
        // Reconciled like the rest when oidc-setup made it (a changed filter in the spec is applied); a claim made in
        // the console is left as it is and its difference said: it may serve other apps of the server.
        const changes = defined([
          scalar('filter', `${found.groupFilterType ?? ''} ${found.value}`.trim(), `${spec.groupFilterType ?? ''} ${spec.value}`.trim()),
          scalar('valueType', found.valueType, spec.valueType),
          scalar('alwaysIncludeInToken', found.alwaysIncludeInToken, spec.alwaysIncludeInToken),
          scalar('status', found.status, spec.status),
        ])
        const ours = users.some((u) => b.previous.get(u.app)?.managed?.some((m) => m.type === 'claim' && m.id === found.id))
        if (changes.length && !ours) {
          b.warnings.push(`the groups claim "${spec.name}" was made outside oidc-setup and differs from the spec (${changes.map((c) => c.field).join(', ')}): left as it is`)
        }
        const update = changes.length > 0 && ours
        b.add(
          { app: group, kind: 'claim', name: spec.name, action: update ? 'update' : 'unchanged', id: found.id, ...(update ? { changes } : {}) },
          update
            ? {
                phase: Phase.ScopesAndClaims,
                run: async (st) => {
                  await admin.updateClaim(st.servers.get(serverKey)?.id ?? '', found.id, { ...spec, scopes: found.scopes })
                },
              }
            : undefined,
        )
        return
      }
      b.add(
        {
          app: group,
          kind: 'claim',
          name: spec.name,
          action: 'create',
          values: { claimType: spec.claimType, valueType: spec.valueType, filter: `${spec.groupFilterType ?? ''} ${spec.value}`.trim(), alwaysIncludeInToken: spec.alwaysIncludeInToken },
        },
        {
          phase: Phase.ScopesAndClaims,
          run: async (st) => {
            const sid = st.servers.get(serverKey)?.id ?? ''
            const created = await createOnce(clock, async () => (await admin.listClaims(sid)).find(same), () => admin.createClaim(sid, spec))
            st.own(first.app, { type: 'claim', id: created.id, name: spec.name, serverId: sid })
            return created.id
          },
        },
      )
    }),
  )
}
