namespace Parley.Server.Http;

/// <summary>Caps API request bodies at <see cref="MaxBodyBytes"/>; larger ones are bad input (400).</summary>
internal static class RequestLimits
{
    public const int MaxBodyBytes = 64 * 1024;

    public static IApplicationBuilder UseApiBodyLimit(this IApplicationBuilder app) =>
        app.Use(async (context, next) =>
        {
            if (context.Request.Path.StartsWithSegments("/api"))
            {
                if (context.Request.ContentLength > MaxBodyBytes)
                {
                    await TooLarge($"The request body is {context.Request.ContentLength} bytes; the limit is {MaxBodyBytes / 1024} KiB.")
                        .ExecuteAsync(context);
                    return;
                }

                // A body without Content-Length (chunked) is cut off while it is read. Endpoint binding
                // catches the exception itself and leaves an empty 400, so say here what went wrong.
                var limited = new LengthLimitedStream(context.Request.Body, MaxBodyBytes);
                context.Request.Body = limited;
                await next(context);
                if (limited.Exceeded && !context.Response.HasStarted)
                {
                    context.Response.Clear();
                    await TooLarge($"The request body is larger than {MaxBodyBytes / 1024} KiB.").ExecuteAsync(context);
                }

                return;
            }

            await next(context);
        });

    private static IResult TooLarge(string detail) =>
        Results.Problem(detail, statusCode: StatusCodes.Status400BadRequest, title: "Request body too large");
}

/// <summary>
/// A read-only view of a request body that throws a 400 <see cref="BadHttpRequestException"/> once more
/// than the limit has been read (Kestrel's own limit would answer 413).
/// </summary>
internal sealed class LengthLimitedStream(Stream inner, long limit) : Stream
{
    private long _read;

    /// <summary>Whether a read went past the limit.</summary>
    public bool Exceeded => _read > limit;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => _read;
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Count(inner.Read(buffer, offset, count));

    public override int Read(Span<byte> buffer) => Count(inner.Read(buffer));

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        Count(await inner.ReadAsync(buffer, cancellationToken));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    private int Count(int read)
    {
        _read += read;
        if (_read > limit)
        {
            throw new RequestBodyTooLargeException(limit);
        }

        return read;
    }
}

/// <summary>Thrown by <see cref="LengthLimitedStream"/>; mapped to a 400 problem.</summary>
internal sealed class RequestBodyTooLargeException(long limit)
    : BadHttpRequestException($"The request body is larger than {limit / 1024} KiB.", StatusCodes.Status400BadRequest);
