using System.Buffers.Binary;
using System.Text;
using Parley.Media.Dtls;
using Parley.Media.Fuzz.Targets;
using Parley.Media.Rtcp;
using Parley.Media.Rtp;
using Parley.Media.Stun;

namespace Parley.Media.Fuzz;

/// <summary>
/// Writes the checked-in seed corpus (fuzz/corpus/&lt;target&gt;/): real-shaped packets made with the library's own
/// writers where it has them, by hand where it does not. Regenerate with <c>Parley.Media.Fuzz --write-seeds fuzz/corpus</c>.
/// </summary>
internal static class SeedCorpus
{
    public static void Write(string directory)
    {
        Save(directory, "stun", StunSeeds());
        Save(directory, "rtp", RtpSeeds());
        Save(directory, "rtcp", RtcpSeeds());
        Save(directory, "transport-cc", TransportCcSeeds());
        Save(directory, "dtls", DtlsSeeds());
        Save(directory, "rfc4571", Rfc4571Seeds());
        Save(directory, "vp8", Hex("9080a3e5" + "9d012a", "10", "90e0ff7f0120" + "00", "8080" + "9d", "b0c0ab" + "d0"));
        Save(directory, "vp9", Hex("8a" + "0001" + "18" + "0280" + "01e0", "a8" + "8123" + "00", "0a", "88" + "7f", "82" + "0a"));
        Save(directory, "h264", Hex("6588", "674d", "18" + "0002" + "6742" + "0002" + "68ce" + "0003" + "658884", "7c85" + "88", "7c05", "41e0", "19" + "0000" + "0002" + "6742"));
        Save(directory, "av1", Hex("08" + "0a0b", "18" + "0a" + "0b", "28" + "02" + "0a0b" + "32", "00", "e0"));
    }

    private static void Save(string directory, string target, IEnumerable<byte[]> seeds)
    {
        var folder = Path.Combine(directory, target);
        Directory.CreateDirectory(folder);
        var index = 0;
        foreach (var seed in seeds)
        {
            File.WriteAllBytes(Path.Combine(folder, $"seed-{index++:D2}.bin"), seed);
        }
    }

    private static IEnumerable<byte[]> Hex(params string[] values) => values.Select(Convert.FromHexString);

    private static IEnumerable<byte[]> StunSeeds()
    {
        var key = Encoding.UTF8.GetBytes(StunTarget.Credentials.Password);
        byte[] transaction = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12];
        var buffer = new byte[512];

        var check = new StunWriter(buffer, StunClass.Request, StunMethod.Binding, transaction);
        check.TryAddUsername(Encoding.UTF8.GetBytes(StunTarget.Credentials.UsernameFragment + ":peer"));
        check.TryAddPriority(0x6E7F1EFF);
        check.TryAddUseCandidate();
        check.TryAddIceRole(StunIceRole.Controlling, 0x0102030405060708);
        check.TryAddMessageIntegrity(key);
        check.TryAddFingerprint();
        yield return check.Written.ToArray();

        var controlled = new StunWriter(buffer, StunClass.Request, StunMethod.Binding, transaction);
        controlled.TryAddUsername(Encoding.UTF8.GetBytes(StunTarget.Credentials.UsernameFragment + ":peer"));
        controlled.TryAddPriority(1);
        controlled.TryAddIceRole(StunIceRole.Controlled, 1);
        controlled.TryAddMessageIntegrity(key);
        yield return controlled.Written.ToArray();

        var success = new StunWriter(buffer, StunClass.SuccessResponse, StunMethod.Binding, transaction);
        success.TryAddXorMappedAddress([127, 0, 0, 1], 5000);
        success.TryAddMappedAddress([0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1], 5001);
        success.TryAddSoftware("parley"u8);
        success.TryAddMessageIntegrity(key);
        success.TryAddFingerprint();
        yield return success.Written.ToArray();

        var error = new StunWriter(buffer, StunClass.ErrorResponse, StunMethod.Binding, transaction);
        error.TryAddErrorCode(401);
        error.TryAddUnknownAttributes([0x0003, 0x7FFF]);
        error.TryAddFingerprint();
        yield return error.Written.ToArray();

        var bare = new StunWriter(buffer, StunClass.Request, StunMethod.Binding, transaction);
        bare.TryAddUsername("wrong:peer"u8);
        yield return bare.Written.ToArray();

        var indication = new StunWriter(buffer, StunClass.Indication, StunMethod.Binding, transaction);
        indication.TryAddFingerprint();
        yield return indication.Written.ToArray();
    }

    private static IEnumerable<byte[]> RtpSeeds()
    {
        byte[] payload = [0x90, 0x80, 0xA3, 0xE5, 0x9D, 0x01, 0x2A, 0xDE, 0xAD];
        yield return Rtp(b => { }, payload, 0);
        yield return Rtp(b => { b.TryAddCsrc(0x01020304); b.TryAddCsrc(0x05060708); }, payload, 0);
        yield return Rtp(b => { b.TryAddExtension(1, [0x12, 0x34]); b.TryAddExtension(3, [0x00, 0x07]); b.TryAddExtension(4, "0"u8); }, payload, 0);
        yield return Rtp(b => { b.TryAddExtension(10, [0x80]); }, payload, 4);
        yield return Rtp(b => { b.TryAddExtension(1, []); b.TryAddExtension(200, new byte[20]); }, payload, 0, RtpHeaderExtensionForm.TwoByte);
        yield return Rtp(b => { }, [0x12, 0x34, .. payload], 0);
        yield return Convert.FromHexString("906f00010000000200000003abcd0001deadbeef" + "cafe");
        yield return Convert.FromHexString("a06f00010000000200000003" + "0102" + "0003");
    }

    private static byte[] Rtp(Action<RtpPacketBuilderHolder> extend, byte[] payload, int padding, RtpHeaderExtensionForm form = RtpHeaderExtensionForm.OneByte)
    {
        var buffer = new byte[1500];
        var holder = new RtpPacketBuilderHolder(buffer, form);
        extend(holder);
        holder.Finish(payload, padding, out var written);
        return buffer[..written];
    }

    private static IEnumerable<byte[]> RtcpSeeds()
    {
        RtcpReportBlock[] blocks =
        [
            new(0x11111111, 12, 34, 0x0001_2345, 90, 0xAABBCCDD, 655),
            new(0x22222222, 0, -5, 65535, 0, 0, 0),
        ];
        var buffer = new byte[1500];
        RtcpSenderReport.TryWrite(buffer, 0x01020304, 0xE5E5E5E5_00000000, 90000, 100, 120000, blocks, out var sr);
        RtcpSourceDescription.TryWriteCname(buffer.AsSpan(sr), 0x01020304, "user@example"u8, out var sdes);
        yield return buffer[..(sr + sdes)];

        RtcpReceiverReport.TryWrite(buffer, 0x0A0B0C0D, blocks[..1], out var rr);
        RtcpGoodbye.TryWrite(buffer.AsSpan(rr), [0x0A0B0C0D, 0x01020304], "bye now"u8, out var bye);
        yield return buffer[..(rr + bye)];

        RtcpApplicationDefined.TryWrite(buffer, 3, 0x01020304, "PRLY"u8, [1, 2, 3, 4, 5, 6, 7, 8], out var app);
        yield return buffer[..app];

        RtcpGenericNack.TryWrite(buffer, 1, 2, [10, 11, 13, 40, 65535], out var nack);
        var pli = new RtcpPictureLossIndication(1, 2);
        pli.TryWrite(buffer.AsSpan(nack), out var pliLength);
        yield return buffer[..(nack + pliLength)];

        RtcpFullIntraRequest.TryWrite(buffer, 1, [new RtcpFirEntry(2, 7), new RtcpFirEntry(3, 8)], out var fir);
        RtcpRemb.TryWrite(buffer.AsSpan(fir), 1, 1_500_000, [2, 3], out var remb);
        yield return buffer[..(fir + remb)];

        foreach (var twcc in TransportCcSeeds())
        {
            yield return twcc;
        }

        // A reduced-size RR with padding on the last packet.
        yield return Convert.FromHexString("a1c90002" + "00000001" + "00000002");
    }

    private static IEnumerable<byte[]> TransportCcSeeds()
    {
        var buffer = new byte[1500];
        TransportCcArrival[][] sets =
        [
            [new(100, 1_000_000), new(101, 1_000_250), new(102, 1_001_000)],
            [new(65534, 64_000), new(65535, 64_000), new(1, 200_000), new(2, 150_000)],
            [.. Enumerable.Range(0, 40).Select(i => new TransportCcArrival((ushort)(500 + (i * 2)), 2_000_000 + (i * 5_000)))],
        ];
        foreach (var arrivals in sets)
        {
            if (RtcpTransportFeedback.TryWrite(buffer, 1, 2, 7, arrivals, out var written))
            {
                yield return buffer[..written];
            }
        }
    }

    private static IEnumerable<byte[]> DtlsSeeds()
    {
        // A ClientHello fragment header (handshake type 1, lengths, message_seq, fragment offset/length) and a body.
        byte[] hello = [1, 0, 0, 4, 0, 0, 0, 0, 0, 0, 0, 4, 0xFE, 0xFD, 0, 0];
        yield return Record(DtlsContentType.Handshake, 0, 0, hello);
        yield return [.. Record(DtlsContentType.ChangeCipherSpec, 0, 1, [1]), .. Record(DtlsContentType.Handshake, 1, 0, new byte[40])];
        yield return Record(DtlsContentType.Alert, 0, 2, [2, 40]);
        yield return Record(DtlsContentType.ApplicationData, 1, 7, new byte[64]);
    }

    private static byte[] Record(DtlsContentType type, ushort epoch, ulong sequence, byte[] fragment)
    {
        var record = new byte[DtlsRecordHeader.Size + fragment.Length];
        new DtlsRecordHeader(type, 0xFEFD, epoch, sequence, (ushort)fragment.Length).TryWrite(record, out _);
        fragment.CopyTo(record, DtlsRecordHeader.Size);
        return record;
    }

    private static IEnumerable<byte[]> Rfc4571Seeds()
    {
        var stun = StunSeeds().First();
        var rtp = RtpSeeds().First();
        var rtcp = RtcpSeeds().First();
        var dtls = DtlsSeeds().First();
        yield return Frame(stun);
        yield return [.. Frame(rtp), .. Frame(rtcp), .. Frame(dtls)];
        yield return [.. Frame(rtp), .. Frame(stun)[..7]];
        yield return [0, 0, .. Frame(rtp)];
    }

    private static byte[] Frame(byte[] payload)
    {
        var frame = new byte[payload.Length + 2];
        BinaryPrimitives.WriteUInt16BigEndian(frame, (ushort)payload.Length);
        payload.CopyTo(frame, 2);
        return frame;
    }

    /// <summary>Carries an <see cref="RtpPacketBuilder"/> (a ref struct) through a lambda by its buffer.</summary>
    private sealed class RtpPacketBuilderHolder(byte[] buffer, RtpHeaderExtensionForm form)
    {
        private readonly List<uint> _csrcs = [];
        private readonly List<(byte Id, byte[] Value)> _extensions = [];

        public void TryAddCsrc(uint csrc) => _csrcs.Add(csrc);

        public void TryAddExtension(byte id, ReadOnlySpan<byte> value) => _extensions.Add((id, value.ToArray()));

        public void Finish(byte[] payload, int padding, out int written)
        {
            var builder = new RtpPacketBuilder(buffer, 96, 4711, 90000, 0x1234_5678, marker: true, form);
            foreach (var csrc in _csrcs)
            {
                builder.TryAddCsrc(csrc);
            }

            foreach (var (id, value) in _extensions)
            {
                builder.TryAddExtension(id, value);
            }

            builder.TryFinish(payload, padding, out written);
        }
    }
}
