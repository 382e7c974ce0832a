namespace Parley.Media.Tests.Rtp;

/// <summary>
/// RTP headers captured from Chrome and decoded with Wireshark, as published in the test data of
/// olivermichel/webrtc-analysis (test/include/data.h). The captures stop after the header extension, so the
/// payload is empty.
/// </summary>
internal static class ChromeRtpVectors
{
    /// <summary>PT 45, seq 6751, ts 3557360969, SSRC 0xf7b16e83; one-byte elements 2 (3 B), 4 (2 B), 13 (3 B), one padding byte.</summary>
    public const string OneByteThreeElements =
        "902d1a5fd4090549f7b16e83bede0003" +
        "22f34350" + "41009b" + "d2810045" + "00";

    /// <summary>Marker set, PT 45, seq 6612; seven one-byte elements including a 13-byte one (ID 7).</summary>
    public const string OneByteSevenElements =
        "90ad19d4d405e797f7b16e83bede0008" +
        "22ea432b" + "410004" + "9030" + "3000" + "6002" +
        "7c0100030009000a002300000000" + "d2400001" + "00";

    /// <summary>PT 45, seq 25029, SSRC 0x8d3814e5; two-byte (0x1000) elements, one of 33 bytes (too long for one-byte).</summary>
    public const string TwoByteSevenElements =
        "902d61c5950a0fee8d3814e510000011" +
        "020303f7ae" + "04020002" + "090130" + "030100" + "060102" +
        "070d01000100070007000a00000000" +
        "0d21c00001800318" + "7aaaf130a0a014d1" + "4138230460086422" + "22265009f0077013" + "f00ef0";

    public static byte[] Bytes(string hex) => Convert.FromHexString(hex);
}
