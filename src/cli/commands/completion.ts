import type { Command, Option } from 'commander'
import { UsageError } from '../../domain/errors.js'
import { targets } from '../../targets/index.js'
import { withExamples, type RegisterCommand } from '../context.js'
import { completionScript, type CompletionTree, type ValueKind } from '../completion.js'

const SHELLS = ['bash', 'zsh', 'fish'] as const

/** What a flag's value completes with, read from its definition: choices, target names, profiles, paths. */
function valueOf(option: Option): ValueKind | undefined {
  if (!option.required && !option.optional) {
    return undefined
  }
  if (option.argChoices?.length) {
    return { kind: 'words', words: option.argChoices }
  }
  const long = option.long ?? ''
  if (long === '--target') {
    // From the registry itself: a new target is completed as soon as it is registered.
    return { kind: 'words', words: targets.flatMap((t) => [t.name, ...t.aliases]) }
  }
  if (long === '--profile') {
    return { kind: 'profile' }
  }
  if (long === '--out' || long === '--config' || long === '--file' || long.endsWith('-file') || option.short === '-f') {
    return { kind: 'file' }
  }
  if (long === '--render') {
    return { kind: 'dir' }
  }
  return { kind: 'free' }
}

function argumentOf(cmd: Command, root: Command): ValueKind | undefined {
  const arg = cmd.registeredArguments[0]
  if (!arg) {
    return undefined
  }
  if (arg.argChoices?.length) {
    return { kind: 'words', words: arg.argChoices }
  }
  switch (arg.name()) {
    case 'shell':
      return { kind: 'words', words: [...SHELLS] }
    case 'name':
      return cmd.parent?.name() === 'profiles' ? { kind: 'profile' } : { kind: 'free' }
    case 'command':
      return { kind: 'words', words: root.commands.map((c) => c.name()) }
    default:
      return { kind: 'free' }
  }
}

/** The completion tree of a command, from commander's own definitions (commands, flags, arguments). */
export function treeOf(cmd: Command, root: Command = cmd): CompletionTree {
  return {
    name: cmd.name(),
    options: cmd.options
      .filter((o) => !o.hidden)
      .map((o) => ({ flags: [o.long, o.short].filter((f): f is string => Boolean(f)), value: valueOf(o) })),
    commands: cmd.commands.map((c) => treeOf(c, root)),
    argument: argumentOf(cmd, root),
  }
}

/** `oidc-setup completion bash|zsh|fish`: prints a completion script generated from the command tree. */
export const registerCompletion: RegisterCommand = (program, ctx) => {
  const cmd = program
    .command('completion')
    .description('print a shell completion script (bash, zsh or fish): commands, flags, targets, profiles, paths')
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
