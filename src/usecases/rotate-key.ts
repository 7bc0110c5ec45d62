import { parseStoredClientKey, publicJwkOf, type ClientJwk, type StoredClientKey } from '../domain/client-key.js'
import { AuthError, ConfigError, UsageError } from '../domain/errors.js'
import { secretKeys, type KeyRotation, type Profile } from '../domain/profile.js'
import type { ClientKeyProbe } from '../infra/client-key-probe.js'
import type { Clock } from '../infra/clock.js'
import type { OktaAdmin } from '../infra/okta-admin.js'
import type { ProfileStore } from '../infra/profile-store.js'
import type { SecretStore } from '../infra/secret-store.js'
import { generateClientKey } from './client-key.js'

/** What `okta rotate-key` was asked to do. */
export interface RotateKeyInput {
  profile: string
  /** Retire (deactivate, delete) the old key(s) once the new one is proven. */
  finish: boolean
}

/** The edges a key rotation touches. */
export interface RotateKeyDeps {
  admin: OktaAdmin
  profiles: ProfileStore
  secretStore(): Promise<SecretStore>
  probe: ClientKeyProbe
  clock: Clock
  /** Called at each step, for progress output. */
  onStep?: ((step: string) => void) | undefined
}

/** Where a key rotation stands after this run; never a private key (kids and Okta ids are public). */
export interface RotateKeyResult {
  profile: string
  appId: string
  /** `finished` once the old keys are retired; else the rotation's step. */
  state: KeyRotation['step'] | 'finished'
  newKid: string
  newKeyId: string | undefined
  oldKeyIds: string[]
  /** What this run did, in order (`generated`, `registered`, `stored`, `proven`, `retired`). */
  done: string[]
  /** What is left to do (empty once finished). */
  pending: string[]
}

/** Scopes a client_credentials proof may ask for: OpenID scopes are refused with that grant (Okta). */
const OIDC_SCOPES = new Set(['openid', 'profile', 'email', 'address', 'phone', 'offline_access', 'groups'])

/**
 * Rotates a private_key_jwt client's signing key with no moment where its assertions are refused: Okta verifies
 * with every ACTIVE key of the app (management-api.yaml addJwk, OAuth2ClientJsonSigningKeyResponse), so the new key
 * is generated here, its public JWK added beside the old one, its private JWK stored (the old one kept as previous),
 * an assertion signed with it proven at the token endpoint, and only then (with `finish`) are the old keys
 * deactivated and deleted (an active key cannot be deleted: spec deletejwk). Each step is saved in the profile
 * before the next begins, so an interrupted run resumes where it stopped.
 */
export async function rotateKey(input: RotateKeyInput, deps: RotateKeyDeps): Promise<RotateKeyResult> {
  const { admin, profiles } = deps
  const profile = await profiles.get(input.profile)
  if (!profile?.appId || !profile.clientId || !profile.issuer) {
    throw new ConfigError(`profile "${input.profile}" has no Okta app to rotate a key for`, {
      hint: `create it first: oidc-setup okta create-app --profile ${input.profile} --client-auth private-key-jwt …`,
    })
  }
  const appId = profile.appId
  const app = await admin.getApp(appId)
  if (!app) {
    throw new ConfigError(`the app of profile "${input.profile}" (${appId}) is not in Okta`, { hint: `oidc-setup doctor --profile ${input.profile}` })
  }
  if (app.tokenEndpointAuthMethod !== 'private_key_jwt') {
    throw new UsageError(`the app of profile "${input.profile}" does not use private_key_jwt (client authentication: ${app.tokenEndpointAuthMethod})`, {
      hint: 'rotate a client secret with `oidc-setup okta rotate-secret`, or switch with --client-auth private-key-jwt',
    })
  }
  const store = await deps.secretStore()
  const done: string[] = []
  const step = (name: string): void => {
    done.push(name)
    deps.onStep?.(name)
  }
  const save = async (rotation: KeyRotation): Promise<KeyRotation> => {
    await profiles.update(input.profile, { keyRotation: rotation })
    return rotation
  }
  const nextKey = async (): Promise<StoredClientKey | undefined> => parseStoredClientKey(await store.get(secretKeys.clientPrivateKeyNext(input.profile)))
  let keys: ClientJwk[] = await admin.listJwks(appId)
  let rotation = profile.keyRotation

  if (!rotation) {
    const generated = await generateClientKey()
    await store.set(secretKeys.clientPrivateKeyNext(input.profile), generated.privateJwk)
    rotation = await save({
      step: 'generated',
      oldKeyIds: keys.filter((k) => k.status === 'ACTIVE').map((k) => k.id),
      newKid: generated.kid,
      startedAt: deps.clock.now().toISOString(),
    })
    step('generated')
  }

  if (rotation.step === 'generated') {
    let next = await nextKey()
    if (!next || next.kid !== rotation.newKid) {
      // The new private key never reached the store (or another run replaced it): it was not registered yet, so a
      // fresh one takes its place.
      const generated = await generateClientKey()
      await store.set(secretKeys.clientPrivateKeyNext(input.profile), generated.privateJwk)
      rotation = await save({ ...rotation, newKid: generated.kid })
      next = await nextKey()
    }
    // A run that stopped between the add and saving it finds its key in Okta already: adopt it.
    const registered = keys.find((k) => k.kid === rotation?.newKid) ?? (await admin.addJwk(appId, publicJwkOf(next as StoredClientKey)))
    if (registered.status !== 'ACTIVE') {
      await admin.setJwkStatus(appId, registered.id, 'ACTIVE')
    }
    rotation = await save({ ...rotation, step: 'registered', newKeyId: registered.id })
    keys = await admin.listJwks(appId)
    step('registered')
  }

  if (rotation.step === 'registered') {
    const next = await nextKey()
    const current = await store.get(secretKeys.clientPrivateKey(input.profile))
    const currentKid = parseStoredClientKey(current)?.kid
    if (next) {
      if (current && currentKid !== next.kid) {
        await store.set(secretKeys.clientPrivateKeyPrevious(input.profile), current)
      }
      await store.set(secretKeys.clientPrivateKey(input.profile), JSON.stringify(next.jwk))
    } else if (currentKid !== rotation.newKid) {
      // The new private key is lost (the store was cleared) while its public half is registered: retire that key and
      // start over with a new one.
      if (rotation.newKeyId) {
        await admin.setJwkStatus(appId, rotation.newKeyId, 'INACTIVE')
        await admin.deleteJwk(appId, rotation.newKeyId)
      }
      await profiles.put({ ...((await profiles.get(input.profile)) as Profile), keyRotation: undefined })
      throw new ConfigError(`the new private key of profile "${input.profile}" is no longer in the ${store.describe()}`, {
        hint: 'run the same command again: its public key was retired in Okta and a new key pair is made',
      })
    }
    rotation = await save({ ...rotation, step: 'stored' })
    await store.delete(secretKeys.clientPrivateKeyNext(input.profile))
    step('stored')
  }

  if (rotation.step === 'stored') {
    const key = parseStoredClientKey(await store.get(secretKeys.clientPrivateKey(input.profile)))
    if (!key) {
      throw new ConfigError(`no private key for profile "${input.profile}" in the ${store.describe()}`)
    }
    const scopes = app.grantTypes.includes('client_credentials') ? (profile.scopes ?? []).filter((s) => !OIDC_SCOPES.has(s)) : undefined
    const verdict = await deps.probe.probe({ issuer: profile.issuer, clientId: profile.clientId, key, clientCredentialsScopes: scopes })
    if (!verdict.accepted) {
      throw new AuthError(`Okta's token endpoint refused an assertion signed with the new key (${verdict.error}${verdict.description ? `: ${verdict.description}` : ''})`, {
        hint: `the old key is still active, nothing was retired; check the app's public keys in the Admin Console (was ${rotation.newKeyId ?? rotation.newKid} deactivated?) and run again`,
      })
    }
    rotation = await save({ ...rotation, step: 'proven' })
    step('proven')
  }

  if (rotation.step === 'proven' && input.finish) {
    keys = await admin.listJwks(appId)
    for (const id of rotation.oldKeyIds.filter((x) => x !== rotation?.newKeyId)) {
      const old = keys.find((k) => k.id === id)
      if (!old) {
        continue
      }
      if (old.status === 'ACTIVE') {
        await admin.setJwkStatus(appId, id, 'INACTIVE')
      }
      await admin.deleteJwk(appId, id)
    }
    await store.delete(secretKeys.clientPrivateKeyPrevious(input.profile))
    await profiles.put({ ...((await profiles.get(input.profile)) as Profile), keyRotation: undefined })
    step('retired')
    return { profile: input.profile, appId, state: 'finished', newKid: rotation.newKid, newKeyId: rotation.newKeyId, oldKeyIds: rotation.oldKeyIds, done, pending: [] }
  }
  return {
    profile: input.profile,
    appId,
    state: rotation.step,
    newKid: rotation.newKid,
    newKeyId: rotation.newKeyId,
    oldKeyIds: rotation.oldKeyIds,
    done,
    pending: [
      'restart the application so it signs with the new key (the secret store holds it)',
      `retire the old key (${rotation.oldKeyIds.join(', ') || 'none'}): run again with --finish`,
    ],
  }
}
