import { PROVISION_SCOPES } from '../../domain/okta-credentials.js'
import type { Command } from 'commander'
import { CliError, ErrorCode, ExitCode, UsageError } from '../../domain/errors.js'
import type { AppIntent } from '../../domain/intent.js'
import type { SpecEnvironment } from '../../domain/spec.js'
import { withExamples, type ActionContext, type RegisterCommand } from '../context.js'
import { collect, connectOkta, describeChange } from './okta.js'

/** Changes are pending (`plan --detailed-exitcode`, exit 2), like `terraform plan -detailed-exitcode`. */
class ChangesPending extends CliError {
  readonly exitCode = ExitCode.usage
  readonly code = ErrorCode.changesPending
}

interface ApplyOptions {
  file: string
  dryRun?: boolean
  only?: string[]
  env?: string
  prune?: boolean
  detailedExitcode?: boolean
}

/** Reads a secret reference of a spec environment (`apiToken: { env: NAME }` or `{ file: PATH }`). */
async function readReference(c: ActionContext, env: SpecEnvironment, specDir: string): Promise<string> {
  const ref = env.apiToken
  let value: string | undefined
  if (ref && 'env' in ref) {
    value = c.deps.io.env[ref.env]
    if (!value?.trim()) {
      throw new UsageError(`the environment variable ${ref.env} (environments.${env.name}.apiToken) is empty or unset`)
    }
  } else if (ref) {
    const path = await import('node:path')
    value = await c.deps.fs.readText(path.resolve(specDir, ref.file))
    if (!value?.trim()) {
      throw new UsageError(`could not read ${ref.file} (environments.${env.name}.apiToken)`)
    }
  }
  return (value ?? '').trim()
}

async function run(c: ActionContext, options: ApplyOptions, mode: 'apply' | 'plan'): Promise<void> {
  const { deps, out, globals } = c
  const dryRun = mode === 'plan' || Boolean(options.dryRun)
  const prune = Boolean(options.prune)
  const path = await import('node:path')
  const [{ loadSpec }, { applySpec }, { deleteApp }, { renderPlan }, { changeOf }, { randomBytes }] = await Promise.all([
    import('../../usecases/spec.js'),
    import('../../usecases/apply.js'),
    import('../../usecases/delete-app.js'),
    import('../../usecases/engine/index.js'),
    import('../../usecases/provision-app.js'),
    import('node:crypto'),
  ])
  const spec = await loadSpec(options.file, { fs: deps.fs, cwd: deps.io.cwd })
  for (const w of spec.warnings) {
    out.warn(w)
  }
  const specPath = path.resolve(deps.io.cwd, options.file)
  if (prune && !dryRun && !globals.yes && !c.interactive) {
    throw new UsageError('--prune deletes apps in Okta: pass --yes to confirm', {
      hint: `\`oidc-setup plan -f ${options.file} --prune\` shows what it would delete`,
    })
  }
  const secretStore = () => deps.secretStore({ kind: globals.secretStore, probe: !dryRun })
  let current = ''
  const result = await applySpec(
    { spec, env: options.env, only: options.only ?? [], dryRun, prune, specPath },
    {
      profiles: deps.profiles,
      secretStore,
      clock: deps.clock,
      connect: async (intent: AppIntent, env: SpecEnvironment | undefined) => {
        if (!intent.connection && env?.orgUrl) {
          const token = await readReference(c, env, path.dirname(specPath))
          out.registerSecret(token)
          const admin = await connectOkta(c, { orgUrl: env.orgUrl, auth: { mode: 'SSWS', token }, source: `environment "${env.name}" of ${options.file}` })
          return { admin }
        }
        return { admin: await connectOkta(c, undefined, PROVISION_SCOPES, { connection: intent.connection, profile: intent.name }), connection: intent.connection }
      },
      deleteApp: async (profile, admin, dry, onChange) =>
        deleteApp({ profile, dryRun: dry }, { admin, profiles: deps.profiles, secretStore, onChange }),
      confirmPrune: async (names) =>
        globals.yes || (await deps.prompt.confirm(`delete the Okta apps of ${names.map((n) => `"${n}"`).join(', ')} (no longer in ${options.file})?`, false)),
      randomPassword: () => `${randomBytes(18).toString('base64url')}aA1!`,
      onSecret: (value) => out.registerSecret(value),
      // The plan of each org, Terraform-style with values, before anything is written.
      onPlan: (plan) => out.info(renderPlan(plan)),
      onApplied: (item) => {
        if (item.action !== 'unchanged') {
          out.success(describeChange(changeOf(item), false))
        }
      },
      onChange: (app, change) => {
        if (app !== current) {
          current = app
          out.info(out.color.bold(`prune ${app}:`))
        }
        out.info(`  ${change.action === 'unchanged' ? ' ' : '-'} ${describeChange(change, dryRun)}`)
      },
      render: async (intent, target) => {
        if (intent.render) {
          const { renderAfterCreate } = await import('./okta-render-bridge.js')
          out.info(`rendering ${target.name} config into ${intent.render.out}`)
          await renderAfterCreate(c, intent.name, target.name, intent.render.out, { nextSteps: false, format: intent.render.format, secretRef: intent.render.secretRef })
        }
      },
    },
  )
  for (const w of result.warnings) {
    out.warn(w)
  }
  for (const name of result.orphans) {
    out.warn(`profile "${name}" was applied from ${options.file} and is no longer in it: --prune deletes its Okta app`)
  }
  const where = result.environment ? ` (environment ${result.environment})` : ''
  out.info(
    result.writes
      ? `${dryRun ? 'plan' : 'applied'}: ${result.writes} change(s) ${dryRun ? 'pending' : 'written'} across ${result.apps.length} app(s)${where}`
      : `no changes: ${result.apps.length} app(s) up to date${where}`,
  )
  if (globals.json) {
    out.json({
      file: options.file,
      environment: result.environment ?? null,
      dryRun,
      writes: result.writes,
      apps: result.apps.map((a) => ({
        app: a.app,
        profile: a.profile,
        target: a.target,
        orgUrl: a.orgUrl,
        appId: a.planned.appId ?? null,
        clientId: a.planned.clientId ?? null,
        issuer: a.planned.issuer ?? null,
        authServerId: a.planned.authServerId ?? null,
        secretStored: a.secretStored,
        // The plan with values (what each change sets, adds, removes or keeps); never a secret.
        plan: a.items,
      })),
      shared: result.shared,
      prune: result.prune,
      orphans: result.orphans,
    })
  } else {
    for (const a of result.apps) {
      out.result(`${a.app}: profile ${a.profile}, client id ${a.planned.clientId ?? '(not created yet)'}, issuer ${a.planned.issuer ?? '(not created yet)'}`)
    }
  }
  if (mode === 'plan' && options.detailedExitcode && result.writes > 0) {
    throw new ChangesPending(`${result.writes} change(s) pending${where}`, { hint: `\`oidc-setup apply -f ${options.file}${options.env ? ` --env ${options.env}` : ''}\` makes them` })
  }
}

function specOptions(cmd: Command): Command {
  return cmd
    .option('-f, --file <path>', 'the spec file', 'oidc-setup.yaml')
    .option('--env <name>', 'the environment (org) to apply to, from the spec\'s environments:')
    .option('--only <name>', 'only this app of the spec (repeatable)', collect)
    .option('--prune', 'also delete the apps this spec applied before and no longer declares')
}

/** `oidc-setup apply` and `oidc-setup plan`: reconcile every app of a spec file in one run. */
export const registerApply: RegisterCommand = (program, ctx) => {
  const apply = specOptions(program.command('apply').description('create or reconcile every app of a spec file (oidc-setup.yaml) in Okta'))
    .option('--dry-run', 'print the plan and write nothing (same as plan)')
    .action(async (options: ApplyOptions, command: Command) => run(ctx.context(command), options, 'apply'))
  withExamples(apply, [
    'oidc-setup apply                                   # ./oidc-setup.yaml',
    'oidc-setup apply -f apps.yaml --env prod --only galaxy',
    'oidc-setup apply -f apps.yaml --prune --yes',
  ])
  const plan = specOptions(program.command('plan').description('show what apply would change in Okta, writing nothing'))
    .option('--detailed-exitcode', 'exit 0 when nothing would change, 2 when changes are pending, else the error\'s exit code')
    .action(async (options: ApplyOptions, command: Command) => run(ctx.context(command), options, 'plan'))
  withExamples(plan, ['oidc-setup plan -f apps.yaml --env prod --detailed-exitcode   # drift detection in CI'])
}
