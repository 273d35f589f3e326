// How a recognized intent is scored against an expected one (the development set's rule):
// every expected slot must match; text case-insensitively, numbers numerically, lists as sets
// (an expected list also accepts a single value that is one of its members). Extra slots are ignored.
function norm(v: unknown): string {
  return String(v).trim().toLowerCase();
}

export function slotValueMatches(expected: unknown, got: unknown): boolean {
  if (got === undefined) return false;
  if (Array.isArray(expected)) {
    const want = new Set(expected.map(norm));
    if (Array.isArray(got)) {
      const have = new Set(got.map(norm));
      return want.size === have.size && [...want].every((x) => have.has(x));
    }
    return want.has(norm(got));
  }
  if (typeof expected === 'number') return Number(got) === expected;
  return norm(expected) === norm(got);
}

export function slotsMatch(expected: Record<string, unknown>, got: Record<string, unknown>): boolean {
  return Object.entries(expected).every(([k, v]) => slotValueMatches(v, got[k]));
}
