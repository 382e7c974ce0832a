import { lossBetween, qualityDetail, qualityLevel, type StreamStats } from '../lib/quality';
import type { Meeting } from '../meeting';

interface Counters {
  lost: number;
  received: number;
}

/**
 * Samples the browser's stats of every remote consumer every few seconds and reports each person's network
 * quality (the worst of their streams): loss over the interval (the server's score instead, once it sent one:
 * `consumerScore` covers the sender's uplink too), the transport's round trip, and for simulcast video the layer
 * the server forwards against the highest there is.
 */
export class NetworkQualityMonitor {
  private timer: ReturnType<typeof setInterval> | null = null;
  private readonly previous = new Map<string, Counters>();
  private sampling = false;

  constructor(
    private readonly meeting: () => Meeting | null,
    private readonly report: (userId: string, level: number | null, detail: string) => void,
    private readonly intervalMs = 2000,
  ) {}

  start(): void {
    this.timer ??= setInterval(() => void this.sample(), this.intervalMs);
  }

  stop(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
  }

  private async sample(): Promise<void> {
    const meeting = this.meeting();
    if (meeting === null || this.sampling) return;
    this.sampling = true;
    try {
      const handles = meeting.handles;
      const worst = new Map<string, StreamStats & { level: number }>();
      for (const [consumerId, consumer] of handles.consumers) {
        const userId = consumer.appData['userId'];
        if (typeof userId !== 'string' || consumer.closed) continue;
        let report: RTCStatsReport;
        try {
          report = await consumer.getStats();
        } catch {
          continue;
        }
        const counters: Counters = { lost: 0, received: 0 };
        let rttMs: number | null = null;
        report.forEach((stat: Record<string, unknown>) => {
          if (stat['type'] === 'inbound-rtp') {
            counters.lost += Number(stat['packetsLost'] ?? 0);
            counters.received += Number(stat['packetsReceived'] ?? 0);
          } else if (stat['type'] === 'candidate-pair' && stat['nominated'] === true && typeof stat['currentRoundTripTime'] === 'number') {
            rttMs = stat['currentRoundTripTime'] * 1000;
          }
        });
        const lossFraction = lossBetween(this.previous.get(consumerId), counters);
        this.previous.set(consumerId, counters);
        const layers = handles.consumerLayers.get(consumerId);
        // Below the layer the tile asked for is a network (or a room's cap) limit; below the top is not, for a small tile.
        const maxSpatial = meeting.preferredLayerOf(consumerId) ?? spatialLayers(consumer.rtpParameters.encodings?.[0]?.scalabilityMode) - 1;
        const score = handles.consumerScores.get(consumerId);
        const stats: StreamStats = {
          lossFraction,
          rttMs,
          score: score === undefined ? null : Math.min(score.score, score.producerScore),
          layer: layers !== undefined && layers.spatialLayer !== null && maxSpatial > 0 ? { spatial: layers.spatialLayer, max: maxSpatial } : null,
        };
        const level = qualityLevel(stats);
        const known = worst.get(userId);
        if (known === undefined || level < known.level) worst.set(userId, { ...stats, level });
      }
      for (const [userId, stats] of worst) this.report(userId, stats.level, qualityDetail(stats));
      for (const consumerId of [...this.previous.keys()]) if (!handles.consumers.has(consumerId)) this.previous.delete(consumerId);
    } finally {
      this.sampling = false;
    }
  }
}

/** Spatial layers of a scalability mode such as "L3T3" or "S3T3"; 1 when there is none. */
function spatialLayers(mode: string | undefined): number {
  const match = /^[LS](\d+)T\d+/.exec(mode ?? '');
  return match?.[1] !== undefined ? Number(match[1]) : 1;
}
