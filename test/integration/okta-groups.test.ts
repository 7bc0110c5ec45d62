import { describe, expect, it } from 'vitest'
import { tempDir } from '../helpers/cli.js'
import { runMain } from '../helpers/run-main.js'
import { useSandbox } from '../helpers/sandbox.js'

// Group search by `q` is a prefix match that stops at 300 and cannot be paged (spec /api/v1/groups listGroups); the
// exact name is found with `search=profile.name eq "…"`, which pages (issue 12 item 3).
const { sandbox, oktaEnv } = useSandbox()

describe('an exact group name behind 300 prefix matches', () => {
  it('is found and assigned', async () => {
    const post = (name: string) =>
      fetch(`${sandbox().orgUrl}/api/v1/groups`, {
        method: 'POST',
        headers: { Authorization: `SSWS ${sandbox().apiToken}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ profile: { name } }),
      })
    for (let i = 0; i < 310; i += 10) {
      await Promise.all(Array.from({ length: 10 }, (_, j) => post(`Eng ${i + j}`)))
    }
    const target = (await (await post('Eng')).json()) as { id: string }
    const r = await runMain(['okta', 'create-app', '--target', 'kestra', '--base-url', 'https://g.example.test', '--assign-group', 'Eng', '--json'], {
      env: oktaEnv(),
      configHome: tempDir(),
    })
    expect(r.stderr).not.toMatch(/^error/m)
    expect(r.code).toBe(0)
    const appId = (JSON.parse(r.stdout) as { appId: string }).appId
    const groups = (await (await fetch(`${sandbox().orgUrl}/api/v1/apps/${appId}/groups`, { headers: { Authorization: `SSWS ${sandbox().apiToken}` } })).json()) as Array<{ id: string }>
    expect(groups.map((g) => g.id)).toContain(target.id)
  })
})
