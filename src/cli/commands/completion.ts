import type { Command } from 'commander'
import { UsageError } from '../../domain/errors.js'
import { withExamples, type RegisterCommand } from '../context.js'
import { completionScript, type CompletionTree } from '../completion.js'

const SHELLS = ['bash', 'zsh', 'fish'] as const

function treeOf(cmd: Command): CompletionTree {
  return {
    name: cmd.name(),
    options: cmd.options.flatMap((o) => [o.long, o.short].filter((f): f is string => Boolean(f))),
    commands: cmd.commands.filter((c) => c.name() !== 'help').map(treeOf),
  }
}

/** `oidc-setup completion bash|zsh|fish`: prints a completion script generated from the command tree. */
export const registerCompletion: RegisterCommand = (program, ctx) => {
  const cmd = program
    .command('completion')
    .description('print a shell completion script (bash, zsh or fish)')
    .argument('<shell>', `one of: ${SHELLS.join(', ')}`)
    .action((shell: string, _opts: unknown, self: Command) => {
      const { out } = ctx.context(self)
      if (!(SHELLS as readonly string[]).includes(shell)) {
        throw new UsageError(`unknown shell "${shell}"`, { hint: `use one of: ${SHELLS.join(', ')}` })
      }
      out.data(completionScript(shell as (typeof SHELLS)[number], treeOf(program)))
    })
  withExamples(cmd, [
    'oidc-setup completion bash > /etc/bash_completion.d/oidc-setup',
    'oidc-setup completion zsh > "${fpath[1]}/_oidc-setup"',
    'oidc-setup completion fish > ~/.config/fish/completions/oidc-setup.fish',
  ])
}
