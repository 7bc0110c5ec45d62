// Bundles src/ into dist/cli.cjs with esbuild and then records a V8 code cache for it (dist/cli.cjs.cache).
//
// Why one CommonJS file and a code cache: Node 20 has no module compile cache, and loading the CLI from ESM chunks
// cost 1.6–2× a bare `node -e 0` for --help and render-config. bin/load.cjs compiles the bundle with vm.Script and
// this cache, which skips parsing and compiling of everything a representative run executed (measured: --help
// 1.65× → 1.2×, render-config galaxy 2.05× → 1.5× on the 2-core CI machine). V8 rejects a cache built by another
// Node version or for another source, and the loader then compiles normally.
//
// Heavy, native or rarely used dependencies stay external and load from node_modules through import() only in the
// commands that need them (the Okta SDK, openid-client, oidc-provider, the keyring binding, open, the prompts).
// Code that is bundled but unused by a command (the sandbox, the renderers) is only pre-parsed, never run.
import { build } from 'esbuild'
import { spawnSync } from 'node:child_process'
import { readFileSync, rmSync, writeFileSync } from 'node:fs'

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'))
rmSync(new URL('../dist', import.meta.url), { recursive: true, force: true })
const external = [
  '@okta/okta-sdk-nodejs',
  'openid-client',
  'oauth4webapi',
  'oidc-provider',
  '@napi-rs/keyring',
  'open',
  'playwright-core',
  '@inquirer/prompts',
  'proper-lockfile',
  'diff',
]
const common = {
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  minify: true,
  keepNames: true,
  sourcemap: true,
  external,
  logLevel: 'warning',
}

// The sandbox (an OpenID provider and a Management API) is its own bundle, loaded by `sandbox start` and by
// nothing else; it shares no error classes with the CLI, only the filesystem adapter.
await build({ ...common, entryPoints: ['src/sandbox/index.ts'], outfile: 'dist/sandbox.cjs' })
// xmldom builds and freezes its table of 2,000 HTML entities when loaded (about 7 ms); XML parsing never uses it,
// so the table is built on first access instead. Same values, same frozen object, only later.
const lazyHtmlEntities = {
  name: 'lazy-html-entities',
  setup(b) {
    b.onLoad({ filter: /@xmldom[\\/]xmldom[\\/]lib[\\/]entities\.js$/ }, (args) => {
      const text = readFileSync(args.path, 'utf8')
      const start = text.indexOf('exports.HTML_ENTITIES = freeze(')
      const end = text.indexOf('\n});', start)
      const alias = 'exports.entityMap = exports.HTML_ENTITIES;'
      if (start < 0 || end < 0 || !text.includes(alias)) {
        return undefined // another xmldom version: bundle it as it is
      }
      const table = text.slice(start + 'exports.HTML_ENTITIES = '.length, end + '\n})'.length)
      const lazy = `var htmlEntities;\nfunction getHtmlEntities() {\n\treturn htmlEntities || (htmlEntities = ${table});\n}\nObject.defineProperty(exports, 'HTML_ENTITIES', { enumerable: true, get: getHtmlEntities });`
      const contents = (text.slice(0, start) + lazy + text.slice(end + '\n});'.length)).replace(
        alias,
        "Object.defineProperty(exports, 'entityMap', { enumerable: true, get: getHtmlEntities });",
      )
      return { contents, loader: 'js' }
    })
  },
}

const sandboxExternal = {
  name: 'sandbox-bundle',
  setup(b) {
    b.onResolve({ filter: /\/sandbox\/index\.js$/ }, () => ({ path: './sandbox.cjs', external: true }))
  },
}

await build({
  ...common,
  plugins: [sandboxExternal, lazyHtmlEntities],
  entryPoints: ['src/cli.ts'],
  outfile: 'dist/cli.cjs',
  define: { __VERSION__: JSON.stringify(pkg.version), 'import.meta.url': '__oidcSetupModuleUrl' },
  banner: { js: 'var __oidcSetupModuleUrl = require("node:url").pathToFileURL(__filename).href;' },
})

// A script compiled by vm.Script cannot run import() (Node 20 needs an experimental vm option for it, and loses it
// for code from a cache), so every import() of a package goes through a function the loader provides; under a
// plain require() the fallback is an ordinary import().
const bundle = readFileSync('dist/cli.cjs', 'utf8')
const rewritten = bundle.replace(/\bimport\((?="[^"]+"\))/g, '__oidcSetupImport(')
writeFileSync(
  'dist/cli.cjs',
  `var __oidcSetupImport = typeof globalThis.__oidcSetupImportHook === "function" ? globalThis.__oidcSetupImportHook : (s) => import(s);\n${rewritten}`,
)

// Record the code cache after a warm-up that runs the common commands in-process (see scripts/code-cache-warmup.cjs).
const warm = spawnSync(process.execPath, ['scripts/code-cache-warmup.cjs'], { stdio: ['ignore', 'ignore', 'inherit'] })
if (warm.status !== 0) {
  process.stderr.write('build: could not record the V8 code cache; the CLI works without it, only slower to start\n')
}
