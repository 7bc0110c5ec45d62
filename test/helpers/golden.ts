import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { expect } from 'vitest'
import { ROOT } from './cli.js'

/** Where golden files live: test/fixtures/expected/<target>/<variant>/<file>. */
export const EXPECTED = path.join(ROOT, 'test', 'fixtures', 'expected')

/** Compares a rendered file with its golden copy (UPDATE_GOLDEN=1 rewrites the golden files, a missing one is written). */
export function golden(target: string, variant: string, name: string, text: string): void {
  const file = path.join(EXPECTED, target, variant, name)
  if (process.env.UPDATE_GOLDEN === '1' || !existsSync(file)) {
    mkdirSync(path.dirname(file), { recursive: true })
    writeFileSync(file, text)
  }
  expect(text, `golden file test/fixtures/expected/${target}/${variant}/${name}`).toBe(readFileSync(file, 'utf8'))
}
