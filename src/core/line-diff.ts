// A small line diff for showing the model what changed in task.md. Pure. Common leading and trailing
// lines are trimmed first (edits are usually local); the middle gets an LCS diff when small enough,
// otherwise it is shown as removed-then-added. Unchanged context: up to 2 lines either side.
// Lines are compared without their ending: CRLF and LF read the same, and a final newline ends the
// last line rather than starting an empty one.
const MAX_LCS_CELLS = 250_000;

function lines(s: string): string[] {
  const out = s.split(/\r?\n/);
  if (out.at(-1) === '') out.pop();
  return out;
}

export function lineDiff(before: string, after: string): string {
  const a = lines(before);
  const b = lines(after);
  let pre = 0;
  while (pre < a.length && pre < b.length && a[pre] === b[pre]) pre++;
  let suf = 0;
  while (suf < a.length - pre && suf < b.length - pre && a[a.length - 1 - suf] === b[b.length - 1 - suf]) suf++;
  const midA = a.slice(pre, a.length - suf);
  const midB = b.slice(pre, b.length - suf);
  if (!midA.length && !midB.length) return '';
  const body = midA.length * midB.length <= MAX_LCS_CELLS ? lcsDiff(midA, midB) : [...midA.map((l) => `-${l}`), ...midB.map((l) => `+${l}`)];
  const head = a.slice(Math.max(0, pre - 2), pre).map((l) => ` ${l}`);
  const tail = a.slice(a.length - suf, a.length - suf + 2).map((l) => ` ${l}`);
  return [`@@ line ${pre + 1} @@`, ...head, ...body, ...tail].join('\n');
}

function lcsDiff(a: string[], b: string[]): string[] {
  const n = a.length;
  const m = b.length;
  // len[i][j]: LCS of a[i..] and b[j..], in one flat array.
  const len = new Uint32Array((n + 1) * (m + 1));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      len[i * (m + 1) + j] = a[i] === b[j] ? (len[(i + 1) * (m + 1) + j + 1] as number) + 1 : Math.max(len[(i + 1) * (m + 1) + j] as number, len[i * (m + 1) + j + 1] as number);
    }
  }
  const out: string[] = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[i] === b[j]) {
      out.push(` ${a[i]}`);
      i++;
      j++;
    } else if (i < n && (j >= m || (len[(i + 1) * (m + 1) + j] as number) >= (len[i * (m + 1) + j + 1] as number))) {
      // Removals before additions, as in the fallback and in every usual diff.
      out.push(`-${a[i]}`);
      i++;
    } else {
      out.push(`+${b[j]}`);
      j++;
    }
  }
  return out;
}
