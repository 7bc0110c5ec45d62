import { writeFileSync } from 'node:fs'
import path from 'node:path'
import { parse } from 'yaml'
import { describe, expect, it } from 'vitest'
import { readSecretInput } from '../../src/cli/secret-input.js'
import { ConfigError, UsageError } from '../../src/domain/errors.js'
import { nodeFileSystem } from '../../src/infra/fs.js'
import type { Io } from '../../src/infra/io.js'
import { formatEnvValue, readEnvValue, setEnvValues } from '../../src/targets/env-file.js'
import { parseYaml, setYaml, setYamlDefault, stringifyYaml } from '../../src/targets/yaml-doc.js'
import { tempDir } from '../helpers/cli.js'

describe('env files', () => {
  it('writes plain values bare, others single-quoted, references as ${NAME}', () => {
    expect(formatEnvValue('A', 'https://x.example.com/a')).toBe('https://x.example.com/a')
    expect(formatEnvValue('A', 'a b$c"d`e\nf')).toBe(`'a b$c"d\`e\nf'`)
    expect(formatEnvValue('A', { ref: 'OKTA_CLIENT_SECRET' })).toBe('${OKTA_CLIENT_SECRET}')
  })

  it('refuses what a shell and compose would read differently', () => {
    expect(() => formatEnvValue('A', "it's $HOME")).toThrow(ConfigError)
    // A single quote alone goes in double quotes, which a shell and compose read alike.
    expect(formatEnvValue('A', "it's")).toBe(`"it's"`)
    expect(() => formatEnvValue('A', 'ends\\')).toThrow(ConfigError)
    expect(() => formatEnvValue('A', 'nul\0')).toThrow(ConfigError)
  })

  it('replaces statements in place (export prefix, multi-line quoted values), drops duplicates, appends the rest', () => {
    const before = "# top\nexport A='one\ntwo'\nB=keep # note\nA=dup\n\n# end"
    const after = setEnvValues(before, [
      ['A', 'new'],
      ['C', 'added'],
    ])
    expect(after).toBe('# top\nA=new\nB=keep # note\n\n# end\nC=added\n')
    expect(readEnvValue(after, 'B')).toBe('keep')
    expect(readEnvValue("X='a b'\n", 'X')).toBe('a b')
  })
})

describe('yaml documents', () => {
  it('creates missing or empty mappings and keeps comments on replaced values', () => {
    const doc = parseYaml('f.yaml', '# head\nmicronaut:\nother: 1 # one\nkey: old # why\n')
    setYaml(doc, 'f.yaml', ['micronaut', 'security', 'enabled'], true)
    setYaml(doc, 'f.yaml', ['key'], 'new value: #not a comment')
    setYamlDefault(doc, 'f.yaml', ['other'], 2)
    const text = stringifyYaml(doc)
    expect(text).toContain('# head')
    expect(text).toContain('other: 1 # one')
    expect(text).toContain('# why')
    expect(parse(text)).toEqual({ micronaut: { security: { enabled: true } }, other: 1, key: 'new value: #not a comment' })
  })

  it('quotes strings YAML 1.1 would read as something else', () => {
    const doc = parseYaml('f.yaml', '')
    for (const [i, value] of ['yes', 'on', 'NO', '0o17', '012', '1:20', '~', 'null', '1e3'].entries()) {
      setYaml(doc, 'f.yaml', [`k${i}`], value)
    }
    const text = stringifyYaml(doc)
    const v11 = parse(text, { version: '1.1' }) as Record<string, unknown>
    expect(Object.values(v11)).toEqual(['yes', 'on', 'NO', '0o17', '012', '1:20', '~', 'null', '1e3'])
  })

  it('a syntax error is a config error naming the file', () => {
    expect(() => parseYaml('application.yaml', 'a: [1, 2\n')).toThrow(/^could not parse application.yaml as YAML/)
  })
})

describe('secret input', () => {
  const io = (over: Partial<Io> = {}): Io => ({
    stdout: { write: () => true },
    stderr: { write: () => true },
    readStdin: async () => 'from-stdin\r\n',
    stdinIsTTY: false,
    env: { MY_SECRET: 'from-env' },
    cwd: tempDir(),
    platform: 'linux',
    homedir: '/',
    ...over,
  })
  const deps = (over: Partial<Io> = {}) => ({ io: io(over), fs: nodeFileSystem })

  it('reads an env var, stdin (-) or a file, trimming the final line break', async () => {
    expect(await readSecretInput({ envName: 'MY_SECRET' }, deps())).toBe('from-env')
    expect(await readSecretInput({ file: '-' }, deps())).toBe('from-stdin')
    const d = deps()
    writeFileSync(path.join(d.io.cwd, 'secret.txt'), 'from-file\n')
    expect(await readSecretInput({ file: 'secret.txt' }, d)).toBe('from-file')
    expect(await readSecretInput({}, deps())).toBeUndefined()
  })

  it('names the flag in every failure', async () => {
    await expect(readSecretInput({ envName: 'A', file: 'b' }, deps())).rejects.toThrow(UsageError)
    await expect(readSecretInput({ envName: 's3cr3t-value!' }, deps())).rejects.toThrow(/--client-secret-env takes the name/)
    await expect(readSecretInput({ envName: 'UNSET_VAR' }, deps())).rejects.toThrow(
      'could not read the client secret: environment variable UNSET_VAR is not set (--client-secret-env)',
    )
    await expect(readSecretInput({ file: '-' }, deps({ readStdin: async () => '\n' }))).rejects.toThrow(/standard input is empty/)
    await expect(
      readSecretInput({ envName: 'X' }, deps({ env: {} }), { what: 'API token', envFlag: '--api-token-env', fileFlag: '--api-token-file' }),
    ).rejects.toThrow('could not read the API token: environment variable X is not set (--api-token-env)')
  })
})
