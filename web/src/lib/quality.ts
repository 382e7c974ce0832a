/** What the browser's stats say about one received stream. */
export interface StreamStats {
  /** Packets lost over the last interval, as a fraction of those expected (0–1). */
  readonly lossFraction: number;
  /** Round-trip time in milliseconds, or null when unknown. */
  readonly rttMs: number | null;
  /** The spatial layer the server forwards and the one wanted (simulcast only), or null. */
  readonly layer: { readonly spatial: number; readonly max: number } | null;
  /**
   * The server's score of the stream, 0–10 (`consumerScore`: the worse of the consumer's and its producer's), or
   * null before the server sent one. When present it grades loss instead of the browser's own count: it covers
   * the sender's uplink too, which the receiving browser cannot see.
   */
  readonly score?: number | null;
}

/**
 * A server score (mediasoup's: 10 · delivered⁴, smoothed) as bars, on the same scale as the loss thresholds: 10 is
 * under about 1 % loss (3), 9 up to about 3 % (2), 7–8 up to about 10 % (1), lower is bad (0).
 */
export function scoreLevel(score: number): number {
  if (score >= 10) return 3;
  if (score >= 9) return 2;
  if (score >= 7) return 1;
  return 0;
}

/**
 * Network quality as 0–3 bars: loss above 10 % or a round trip above 600 ms is bad (0), above 3 % / 300 ms poor
 * (1), above 1 % / 150 ms or a layer below the one wanted fair (2), otherwise good (3). Thresholds follow what people
 * hear: a few percent loss is audible, a few hundred milliseconds make talking over each other.
 */
export function qualityLevel(stats: StreamStats): number {
  if (stats.score !== undefined && stats.score !== null) {
    return Math.min(scoreLevel(stats.score), qualityLevel({ ...stats, lossFraction: 0, score: null }));
  }
  const rtt = stats.rttMs ?? 0;
  if (stats.lossFraction > 0.1 || rtt > 600) return 0;
  if (stats.lossFraction > 0.03 || rtt > 300) return 1;
  if (stats.lossFraction > 0.01 || rtt > 150 || (stats.layer !== null && stats.layer.spatial < stats.layer.max)) return 2;
  return 3;
}

export function qualityDetail(stats: StreamStats): string {
  const parts = [`loss ${(stats.lossFraction * 100).toFixed(1)} %`];
  if (stats.score !== undefined && stats.score !== null) parts.push(`score ${stats.score}/10`);
  if (stats.rttMs !== null) parts.push(`round trip ${Math.round(stats.rttMs)} ms`);
  if (stats.layer !== null) parts.push(`layer ${stats.layer.spatial + 1} (wanted ${stats.layer.max + 1})`);
  return parts.join(', ');
}

/** Loss over an interval from the cumulative counters of two samples. */
export function lossBetween(before: { lost: number; received: number } | undefined, now: { lost: number; received: number }): number {
  const lost = now.lost - (before?.lost ?? 0);
  const received = now.received - (before?.received ?? 0);
  const expected = lost + received;
  return expected <= 0 ? 0 : Math.max(0, Math.min(1, lost / expected));
}
