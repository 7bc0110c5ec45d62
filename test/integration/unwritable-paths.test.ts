// Issue 11: `render-config --out /proc/nope` spun at ~90 % CPU for minutes (Node's recursive mkdir retries ENOENT
// under /proc forever). Every unwritable --out now fails fast with exit 3 and a hint.
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { runCli, tempDir } from '../helpers/cli.js'

const render = (out: string) =>
  runCli(
    ['render-config', '--target', 'kestra', '--issuer', 'https://example.okta.com', '--client-id', '0oa1', '--secret-ref', 'env', '--base-url', 'https://kestra.example.com', '--out', out],
    { timeoutMs: 10_000 },
  )

/** A directory nobody may write to: sysfs refuses even root; elsewhere a 0500 directory. */
function readOnlyDir(): string {
  if (process.getuid?.() === 0) {
    return '/sys/kernel/oidc-setup-nope'
  }
  const dir = tempDir()
  chmodSync(dir, 0o500)
  return path.join(dir, 'sub')
}

describe('render-config --out on a path it cannot write', () => {
  for (const [what, out] of [
    ['a directory under /proc', () => '/proc/nope'],
    ['a deeper path under /proc', () => '/proc/nope/deeper/still'],
    ['a read-only directory', readOnlyDir],
    [
      'a file where a directory is expected',
      () => {
        const dir = tempDir()
        writeFileSync(path.join(dir, 'file'), 'x')
        return path.join(dir, 'file', 'sub')
      },
    ],
  ] as const) {
    it(`${what}: exit 3 within seconds, one error and a hint, nothing half-written`, async () => {
      const dir = out()
      const started = Date.now()
      const r = await render(dir)
      expect(Date.now() - started).toBeLessThan(8000)
      expect(r.code).toBe(3)
      expect(r.stderr).toMatch(/^error: could not (write|read) /m)
      expect(r.stderr).toMatch(/^hint: /m)
      expect(r.stderr).not.toMatch(/\n\s+at /)
    })
  }

  it('still creates missing parent directories when it may', async () => {
    const dir = path.join(tempDir(), 'a', 'b', 'c')
    const r = await render(dir)
    expect(r.code).toBe(0)
    mkdirSync(dir, { recursive: true }) // exists already: no error
  })
})
