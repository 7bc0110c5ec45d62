import { ManagementApiError } from '../../../domain/errors.js'
import { isManaged, MANAGED_MARKER } from '../../../domain/okta-model.js'
import { SHARED } from '../../../domain/plan.js'
import { Phase, type PlanBuilder, type Unit } from '../context.js'
import { createOnce } from '../create-once.js'

/** Step 1, authorization servers: each distinct custom server read once; `new` ones created, others must exist. */
export async function planServers(units: readonly Unit[], b: PlanBuilder): Promise<void> {
  const byKey = new Map<string, Unit[]>()
  for (const u of units) {
    if (u.server.kind === 'custom') {
      byKey.set(u.server.key, [...(byKey.get(u.server.key) ?? []), u])
    }
  }
  const { admin, clock } = b.ctx
  await Promise.all(
    [...byKey].map(async ([key, users]) => {
      const first = users[0] as Unit
      const ref = first.server
      if (ref.kind !== 'custom') {
        return
      }
      const read = await b.obs.server(ref)
      // `default` is Okta's alias of the default custom server; the server read through it carries its real aus… id,
      // which the profile keeps (the intent keeps the alias, the same in every org). Its issuer still ends in
      // /oauth2/default. https://developer.okta.com/docs/concepts/auth-servers/#default-custom-authorization-server
      const found = read
      b.servers.set(key, found)
      const group = new Set(users.map((u) => u.app)).size > 1 ? SHARED : first.app
      if (found) {
        if (ref.create) {
          b.add({ app: group, kind: 'authorization-server', name: found.name, action: 'unchanged', id: found.id })
          if (isManaged(found.description)) {
            b.owned.push({ app: first.app, resource: { type: 'authorization-server', id: found.id, name: found.name } })
          }
        }
        return
      }
      if (!ref.create) {
        const id = ref.id ?? ref.name ?? ''
        throw new ManagementApiError(`could not find authorization server "${id}"`, { status: 404 }, {
          hint: 'list servers in the Admin Console (Security › API), or pass --auth-server org or --auth-server new',
        })
      }
      const name = ref.name ?? ref.create.label
      const spec = { name, description: `${MANAGED_MARKER} for ${ref.create.label}`, audiences: [`api://${slug(ref.create.label)}`] }
      b.add(
        { app: group, kind: 'authorization-server', name, action: 'create', values: { name, audiences: spec.audiences } },
        {
          phase: Phase.Server,
          run: async (st) => {
            const created = await createOnce(clock, async () => (await admin.findAuthServersByName(name))[0], () => admin.createAuthServer(spec))
            st.servers.set(key, created)
            st.own(first.app, { type: 'authorization-server', id: created.id, name })
            return created.id
          },
        },
      )
    }),
  )
}

function slug(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'app'
}
