import { existsSync } from 'node:fs'
import path from 'node:path'
import { ROOT } from './cli.js'

/** ../shared beside the project (reference material, schemas, seeds); CI has it. */
export const SHARED_DIR = path.resolve(ROOT, '..', 'shared')

/** A file under ../shared, or undefined when it is absent (tests then skip with a visible reason). */
export function sharedFile(relative: string): string | undefined {
  const file = path.join(SHARED_DIR, relative)
  return existsSync(file) ? file : undefined
}

/** The reason shown when a test needing ../shared skips. */
export function sharedMissing(relative: string): string {
  return `needs ../shared/${relative} (reference material beside the project); absent here`
}
