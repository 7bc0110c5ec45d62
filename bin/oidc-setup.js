#!/usr/bin/env node
// Thin launcher: check the Node version, run the bundled CLI, exit with its code.
const [major] = process.versions.node.split('.').map(Number)
if (major < 20) {
  process.stderr.write(`error: oidc-setup needs Node.js 20 or newer (this is ${process.version})\n`)
  process.exit(2)
}
const { createRequire } = await import('node:module')
const { main } = createRequire(import.meta.url)('./load.cjs').loadCli().exports
// Exit explicitly: a keychain call stuck on a hung D-Bus must not keep the process alive.
process.exit(await main(process.argv.slice(2)))
