import { readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { tempDir } from '../helpers/cli.js'
import { runInteractive } from '../helpers/run-interactive.js'

describe('render-config on a terminal', () => {
  it('asks for what is missing (target, issuer, URL, client id, secret) instead of failing', async () => {
    const out = tempDir()
    const result = await runInteractive(
      ['render-config', '--out', out],
      // The default role is asked too; an empty answer renders none (and says so in the next steps).
      ['kestra', 'https://example.okta.com', 'https://kestra.example.com', '0oaPrompted', 'prompted-secret-value', ''],
    )
    expect(result.stderr).not.toContain('prompted-secret-value')
    expect(result.code).toBe(0)
    expect(result.asked).toHaveLength(6)
    expect(result.asked[5]).toMatch(/\[defaultRole\]:$/)
    const text = readFileSync(path.join(out, 'application.yaml'), 'utf8')
    expect(text).toContain('client-id: "0oaPrompted"')
    expect(text).toContain('client-secret: prompted-secret-value')
  })

  it('never prompts with --yes: the missing value is a usage error naming the flag', async () => {
    const result = await runInteractive(['--yes', 'render-config', '--target', 'kestra', '--out', tempDir()], [])
    expect(result.code).toBe(2)
    expect(result.asked).toEqual([])
    expect(result.stderr).toContain('error: missing the issuer: pass --issuer URL')
  })
})
