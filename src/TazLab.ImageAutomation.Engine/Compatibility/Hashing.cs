using System.Security.Cryptography;

namespace System;

/// <summary>.NET 5's one-shot hashing and hex conversion.</summary>
internal static class HashingPolyfill
{
    extension(SHA256)
    {
        public static byte[] HashData(byte[] source)
        {
            using var sha = SHA256.Create();
            return sha.ComputeHash(source);
        }
    }

    extension(Convert)
    {
        public static string ToHexString(byte[] bytes)
        {
            var hex = new char[bytes.Length * 2];
            for (var i = 0; i < bytes.Length; i++)
            {
                hex[2 * i] = "0123456789ABCDEF"[bytes[i] >> 4];
                hex[(2 * i) + 1] = "0123456789ABCDEF"[bytes[i] & 0xF];
            }

            return new string(hex);
        }
    }
}
