import { execFileSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { runCli, tempDir } from '../helpers/cli.js'

describe('completion', () => {
  it('bash script completes commands and flags when sourced by a real bash', async () => {
    const r = await runCli(['completion', 'bash'])
    expect(r.code).toBe(0)
    const file = path.join(tempDir(), 'oidc-setup.bash')
    writeFileSync(file, r.stdout)
    const complete = (words: string[]): string[] =>
      execFileSync(
        'bash',
        [
          '-c',
          `source ${file}; COMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}; _oidc_setup; printf '%s\\n' "\${COMPREPLY[@]}"`,
        ],
        { encoding: 'utf8' },
      )
        .split('\n')
        .filter(Boolean)
    expect(complete(['oidc-setup', 'comp'])).toEqual(['completion'])
    expect(complete(['oidc-setup', 'completion', '--js'])).toEqual(['--json'])
  })

  it('prints zsh and fish scripts', async () => {
    const zsh = await runCli(['completion', 'zsh'])
    expect(zsh.stdout).toMatch(/^#compdef oidc-setup/)
    const fish = await runCli(['completion', 'fish'])
    expect(fish.stdout).toContain("complete -c oidc-setup -f -n '__fish_use_subcommand' -a completion")
  })

  it('rejects an unknown shell with exit 2', async () => {
    const r = await runCli(['completion', 'tcsh'])
    expect(r.code).toBe(2)
    expect(r.stderr).toBe('error: unknown shell "tcsh"\nhint: use one of: bash, zsh, fish\n')
  })
})
