// "Did you mean …?" for misspelt setting names.

/** Optimal-string-alignment distance: Levenshtein plus adjacent transpositions (a common typo). */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[][] = Array.from({ length: rows }, (_, i) => Array.from({ length: cols }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  const at = (i: number, j: number): number => d[i]?.[j] ?? Infinity;
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, at(i - 2, j - 2) + 1);
      d[i]![j] = best;
    }
  }
  return at(a.length, b.length);
}

/**
 * The closest candidate, compared case-insensitively, if it is close enough to be a typo rather than
 * a different word: at most 3 edits and at most a third of the name after the shared "AURA_" prefix.
 */
export function closest(name: string, candidates: readonly string[]): string | undefined {
  const upper = name.toUpperCase();
  let best: { key: string; distance: number } | undefined;
  for (const c of candidates) {
    const distance = editDistance(upper, c);
    if (best === undefined || distance < best.distance) best = { key: c, distance };
  }
  if (best === undefined) return undefined;
  const significant = Math.max(1, upper.replace(/^AURA_/, '').length);
  return best.distance <= 3 && best.distance <= significant / 3 ? best.key : undefined;
}
