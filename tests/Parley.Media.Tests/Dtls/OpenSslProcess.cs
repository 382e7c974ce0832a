using System.Diagnostics;
using System.Text;

namespace Parley.Media.Tests.Dtls;

/// <summary>
/// An <c>openssl</c> command-line process (Debian's OpenSSL, an independent DTLS implementation)
/// with its output captured line by line. Disposing always kills it.
/// </summary>
internal sealed class OpenSslProcess : IDisposable
{
    private readonly Process _process;
    private readonly object _gate = new();
    private readonly List<string> _lines = [];

    private OpenSslProcess(Process process)
    {
        _process = process;
    }

    internal string Output
    {
        get
        {
            lock (_gate)
                return string.Join('\n', _lines);
        }
    }

    internal bool HasExited => _process.HasExited;

    internal static OpenSslProcess Start(params string[] arguments)
    {
        var startInfo = new ProcessStartInfo("openssl")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in arguments)
            startInfo.ArgumentList.Add(argument);

        var process = new Process { StartInfo = startInfo };
        var wrapper = new OpenSslProcess(process);
        process.OutputDataReceived += (_, e) => wrapper.Append(e.Data);
        process.ErrorDataReceived += (_, e) => wrapper.Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return wrapper;
    }

    /// <summary>Runs a short openssl command to completion and returns its output.</summary>
    internal static string Run(TimeSpan timeout, params string[] arguments)
    {
        using OpenSslProcess process = Start(arguments);
        process._process.StandardInput.Close();
        if (!process._process.WaitForExit(timeout))
            throw new TimeoutException($"openssl {string.Join(' ', arguments)} did not finish.");
        process._process.WaitForExit();
        if (process._process.ExitCode != 0)
            throw new InvalidOperationException($"openssl {string.Join(' ', arguments)} failed: {process.Output}");
        return process.Output;
    }

    /// <summary>Waits for an output line starting with <paramref name="prefix"/> (after trimming) and returns its remainder.</summary>
    internal async Task<string> WaitForLineAsync(string prefix, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            lock (_gate)
            {
                foreach (string line in _lines)
                {
                    string trimmed = line.Trim();
                    if (trimmed.StartsWith(prefix, StringComparison.Ordinal))
                        return trimmed[prefix.Length..].Trim();
                }
            }

            await Task.Delay(20);
        }

        throw new TimeoutException($"openssl never printed '{prefix}'. Output:\n{Output}");
    }

    /// <summary>Closes openssl's stdin: s_client and s_server then shut the connection down with close_notify.</summary>
    internal void CloseInput() => _process.StandardInput.Close();

    internal bool WaitForExit(TimeSpan timeout) => _process.WaitForExit(timeout);

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
                _process.Kill(entireProcessTree: true);
            _process.WaitForExit(5000);
        }
        catch (InvalidOperationException)
        {
            // Never started or already reaped.
        }

        _process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null)
            return;
        lock (_gate)
            _lines.Add(line);
    }
}

/// <summary>Certificates made by openssl itself, in a temporary directory.</summary>
public sealed class OpenSslCertificates : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("parley-dtls-");

    public OpenSslCertificates()
    {
        (EcdsaCertificatePath, EcdsaKeyPath) = Make("ecdsa", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1");
        (RsaCertificatePath, RsaKeyPath) = Make("rsa", "rsa", "-pkeyopt", "rsa_keygen_bits:2048");
        (Ed25519CertificatePath, Ed25519KeyPath) = Make("ed25519", "ed25519");
    }

    public string EcdsaCertificatePath { get; }

    public string EcdsaKeyPath { get; }

    public string RsaCertificatePath { get; }

    public string RsaKeyPath { get; }

    public string Ed25519CertificatePath { get; }

    public string Ed25519KeyPath { get; }

    public string DirectoryPath => _directory.FullName;

    public static byte[] ReadDer(string pemPath)
    {
        string pem = File.ReadAllText(pemPath, Encoding.ASCII);
        var fields = System.Security.Cryptography.PemEncoding.Find(pem);
        return Convert.FromBase64String(pem[fields.Base64Data]);
    }

    public void Dispose() => _directory.Delete(recursive: true);

    private (string Certificate, string Key) Make(string name, string algorithm, params string[] keyOptions)
    {
        string certificate = Path.Combine(_directory.FullName, name + "-cert.pem");
        string key = Path.Combine(_directory.FullName, name + "-key.pem");
        OpenSslProcess.Run(
            TimeSpan.FromSeconds(60),
            ["req", "-x509", "-newkey", algorithm, .. keyOptions, "-nodes", "-keyout", key, "-out", certificate, "-subj", $"/CN=openssl-{name}", "-days", "2"]);
        return (certificate, key);
    }
}
