namespace Parley.Media.Codecs;

/// <summary>Reads bits most significant first, as the AV1 specifications' f(n) and ns(n) do; reading past the end fails.</summary>
internal ref struct BitReader(ReadOnlySpan<byte> data)
{
    private readonly ReadOnlySpan<byte> _data = data;
    private int _position;

    /// <summary>How many bits were read.</summary>
    public readonly int Position => _position;

    /// <summary>False once a read ran past the end (the values read since are 0).</summary>
    public bool Ok { get; private set; } = true;

    /// <summary>f(n): an unsigned value of <paramref name="bits"/> bits (at most 32).</summary>
    public uint Read(int bits)
    {
        uint value = 0;
        for (var i = 0; i < bits; i++)
        {
            if (_position >= _data.Length * 8)
            {
                Ok = false;
                return 0;
            }

            value = (value << 1) | (uint)((_data[_position >> 3] >> (7 - (_position & 7))) & 1);
            _position++;
        }

        return value;
    }

    public bool ReadFlag() => Read(1) != 0;

    /// <summary>ns(n): a non-symmetric unsigned value below <paramref name="n"/>.</summary>
    public uint ReadNonSymmetric(uint n)
    {
        var width = 0;
        for (var x = n; x != 0; x >>= 1)
        {
            width++;
        }

        var m = (1u << width) - n;
        var value = Read(width - 1);
        return value < m ? value : (value << 1) - m + Read(1);
    }
}

/// <summary>Writes bits most significant first (the inverse of <see cref="BitReader"/>); writing past the end fails.</summary>
internal ref struct BitWriter(Span<byte> destination)
{
    private readonly Span<byte> _destination = destination;
    private int _position;

    /// <summary>How many bits were written.</summary>
    public readonly int Position => _position;

    /// <summary>False once a write ran past the end.</summary>
    public bool Ok { get; private set; } = true;

    /// <summary>How many whole bytes the bits written take.</summary>
    public readonly int ByteLength => (_position + 7) / 8;

    public void Write(uint value, int bits)
    {
        for (var i = bits - 1; i >= 0; i--)
        {
            if (_position >= _destination.Length * 8)
            {
                Ok = false;
                return;
            }

            var mask = (byte)(0x80 >> (_position & 7));
            if (((value >> i) & 1) != 0)
            {
                _destination[_position >> 3] |= mask;
            }
            else
            {
                _destination[_position >> 3] &= (byte)~mask;
            }

            _position++;
        }
    }

    public void WriteFlag(bool value) => Write(value ? 1u : 0u, 1);

    /// <summary>ns(n), as <see cref="BitReader.ReadNonSymmetric"/> reads it.</summary>
    public void WriteNonSymmetric(uint value, uint n)
    {
        var width = 0;
        for (var x = n; x != 0; x >>= 1)
        {
            width++;
        }

        var m = (1u << width) - n;
        if (value < m)
        {
            Write(value, width - 1);
        }
        else
        {
            var extra = value + m;
            Write(extra >> 1, width - 1);
            Write(extra & 1, 1);
        }
    }
}
