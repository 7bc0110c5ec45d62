import { execFileSync } from 'node:child_process'
import { readdirSync, symlinkSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { ROOT, tempDir } from '../helpers/cli.js'

// The package as npm would publish it: `files` must carry everything the CLI needs at run time (bin, dist with its
// code cache and sandbox bundle, templates). Its dependencies come from this checkout's node_modules.
describe('the packed tarball', () => {
  it('runs --version, --help and a render-config from an unpacked copy', () => {
    const dir = tempDir('oidc-setup-pack-')
    execFileSync('npm', ['pack', '--ignore-scripts', '--pack-destination', dir], { cwd: ROOT, stdio: 'ignore' })
    const tarball = readdirSync(dir).find((f) => f.endsWith('.tgz'))
    expect(tarball).toBeDefined()
    execFileSync('tar', ['-xzf', path.join(dir, tarball ?? ''), '-C', dir])
    const pkg = path.join(dir, 'package')
    symlinkSync(path.join(ROOT, 'node_modules'), path.join(pkg, 'node_modules'), 'dir')
    const files = execFileSync('find', ['.', '-type', 'f', '-not', '-path', './node_modules/*'], { cwd: pkg, encoding: 'utf8' })
    expect(files).toContain('./dist/cli.cjs.cache')
    expect(files).toContain('./dist/sandbox.cjs')
    expect(files).not.toContain('./src/')
    const run = (args: string[], env: Record<string, string> = {}): string =>
      execFileSync(process.execPath, [path.join(pkg, 'bin', 'oidc-setup.js'), ...args], {
        cwd: dir,
        env: { ...process.env, NO_COLOR: '1', OIDC_SETUP_CONFIG_DIR: tempDir(), ...env },
        encoding: 'utf8',
      })
    expect(run(['--version']).trim()).toMatch(/^\d+\.\d+\.\d+$/)
    expect(run(['--help'])).toContain('Usage: oidc-setup')
    const rendered = run(
      ['render-config', '--target', 'kestra', '--issuer', 'https://example.okta.com', '--client-id', '0oapack', '--client-secret-env', 'PACK_SECRET', '--base-url', 'https://kestra.example.com', '--stdout'],
      { PACK_SECRET: 'pack-secret-0123456789' },
    )
    expect(rendered).toContain('client-id: "0oapack"')
  })
})
