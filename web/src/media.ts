import { Device, type types as ms } from 'mediasoup-client';
import type { LayerWanted, MediaSource, ProducerInfo } from './contract';
import { hubErrorMessage } from './lib/hubError';
import type { SignalingClient } from './signaling';

/** Makes the mediasoup-client Device; the browser's handler by default, a fake one in tests. */
export type DeviceFactory = () => Promise<Device>;

/** A remote track being received: the consumer and whose media it is. */
export interface RemoteTrack {
  readonly consumer: ms.Consumer;
  readonly producerId: string;
  readonly userId: string;
  readonly source: MediaSource;
  readonly kind: ms.MediaKind;
  /** The server consumer's type: `simple`, `simulcast` or `svc`. */
  readonly type: string;
}

/** The simulcast layers the server forwards to a consumer (`consumerLayersChanged`); null while it forwards none. */
export interface ConsumerLayers {
  readonly spatialLayer: number | null;
  readonly temporalLayer: number | null;
}

/** The server's quality scores of a consumer (`consumerScore`), 0–10 each. */
export interface ConsumerScore {
  readonly score: number;
  readonly producerScore: number;
}

/** What the room view needs to hear about from the media layer. */
export interface MediaListener {
  remoteTrackAdded(track: RemoteTrack): void;
  remoteTrackRemoved(track: RemoteTrack): void;
  remoteTrackPaused(track: RemoteTrack, paused: boolean): void;
  localTrackEnded(source: MediaSource): void;
  transportProblem(message: string): void;
  /** A message while a transport is stuck connecting (a blocked media port, usually); null once it connects. */
  mediaConnection(message: string | null): void;
}

const sources: readonly MediaSource[] = ['mic', 'cam', 'screen', 'screenAudio'];
const iceRestartGraceMs = 10_000;
const connectingPatienceMs = 15_000;

export function sourceOf(appData: Record<string, unknown> | undefined, kind: ms.MediaKind): MediaSource {
  const source = appData?.['source'];
  if (typeof source === 'string' && (sources as readonly string[]).includes(source)) return source as MediaSource;
  return kind === 'audio' ? 'mic' : 'cam';
}

/**
 * One joined room's WebRTC side: the mediasoup-client Device loaded with the router's
 * capabilities, a send and a receive transport, our producers by source and the consumers of
 * everyone else's producers. A reconnect throws this away and builds a new one; local tracks
 * survive because producers never stop them.
 */
export class MediaSession {
  readonly producers = new Map<MediaSource, ms.Producer>();
  readonly consumers = new Map<string, RemoteTrack>();
  /** The layers the server last said it forwards, by consumer id (simulcast consumers only). */
  readonly consumerLayers = new Map<string, ConsumerLayers>();
  /** The server's last scores, by consumer id. */
  readonly consumerScores = new Map<string, ConsumerScore>();
  private closed = false;
  private readonly consuming = new Set<string>();
  private readonly preferredLayers = new Map<string, number>();

  private constructor(
    private readonly signaling: SignalingClient,
    readonly device: Device,
    readonly sendTransport: ms.Transport | null,
    readonly recvTransport: ms.Transport,
    private readonly selfUserId: string,
    private readonly listener: MediaListener,
  ) {
    if (sendTransport !== null) this.wireTransport(sendTransport);
    this.wireTransport(recvTransport);
  }

  static async open(
    signaling: SignalingClient,
    routerRtpCapabilities: ms.RtpCapabilities,
    selfUserId: string,
    listener: MediaListener,
    createDevice: DeviceFactory = () => Device.factory(),
  ): Promise<MediaSession> {
    const device = await createDevice();
    await device.load({ routerRtpCapabilities });
    const canSend = device.canProduce('audio') || device.canProduce('video');
    const [sendInfo, recvInfo] = await Promise.all([
      canSend ? signaling.createWebRtcTransport({ producing: true, consuming: false }) : Promise.resolve(null),
      signaling.createWebRtcTransport({ producing: false, consuming: true }),
    ]);
    const sendTransport = sendInfo === null ? null : device.createSendTransport(transportOptions(sendInfo));
    const recvTransport = device.createRecvTransport(transportOptions(recvInfo));
    return new MediaSession(signaling, device, sendTransport, recvTransport, selfUserId, listener);
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Sends a local track; the camera goes out as 3 simulcast layers when the codec is VP8. */
  async produce(source: MediaSource, track: MediaStreamTrack): Promise<ms.Producer> {
    if (this.sendTransport === null) throw new Error('This browser cannot send media to this server.');
    const existing = this.producers.get(source);
    if (existing !== undefined) await this.closeProducer(source);
    const options: ms.ProducerOptions = { track, stopTracks: false, appData: { source } };
    if (source === 'cam' && this.sendsVp8()) {
      options.encodings = [
        { scaleResolutionDownBy: 4, maxBitrate: 150_000, scalabilityMode: 'L1T3' },
        { scaleResolutionDownBy: 2, maxBitrate: 500_000, scalabilityMode: 'L1T3' },
        { scaleResolutionDownBy: 1, maxBitrate: 1_200_000, scalabilityMode: 'L1T3' },
      ];
      options.codecOptions = { videoGoogleStartBitrate: 1000 };
    } else if (source === 'mic') {
      options.codecOptions = { opusDtx: true, opusFec: true };
    } else if (source === 'screen') {
      // Text on a shared screen must stay sharp; frame rate may drop instead.
      if ('contentHint' in track) track.contentHint = 'detail';
      options.encodings = [{ maxBitrate: 1_500_000 }];
    }
    let producer: ms.Producer;
    try {
      producer = await this.sendTransport.produce(options);
    } catch (error) {
      if ((options.encodings?.length ?? 0) < 2 || this.closed) throw error;
      // A server that refuses simulcast (Chrome sends its layers by RID, which not every SFU routes) still
      // gets the camera, as one layer.
      console.warn(`[parley] simulcast refused (${error instanceof Error ? error.message : String(error)}); sending one layer`);
      producer = await this.produceOneLayer({ ...options, encodings: [{ maxBitrate: 1_200_000 }] });
    }
    this.producers.set(source, producer);
    producer.on('trackended', () => this.listener.localTrackEnded(source));
    producer.on('transportclose', () => this.forgetProducer(source, producer));
    return producer;
  }

  /**
   * mediasoup-client drops a refused sender without waiting for that renegotiation to finish, and a new
   * sender started meanwhile fails ("no a=ssrc lines found"); so wait a moment, and try a few times.
   */
  private async produceOneLayer(options: ms.ProducerOptions): Promise<ms.Producer> {
    for (let attempt = 1; ; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 200 * attempt));
      if (this.closed || this.sendTransport === null) throw new Error('The meeting ended.');
      try {
        return await this.sendTransport.produce(options);
      } catch (error) {
        if (attempt >= 3) throw error;
      }
    }
  }

  async pauseProducer(source: MediaSource): Promise<void> {
    const producer = this.producers.get(source);
    if (producer === undefined || producer.paused) return;
    producer.pause();
    await this.signaling.pauseProducer(producer.id);
  }

  async resumeProducer(source: MediaSource): Promise<void> {
    const producer = this.producers.get(source);
    if (producer === undefined || !producer.paused) return;
    producer.resume();
    try {
      await this.signaling.resumeProducer(producer.id);
    } catch (error) {
      // Refused (a host muted the mic and only hosts may unmute): it stays paused on the server, so here too.
      producer.pause();
      throw error;
    }
  }

  /** Which of our producers has this id. */
  sourceOfProducer(producerId: string): MediaSource | undefined {
    for (const [source, producer] of this.producers) if (producer.id === producerId) return source;
    return undefined;
  }

  /** The server paused our producer (a host, or mute on entry): follow it here without asking the server again. */
  followPaused(source: MediaSource): void {
    const producer = this.producers.get(source);
    if (producer !== undefined && !producer.paused) producer.pause();
  }

  /** The server closed our producer (a host stopped it, or the role or the room's settings no longer allow it). */
  followClosed(source: MediaSource): void {
    const producer = this.producers.get(source);
    if (producer === undefined) return;
    this.forgetProducer(source, producer);
    producer.close();
  }

  async closeProducer(source: MediaSource): Promise<void> {
    const producer = this.producers.get(source);
    if (producer === undefined) return;
    this.forgetProducer(source, producer);
    producer.close();
    if (!this.closed) await this.signaling.closeProducer(producer.id);
  }

  async replaceTrack(source: MediaSource, track: MediaStreamTrack): Promise<void> {
    await this.producers.get(source)?.replaceTrack({ track });
  }

  /** Receives someone's producer: server consumer (paused), local consumer, then resume. */
  async consume(info: ProducerInfo): Promise<void> {
    if (this.closed || info.userId === this.selfUserId || this.consuming.has(info.producerId)) return;
    for (const track of this.consumers.values()) if (track.producerId === info.producerId) return;
    this.consuming.add(info.producerId);
    try {
      await this.consumeOnce(info);
    } finally {
      this.consuming.delete(info.producerId);
    }
  }

  private async consumeOnce(info: ProducerInfo): Promise<void> {
    const result = await this.signaling.consume({
      transportId: this.recvTransport.id,
      producerId: info.producerId,
      rtpCapabilities: this.device.recvRtpCapabilities,
    });
    if (this.closed) return;
    // userId too, so that whoever holds only the consumer (window.parley) knows whose it is.
    const appData = { ...info.appData, ...result.appData, userId: info.userId };
    const consumer = await this.recvTransport.consume({
      id: result.id,
      producerId: result.producerId,
      kind: result.kind,
      rtpParameters: result.rtpParameters,
      appData,
    });
    const remote: RemoteTrack = {
      consumer,
      producerId: info.producerId,
      userId: info.userId,
      source: sourceOf(appData, result.kind),
      kind: result.kind,
      type: result.type,
    };
    this.consumers.set(consumer.id, remote);
    consumer.on('transportclose', () => this.removeConsumer(consumer.id));
    consumer.on('trackended', () => this.removeConsumer(consumer.id));
    this.listener.remoteTrackAdded(remote);
    await this.signaling.resumeConsumer(consumer.id);
    if (result.producerPaused || info.paused) this.listener.remoteTrackPaused(remote, true);
  }

  /**
   * Asks the server for the simulcast layer that fits the tile, so small tiles in a big meeting
   * do not pull full resolution. Only changes, and only for live simulcast consumers, are sent. A
   * refusal leaves the server's choice; one because the server no longer has the consumer means
   * it is gone, so it is forgotten here too instead of being asked about again on every layout.
   */
  preferSpatialLayer(consumerId: string, spatialLayer: number): void {
    const remote = this.consumers.get(consumerId);
    if (this.closed || remote === undefined || remote.consumer.closed || remote.type !== 'simulcast') return;
    if (this.preferredLayers.get(consumerId) === spatialLayer) return;
    this.preferredLayers.set(consumerId, spatialLayer);
    this.signaling.setConsumerPreferredLayers({ consumerId, spatialLayer }).catch((error: unknown) => {
      if (this.closed || this.consumers.get(consumerId) !== remote) return;
      if (hubErrorMessage(error) === 'Consumer not found') this.removeConsumer(consumerId);
      else this.preferredLayers.delete(consumerId);
    });
  }

  /** The server switched a consumer's simulcast layers (`consumerLayersChanged`). */
  /** The spatial layer this page last asked for, for the network quality grade. */
  preferredLayerOf(consumerId: string): number | undefined {
    return this.preferredLayers.get(consumerId);
  }

  /** The server scored a consumer (`consumerScore`). */
  setConsumerScore(consumerId: string, score: ConsumerScore): void {
    if (this.consumers.has(consumerId)) this.consumerScores.set(consumerId, score);
  }

  /**
   * The server says which encodings of one of our simulcast producers someone needs (`producerLayersWanted`): the
   * others stop being encoded (`active: false`) until they are wanted again. Encodings are matched by RID, else by
   * position. Returns whether the sender's parameters changed.
   */
  async applyLayersWanted(producerId: string, wanted: readonly LayerWanted[]): Promise<boolean> {
    const producer = [...this.producers.values()].find((p) => p.id === producerId);
    const sender = producer?.rtpSender;
    if (producer === undefined || producer.closed || sender === undefined) return false;
    const parameters = sender.getParameters();
    let changed = false;
    parameters.encodings.forEach((encoding, index) => {
      const entry = wanted.find((w) => w.rid !== undefined && w.rid === encoding.rid) ?? (wanted.every((w) => w.rid === undefined) ? wanted[index] : undefined);
      if (entry !== undefined && (encoding.active ?? true) !== entry.active) {
        encoding.active = entry.active;
        changed = true;
      }
    });
    if (!changed) return false;
    try {
      await sender.setParameters(parameters);
      return true;
    } catch {
      return false; // a renegotiation raced us; the next change applies again
    }
  }

  setConsumerLayers(consumerId: string, layers: ConsumerLayers): void {
    if (this.consumers.has(consumerId)) this.consumerLayers.set(consumerId, layers);
  }

  removeConsumer(consumerId: string): void {
    const remote = this.consumers.get(consumerId);
    if (remote === undefined) return;
    this.consumers.delete(consumerId);
    this.preferredLayers.delete(consumerId);
    this.consumerLayers.delete(consumerId);
    this.consumerScores.delete(consumerId);
    remote.consumer.close();
    this.listener.remoteTrackRemoved(remote);
  }

  removeConsumersOfProducer(producerId: string): void {
    for (const [id, remote] of this.consumers) if (remote.producerId === producerId) this.removeConsumer(id);
  }

  removeConsumersOfUser(userId: string): void {
    for (const [id, remote] of this.consumers) if (remote.userId === userId) this.removeConsumer(id);
  }

  setConsumerPaused(consumerId: string, paused: boolean): void {
    const remote = this.consumers.get(consumerId);
    if (remote !== undefined) this.listener.remoteTrackPaused(remote, paused);
  }

  setProducerPaused(producerId: string, paused: boolean): void {
    for (const remote of this.consumers.values()) {
      if (remote.producerId === producerId) this.listener.remoteTrackPaused(remote, paused);
    }
  }

  /** Closes both transports (hence producers and consumers) without stopping the local tracks. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const id of [...this.consumers.keys()]) this.removeConsumer(id);
    this.producers.clear();
    this.sendTransport?.close();
    this.recvTransport.close();
  }

  private forgetProducer(source: MediaSource, producer: ms.Producer): void {
    if (this.producers.get(source) === producer) this.producers.delete(source);
  }

  private sendsVp8(): boolean {
    const codec = this.device.sendRtpCapabilities.codecs?.find(
      (c) => c.kind === 'video' && !/\/rtx$/i.test(c.mimeType),
    );
    return codec?.mimeType.toLowerCase() === 'video/vp8';
  }

  private wireTransport(transport: ms.Transport): void {
    transport.on('connect', ({ dtlsParameters }, callback, errback) => {
      this.signaling
        .connectTransport({ transportId: transport.id, dtlsParameters })
        .then(() => callback(), errback);
    });
    if (transport.direction === 'send') {
      transport.on('produce', ({ kind, rtpParameters, appData }, callback, errback) => {
        this.signaling
          .produce({ transportId: transport.id, kind, rtpParameters, appData: { source: sourceOf(appData, kind) } })
          .then(({ id }) => callback({ id }), errback);
      });
    }
    let restartTimer: ReturnType<typeof setTimeout> | undefined;
    let stalledTimer: ReturnType<typeof setTimeout> | undefined;
    transport.on('connectionstatechange', (state) => {
      clearTimeout(restartTimer);
      clearTimeout(stalledTimer);
      if (state === 'connecting') {
        stalledTimer = setTimeout(() => {
          if (!this.closed && transport.connectionState === 'connecting') {
            this.listener.mediaConnection('Audio and video are still connecting… If this lasts, a firewall may block the server’s media port.');
          }
        }, connectingPatienceMs);
      } else if (state === 'connected') {
        this.listener.mediaConnection(null);
      } else if (state === 'failed') {
        void this.restartIce(transport);
      } else if (state === 'disconnected') {
        // Brief network changes often heal on their own; restart ICE only if this one does not.
        restartTimer = setTimeout(() => {
          if (transport.connectionState === 'disconnected') void this.restartIce(transport);
        }, 3000);
      }
    });
  }

  private async restartIce(transport: ms.Transport): Promise<void> {
    if (this.closed || transport.closed) return;
    try {
      const { iceParameters } = await this.signaling.restartIce(transport.id);
      await transport.restartIce({ iceParameters });
    } catch {
      this.listener.transportProblem('The media connection was interrupted and could not be restored.');
      return;
    }
    // An ICE restart that does not bring the path back within a while will not; let the meeting rebuild.
    setTimeout(() => {
      if (!this.closed && !transport.closed && (transport.connectionState === 'failed' || transport.connectionState === 'disconnected')) {
        this.listener.transportProblem('The media connection was interrupted and could not be restored.');
      }
    }, iceRestartGraceMs);
  }
}

function transportOptions(info: {
  id: string;
  iceParameters: ms.IceParameters;
  iceCandidates: ms.IceCandidate[];
  dtlsParameters: ms.DtlsParameters;
  sctpParameters?: ms.SctpParameters;
}): ms.TransportOptions {
  const options: ms.TransportOptions = {
    id: info.id,
    iceParameters: info.iceParameters,
    iceCandidates: info.iceCandidates,
    dtlsParameters: info.dtlsParameters,
  };
  if (info.sctpParameters !== undefined) options.sctpParameters = info.sctpParameters;
  return options;
}
