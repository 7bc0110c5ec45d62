/** What the value of a flag (or a positional argument) is completed with. */
export type ValueKind =
  | { kind: 'words'; words: string[] }
  /** Profile names, listed when completing (`oidc-setup profiles list`), so new profiles appear at once. */
  | { kind: 'profile' }
  | { kind: 'file' }
  | { kind: 'dir' }
  /** Something only the user knows (a URL, an id): nothing is offered. */
  | { kind: 'free' }

/** One flag: its spellings, and what its value completes with (absent: a switch without a value). */
export interface CompletionOption {
  flags: string[]
  value?: ValueKind | undefined
}

/** The command tree a completion script is generated from (built from commander's own definitions). */
export interface CompletionTree {
  name: string
  options: CompletionOption[]
  commands: CompletionTree[]
  /** What the first positional argument completes with, when the command takes one. */
  argument?: ValueKind | undefined
}

type Shell = 'bash' | 'zsh' | 'fish'

interface PathSpec {
  path: string[]
  node: CompletionTree
  /** The options valid here: the command's own, then the globals. */
  options: CompletionOption[]
}

function walk(tree: CompletionTree, globals: CompletionOption[], prefix: string[] = []): PathSpec[] {
  const own = prefix.length ? [...tree.options, ...globals] : tree.options
  return [{ path: prefix, node: tree, options: own }, ...tree.commands.flatMap((c) => walk(c, globals, [...prefix, c.name]))]
}

const quote = (word: string): string => `'${word.replaceAll("'", "'\\''")}'`

/** The bash code that fills COMPREPLY for a value kind (the word being completed is in $cur). */
function bashValues(value: ValueKind): string {
  switch (value.kind) {
    case 'words':
      return `COMPREPLY=( $(compgen -W ${quote(value.words.join(' '))} -- "$cur") )`
    case 'profile':
      // Listed when completing: tab-separated when piped, the name first.
      return 'COMPREPLY=( $(compgen -W "$("${COMP_WORDS[0]}" profiles list 2>/dev/null | cut -f1)" -- "$cur") )'
    case 'file':
      return 'compopt -o filenames 2>/dev/null; COMPREPLY=( $(compgen -f -- "$cur") )'
    case 'dir':
      return 'compopt -o filenames 2>/dev/null; COMPREPLY=( $(compgen -d -- "$cur") )'
    case 'free':
      return 'COMPREPLY=()'
  }
}

function bashScript(tree: CompletionTree): string {
  const specs = walk(tree, tree.options)
  const key = (path: string[]): string => path.join(' ')
  const specCases = specs
    .map(({ path, node, options }) => {
      const valueFlags = options.filter((o) => o.value).flatMap((o) => o.flags)
      const flags = options.flatMap((o) => o.flags)
      return `    ${quote(key(path))}) subs=${quote(node.commands.map((c) => c.name).join(' '))}; flags=${quote(flags.join(' '))}; vflags=${quote(` ${valueFlags.join(' ')} `)} ;;`
    })
    .join('\n')
  const valueCases = specs
    .flatMap(({ path, node, options }) => [
      ...options
        .filter((o) => o.value)
        .map((o) => `    ${o.flags.map((f) => quote(`${key(path)}|${f}`)).join('|')}) ${bashValues(o.value as ValueKind)} ;;`),
      ...(node.argument ? [`    ${quote(`${key(path)}|`)}) ${bashValues(node.argument)} ;;`] : []),
    ])
    .join('\n')
  return `# bash completion for oidc-setup, generated from its command definitions (oidc-setup completion bash)
_oidc_setup_spec() {
  subs=""; flags=""; vflags=" "
  case "$1" in
${specCases}
  esac
}
_oidc_setup_values() {
  case "$1" in
${valueCases}
    *) return 1 ;;
  esac
}
_oidc_setup() {
  local cur prev path="" i w skip=0 subs flags vflags
  cur="\${COMP_WORDS[COMP_CWORD]}"
  # Walk the words before the cursor: subcommands extend the path, a flag that takes a value skips that value.
  for ((i = 1; i < COMP_CWORD; i++)); do
    w="\${COMP_WORDS[i]}"
    if [ "$skip" = 1 ]; then skip=0; continue; fi
    _oidc_setup_spec "$path"
    case "$w" in
      --*=*) ;;
      -*) case "$vflags" in *" $w "*) skip=1 ;; esac ;;
      *) case " $subs " in *" $w "*) path="\${path:+$path }$w" ;; esac ;;
    esac
  done
  _oidc_setup_spec "$path"
  COMPREPLY=()
  if [ "$skip" = 1 ]; then
    prev="\${COMP_WORDS[COMP_CWORD-1]}"
    _oidc_setup_values "$path|$prev"
    return 0
  fi
  case "$cur" in
    --*=*)
      prev="\${cur%%=*}"; cur="\${cur#*=}"
      _oidc_setup_values "$path|$prev"
      return 0 ;;
    -*) COMPREPLY=( $(compgen -W "$flags" -- "$cur") ); return 0 ;;
  esac
  if [ -n "$subs" ]; then
    COMPREPLY=( $(compgen -W "$subs" -- "$cur") )
  elif ! _oidc_setup_values "$path|"; then
    COMPREPLY=( $(compgen -W "$flags" -- "$cur") )
  fi
}
complete -F _oidc_setup oidc-setup
`
}

function fishValues(value: ValueKind): string {
  switch (value.kind) {
    case 'words':
      return `-f -a ${quote(value.words.join(' '))}`
    case 'profile':
      return `-f -a '(oidc-setup profiles list 2>/dev/null | cut -f1)'`
    case 'file':
      return '-F'
    case 'dir':
      return `-f -a '(__fish_complete_directories)'`
    case 'free':
      return '-f'
  }
}

function fishScript(tree: CompletionTree): string {
  const specs = walk(tree, tree.options)
  const lines: string[] = [
    '# fish completion for oidc-setup, generated from its command definitions (oidc-setup completion fish)',
    'complete -c oidc-setup -f',
  ]
  for (const { path, node, options } of specs) {
    // fish knows which flags take a value (-r), so it never mistakes a value for a subcommand.
    const here = path.length === 0 ? '__fish_use_subcommand' : `__fish_seen_subcommand_from ${path[path.length - 1] ?? ''}`
    const below = node.commands.map((c) => c.name)
    const cond = below.length && path.length ? `${here}; and not __fish_seen_subcommand_from ${below.join(' ')}` : here
    for (const sub of node.commands) {
      lines.push(`complete -c oidc-setup -n ${quote(cond)} -a ${sub.name}`)
    }
    const own = path.length === 0 ? options : options.slice(0, node.options.length)
    for (const option of own) {
      const spell = option.flags.map((f) => (f.startsWith('--') ? `-l ${f.slice(2)}` : `-s ${f.slice(1)}`)).join(' ')
      const scope = path.length === 0 ? '' : `-n ${quote(here)} `
      lines.push(`complete -c oidc-setup ${scope}${spell}${option.value ? ` -r ${fishValues(option.value)}` : ''}`)
    }
    if (node.argument && path.length) {
      lines.push(`complete -c oidc-setup -n ${quote(here)} ${fishValues(node.argument)}`)
    }
  }
  return `${lines.join('\n')}\n`
}

/** A completion script for the shell: commands, flags, and the values of flags at every level. */
export function completionScript(shell: Shell, tree: CompletionTree): string {
  if (shell === 'bash') {
    return bashScript(tree)
  }
  if (shell === 'zsh') {
    // zsh runs the bash function through its own bash-completion emulation (compinit + bashcompinit).
    return `#compdef oidc-setup
# zsh completion for oidc-setup (oidc-setup completion zsh), through zsh's bash completion emulation
autoload -U +X compinit && compinit -u
autoload -U +X bashcompinit && bashcompinit
${bashScript(tree)}`
  }
  return fishScript(tree)
}
