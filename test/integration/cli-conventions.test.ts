import { describe, expect, it } from 'vitest'
import { runCli } from '../helpers/cli.js'

describe('CLI conventions', () => {
  it('prints the version on stdout', async () => {
    const r = await runCli(['--version'])
    expect(r.code).toBe(0)
    expect(r.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/)
  })

  it('has help with examples and the exit codes', async () => {
    const r = await runCli(['--help'])
    expect(r.code).toBe(0)
    expect(r.stdout).toContain('Examples:')
    expect(r.stdout).toContain('Exit codes: 0 ok, 1 internal error, 2 usage')
  })

  it('exits 2 with one error line and a hint for an unknown option', async () => {
    const r = await runCli(['--bogus'])
    expect(r.code).toBe(2)
    expect(r.stdout).toBe('')
    expect(r.stderr).toContain("error: unknown option '--bogus'")
    expect(r.stderr).not.toMatch(/\n\s+at /)
  })

  it('exits 2 for an unknown command and suggests the closest one', async () => {
    const r = await runCli(['hepl'])
    expect(r.code).toBe(2)
    expect(r.stderr).toContain("error: unknown command 'hepl'")
  })

  it('exits 2 and shows help on stderr when run with no arguments', async () => {
    const r = await runCli([])
    expect(r.code).toBe(2)
    expect(r.stdout).toBe('')
    expect(r.stderr).toContain('Usage: oidc-setup')
  })

  it('colors only when asked: FORCE_COLOR colors a pipe, NO_COLOR (and a pipe) does not', async () => {
    const forced = await runCli(['completion', 'tcsh'], { env: { NO_COLOR: undefined, FORCE_COLOR: '1' } })
    expect(forced.stderr).toContain('\x1b[31merror:\x1b[39m unknown shell "tcsh"')
    const plain = await runCli(['completion', 'tcsh'], { env: { NO_COLOR: undefined } })
    expect(plain.stderr).toBe('error: unknown shell "tcsh"\nhint: use one of: bash, zsh, fish\n')
  })

  it('rejects an unknown --secret-store value', async () => {
    const r = await runCli(['--secret-store', 'vault', '--version'])
    expect(r.code).toBe(2)
    expect(r.stderr).toContain("option '--secret-store <kind>' argument 'vault' is invalid")
  })

  it('every command and subcommand has --help with examples', async () => {
    const commandsIn = (help: string): string[] => {
      const section = help.split(/^Commands:$/m)[1]?.split(/^\S/m)[0] ?? ''
      return [...section.matchAll(/^ {2}([a-z][a-z-]*)/gm)].map((m) => m[1]!).filter((n) => n !== 'help')
    }
    const visit = async (path: string[]): Promise<number> => {
      const r = await runCli([...path, '--help'])
      expect(r.code, path.join(' ')).toBe(0)
      const subs = commandsIn(r.stdout)
      if (path.length > 0) {
        expect(r.stdout, `${path.join(' ')} --help`).toContain('Examples:')
      }
      let count = 1
      for (const sub of subs) {
        count += await visit([...path, sub])
      }
      return count
    }
    expect(await visit([])).toBeGreaterThan(1)
  })
})
