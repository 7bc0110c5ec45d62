import { ConfigError, UsageError } from '../../domain/errors.js'
import type { RotateKeyResult } from '../../usecases/rotate-key.js'
import { confirmDestructive } from '../confirm.js'
import { withExamples, type ActionContext, type RegisterCommand } from '../context.js'
import { connectOkta, oktaCommand } from './okta.js'

function report(result: RotateKeyResult, json: boolean, c: ActionContext): void {
  const { out } = c
  if (json) {
    out.json(result)
    return
  }
  if (result.state === 'finished') {
    out.result(`key rotation finished for profile ${result.profile}: key ${result.newKid} in use, ${result.oldKeyIds.join(', ') || 'no old key'} retired`)
    return
  }
  out.result(`key rotation of profile ${result.profile}: ${result.state} (new key ${result.newKid}; old ${result.oldKeyIds.join(', ') || 'none'})`)
  for (const p of result.pending) {
    out.hint(p)
  }
}

/** `oidc-setup okta rotate-key`: a private_key_jwt app's key, generated → registered → stored → proven → retired, resumable. */
export const registerOktaRotateKey: RegisterCommand = (program, ctx) => {
  const cmd = oktaCommand(program)
    .command('rotate-key')
    .description("rotate a private_key_jwt app's signing key without downtime: generate a key pair, register its public key, store the private key, prove it, then retire the old key")
    .option('--finish', 'retire (deactivate and delete) the old key once the new one is proven; asks first, --yes off a terminal')
    .action(async (options: { finish?: boolean }, command) => {
      const c = ctx.context(command)
      const { deps, out, globals, profileExplicit } = c
      if (!profileExplicit) {
        throw new UsageError('okta rotate-key needs an explicit --profile', { hint: 'pass --profile NAME (oidc-setup profiles list shows them)' })
      }
      const profile = await deps.profiles.get(globals.profile)
      if (!profile?.appId) {
        throw new ConfigError(`profile "${globals.profile}" has no Okta app`, {
          hint: `oidc-setup okta create-app --profile ${globals.profile} --client-auth private-key-jwt …`,
        })
      }
      const admin = await connectOkta(c)
      if (options.finish && !globals.yes) {
        const old = profile.keyRotation?.oldKeyIds ?? (await admin.listJwks(profile.appId)).filter((k) => k.status === 'ACTIVE').map((k) => k.id)
        const ok = await confirmDestructive(c, {
          action: `retire the old public key of profile "${profile.name}" once the new one is proven`,
          items: old.map((id) => `public key ${id} (deactivated, then deleted)`),
        })
        if (!ok) {
          out.notice('nothing changed')
          return
        }
      }
      out.setInterruptAccount(`the key rotation of profile "${profile.name}" stopped part-way; its state is in the profile: run the same command again to resume`)
      const [{ rotateKey }, { openIdClientKeyProbe }] = await Promise.all([import('../../usecases/rotate-key.js'), import('../../infra/client-key-probe.js')])
      const result = await rotateKey(
        { profile: profile.name, finish: Boolean(options.finish) },
        {
          admin,
          profiles: deps.profiles,
          secretStore: () => deps.secretStore({ kind: globals.secretStore, probe: true }),
          probe: openIdClientKeyProbe(),
          clock: deps.clock,
          onStep: (step) =>
            out.success(
              {
                generated: 'generated a new key pair (the private key is in the secret store only)',
                registered: 'registered its public key with the app in Okta (active beside the old one)',
                stored: 'stored the new private key as the client key (the old one is kept until the rotation finishes)',
                proven: "Okta's token endpoint accepts assertions signed with the new key",
                retired: 'deactivated and deleted the old public key',
              }[step] ?? step,
            ),
        },
      )
      report(result, globals.json, c)
    })
  withExamples(cmd, [
    'oidc-setup okta rotate-key --profile billing-api               # generate, register, store, prove',
    'oidc-setup okta rotate-key --profile billing-api --finish --yes # after restarting the service: retire the old key',
  ])
}
