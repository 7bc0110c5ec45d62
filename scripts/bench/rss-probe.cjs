// Preloaded into a benchmarked process: records its peak resident set size when it exits.
const fs = require('node:fs')
process.on('exit', () => {
  if (process.env.BENCH_RSS_FILE) {
    fs.appendFileSync(process.env.BENCH_RSS_FILE, `${process.resourceUsage().maxRSS}\n`)
  }
})
