/**
 * Largest-Triangle-Three-Buckets downsampling (Steinarsson, 2013): keeps the visual shape
 * of a series, peaks included, in at most `threshold` points. For display only; the CSV
 * keeps every sample.
 */
export type Point = [x: number, y: number];

export function lttb(points: Point[], threshold: number): Point[] {
  if (threshold >= points.length || threshold < 3) return points.slice();
  const sampled: Point[] = [points[0]!];
  const bucketSize = (points.length - 2) / (threshold - 2);
  let previous = 0;
  for (let bucket = 0; bucket < threshold - 2; bucket++) {
    const nextStart = Math.floor((bucket + 1) * bucketSize) + 1;
    const nextEnd = Math.min(Math.floor((bucket + 2) * bucketSize) + 1, points.length);
    let avgX = 0;
    let avgY = 0;
    for (let index = nextStart; index < nextEnd; index++) {
      avgX += points[index]![0];
      avgY += points[index]![1];
    }
    const count = Math.max(1, nextEnd - nextStart);
    avgX /= count;
    avgY /= count;
    const start = Math.floor(bucket * bucketSize) + 1;
    const end = Math.floor((bucket + 1) * bucketSize) + 1;
    const [px, py] = points[previous]!;
    let bestArea = -1;
    let best = start;
    for (let index = start; index < end; index++) {
      const [x, y] = points[index]!;
      const area = Math.abs((px - avgX) * (y - py) - (px - x) * (avgY - py));
      if (area > bestArea) {
        bestArea = area;
        best = index;
      }
    }
    sampled.push(points[best]!);
    previous = best;
  }
  sampled.push(points[points.length - 1]!);
  return sampled;
}

/** At most `limit` points of a step series (sorted x), keeping the first and last. */
export function thinSteps(points: Point[], limit: number): Point[] {
  if (points.length <= limit) return points.slice();
  const step = (points.length - 1) / (limit - 1);
  return Array.from({ length: limit }, (_, index) => points[Math.round(index * step)]!);
}
