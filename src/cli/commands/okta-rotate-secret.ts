import { ConfigError, UsageError } from '../../domain/errors.js'
import { requireTarget } from '../../targets/index.js'
import { isRenderable } from '../../targets/types.js'
import type { RotateSecretResult } from '../../usecases/rotate-secret.js'
import { confirmDestructive } from '../confirm.js'
import { withExamples, type ActionContext, type RegisterCommand } from '../context.js'
import { connectOkta, oktaCommand } from './okta.js'

interface RotateSecretOptions {
  render?: string
  merge?: boolean
  finish?: boolean
  grace?: string
}

const UNITS: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 }

/** Parses `--grace` durations such as `90s`, `30m`, `24h`, `7d`. */
export function parseDuration(flag: string, text: string): number {
  const m = /^(\d+)([smhd])$/.exec(text.trim())
  if (!m) {
    throw new UsageError(`${flag} takes a duration such as 30m, 24h or 7d, not "${text}"`)
  }
  return Number(m[1]) * (UNITS[m[2] as string] as number)
}

function report(result: RotateSecretResult, json: boolean, c: ActionContext): void {
  const { out } = c
  if (json) {
    out.json(result)
    return
  }
  if (result.state === 'finished') {
    out.result(`rotation finished for profile ${result.profile}: secret ${result.newSecretId ?? ''} in use, ${result.oldSecretIds.join(', ') || 'no old secret'} retired`)
    return
  }
  out.result(`rotation of profile ${result.profile}: ${result.state} (new secret ${result.newSecretId ?? 'not yet added'}; old ${result.oldSecretIds.join(', ') || 'none'})`)
  for (const p of result.pending) {
    out.hint(p)
  }
}

/** `oidc-setup okta rotate-secret`: adds → stores → renders → proves → retires, resumable. */
export const registerOktaRotateSecret: RegisterCommand = (program, ctx) => {
  const cmd = oktaCommand(program)
    .command('rotate-secret')
    .description("rotate an app's client secret without downtime: add a second secret, store and render it, prove it, then retire the old one")
    .option('--render <dir>', "re-render the target's files in DIR with the new secret (merged: only the keys oidc-setup owns change)")
    .option('--merge', 're-render into the directory an earlier step of this rotation rendered to')
    .option('--finish', 'retire (deactivate and delete) the old secret once the new one is proven; asks first, --yes off a terminal')
    .option('--grace <duration>', 'retire the old secret on a run at least this long after the new one was proven (e.g. 24h)')
    .action(async (options: RotateSecretOptions, command) => {
      const c = ctx.context(command)
      const { deps, out, globals, profileExplicit } = c
      if (!profileExplicit) {
        throw new UsageError('okta rotate-secret needs an explicit --profile', { hint: 'pass --profile NAME (oidc-setup profiles list shows them)' })
      }
      if (options.render && options.merge) {
        throw new UsageError('pass either --render DIR or --merge, not both')
      }
      if (options.finish && options.grace) {
        throw new UsageError('pass either --finish or --grace DURATION, not both', { hint: '--finish retires the old secret now; --grace on a later run' })
      }
      const graceMs = options.grace ? parseDuration('--grace', options.grace) : undefined
      const profile = await deps.profiles.get(globals.profile)
      if (!profile?.appId || !profile.target) {
        throw new ConfigError(`profile "${globals.profile}" has no Okta app`, { hint: `oidc-setup okta create-app --profile ${globals.profile} …` })
      }
      const target = requireTarget(profile.target, `profile "${profile.name}"`)
      const method = target.requirements({ baseUrl: new URL(profile.baseUrl ?? 'http://127.0.0.1/'), settings: profile.settings }).tokenEndpointAuthMethod
      const renderDir = options.render ?? (options.merge ? profile.rotation?.renderedTo : undefined)
      if (options.merge && !renderDir) {
        throw new UsageError('--merge needs a directory this rotation rendered to, and there is none yet', { hint: 'pass --render DIR' })
      }
      if (renderDir && !isRenderable(target)) {
        throw new UsageError(`target "${target.name}" has no files to render`, { hint: 'leave out --render' })
      }
      const admin = await connectOkta(c)
      if (options.finish && !globals.yes) {
        const old = profile.rotation?.oldSecretIds ?? (await admin.listClientSecrets(profile.appId)).filter((s) => s.status === 'ACTIVE').map((s) => s.id)
        const ok = await confirmDestructive(c, {
          action: `retire the old client secret of profile "${profile.name}" once the new one is proven`,
          items: old.map((id) => `client secret ${id} (deactivated, then deleted)`),
        })
        if (!ok) {
          out.notice('nothing changed')
          return
        }
      }
      out.setInterruptAccount(
        `the rotation of profile "${profile.name}" stopped part-way; its state is in the profile: run the same command again to resume`,
      )
      const [{ rotateSecret }, { fetchClientSecretProbe }] = await Promise.all([
        import('../../usecases/rotate-secret.js'),
        import('../../infra/client-probe.js'),
      ])
      const result = await rotateSecret(
        {
          profile: profile.name,
          finish: Boolean(options.finish),
          graceMs,
          method,
          render: renderDir
            ? async () => {
                const { renderAfterCreate } = await import('./okta-render-bridge.js')
                const rendered = await renderAfterCreate(c, profile.name, target.name, renderDir, { nextSteps: false })
                return { dir: renderDir, files: rendered.files.map((f) => f.path) }
              }
            : undefined,
        },
        {
          admin,
          profiles: deps.profiles,
          secretStore: () => deps.secretStore({ kind: globals.secretStore, probe: true }),
          probe: fetchClientSecretProbe(),
          clock: deps.clock,
          onStep: (step) =>
            out.success(
              {
                added: 'added a second client secret in Okta',
                stored: 'stored the new secret (the old one is kept until the rotation finishes)',
                rendered: `rendered the target's files with the new secret`,
                proven: "Okta's token endpoint accepts the new secret",
                retired: 'deactivated and deleted the old secret',
              }[step] ?? step,
            ),
        },
      )
      report(result, globals.json, c)
    })
  withExamples(cmd, [
    'oidc-setup okta rotate-secret --profile kestra --render ./kestra      # add, store, render, prove',
    'oidc-setup okta rotate-secret --profile kestra --finish --yes          # after restarting Kestra: retire the old secret',
    'oidc-setup okta rotate-secret --profile kestra --render ./kestra --grace 24h',
  ])
}
