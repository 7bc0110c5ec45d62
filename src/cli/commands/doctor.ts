import type { Command } from 'commander'
import { allPassed, type CheckResult } from '../../domain/doctor.js'
import { ConfigError, ErrorCode, UsageError } from '../../domain/errors.js'
import { intentOf } from '../../domain/intent-of.js'
import type { OktaAdmin } from '../../infra/okta-admin.js'
import { requireTarget } from '../../targets/index.js'
import { withExamples, type ActionContext, type RegisterCommand } from '../context.js'
import { checkMark } from '../output.js'
import { confirmDestructive } from '../confirm.js'
import { collect, connectOkta, describeChange } from './okta.js'
import { READ_SCOPES } from '../../domain/okta-credentials.js'

const requireTargetModule = (name: string) => requireTarget(name)

interface DoctorOptions {
  target?: string
  config?: string[]
  fix?: boolean
  groupsClaim?: boolean
}

function printCheck(c: ActionContext, r: CheckResult): void {
  const color = c.out.stdoutColor
  c.out.result(`${checkMark(r.status, color)} ${r.message}`)
  if (r.fix && r.status !== 'pass') {
    c.out.result(`    ${color.dim('fix:')} ${r.fix}${r.fixable ? color.dim(' (doctor --fix can do this)') : ''}`)
  }
}

/** `oidc-setup doctor`: checks a live setup, one line per check, exit 0 only when none fails. */
export const registerDoctor: RegisterCommand = (program, ctx) => {
  const cmd = program
    .command('doctor')
    .description('check a live Okta setup: issuer, app settings, policy, assignments, secrets, rendered files, clock')
    .option('--target <name>', 'the target the profile is for (default: the profile\'s)')
    .option('--config <file>', 'a rendered config file to compare with Okta (repeatable)', collect)
    .option('--groups-claim', 'also require a "groups" claim on the authorization server')
    .option('--fix', 'repair what can be repaired through the provisioning engine, after showing the plan')
    .action(async (options: DoctorOptions, command: Command) => {
      const c = ctx.context(command)
      const { deps, out, globals } = c
      const profile = await deps.profiles.get(globals.profile)
      if (!profile) {
        throw new ConfigError(`no profile "${globals.profile}"`, {
          code: ErrorCode.profileNotFound,
          hint: 'create it with `oidc-setup setup` or `oidc-setup okta create-app`, or pass --profile NAME',
        })
      }
      const targetName = options.target ?? profile.target
      if (!targetName) {
        throw new UsageError(`profile "${profile.name}" names no target`, { hint: 'pass --target NAME' })
      }
      const target = requireTarget(targetName)
      let admin: OktaAdmin | undefined
      const connect = async (): Promise<OktaAdmin | undefined> => {
        if (admin) {
          return admin
        }
        try {
          admin = await connectOkta(c, undefined, READ_SCOPES)
        } catch (error) {
          if (error instanceof ConfigError) {
            return undefined
          }
          throw error
        }
        return admin
      }
      // Loaded here, not at startup: the use cases pull in yaml, the XML DOM and the provisioning engine.
      const [{ runDoctor }, { fetchProbe }] = await Promise.all([import('../../usecases/doctor.js'), import('../../infra/http.js')])
      const run = async (): Promise<CheckResult[]> => {
        const current = (await deps.profiles.get(globals.profile)) ?? profile
        return runDoctor(
          {
            profile: current,
            target,
            configFiles: options.config ?? [],
            groupsClaim: Boolean(options.groupsClaim) || Boolean(current.scopes?.includes('groups')),
          },
          {
            http: fetchProbe(),
            admin: connect,
            secretStore: () => deps.secretStore({ kind: globals.secretStore }),
            readFile: (file) => deps.fs.readText(file),
            now: () => deps.clock.now(),
            onResult: globals.json ? undefined : (r) => printCheck(c, r),
          },
        )
      }
      if (!globals.json) {
        out.info(`checking profile "${profile.name}" (${target.title}) against ${profile.issuer ?? 'its issuer'}`)
      }
      const { assumed } = intentOf(profile, target.requirements({ baseUrl: new URL(profile.baseUrl ?? 'http://127.0.0.1/') }))
      if (assumed.length) {
        out.info(`note: profile "${profile.name}" was written before oidc-setup kept intents; assumed: ${assumed.join('; ')}`)
      }
      let results = await run()

      if (options.fix && results.some((r) => r.status === 'fail' && r.fixable)) {
        const okta = await connect()
        if (!okta) {
          throw new ConfigError('doctor --fix needs Management API credentials', { hint: 'run `oidc-setup okta configure`' })
        }
        // The repair reads the profile's intent (custom redirect URIs, groups claim, label, server), never defaults.
        const { planDoctorFix, applyDoctorFix } = await import('../../usecases/doctor-fix.js')
        const { renderPlan } = await import('../../usecases/engine/index.js')
        const { changeOf } = await import('../../usecases/provision-app.js')
        const fixDeps = {
          admin: okta,
          profiles: deps.profiles,
          secretStore: () => deps.secretStore({ kind: globals.secretStore, probe: true }),
          clock: deps.clock,
          target: requireTargetModule,
          onApplied: (item: { action: string; kind: string; name: string }) => {
            if (item.action !== 'unchanged') {
              out.success(`${item.kind} "${item.name}": ${item.action === 'create' ? 'created' : item.action === 'update' ? 'updated' : 'deleted'}`)
            }
          },
        }
        const fix = await planDoctorFix({ profile: profile.name, target: options.target, groupsClaim: options.groupsClaim }, fixDeps)
        for (const note of fix.assumed) {
          out.warn(`assumed: ${note}`)
        }
        out.info('plan:')
        out.info(renderPlan(fix.plan))
        const writes = fix.plan.summary.create + fix.plan.summary.update + fix.plan.summary.delete
        const go =
          writes > 0 &&
          (await confirmDestructive(c, {
            action: `apply ${writes} change(s) to ${okta.orgUrl}`,
            items: fix.plan.items.filter((i) => i.action !== 'unchanged').map((i) => describeChange(changeOf(i), true)),
            preview: `oidc-setup doctor --profile ${profile.name}`,
          }))
        if (writes > 0 && !go) {
          out.notice('nothing changed in Okta')
        }
        if (go) {
          out.setInterruptAccount(`some repairs may already be applied in ${okta.orgUrl}; run \`oidc-setup doctor --profile ${profile.name}\` to see where it stands`)
          await applyDoctorFix(fix, fixDeps)
          if (!globals.json) {
            out.info('checking again')
          }
          results = await run()
        }
      }

      const failed = results.filter((r) => r.status === 'fail').length
      const warned = results.filter((r) => r.status === 'warn').length
      if (globals.json) {
        out.json({
          profile: profile.name,
          target: target.name,
          ok: allPassed(results),
          checks: results.map((r) => ({ id: r.id, status: r.status, message: r.message, fix: r.fix ?? null, fixable: Boolean(r.fixable) })),
        })
      } else {
        out.info(
          failed === 0
            ? `all ${results.length} checks passed${warned ? ` (${warned} warning${warned === 1 ? '' : 's'})` : ''}`
            : `${failed} of ${results.length} checks failed`,
        )
      }
      if (failed > 0) {
        throw new ConfigError(`${failed} check${failed === 1 ? '' : 's'} failed`, {
          code: ErrorCode.checksFailed,
          hint: results.some((r) => r.status === 'fail' && r.fixable)
            ? 'run `oidc-setup doctor --fix` to repair what it can'
            : 'apply the fixes above and run doctor again',
        })
      }
    })
  withExamples(cmd, [
    'oidc-setup doctor --profile kestra',
    'oidc-setup doctor --profile om --config ./om/openmetadata.yaml --json',
    'oidc-setup doctor --profile galaxy --fix --yes',
  ])
}
