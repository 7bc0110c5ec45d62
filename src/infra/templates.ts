import { existsSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

/**
 * The shipped `templates/` directory. The code runs from dist/cli.js, dist/chunks/*.js or (in tests) src/**, so
 * the directory is found by walking up to the package root that holds it.
 */
export function templatesDir(from: string = fileURLToPath(import.meta.url)): string {
  let dir = path.dirname(from)
  for (let i = 0; i < 6; i++) {
    const candidate = path.join(dir, 'templates')
    if (existsSync(path.join(dir, 'package.json')) && existsSync(candidate)) {
      return candidate
    }
    const parent = path.dirname(dir)
    if (parent === dir) {
      break
    }
    dir = parent
  }
  return path.resolve(path.dirname(from), '..', 'templates')
}
