// Loads modules of src/ (TypeScript) into a bench script: one esbuild bundle of the given export lines, imported
// and removed again. Shared by the provisioning and apply benchmarks.
import { mkdirSync, rmSync } from 'node:fs'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { build } from 'esbuild'

export async function loadSource(root, name, exportLines) {
  const dir = path.join(root, '.tmp')
  mkdirSync(dir, { recursive: true })
  const outfile = path.join(dir, `bench-${name}-${process.pid}.mjs`)
  await build({
    stdin: { contents: exportLines.join('\n'), resolveDir: root, loader: 'ts' },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    outfile,
    logLevel: 'error',
  })
  try {
    return await import(pathToFileURL(outfile).href)
  } finally {
    rmSync(outfile, { force: true })
  }
}
