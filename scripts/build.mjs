// Bundles src/ into dist/ with esbuild. Code splitting keeps lazily imported modules (the Okta SDK adapter,
// openid-client, the sandbox) in their own chunks, so `--help` and `render-config` never load them.
import { build } from 'esbuild'
import { readFileSync, rmSync } from 'node:fs'

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'))
rmSync(new URL('../dist', import.meta.url), { recursive: true, force: true })
await build({
  entryPoints: { cli: 'src/cli.ts' },
  outdir: 'dist',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // Small pure-JS dependencies on the startup path are bundled (one file to load instead of dozens); heavy,
  // native or rarely used ones stay external and load from node_modules when a command needs them.
  external: [
    '@okta/okta-sdk-nodejs',
    'openid-client',
    'oidc-provider',
    '@napi-rs/keyring',
    'open',
    'playwright-core',
    '@inquirer/prompts',
    'proper-lockfile',
    'diff',
  ],
  // Bundled CommonJS code (commander) calls require() for Node built-ins.
  banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
  sourcemap: true,
  // Minified: less to parse at every start (stack traces map back through the source maps).
  minify: true,
  keepNames: true,
  chunkNames: 'chunks/[name]-[hash]',
  define: { __VERSION__: JSON.stringify(pkg.version) },
  logLevel: 'warning',
})
