import { diffList, isWrite, SHARED } from '../../../domain/plan.js'
import { desiredTrustedOrigin } from '../../../domain/provision-plan.js'
import { Phase, type PlanBuilder, type Unit } from '../context.js'
import { createOnce } from '../create-once.js'
import { unique } from './values.js'

/**
 * Step 8, trusted origins (CORS + redirect) for browser apps; one per origin however many apps need it. Scopes
 * added outside oidc-setup are kept (an origin is org-wide; removing a scope could break another app).
 */
export async function planTrustedOrigins(units: readonly Unit[], b: PlanBuilder): Promise<void> {
  const { admin, clock } = b.ctx
  const wanted = new Map<string, Unit[]>()
  for (const u of units) {
    for (const origin of unique([...(u.req.trustedOrigins ?? []), ...(u.role ? [] : u.intent.trustedOrigins)])) {
      wanted.set(origin, [...(wanted.get(origin) ?? []), u])
    }
  }
  await Promise.all(
    [...wanted].map(async ([origin, users]) => {
      const first = users[0] as Unit
      const group = new Set(users.map((u) => u.app)).size > 1 ? SHARED : first.app
      const want = desiredTrustedOrigin(first.label, origin)
      const found = await b.obs.trustedOrigin(origin)
      if (!found) {
        b.add(
          { app: group, kind: 'trusted-origin', name: origin, action: 'create', values: { name: want.name, scopes: want.scopes } },
          {
            phase: Phase.Assignments,
            run: async (st) => {
              const created = await createOnce(clock, async () => (await admin.findTrustedOrigins(origin))[0], () => admin.createTrustedOrigin(want))
              st.own(first.app, { type: 'trusted-origin', id: created.id, name: origin })
              return created.id
            },
          },
        )
        return
      }
      if (found.name === want.name || users.some((u) => found.name === desiredTrustedOrigin(u.label, origin).name)) {
        b.owned.push({ app: first.app, resource: { type: 'trusted-origin', id: found.id, name: origin } })
      }
      const change = diffList('scopes', found.scopes, want.scopes, 'keep')
      const writes = change && isWrite(change)
      b.add(
        { app: group, kind: 'trusted-origin', name: origin, action: writes ? 'update' : 'unchanged', id: found.id, ...(change ? { changes: [change] } : {}) },
        writes
          ? {
              phase: Phase.Assignments,
              run: async () => {
                await admin.updateTrustedOrigin(found, { ...want, name: found.name, scopes: unique([...found.scopes, ...want.scopes]) as typeof want.scopes })
              },
            }
          : undefined,
      )
    }),
  )
}
