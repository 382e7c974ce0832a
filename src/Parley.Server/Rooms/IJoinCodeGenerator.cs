using System.Security.Cryptography;
using Parley.Data;

namespace Parley.Server.Rooms;

/// <summary>Makes candidate join codes; <see cref="RoomService"/> retries when one is taken.</summary>
public interface IJoinCodeGenerator
{
    /// <summary>A <see cref="JoinCodes.Length"/>-character code from <see cref="JoinCodes.Alphabet"/>.</summary>
    string NewCode();
}

/// <summary>Uniformly random codes from a cryptographic generator (32^6 ≈ 10^9 of them).</summary>
internal sealed class RandomJoinCodeGenerator : IJoinCodeGenerator
{
    public string NewCode() => RandomNumberGenerator.GetString(JoinCodes.Alphabet, JoinCodes.Length);
}
