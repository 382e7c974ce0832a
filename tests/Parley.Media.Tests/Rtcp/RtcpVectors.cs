namespace Parley.Media.Tests.Rtcp;

/// <summary>RTCP packets written down as hex, with where each shape comes from.</summary>
internal static class RtcpVectors
{
    /// <summary>
    /// A compound packet from a browser capture, as used in pion/rtcp's packet_test.go (realPacket):
    /// RR (1 block), SDES (1 CNAME), BYE, PLI, RTPFB FMT 5 (rapid resynchronisation request), APP "NAME".
    /// </summary>
    public const string PionCompound =
        // RR: SSRC 0x902f9e2e; block for 0xbc5e9a40: lost 0/0, ext. highest 0x46e1, jitter 273, LSR 0x09f36432, DLSR 150137
        "81c90007 902f9e2e bc5e9a40 00000000 000046e1 00000111 09f36432 00024a79" +
        // SDES: chunk 0x902f9e2e, CNAME (38 bytes) "{9c00eb92-1afb-9d49-a47d-91f64eee69f5}", END + 3 nulls
        "81ca000c 902f9e2e 0126 7b39633030656239322d316166622d396434392d613437642d393166363465656536396635 7d 00000000" +
        // BYE: 0x902f9e2e
        "81cb0001 902f9e2e" +
        // PLI: sender and media 0x902f9e2e
        "81ce0002 902f9e2e 902f9e2e" +
        // RTPFB FMT 5
        "85cd0002 902f9e2e 902f9e2e" +
        // APP: subtype 0, SSRC 0x4baae1ab, name "NAME", data "ABCD"
        "80cc0003 4baae1ab 4e414d45 41424344";

    /// <summary>
    /// Transport-wide CC feedback captured from Chrome and decoded by Wireshark (olivermichel/webrtc-analysis,
    /// test/include/data.h, twcc_pkt1): base 1, 9 packets, reference time 6197520, fb count 0, one run-length
    /// chunk of 9 small deltas (7, 3, 11, 14, 0, 1, 0, 2, 6 ms) and one byte of RTCP padding.
    /// </summary>
    public const string ChromeTransportCc =
        "afcd0007 00000001 dd586eb6 00010009 5e911000 2009 1c0c2c3800040008 18 01";

    /// <summary>
    /// Transport-wide CC feedback from pion/rtcp's transport_layer_cc_test.go ("example6", a capture): base 34108,
    /// 9 packets, a two-bit status vector (5 small, 1 lost, 1 large) and a run of 48 lost, of which only 2 count.
    /// </summary>
    public const string PionTransportCcVectors =
        "afcd0007 9b74f61f 9371dcbc 853c0009 63f916b3 d552 0030 9baa6aaa7b 0109 01";

    /// <summary>
    /// libwebrtc nack_unittest.cc: sender 0x12345678, media 0x23456789, lost {0, 1, 3, 8, 16} in one PID/BLP entry.
    /// </summary>
    public const string LibwebrtcNack = "81cd0003 12345678 23456789 0000 8085";

    /// <summary>
    /// A generic NACK from jitsi-videobridge's RtcpFbNackPacketTest: two entries, 0x2103 + 16 and 0x2114 + 7.
    /// </summary>
    public const string JitsiNack = "81cd0004 c6473407 1295f48f 2103ffff 2114007f";

    /// <summary>
    /// libwebrtc remb_unittest.cc: sender 0x12345678, bitrate 0x3fb93 × 2 = 522022 bps, three SSRCs.
    /// </summary>
    public const string LibwebrtcRemb =
        "8fce0007 12345678 00000000 52454d42 0307fb93 23456789 2345678a 2345678b";

    public static byte[] Bytes(string hex) => Convert.FromHexString(hex.Replace(" ", string.Empty));
}
