import { usesClientSecret, type TokenEndpointAuthMethod } from '../domain/app-requirements.js'
import { AuthError, ConfigError, ManagementApiError, UsageError } from '../domain/errors.js'
import type { ClientSecret } from '../domain/okta-model.js'
import { secretKeys, type Profile, type SecretRotation } from '../domain/profile.js'
import type { ClientSecretProbe } from '../infra/client-probe.js'
import type { Clock } from '../infra/clock.js'
import type { OktaAdmin } from '../infra/okta-admin.js'
import type { ProfileStore } from '../infra/profile-store.js'
import type { SecretStore } from '../infra/secret-store.js'

/** What `okta rotate-secret` was asked to do. */
export interface RotateSecretInput {
  profile: string
  /** Retire the old secret(s) now (after the new one is proven). */
  finish: boolean
  /** Retire them on a later run once this much time has passed since the new one was proven. */
  graceMs?: number | undefined
  /** Re-render the target's files with the new secret (the command knows where and how). */
  render?: (() => Promise<{ dir: string; files: string[] }>) | undefined
  /** The client authentication method of the app (from the target's requirements). */
  method: TokenEndpointAuthMethod
}

/** The edges a rotation touches. */
export interface RotateSecretDeps {
  admin: OktaAdmin
  profiles: ProfileStore
  secretStore(): Promise<SecretStore>
  probe: ClientSecretProbe
  clock: Clock
  /** Called at each step, for progress output. */
  onStep?: ((step: string) => void) | undefined
}

/** Where a rotation stands after this run. */
export interface RotateSecretResult {
  profile: string
  appId: string
  /** `finished` once the old secrets are retired; else the rotation's step. */
  state: SecretRotation['step'] | 'finished'
  newSecretId: string | undefined
  oldSecretIds: string[]
  /** What this run did, in order (e.g. `added`, `stored`, `rendered`, `proven`, `retired`). */
  done: string[]
  renderedTo: string | undefined
  renderedFiles: string[]
  /** What is left to do, for people and scripts (empty once finished). */
  pending: string[]
  graceUntil: string | undefined
}

/**
 * Rotates a client secret with no moment where the application's secret is refused: Okta holds two active secrets
 * at most (spec createOAuth2ClientSecret), so the new one is added beside the old, stored, rendered into the target's
 * files, proven at the token endpoint, and only then (with `finish`, or after the grace period) is the old one
 * deactivated and deleted (an active secret cannot be deleted: spec deleteOAuth2ClientSecret). Every step is saved in
 * the profile before the next begins, so an interrupted run resumes where it stopped; a run during a rotation that
 * cannot finish yet says what is pending.
 */
export async function rotateSecret(input: RotateSecretInput, deps: RotateSecretDeps): Promise<RotateSecretResult> {
  const { admin, profiles } = deps
  const profile = await profiles.get(input.profile)
  if (!profile?.appId || !profile.clientId || !profile.issuer) {
    throw new ConfigError(`profile "${input.profile}" has no Okta app to rotate a secret for`, {
      hint: `create it first: oidc-setup okta create-app --profile ${input.profile} …`,
    })
  }
  if (!usesClientSecret(input.method)) {
    throw new UsageError(`the app of profile "${input.profile}" has no client secret (client authentication: ${input.method})`, {
      hint: input.method === 'private_key_jwt' ? 'rotate its key with `oidc-setup okta rotate-key`' : 'public clients have nothing to rotate',
    })
  }
  const appId = profile.appId
  const store = await deps.secretStore()
  const done: string[] = []
  const step = (name: string): void => {
    done.push(name)
    deps.onStep?.(name)
  }
  const save = async (rotation: SecretRotation): Promise<SecretRotation> => {
    await profiles.update(input.profile, { rotation })
    return rotation
  }
  let rotation = profile.rotation
  let secrets = await admin.listClientSecrets(appId)
  const active = (): ClientSecret[] => secrets.filter((s) => s.status === 'ACTIVE')

  if (!rotation) {
    if (active().length >= 2) {
      throw new ConfigError(`the app of profile "${input.profile}" already has two active client secrets (${active().map((s) => s.id).join(', ')}); Okta allows two`, {
        hint: 'deactivate and delete the one no application uses (Admin Console › the app › Client secrets), then rotate',
      })
    }
    rotation = await save({ step: 'adding', oldSecretIds: active().map((s) => s.id), startedAt: deps.clock.now().toISOString() })
  }

  if (rotation.step === 'adding') {
    // A run that stopped between adding the secret in Okta and saving it leaves an orphan: adopt it when its
    // plaintext reached the store, else retire it (its plaintext is gone) and add another.
    const orphans = active().filter((s) => !rotation?.oldSecretIds.includes(s.id))
    const next = await store.get(secretKeys.clientSecretNext(input.profile))
    let created: ClientSecret | undefined
    if (orphans.length === 1 && next) {
      created = orphans[0]
    } else {
      for (const orphan of orphans) {
        await admin.setClientSecretStatus(appId, orphan.id, 'INACTIVE')
        await admin.deleteClientSecret(appId, orphan.id)
      }
      created = await admin.createClientSecret(appId)
      if (!created.value || created.value.includes('...')) {
        throw new ManagementApiError('Okta did not return the new client secret in its creation response', { status: undefined }, {
          hint: 'nothing is stored; delete the new secret in the Admin Console and run again',
        })
      }
      await store.set(secretKeys.clientSecretNext(input.profile), created.value)
    }
    rotation = await save({ ...rotation, step: 'added', newSecretId: created?.id })
    secrets = await admin.listClientSecrets(appId)
    step('added')
  }

  if (rotation.step === 'added') {
    const next = await store.get(secretKeys.clientSecretNext(input.profile))
    const current = await store.get(secretKeys.clientSecret(input.profile))
    if (next) {
      if (current && current !== next) {
        await store.set(secretKeys.clientSecretPrevious(input.profile), current)
      }
      await store.set(secretKeys.clientSecret(input.profile), next)
      await profiles.update(input.profile, { clientSecretHash: secrets.find((s) => s.id === rotation?.newSecretId)?.secretHash })
    } else if (!current) {
      // The new secret's plaintext is lost (the store was cleared): start the rotation's add step over, which retires
      // the orphaned secret in Okta and adds a fresh one.
      await save({ ...rotation, step: 'adding', newSecretId: undefined })
      throw new ConfigError(`the new client secret of profile "${input.profile}" is no longer in the ${store.describe()}`, {
        hint: 'run the same command again: it retires the orphaned secret in Okta and adds a new one',
      })
    }
    rotation = await save({ ...rotation, step: 'stored' })
    await store.delete(secretKeys.clientSecretNext(input.profile))
    step('stored')
  }

  let renderedFiles: string[] = []
  if (input.render && (rotation.step === 'stored' || rotation.step === 'rendered' || rotation.step === 'proven')) {
    const rendered = await input.render()
    renderedFiles = rendered.files
    rotation = await save({ ...rotation, step: rotation.step === 'stored' ? 'rendered' : rotation.step, renderedTo: rendered.dir })
    step('rendered')
  }

  if (rotation.step === 'stored' || rotation.step === 'rendered') {
    const secret = await store.get(secretKeys.clientSecret(input.profile))
    if (!secret) {
      throw new ConfigError(`no client secret for profile "${input.profile}" in the ${store.describe()}`)
    }
    const verdict = await deps.probe.probe({
      issuer: profile.issuer,
      clientId: profile.clientId,
      secret,
      method: input.method,
      redirectUri: profile.redirectUris?.[0],
    })
    if (!verdict.accepted) {
      throw new AuthError(`Okta's token endpoint refused the new client secret (${verdict.error}${verdict.description ? `: ${verdict.description}` : ''})`, {
        hint: `the old secret is still active, nothing was retired; check the app's secrets in the Admin Console (was the new one ${rotation.newSecretId ?? ''} deactivated?) and run again`,
      })
    }
    rotation = await save({ ...rotation, step: 'proven' })
    step('proven')
  }

  const now = deps.clock.now()
  if (input.graceMs !== undefined && !rotation.graceUntil) {
    rotation = await save({ ...rotation, graceUntil: new Date(now.getTime() + input.graceMs).toISOString() })
  }
  const graceOver = rotation.graceUntil !== undefined && Date.parse(rotation.graceUntil) <= now.getTime()
  if (rotation.step === 'proven' && (input.finish || graceOver)) {
    secrets = await admin.listClientSecrets(appId)
    for (const id of rotation.oldSecretIds) {
      const old = secrets.find((s) => s.id === id)
      if (!old) {
        continue
      }
      if (old.status === 'ACTIVE') {
        await admin.setClientSecretStatus(appId, id, 'INACTIVE')
      }
      await admin.deleteClientSecret(appId, id)
    }
    await store.delete(secretKeys.clientSecretPrevious(input.profile))
    const latest = (await profiles.get(input.profile)) as Profile
    await profiles.put({ ...latest, rotation: undefined })
    step('retired')
    return {
      profile: input.profile,
      appId,
      state: 'finished',
      newSecretId: rotation.newSecretId,
      oldSecretIds: rotation.oldSecretIds,
      done,
      renderedTo: rotation.renderedTo,
      renderedFiles,
      pending: [],
      graceUntil: rotation.graceUntil,
    }
  }
  const pending: string[] = []
  if (!rotation.renderedTo) {
    pending.push(`re-render the application's files with the new secret (--render DIR), or update them by hand`)
  }
  pending.push('restart the application so it uses the new secret')
  pending.push(
    rotation.graceUntil
      ? `retire the old secret (${rotation.oldSecretIds.join(', ') || 'none'}): run again after ${rotation.graceUntil}, or with --finish`
      : `retire the old secret (${rotation.oldSecretIds.join(', ') || 'none'}): run again with --finish (or --grace DURATION)`,
  )
  return {
    profile: input.profile,
    appId,
    state: rotation.step,
    newSecretId: rotation.newSecretId,
    oldSecretIds: rotation.oldSecretIds,
    done,
    renderedTo: rotation.renderedTo,
    renderedFiles,
    pending,
    graceUntil: rotation.graceUntil,
  }
}
