/** The command tree a completion script is generated from. */
export interface CompletionTree {
  name: string
  options: string[]
  commands: CompletionTree[]
}

type Shell = 'bash' | 'zsh' | 'fish'

/** Every command path ("okta create-app") with the words that may follow it. */
function paths(tree: CompletionTree, prefix: string[] = []): Array<{ path: string[]; words: string[] }> {
  const here = { path: prefix, words: [...tree.commands.map((c) => c.name), ...tree.options] }
  return [here, ...tree.commands.flatMap((c) => paths(c, [...prefix, c.name]))]
}

/** A completion script for the shell, completing commands and flags at every level. */
export function completionScript(shell: Shell, tree: CompletionTree): string {
  const all = paths(tree)
  const globals = tree.options
  if (shell === 'bash') {
    const cases = all
      .map(({ path, words }) => `    "${path.join(' ')}") words="${[...words, ...(path.length ? globals : [])].join(' ')}" ;;`)
      .join('\n')
    return `# bash completion for oidc-setup
_oidc_setup() {
  local cur path="" w
  cur="\${COMP_WORDS[COMP_CWORD]}"
  for w in "\${COMP_WORDS[@]:1:COMP_CWORD-1}"; do
    case "$w" in -*) ;; *) path="\${path:+$path }$w" ;; esac
  done
  local words=""
  case "$path" in
${cases}
  esac
  COMPREPLY=( $(compgen -W "$words" -- "$cur") )
}
complete -F _oidc_setup oidc-setup
`
  }
  if (shell === 'zsh') {
    return `#compdef oidc-setup
# zsh completion for oidc-setup (uses bash completion emulation)
autoload -U +X bashcompinit && bashcompinit
${completionScript('bash', tree)}`
  }
  const lines = all.flatMap(({ path, words }) => {
    const cond =
      path.length === 0
        ? '__fish_use_subcommand'
        : `__fish_seen_subcommand_from ${path[path.length - 1]}`
    return words.map((w) =>
      w.startsWith('--')
        ? `complete -c oidc-setup -n '${cond}' -l ${w.slice(2)}`
        : w.startsWith('-')
          ? `complete -c oidc-setup -n '${cond}' -s ${w.slice(1)}`
          : `complete -c oidc-setup -f -n '${cond}' -a ${w}`,
    )
  })
  return `# fish completion for oidc-setup\n${lines.join('\n')}\n`
}
