namespace System.Security.Cryptography.X509Certificates;

/// <summary>
/// .NET 5's custom root trust and PEM import. .NET Framework's <see cref="X509Chain"/> cannot be told to trust only
/// given roots: the roots go to <see cref="X509ChainPolicy.ExtraStore"/>, so a chain to a CA that Windows does not
/// trust still fails to build (a -CertificatePath CA is refused on Windows PowerShell, never accepted wrongly).
/// </summary>
internal enum X509ChainTrustMode
{
    System = 0,
    CustomRootTrust = 1,
}

internal static class CertificatePolyfill
{
    private const string Begin = "-----BEGIN CERTIFICATE-----";
    private const string End = "-----END CERTIFICATE-----";

    extension(X509ChainPolicy policy)
    {
        public X509ChainTrustMode TrustMode
        {
            get => X509ChainTrustMode.System;
            set { }
        }

        public X509Certificate2Collection CustomTrustStore => policy.ExtraStore;
    }

    extension(X509Certificate2Collection certificates)
    {
        /// <summary>Adds every CERTIFICATE block of the PEM file; other blocks are skipped, as on .NET Core.</summary>
        public void ImportFromPemFile(string path)
        {
            var text = File.ReadAllText(path);
            for (var start = text.IndexOf(Begin, StringComparison.Ordinal); start >= 0; start = text.IndexOf(Begin, start, StringComparison.Ordinal))
            {
                var end = text.IndexOf(End, start, StringComparison.Ordinal);
                if (end < 0)
                {
                    throw new CryptographicException($"'{path}' has a certificate block with no end.");
                }

                var body = text.Substring(start + Begin.Length, end - start - Begin.Length);
                certificates.Add(new X509Certificate2(Convert.FromBase64String(body)));
                start = end + End.Length;
            }
        }
    }
}
