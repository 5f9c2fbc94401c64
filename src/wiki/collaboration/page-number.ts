/** A ?page= query value for paginated lists: 1 unless it is a sane positive whole number. */
export function pageNumber(raw: unknown): number {
  const n = Number(raw);
  return Number.isInteger(n) && n >= 1 && n <= 10_000 ? n : 1;
}
