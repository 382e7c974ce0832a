namespace Parley.Media.Routing;

/// <summary>
/// The quality of what a consumer sends and of what it is fed, 0 (nothing arrives) to 10 (nothing lost), as mediasoup
/// scores them: <paramref name="Score"/> from the receiver's reports about the consumer's stream, <paramref name="ProducerScore"/>
/// that of the producer stream it forwards, from our own reports about what the sender's packets did on their way in.
/// </summary>
/// <param name="Score">The consumer's stream score (the downlink to the receiver).</param>
/// <param name="ProducerScore">The score of the producer stream it forwards (the uplink from the sender).</param>
public readonly record struct ConsumerScore(int Score, int ProducerScore);
