// Types for import-graph.mjs, so test/docs/shape.test.ts can import it under strict TypeScript.

/** src/ of this repository. */
export const SRC: string;
export const MAX_LINES: number;

/** The relative imports of one file (static, type-only included), as absolute .ts paths. */
export function importsOf(file: string, text: string): string[];

/** Every group of modules that import each other round (strongly connected, more than one), each sorted. */
export function circles(graph: Map<string, readonly string[]>): string[][];

export interface ShapeReport {
  /** Each circle's modules, relative to the root. */
  circles: string[][];
  /** [path relative to the root, lines] of each file over the limit. */
  long: Array<[string, number]>;
}

export function check(options?: { root?: string; maxLines?: number }): ShapeReport;
