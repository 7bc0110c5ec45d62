import type { Command } from 'commander'
import { withExamples, type RegisterCommand } from '../context.js'

/** `oidc-setup spec schema` and `spec validate`: the spec format itself. */
export const registerSpec: RegisterCommand = (program, ctx) => {
  const spec = program.command('spec').description('the spec file format (oidc-setup.yaml): its JSON Schema, validation')
  const schema = spec
    .command('schema')
    .description('print the JSON Schema of the spec format (oidc-setup/v1), for editors and CI')
    .action(async (_options: unknown, command: Command) => {
      const c = ctx.context(command)
      const { specSchema } = await import('../../domain/spec.js')
      c.out.data(JSON.stringify(specSchema, null, 2))
    })
  const validate = spec
    .command('validate')
    .description('check a spec file without contacting Okta')
    .option('-f, --file <path>', 'the spec file', 'oidc-setup.yaml')
    .action(async (options: { file: string }, command: Command) => {
      const c = ctx.context(command)
      const { loadSpec } = await import('../../usecases/spec.js')
      const parsed = await loadSpec(options.file, { fs: c.deps.fs, cwd: c.deps.io.cwd })
      for (const w of parsed.warnings) {
        c.out.warn(w)
      }
      const envs = Object.keys(parsed.environments)
      if (c.globals.json) {
        c.out.json({ file: options.file, valid: true, apps: parsed.apps, environments: parsed.environments })
      } else {
        c.out.result(`${options.file}: valid, ${parsed.apps.length} app(s)${envs.length ? `, environments ${envs.join(', ')}` : ''}`)
      }
    })
  withExamples(spec, ['oidc-setup spec schema > oidc-setup.schema.json', 'oidc-setup spec validate -f apps.yaml'])
  withExamples(schema, ['oidc-setup spec schema > oidc-setup.schema.json   # then "# yaml-language-server: $schema=oidc-setup.schema.json"'])
  withExamples(validate, ['oidc-setup spec validate', 'oidc-setup spec validate -f apps.yaml --json'])
}
