// Loads dist/cli.cjs through vm.Script with the V8 code cache recorded at build time (scripts/build.mjs says why).
// Falls back to a plain require() where there is no cache.
'use strict'
const fs = require('node:fs')
const path = require('node:path')
const vm = require('node:vm')
const { Module, createRequire } = require('node:module')
const { pathToFileURL } = require('node:url')


const file = path.join(__dirname, '..', 'dist', 'cli.cjs')

/**
 * Returns the bundle's exports, and the compiled script when it was compiled through vm.Script (always with
 * `record`, which the build's warm-up uses to create the cache).
 */
function loadCli(options = {}) {
  let cachedData
  try {
    cachedData = fs.readFileSync(`${file}.cache`)
  } catch {
    cachedData = undefined
  }
  if (cachedData === undefined && !options.record) {
    return { exports: require(file), script: undefined }
  }
  // The bundle's import() calls come here (see scripts/build.mjs); relative ones name files beside the bundle.
  globalThis.__oidcSetupImportHook = (specifier) =>
    import(specifier.startsWith('.') ? pathToFileURL(path.join(path.dirname(file), specifier)).href : specifier)
  const script = new vm.Script(Module.wrap(fs.readFileSync(file, 'utf8')), { filename: file, cachedData })
  const mod = { exports: {}, filename: file, id: file }
  script.runInThisContext().call(mod.exports, mod.exports, createRequire(file), mod, file, path.dirname(file))
  return { exports: mod.exports, script }
}

module.exports = { loadCli, file }
