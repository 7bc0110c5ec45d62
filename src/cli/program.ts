import { Command, Option } from 'commander'
import { UsageError } from '../domain/errors.js'
import type { Deps } from '../deps.js'
import type { Output } from './output.js'
import { readGlobals, type ActionContext, type CommandContext } from './context.js'
import { commandModules } from './commands/index.js'

import { VERSION } from '../version.js'

export { VERSION }

/** Builds the commander program with the global options and every command. */
export function buildProgram(deps: Deps, out: Output): Command {
  const program = new Command('oidc-setup')
  program
    .description('Wire an application to Okta: provision the app integration, render its config, log in.')
    .version(VERSION, '-V, --version', 'print the version')
    .option('--json', 'print exactly one JSON document on stdout')
    .option('--debug', 'print stack traces and redacted HTTP traces on stderr (or OIDC_SETUP_DEBUG=1)')
    .option('-q, --quiet', 'print only results, warnings and errors (no progress or explanations on stderr)')
    .option('-p, --profile <name>', 'profile to use (or OIDC_SETUP_PROFILE)', 'default')
    .option('-y, --yes', 'never prompt: confirm deletes and replacements, fail on missing values instead')
    .addOption(
      new Option('--secret-store <kind>', 'where secrets live (or OIDC_SETUP_SECRET_STORE)').choices(['keychain', 'file']),
    )
    .showSuggestionAfterError(true)
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({
      writeOut: (s) => deps.io.stdout.write(s),
      writeErr: (s) => deps.io.stderr.write(s),
      outputError: (s, write) => write(s.replace(/^error: /, `${out.color.red('error:')} `)),
    })
    .addHelpText(
      'after',
      `
Examples:
  $ oidc-setup sandbox start                       # a local Okta-compatible org to try everything on
  $ oidc-setup okta configure --org-url https://example.okta.com
  $ oidc-setup setup --target kestra --base-url https://kestra.example.com --out ./kestra
  $ oidc-setup render-config --target galaxy --base-url https://galaxy.example.org --out ./config
  $ oidc-setup login --profile cli && oidc-setup token --profile cli

Exit codes: 0 ok, 1 internal error, 2 usage, 3 config/file, 4 authentication, 5 Okta API, 130 interrupted.
`,
    )

  const ctx: CommandContext = {
    context(cmd: Command): ActionContext {
      const { globals, profileExplicit } = readGlobals(cmd, deps.io.env)
      const io = deps.io
      const interactive =
        io.stdinIsTTY && Boolean(io.stdout.isTTY) && !globals.yes && !globals.json && io.env.CI === undefined
      return { deps, out, globals, interactive, profileExplicit }
    },
  }
  for (const register of commandModules) {
    register(program, ctx)
  }
  // `help okta create-app`: commander's own help command reads only the first word.
  program.helpCommand(false)
  program
    .command('help')
    .description('display help for a command, e.g. help okta create-app')
    .argument('[command...]', 'the command and subcommand')
    .action((words: string[]) => {
      let cmd: Command = program
      for (const word of words) {
        const next = cmd.commands.find((c) => c.name() === word || c.aliases().includes(word))
        if (!next) {
          throw new UsageError(`unknown command "${[...words.slice(0, words.indexOf(word)), word].join(' ')}"`, {
            hint: `${cmd === program ? 'oidc-setup --help' : `oidc-setup help ${words.slice(0, words.indexOf(word)).join(' ')}`} lists the commands`,
          })
        }
        cmd = next
      }
      cmd.outputHelp()
    })
  applyToAll(program, (cmd) => {
    cmd.exitOverride()
    cmd.configureOutput(program.configureOutput())
  })
  return program
}

function applyToAll(cmd: Command, fn: (cmd: Command) => void): void {
  fn(cmd)
  for (const sub of cmd.commands) {
    applyToAll(sub, fn)
  }
}
