import { UsageError } from '../../domain/errors.js'
import { requireTarget, targetNames } from '../../targets/index.js'
import { withExamples, type RegisterCommand } from '../context.js'
import { connectOkta, oktaCommand } from './okta.js'

interface AdoptOptions {
  clientId?: string
  label?: string
  target?: string
}

/** `oidc-setup okta adopt`: takes an app made by hand under management (writes a profile; Okta is untouched). */
export const registerOktaAdopt: RegisterCommand = (program, ctx) => {
  const cmd = oktaCommand(program)
    .command('adopt')
    .description('take an OIDC app made in the Admin Console under management: write a profile describing it as it is, and show what the target needs changed (nothing is written to Okta)')
    .option('--client-id <id>', 'the app\'s client id')
    .option('--label <label>', 'the app\'s exact label')
    .requiredOption('--target <name>', `what the app is for: ${targetNames()}`)
    .action(async (options: AdoptOptions, command) => {
      const c = ctx.context(command)
      const { deps, out, globals } = c
      if (Boolean(options.clientId) === Boolean(options.label)) {
        throw new UsageError('pass exactly one of --client-id ID and --label LABEL')
      }
      const target = requireTarget(options.target ?? '')
      const admin = await connectOkta(c)
      const [{ adoptApp }, { renderPlan, planJson }] = await Promise.all([import('../../usecases/adopt-app.js'), import('../../usecases/engine/index.js')])
      const result = await adoptApp(
        { clientId: options.clientId, label: options.label, target, profile: globals.profile },
        { admin, profiles: deps.profiles, clock: deps.clock, secretStore: () => deps.secretStore({ kind: globals.secretStore }) },
      )
      out.info(renderPlan(result.plan))
      out.info(`profile "${result.profile}" now manages "${result.label}"; nothing was changed in Okta`)
      out.info(`apply what the target needs: oidc-setup doctor --profile ${result.profile} --fix`)
      if (globals.json) {
        out.json({ profile: result.profile, appId: result.appId, clientId: result.clientId, intent: result.intent, ...planJson(result.plan) })
      } else {
        out.result(`profile: ${result.profile}`)
        out.result(`client id: ${result.clientId}`)
      }
    })
  withExamples(cmd, [
    'oidc-setup okta adopt --label "Kestra (prod)" --target kestra --profile kestra-prod',
    'oidc-setup okta adopt --client-id 0oa1b2c3d4 --target web --profile portal --json',
  ])
}
