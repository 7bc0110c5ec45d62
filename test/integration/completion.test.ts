// Issue 11 §6: completion scripts generated from commander's command definitions, run in the real shells: bash's
// completion function with COMP_WORDS/COMP_CWORD, fish's `complete -C`, zsh syntax-checked (zsh completion is the
// bash function through bashcompinit).
import { execFileSync, spawnSync } from 'node:child_process'
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { targets } from '../../src/targets/index.js'
import { BIN, runCli, tempDir } from '../helpers/cli.js'

const has = (cmd: string): boolean => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0

/** A config home with two profiles, and an `oidc-setup` on PATH (completion lists profiles by running it). */
const home = tempDir('oidc-setup-home-')
const bin = tempDir('oidc-setup-bin-')
mkdirSync(path.join(home, 'profiles'), { recursive: true })
for (const name of ['alpha', 'beta']) {
  writeFileSync(path.join(home, 'profiles', `${name}.json`), JSON.stringify({ target: 'cli' }))
}
writeFileSync(path.join(bin, 'oidc-setup'), `#!/bin/sh\nexec "${process.execPath}" "${BIN}" "$@"\n`)
chmodSync(path.join(bin, 'oidc-setup'), 0o755)
const shellEnv = { ...process.env, OIDC_SETUP_CONFIG_DIR: home, PATH: `${bin}:${process.env.PATH ?? ''}` }

const scripts: Record<string, string> = {}
beforeAll(async () => {
  for (const shell of ['bash', 'zsh', 'fish']) {
    const r = await runCli(['completion', shell])
    expect(r.code).toBe(0)
    scripts[shell] = path.join(tempDir(), `oidc-setup.${shell}`)
    writeFileSync(scripts[shell], r.stdout)
  }
})

/** What bash offers for the last word (the one being completed). */
function bash(words: string[], cwd = process.cwd()): string[] {
  const quoted = words.map((w) => `'${w}'`).join(' ')
  return execFileSync('bash', ['-c', `source ${scripts.bash}; COMP_WORDS=(${quoted}); COMP_CWORD=${words.length - 1}; _oidc_setup; printf '%s\\n' "\${COMPREPLY[@]}"`], {
    encoding: 'utf8',
    env: shellEnv,
    cwd,
  })
    .split('\n')
    .filter(Boolean)
}

describe('bash completion', () => {
  it('registers itself for oidc-setup (complete -p)', () => {
    expect(execFileSync('bash', ['-c', `source ${scripts.bash}; complete -p oidc-setup`], { encoding: 'utf8' }).trim()).toBe('complete -F _oidc_setup oidc-setup')
  })

  it('completes commands and subcommands at every level', () => {
    expect(bash(['oidc-setup', 'comp'])).toEqual(['completion'])
    expect(bash(['oidc-setup', 'okta', 'cr'])).toEqual(['create-app'])
    expect(bash(['oidc-setup', 'profiles', 'r'])).toEqual(['remove'])
    expect(bash(['oidc-setup', 'completion', '--js'])).toEqual(['--json'])
  })

  it('keeps completing after a flag that takes a value (the value is not a subcommand)', () => {
    expect(bash(['oidc-setup', '--profile', 'x', 'okta', 'cr'])).toEqual(['create-app'])
    expect(bash(['oidc-setup', 'render-config', '--target', 'kestra', '--fo'])).toEqual(['--format', '--force'])
    expect(bash(['oidc-setup', 'okta', 'create-app', '--base-url', 'https://a.example.com', '--dry'])).toEqual(['--dry-run'])
  })

  it('--target offers the registered targets, from the registry', () => {
    expect(bash(['oidc-setup', 'render-config', '--target', ''])).toEqual(targets.flatMap((t) => [t.name, ...t.aliases]))
    expect(bash(['oidc-setup', 'setup', '--target', 'kes'])).toEqual(['kestra'])
    expect(bash(['oidc-setup', 'okta', 'create-app', '--target=gal'])).toEqual(['galaxy'])
  })

  it('--profile and `profiles show|remove` offer the profiles that exist when completing', () => {
    expect(bash(['oidc-setup', 'login', '--profile', ''])).toEqual(['alpha', 'beta'])
    expect(bash(['oidc-setup', '-p', 'a'])).toEqual(['alpha'])
    expect(bash(['oidc-setup', 'profiles', 'remove', ''])).toEqual(['alpha', 'beta'])
    writeFileSync(path.join(home, 'profiles', 'gamma.json'), '{}')
    expect(bash(['oidc-setup', 'profiles', 'show', 'g'])).toEqual(['gamma'])
  })

  it('--out, --config and *-file offer paths; choices offer their values', () => {
    const dir = tempDir()
    mkdirSync(path.join(dir, 'conf-dir'))
    writeFileSync(path.join(dir, 'conf.yaml'), '')
    expect(bash(['oidc-setup', 'render-config', '--out', 'conf'], dir).sort()).toEqual(['conf-dir', 'conf.yaml'])
    expect(bash(['oidc-setup', 'doctor', '--config', 'conf.'], dir)).toEqual(['conf.yaml'])
    expect(bash(['oidc-setup', 'okta', 'configure', '--api-token-file', 'conf.'], dir)).toEqual(['conf.yaml'])
    expect(bash(['oidc-setup', 'render-config', '--format', ''])).toEqual(['native', 'env'])
    expect(bash(['oidc-setup', '--secret-store', ''])).toEqual(['keychain', 'file'])
    expect(bash(['oidc-setup', 'completion', ''])).toEqual(['bash', 'zsh', 'fish'])
    // A value only the user knows: nothing offered, certainly not flags.
    expect(bash(['oidc-setup', 'render-config', '--base-url', ''])).toEqual([])
  })
})

describe.runIf(has('zsh'))('zsh completion', () => {
  it('is valid zsh and defines the completion function', () => {
    expect(spawnSync('zsh', ['-n', scripts.zsh as string]).status).toBe(0)
    const r = spawnSync('zsh', ['-c', `source ${scripts.zsh}; whence -w _oidc_setup`], { encoding: 'utf8', env: shellEnv })
    expect(r.stdout.trim()).toBe('_oidc_setup: function')
  })
})

describe.runIf(has('fish'))('fish completion', () => {
  const fish = (line: string): string[] =>
    execFileSync('fish', ['-c', `source ${scripts.fish}; complete -C "${line}"`], { encoding: 'utf8', env: shellEnv })
      .split('\n')
      .map((l) => l.split('\t')[0] ?? '')
      .filter(Boolean)

  it('is valid fish and completes commands, flags after value flags, targets and profiles', () => {
    expect(spawnSync('fish', ['-n', scripts.fish as string]).status).toBe(0)
    expect(fish('oidc-setup okta cr')).toEqual(['create-app'])
    expect(fish('oidc-setup render-config --target kestra --fo')).toEqual(['--force', '--format'])
    expect(fish('oidc-setup render-config --target kes')).toContain('kestra')
    expect(fish('oidc-setup login --profile ')).toEqual(expect.arrayContaining(['alpha', 'beta']))
  })
})

describe('completion command', () => {
  it('rejects an unknown shell with exit 2', async () => {
    const r = await runCli(['completion', 'tcsh'])
    expect(r.code).toBe(2)
    expect(r.stderr).toBe('error: unknown shell "tcsh"\nhint: use one of: bash, zsh, fish\n')
  })
})
