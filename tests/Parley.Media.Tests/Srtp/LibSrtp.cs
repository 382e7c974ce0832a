using System.Runtime.InteropServices;
using Parley.Media.Srtp;

namespace Parley.Media.Tests.Srtp;

/// <summary>
/// Debian's libsrtp 2.5 (libsrtp2-1) as an independent SRTP peer, over P/Invoke. <c>srtp_policy_t</c> is laid
/// out as in srtp2/srtp.h of 2.5 on LP64; the crypto policies are filled by libsrtp's own setters.
/// </summary>
internal sealed unsafe class LibSrtp : IDisposable
{
    private const string Library = "libsrtp2.so.1";
    private const int SsrcAnyInbound = 2;
    private const int SsrcAnyOutbound = 3;
    private static readonly object InitLock = new();
    private static bool _initialized;

    private IntPtr _session;

    private LibSrtp(IntPtr session) => _session = session;

    /// <summary>A libsrtp session for one direction, keyed with master key || master salt.</summary>
    public static LibSrtp Create(SrtpProfile profile, ReadOnlySpan<byte> masterKey, ReadOnlySpan<byte> masterSalt, bool outbound)
    {
        lock (InitLock)
        {
            if (!_initialized)
            {
                Check(srtp_init(), "srtp_init");
                _initialized = true;
            }
        }

        var policy = new Policy
        {
            SsrcType = outbound ? SsrcAnyOutbound : SsrcAnyInbound,
            WindowSize = 1024,
            AllowRepeatTx = 1,
        };
        switch (profile)
        {
            case SrtpProfile.AeadAes256Gcm:
                srtp_crypto_policy_set_aes_gcm_256_16_auth(&policy.Rtp);
                srtp_crypto_policy_set_aes_gcm_256_16_auth(&policy.Rtcp);
                break;
            case SrtpProfile.AeadAes128Gcm:
                srtp_crypto_policy_set_aes_gcm_128_16_auth(&policy.Rtp);
                srtp_crypto_policy_set_aes_gcm_128_16_auth(&policy.Rtcp);
                break;
            case SrtpProfile.AesCm128HmacSha1_80:
                srtp_crypto_policy_set_rtp_default(&policy.Rtp);
                srtp_crypto_policy_set_rtp_default(&policy.Rtcp);
                break;
            case SrtpProfile.AesCm128HmacSha1_32:
                srtp_crypto_policy_set_aes_cm_128_hmac_sha1_32(&policy.Rtp);
                srtp_crypto_policy_set_rtp_default(&policy.Rtcp);
                break;
        }

        var key = new byte[masterKey.Length + masterSalt.Length];
        masterKey.CopyTo(key);
        masterSalt.CopyTo(key.AsSpan(masterKey.Length));
        fixed (byte* keyPointer = key)
        {
            policy.Key = keyPointer;
            IntPtr session;
            Check(srtp_create(&session, &policy), "srtp_create");
            return new LibSrtp(session);
        }
    }

    public int Protect(byte[] buffer, int length) => Run(srtp_protect, buffer, length);

    public int Unprotect(byte[] buffer, int length) => Run(srtp_unprotect, buffer, length);

    public int ProtectRtcp(byte[] buffer, int length) => Run(srtp_protect_rtcp, buffer, length);

    public int UnprotectRtcp(byte[] buffer, int length) => Run(srtp_unprotect_rtcp, buffer, length);

    /// <summary>Runs one libsrtp call in place; returns the new length, or -status on failure.</summary>
    private int Run(Func<IntPtr, IntPtr, IntPtr, int> call, byte[] buffer, int length)
    {
        fixed (byte* data = buffer)
        {
            int inOut = length;
            int status = call(_session, (IntPtr)data, (IntPtr)(&inOut));
            return status == 0 ? inOut : -status;
        }
    }

    public void Dispose()
    {
        if (_session != IntPtr.Zero)
        {
            srtp_dealloc(_session);
            _session = IntPtr.Zero;
        }
    }

    private static void Check(int status, string call)
    {
        if (status != 0)
            throw new InvalidOperationException($"{call} failed with srtp_err_status {status}.");
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct CryptoPolicy
    {
        public int CipherType;
        public int CipherKeyLength;
        public int AuthType;
        public int AuthKeyLength;
        public int AuthTagLength;
        public int SecurityServices;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct Policy
    {
        public int SsrcType;
        public uint SsrcValue;
        public CryptoPolicy Rtp;
        public CryptoPolicy Rtcp;
        public byte* Key;
        public IntPtr Keys;
        public nuint MasterKeyCount;
        public IntPtr DeprecatedEkt;
        public nuint WindowSize;
        public int AllowRepeatTx;
        public IntPtr EncryptedHeaderExtensionIds;
        public int EncryptedHeaderExtensionCount;
        public IntPtr Next;
    }

    [DllImport(Library)] private static extern int srtp_init();
    [DllImport(Library)] private static extern int srtp_create(IntPtr* session, Policy* policy);
    [DllImport(Library)] private static extern int srtp_dealloc(IntPtr session);
    [DllImport(Library)] private static extern int srtp_protect(IntPtr session, IntPtr packet, IntPtr length);
    [DllImport(Library)] private static extern int srtp_unprotect(IntPtr session, IntPtr packet, IntPtr length);
    [DllImport(Library)] private static extern int srtp_protect_rtcp(IntPtr session, IntPtr packet, IntPtr length);
    [DllImport(Library)] private static extern int srtp_unprotect_rtcp(IntPtr session, IntPtr packet, IntPtr length);
    [DllImport(Library)] private static extern void srtp_crypto_policy_set_rtp_default(CryptoPolicy* policy);
    [DllImport(Library)] private static extern void srtp_crypto_policy_set_aes_cm_128_hmac_sha1_32(CryptoPolicy* policy);
    [DllImport(Library)] private static extern void srtp_crypto_policy_set_aes_gcm_128_16_auth(CryptoPolicy* policy);
    [DllImport(Library)] private static extern void srtp_crypto_policy_set_aes_gcm_256_16_auth(CryptoPolicy* policy);
}
