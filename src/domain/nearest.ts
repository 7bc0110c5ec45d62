/** The closest known word (edit distance ≤ 3, case-insensitive), for "did you mean" hints. */
export function nearest(word: string, candidates: readonly string[]): string | undefined {
  let best: { key: string; d: number } | undefined
  for (const c of candidates) {
    const d = distance(word.toLowerCase(), c.toLowerCase())
    if (d <= 3 && (!best || d < best.d)) {
      best = { key: c, d }
    }
  }
  return best?.key
}

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i)
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0] as number
    row[0] = i
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j] as number
      row[j] = Math.min((row[j] as number) + 1, (row[j - 1] as number) + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1))
      prev = tmp
    }
  }
  return row[b.length] as number
}
