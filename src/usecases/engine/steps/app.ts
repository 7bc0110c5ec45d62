import { usesClientSecret } from '../../../domain/app-requirements.js'
import { parseStoredClientKey, type PublicJwk } from '../../../domain/client-key.js'
import { UsageError } from '../../../domain/errors.js'
import { isManaged, type AppSpec, type OidcApp } from '../../../domain/okta-model.js'
import { diffList, isWrite, type FieldChange } from '../../../domain/plan.js'
import { secretKeys } from '../../../domain/profile.js'
import { profileOfNote } from '../../../domain/provision-plan.js'
import { Phase, type ApplyState, type PlanBuilder, type Unit } from '../context.js'
import { createOnce } from '../create-once.js'
import { generateClientKey } from '../../client-key.js'
import { appValues, defined, scalar, unique } from './values.js'

/**
 * Step 2, the app integration. Lists that cannot weaken the app (sign-in and sign-out redirect URIs) keep entries
 * added outside oidc-setup unless the intent says `lists: exact`; lists that widen what the app may do (grant and
 * response types) are reconciled exactly, and each removal is shown with its value.
 */
export async function planApps(units: readonly Unit[], b: PlanBuilder): Promise<void> {
  await Promise.all(units.map((u) => planApp(u, b)))
}

async function planApp(u: Unit, b: PlanBuilder): Promise<void> {
  const { admin, clock } = b.ctx
  const found = await b.obs.appByLabel(u.label)
  b.apps.set(u.key, found)
  const previous = b.previous.get(u.app)
  if (!found) {
    b.add(
      { app: u.app, kind: 'app', name: u.label, action: 'create', values: appValues(u.spec) },
      {
        phase: Phase.App,
        run: async (st) => {
          const jwks = await newClientKey(u, st, b)
          const app = await createOnce(clock, async () => (await admin.findAppsByLabel(u.label))[0], () => admin.createApp(u.spec, jwks ? { jwks } : {}))
          st.apps.set(u.key, app)
          st.own(u.app, { type: 'app', id: app.id, name: u.label })
          if (app.clientSecret) {
            st.secrets.set(u.key, app.clientSecret)
          }
          await storeSecret(u, app, st, b)
          return app.id
        },
      },
    )
    return
  }
  const owner = isManaged(found.notes) ? profileOfNote(found.notes) : undefined
  if (owner && owner !== u.app) {
    throw new UsageError(`app "${u.label}" (${found.id}) is managed by profile "${owner}", not "${u.app}"`, {
      hint: `use --profile ${owner}, or give this app another label (--name)`,
    })
  }
  // Our marker for this profile (an interrupted run), or an app this profile adopted: ours to manage and delete.
  const adopted = previous?.managed?.some((m) => m.type === 'app' && m.id === found.id) ?? false
  if (owner === u.app || adopted) {
    b.owned.push({ app: u.app, resource: { type: 'app', id: found.id, name: u.label } })
  }
  const { changes, spec } = appChanges(found, u.spec, u.lists, adopted && !owner)
  const writes = changes.filter(isWrite)
  b.add(
    { app: u.app, kind: 'app', name: u.label, action: writes.length ? 'update' : 'unchanged', id: found.id, ...(changes.length ? { changes } : {}) },
    {
      phase: Phase.App,
      run: async (st) => {
        let app = found
        await ensureClientKey(u, found, st, b)
        if (writes.some((c) => c.field !== 'status')) {
          app = await admin.updateApp(found.id, spec)
          if (writes.some((c) => c.field === 'tokenEndpointAuthMethod') && app.clientSecret) {
            st.secrets.set(u.key, app.clientSecret)
          }
        }
        if (writes.some((c) => c.field === 'status')) {
          await admin.activateApp(found.id)
        }
        st.apps.set(u.key, app)
        await storeSecret(u, app, st, b)
      },
    },
  )
}

/** The changes from an app as Okta holds it to the wanted one, and the spec to write (kept entries included). */
export function appChanges(have: OidcApp, want: AppSpec, lists: 'keep' | 'exact', mark: boolean): { changes: FieldChange[]; spec: AppSpec } {
  const changes = defined<FieldChange>([
    scalar('applicationType', have.applicationType, want.applicationType),
    diffList('grantTypes', have.grantTypes, want.grantTypes, 'exact'),
    diffList('responseTypes', have.responseTypes, want.responseTypes, 'exact'),
    diffList('redirectUris', have.redirectUris, want.redirectUris, lists),
    diffList('postLogoutRedirectUris', have.postLogoutRedirectUris, want.postLogoutRedirectUris, lists),
    scalar('tokenEndpointAuthMethod', have.tokenEndpointAuthMethod, want.tokenEndpointAuthMethod),
    scalar('pkceRequired', have.pkceRequired, want.pkceRequired),
    scalar('refreshTokenRotation', have.refreshTokenRotation ?? null, want.refreshTokenRotation),
    scalar('issuerMode', have.issuerMode, want.issuerMode),
    have.status !== 'ACTIVE' ? { field: 'status', from: have.status, to: 'ACTIVE' } : undefined,
    mark ? { field: 'notes', added: [want.notes ?? ''] } : undefined,
  ])
  const keep = (h: readonly string[], w: readonly string[]): string[] => (lists === 'keep' ? unique([...w, ...h]) : [...w])
  const spec: AppSpec = {
    ...want,
    redirectUris: keep(have.redirectUris, want.redirectUris),
    postLogoutRedirectUris: keep(have.postLogoutRedirectUris, want.postLogoutRedirectUris),
    // The marker is written on create, or when an adopted app is first applied; never over someone's notes.
    notes: mark ? want.notes : undefined,
  }
  return { changes, spec }
}

/** Puts the client secret straight into the secret store: a new one, or the current one when the store lacks it. */
async function storeSecret(u: Unit, app: OidcApp, st: ApplyState, b: PlanBuilder): Promise<void> {
  if (!usesClientSecret(app.tokenEndpointAuthMethod) || u.role) {
    return
  }
  await st.serialSecrets(() => storeSecretNow(u, app, st, b))
  if (st.secrets.has(u.key) && !st.secretHashes.has(u.key)) {
    // A new secret's secret_hash, for comparing where Okta masks values: the app's newest active secret is the one
    // just made. Read outside the store's queue, so apps creating secrets at once read concurrently.
    const made = (await b.ctx.admin.listClientSecrets(app.id)).filter((s) => s.status === 'ACTIVE').sort((x, y) => (y.created ?? '').localeCompare(x.created ?? ''))[0]
    if (made?.secretHash) {
      st.secretHashes.set(u.key, made.secretHash)
    }
  }
}

async function storeSecretNow(u: Unit, app: OidcApp, st: ApplyState, b: PlanBuilder): Promise<void> {
  const store = st.secretStore ?? (st.secretStore = await b.ctx.secretStore())
  const key = secretKeys.clientSecret(u.app)
  const fresh = st.secrets.get(u.key)
  if (fresh) {
    await store.set(key, fresh)
    st.secretStored.add(u.key)
    return
  }
  if (b.previous.get(u.app)?.clientId === app.clientId && (await store.get(key)) !== undefined) {
    st.secretStored.add(u.key)
    return
  }
  // Missing, or stored for another app this profile pointed at before: recover the current one. A masked value
  // (Okta elides secrets outside the create response: spec GET /api/v1/apps/{appId}/credentials/secrets) is never
  // stored as the secret; the adapter hands it over as ''.
  const listed = (await b.ctx.admin.listClientSecrets(app.id)).filter((s) => s.status === 'ACTIVE')
  const active = listed.filter((s) => s.value && !s.masked).sort((x, y) => (y.created ?? '').localeCompare(x.created ?? ''))
  if (active[0]) {
    st.secrets.set(u.key, active[0].value)
    await store.set(key, active[0].value)
    st.secretStored.add(u.key)
    if (active[0].secretHash) {
      st.secretHashes.set(u.key, active[0].secretHash)
    }
  } else if (listed.length) {
    st.warnings.push(
      `could not recover the client secret of "${u.label}": Okta masks client secrets outside their creation response, so nothing was stored; ` +
        `get a usable one with \`oidc-setup okta rotate-secret --profile ${u.app}\` (or delete and re-create the app)`,
    )
  } else {
    st.warnings.push(`could not recover the client secret of "${u.label}" (Okta returned no active secret): rotate it in the Admin Console`)
  }
}

/**
 * A private_key_jwt app's first key (issue 15 item 2): generated here, the private JWK stored before the app exists
 * (so no app ever holds a key nobody has), the public one returned for `settings.oauthClient.jwks` of the create.
 */
async function newClientKey(u: Unit, st: ApplyState, b: PlanBuilder): Promise<PublicJwk[] | undefined> {
  if (u.spec.tokenEndpointAuthMethod !== 'private_key_jwt' || u.role) {
    return undefined
  }
  const key = await generateClientKey()
  await st.serialSecrets(async () => {
    const store = st.secretStore ?? (st.secretStore = await b.ctx.secretStore())
    await store.set(secretKeys.clientPrivateKey(u.app), key.privateJwk)
  })
  return [key.publicJwk]
}

/**
 * Before an existing app is (or stays) private_key_jwt: the key in the secret store must be an ACTIVE key of the
 * app, else a new one is generated, stored and registered (`POST …/credentials/jwks`) — before the switch, since
 * Okta refuses private_key_jwt on an app without keys (https://developer.okta.com/docs/api/openapi/okta-oauth/guides/client-auth).
 */
async function ensureClientKey(u: Unit, app: OidcApp, st: ApplyState, b: PlanBuilder): Promise<void> {
  if (u.spec.tokenEndpointAuthMethod !== 'private_key_jwt' || u.role) {
    return
  }
  const store = await st.serialSecrets(async () => st.secretStore ?? (st.secretStore = await b.ctx.secretStore()))
  const stored = parseStoredClientKey(await store.get(secretKeys.clientPrivateKey(u.app)))
  const keys = await b.ctx.admin.listJwks(app.id)
  if (stored && keys.some((k) => k.kid === stored.kid && k.status === 'ACTIVE')) {
    return
  }
  const key = await generateClientKey()
  await st.serialSecrets(() => store.set(secretKeys.clientPrivateKey(u.app), key.privateJwk))
  await b.ctx.admin.addJwk(app.id, key.publicJwk)
  if (app.tokenEndpointAuthMethod === 'private_key_jwt') {
    st.warnings.push(`the secret store held no active key of "${u.label}": registered a new public key (${key.kid}); retire the others once nothing signs with them (Admin Console › the app › Public keys)`)
  }
}
